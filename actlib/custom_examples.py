"""The registry's activations written as formulas: the formula box's examples.

Data only. Parameter names match the registry's, so ``actlib.get(name)`` and
``actlib.custom(CUSTOM_EXAMPLES[name])`` take the same keyword arguments (a typed
formula's parameters default to 1.0; pass the registry's values to compare).
Each is checked against the registry's own code (f, f', f'') in tests/test_custom.py.
"""

from __future__ import annotations

CUSTOM_EXAMPLES: dict[str, str] = {
    "relu": "max(x, 0)",
    "leaky_relu": "where(x >= 0, x, alpha * x)",
    "elu": "where(x > 0, x, alpha * expm1(x))",
    "selu": "scale * where(x > 0, x, alpha * expm1(x))",
    "celu": "where(x > 0, x, alpha * expm1(x / alpha))",
    "sigmoid": "1 / (1 + exp(-x))",
    "tanh": "(exp(x) - exp(-x)) / (exp(x) + exp(-x))",
    "softplus": "softplus(beta * x) / beta",
    "silu": "x * sigmoid(x)",
    "swish": "x * sigmoid(beta * x)",
    "gelu": "x / 2 * (1 + erf(x / sqrt(2)))",
    "gelu_tanh": "x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))",
    "mish": "x * tanh(softplus(x))",
    "softsign": "x / (1 + abs(x))",
    "relu6": "min(max(x, 0), 6)",
    "hard_sigmoid": "min(max(x + 3, 0), 6) / 6",
    "hard_swish": "x * min(max(x + 3, 0), 6) / 6",
    "log_sigmoid": "-softplus(-x)",
    "maxout": "max(w1 * x + b1, w2 * x + b2)",
}

# the first example shown in an empty box: the issue's own
DEFAULT_FORMULA = "x * tanh(softplus(x))"

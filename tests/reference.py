"""Independent float64 reference for every registry activation.

Hand-written numpy/scipy formulas, deliberately not sharing code with actlib:
value ``f(x, **params)`` and closed-form first derivative ``df(x, **params)``,
keyed by registry name, with the same keyword parameters. The defaults are
pinned to the documentation they come from (``DEFAULTS``), not read from the
registry, so a wrong default in the registry fails the tests. At a
kink the derivative follows the convention the registry documents (the
branch JAX's comparison picks), so the two can be compared point for point.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from scipy import special

# Default parameters, each copied from the documentation it comes from (not from actlib):
LEAKY_SLOPE = 0.01    # torch.nn.LeakyReLU(negative_slope=0.01); jax.nn.leaky_relu(negative_slope=0.01)
PRELU_INIT = 0.25     # torch.nn.PReLU(num_parameters=1, init=0.25)
ELU_ALPHA = 1.0       # torch.nn.ELU(alpha=1.0); jax.nn.elu(alpha=1.0)
SELU_ALPHA = 1.6732632423543772848170429916717   # torch.nn.SELU docs; Klambauer et al. 2017, eq. 14
SELU_SCALE = 1.0507009873554804934193349852946   # the same docs: "scale"
CELU_ALPHA = 1.0      # torch.nn.CELU(alpha=1.0); jax.nn.celu(alpha=1.0)
SWISH_BETA = 1.0      # Ramachandran et al. 2017 "Swish-1"; tf.nn.silu(features, beta=1.0)
SOFTPLUS_BETA = 1.0   # torch.nn.Softplus(beta=1.0)
# No library default exists for these; the app's documented teaching choices (README):
MAXOUT = {"w1": 1.0, "b1": 0.0, "w2": 0.0, "b2": 0.0}      # max(x, 0): maxout starts as relu
SOFTMAX = {"classes": 2.0, "other_logit": 0.0}             # two classes: softmax is the sigmoid
GELU_TANH_C = np.sqrt(2.0 / np.pi)

# Every parameterised activation's defaults, by registry name; the tests check that the
# registry's defaults are these and that the functions below default to them.
DEFAULTS: dict[str, dict[str, float]] = {
    "leaky_relu": {"alpha": LEAKY_SLOPE},
    "prelu": {"alpha": PRELU_INIT},
    "elu": {"alpha": ELU_ALPHA},
    "selu": {"alpha": SELU_ALPHA, "scale": SELU_SCALE},
    "celu": {"alpha": CELU_ALPHA},
    "maxout": MAXOUT,
    "swish": {"beta": SWISH_BETA},
    "softplus": {"beta": SOFTPLUS_BETA},
    "softmax": SOFTMAX,
}
_M, _S = MAXOUT, SOFTMAX


class Ref(NamedTuple):
    f: Callable[..., np.ndarray]
    df: Callable[..., np.ndarray]


def _softplus(z):
    return np.logaddexp(0.0, z)


def _phi(x):
    return np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)


def _Phi(x):
    return 0.5 * special.erfc(-x / np.sqrt(2.0))


def _sech2(x):
    e = np.exp(-2 * np.abs(x))                  # sech^2 x = 4 e^{-2|x|} / (1 + e^{-2|x|})^2, no overflow
    return 4 * e / (1 + e) ** 2


def _hard_swish_d(x):
    return np.where(x <= -3, 0.0, np.where(x < 3, (2 * x + 3) / 6, 1.0))


def _gelu_tanh(x):
    u = GELU_TANH_C * (x + 0.044715 * x ** 3)
    return 0.5 * x * (1 + np.tanh(u))


def _gelu_tanh_d(x):
    u = GELU_TANH_C * (x + 0.044715 * x ** 3)
    t = np.tanh(u)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_TANH_C * (1 + 3 * 0.044715 * x * x)


def _mish_d(x):
    t = np.tanh(_softplus(x))
    return t + x * special.expit(x) * (1 - t * t)


def _softmax_p(x, classes, other_logit):
    # p = e^x / (e^x + (K-1) e^c), as a log-sum-exp rather than actlib's shifted sigmoid
    others = np.log(classes - 1.0) + other_logit
    return np.exp(x - np.logaddexp(x, others))


def _softmax_d(x, classes, other_logit):
    others = np.log(classes - 1.0) + other_logit
    log_norm = np.logaddexp(x, others)
    return np.exp(x - log_norm) * np.exp(others - log_norm)      # p (1 - p)


def _maxout_pick(x, w1, b1, w2, b2):
    return w1 * x + b1 > w2 * x + b2


REFERENCE: dict[str, Ref] = {
    "identity": Ref(lambda x: x, lambda x: np.ones_like(x)),
    "step": Ref(lambda x: (x >= 0).astype(float), lambda x: np.zeros_like(x)),
    "sigmoid": Ref(special.expit, lambda x: special.expit(x) * special.expit(-x)),
    "tanh": Ref(np.tanh, lambda x: _sech2(x)),
    "relu": Ref(lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float)),
    "leaky_relu": Ref(lambda x, alpha=LEAKY_SLOPE: np.where(x >= 0, x, alpha * x),
                      lambda x, alpha=LEAKY_SLOPE: np.where(x >= 0, 1.0, alpha)),
    "prelu": Ref(lambda x, alpha=PRELU_INIT: np.where(x >= 0, x, alpha * x),
                 lambda x, alpha=PRELU_INIT: np.where(x >= 0, 1.0, alpha)),
    "elu": Ref(lambda x, alpha=ELU_ALPHA: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))),
               lambda x, alpha=ELU_ALPHA: np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))),
    "selu": Ref(lambda x, alpha=SELU_ALPHA, scale=SELU_SCALE:
                scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))),
                lambda x, alpha=SELU_ALPHA, scale=SELU_SCALE:
                scale * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))),
    "celu": Ref(lambda x, alpha=CELU_ALPHA: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha)),
                lambda x, alpha=CELU_ALPHA: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0) / alpha))),
    "relu6": Ref(lambda x: np.clip(x, 0.0, 6.0), lambda x: ((x > 0) & (x < 6)).astype(float)),
    "maxout": Ref(lambda x, w1=_M["w1"], b1=_M["b1"], w2=_M["w2"], b2=_M["b2"]:
                  np.maximum(w1 * x + b1, w2 * x + b2),
                  lambda x, w1=_M["w1"], b1=_M["b1"], w2=_M["w2"], b2=_M["b2"]:
                  np.where(_maxout_pick(x, w1, b1, w2, b2), w1, w2) * np.ones_like(x)),
    "gelu": Ref(lambda x: x * _Phi(x), lambda x: _Phi(x) + x * _phi(x)),
    "gelu_tanh": Ref(_gelu_tanh, _gelu_tanh_d),
    "silu": Ref(lambda x: x * special.expit(x),
                lambda x: special.expit(x) * (1 + x * special.expit(-x))),
    "swish": Ref(lambda x, beta=SWISH_BETA: x * special.expit(beta * x),
                 lambda x, beta=SWISH_BETA: special.expit(beta * x) * (1 + beta * x * special.expit(-beta * x))),
    "mish": Ref(lambda x: x * np.tanh(_softplus(x)), _mish_d),
    "softplus": Ref(lambda x, beta=SOFTPLUS_BETA: _softplus(beta * x) / beta,
                    lambda x, beta=SOFTPLUS_BETA: special.expit(beta * x)),
    "softsign": Ref(lambda x: x / (1 + np.abs(x)), lambda x: 1.0 / (1 + np.abs(x)) ** 2),
    "hard_sigmoid": Ref(lambda x: np.clip(x + 3, 0.0, 6.0) / 6,
                        lambda x: ((x > -3) & (x < 3)) / 6.0),
    "hard_swish": Ref(lambda x: x * np.clip(x + 3, 0.0, 6.0) / 6, _hard_swish_d),
    "log_sigmoid": Ref(special.log_expit, lambda x: special.expit(-x)),
    "softmax": Ref(lambda x, classes=_S["classes"], other_logit=_S["other_logit"]:
                   _softmax_p(x, classes, other_logit),
                   lambda x, classes=_S["classes"], other_logit=_S["other_logit"]:
                   _softmax_d(x, classes, other_logit)),
}

# Second derivatives in closed form, for the functions the teacher differentiates twice.
SECOND: dict[str, Callable[..., np.ndarray]] = {
    "sigmoid": lambda x: special.expit(x) * special.expit(-x) * (1 - 2 * special.expit(x)),
    "tanh": lambda x: -2 * np.tanh(x) * _sech2(x),
    "softplus": lambda x, beta=SOFTPLUS_BETA: beta * special.expit(beta * x) * special.expit(-beta * x),
    "elu": lambda x, alpha=ELU_ALPHA: np.where(x > 0, 0.0, alpha * np.exp(np.minimum(x, 0))),
    "silu": lambda x: special.expit(x) * special.expit(-x) * (2 + x * (1 - 2 * special.expit(x))),
    "gelu": lambda x: _phi(x) * (2 - x * x),
}

# Points where the first derivative jumps (or f itself does), per registry name;
# a function of the parameters. Comparisons of derivatives stay away from them.
KINKS: dict[str, Callable[..., list[float]]] = {
    "step": lambda: [0.0],
    "relu": lambda: [0.0],
    "leaky_relu": lambda alpha=LEAKY_SLOPE: [0.0],
    "prelu": lambda alpha=PRELU_INIT: [0.0],
    "elu": lambda alpha=ELU_ALPHA: [0.0],
    "selu": lambda alpha=SELU_ALPHA, scale=SELU_SCALE: [0.0],
    "celu": lambda alpha=CELU_ALPHA: [0.0],
    "relu6": lambda: [0.0, 6.0],
    "maxout": lambda w1=_M["w1"], b1=_M["b1"], w2=_M["w2"], b2=_M["b2"]:
              [] if w1 == w2 else [(b2 - b1) / (w1 - w2)],
    "softsign": lambda: [0.0],              # f'' jumps there
    "hard_sigmoid": lambda: [-3.0, 3.0],
    "hard_swish": lambda: [-3.0, 3.0],
}


def ref(name: str) -> Ref:
    return REFERENCE[name]


def kinks(name: str, **params) -> list[float]:
    return KINKS.get(name, lambda **_: [])(**params)

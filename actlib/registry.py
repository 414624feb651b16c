"""The activation registry: every activation as data.

Pages build their pickers, sliders, formulas and explanation cards from
these entries, so adding an activation is one ``Activation(...)`` below.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from actlib import functions as F


@dataclasses.dataclass(frozen=True)
class Param:
    """One tunable parameter: a slider with its range, and its LaTeX symbol."""

    name: str
    default: float
    min: float
    max: float
    step: float
    symbol: str = ""

    def clamp(self, value: float) -> float:
        return float(min(max(value, self.min), self.max))


@dataclasses.dataclass(frozen=True)
class Activation:
    """A registry entry. Calling it applies the function elementwise.

    ``latex`` and ``latex_derivative`` are templates in which ``[name]``
    stands for a parameter; :func:`actlib.formulas.render` substitutes
    symbols or values. What f' is at a kink lives in the text catalogue
    (``act.<name>.kink``, both languages).
    """

    name: str
    fn: Callable
    group: str
    latex: str
    latex_derivative: str
    params: tuple[Param, ...] = ()

    @property
    def explanation_keys(self) -> tuple[str, ...]:
        return tuple(f"act.{self.name}.{part}" for part in ("title", "purpose", "pros", "cons"))

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    def __call__(self, x, **params):
        from actlib.autodiff import evaluate  # local: autodiff imports this module

        return evaluate(self.name, x, **params)


def _alpha(default, lo=0.0, hi=1.0, step=0.01):
    return Param("alpha", default, lo, hi, step, r"\alpha")


_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805

_POS = r"x \ge 0"
_NEG = r"x < 0"


def _cases(a, cond_a, b, cond_b):
    return rf"\begin{{cases}} {a} & {cond_a} \\ {b} & {cond_b} \end{{cases}}"


ACTIVATIONS: tuple[Activation, ...] = (
    # classic
    Activation("identity", F.identity, "classic", "x", "1"),
    Activation("step", F.step, "classic", _cases("1", _POS, "0", _NEG),
               r"0 \quad (x \ne 0)"),
    Activation("sigmoid", F.sigmoid, "classic", r"\sigma(x) = \frac{1}{1 + e^{-x}}",
               r"\sigma(x)\,\bigl(1 - \sigma(x)\bigr)"),
    Activation("tanh", F.tanh, "classic", r"\tanh x", r"1 - \tanh^2 x"),
    # ReLU family
    Activation("relu", jax.nn.relu, "relu_family", r"\max(0, x)",
               _cases("1", "x > 0", "0", r"x \le 0")),
    Activation("leaky_relu", F.leaky_relu, "relu_family", _cases("x", _POS, "[alpha]\\,x", _NEG),
               _cases("1", _POS, "[alpha]", _NEG), (_alpha(0.01),)),
    Activation("prelu", F.leaky_relu, "relu_family", _cases("x", _POS, "[alpha]\\,x", _NEG),
               _cases("1", _POS, "[alpha]", _NEG), (_alpha(0.25),)),
    Activation("elu", F.elu, "relu_family", _cases("x", "x > 0", "[alpha]\\,(e^{x} - 1)", r"x \le 0"),
               _cases("1", "x > 0", "[alpha]\\,e^{x}", r"x \le 0"), (_alpha(1.0, 0.0, 3.0, 0.05),)),
    Activation("selu", F.selu, "relu_family",
               r"[scale]" + _cases("x", "x > 0", "[alpha]\\,(e^{x} - 1)", r"x \le 0"),
               r"[scale]" + _cases("1", "x > 0", "[alpha]\\,e^{x}", r"x \le 0"),
               (_alpha(_SELU_ALPHA, 0.0, 3.0, 0.01),
                Param("scale", _SELU_SCALE, 0.5, 2.0, 0.01, r"\lambda"))),
    Activation("celu", F.celu, "relu_family",
               _cases("x", "x > 0", "[alpha]\\,(e^{x/[alpha]} - 1)", r"x \le 0"),
               _cases("1", "x > 0", "e^{x/[alpha]}", r"x \le 0"), (_alpha(1.0, 0.1, 3.0, 0.05),)),
    Activation("relu6", jax.nn.relu6, "relu_family", r"\min(\max(0, x), 6)",
               _cases("1", "0 < x < 6", "0", r"\text{otherwise}")),
    Activation("maxout", F.maxout, "relu_family",
               r"\max([w1]\,x + [b1],\; [w2]\,x + [b2])",
               _cases("[w1]", "[w1]\\,x + [b1] > [w2]\\,x + [b2]", "[w2]", r"\text{otherwise}"),
               (Param("w1", 1.0, -2.0, 2.0, 0.01, "w_1"), Param("b1", 0.0, -2.0, 2.0, 0.01, "b_1"),
                Param("w2", 0.0, -2.0, 2.0, 0.01, "w_2"), Param("b2", 0.0, -2.0, 2.0, 0.01, "b_2"))),
    # smooth
    Activation("gelu", F.gelu, "smooth", r"x\,\Phi(x) = \tfrac{x}{2}\operatorname{erfc}\!\left(-\tfrac{x}{\sqrt{2}}\right)",
               r"\Phi(x) + x\,\varphi(x)"),
    Activation("gelu_tanh", F.gelu_tanh, "smooth",
               r"\tfrac{x}{2}\bigl(1 + \tanh u\bigr),\; u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)",
               r"\tfrac{1}{2}(1 + \tanh u) + \tfrac{x}{2}(1 - \tanh^2 u)\sqrt{2/\pi}\,(1 + 0.134145\,x^2)"),
    Activation("silu", F.silu, "smooth", r"x\,\sigma(x)",
               r"\sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr)"),
    Activation("swish", F.swish, "smooth", r"x\,\sigma([beta]\,x)",
               r"\sigma([beta]\,x)\bigl(1 + [beta]\,x\,(1 - \sigma([beta]\,x))\bigr)",
               (Param("beta", 1.0, 0.0, 5.0, 0.05, r"\beta"),)),
    Activation("mish", jax.nn.mish, "smooth", r"x \tanh\bigl(\operatorname{softplus}(x)\bigr)",
               r"\tanh s + x\,\sigma(x)\,(1 - \tanh^2 s),\; s = \log(1 + e^{x})"),
    Activation("softplus", F.softplus, "smooth", r"\tfrac{1}{[beta]}\log\bigl(1 + e^{[beta]\,x}\bigr)",
               r"\sigma([beta]\,x)", (Param("beta", 1.0, 0.1, 10.0, 0.1, r"\beta"),)),
    Activation("softsign", jax.nn.soft_sign, "smooth", r"\frac{x}{1 + |x|}", r"\frac{1}{(1 + |x|)^2}"),
    # hard (mobile) approximations
    Activation("hard_sigmoid", jax.nn.hard_sigmoid, "hard", r"\frac{\mathrm{relu6}(x + 3)}{6}",
               _cases(r"\tfrac{1}{6}", "-3 < x < 3", "0", r"\text{otherwise}")),
    Activation("hard_swish", jax.nn.hard_silu, "hard", r"x\,\frac{\mathrm{relu6}(x + 3)}{6}",
               r"\begin{cases} 0 & x \le -3 \\ \frac{2x + 3}{6} & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}"),
    # output layers
    Activation("log_sigmoid", jax.nn.log_sigmoid, "output", r"\log \sigma(x) = -\log(1 + e^{-x})",
               r"1 - \sigma(x)"),
    Activation("softmax", F.softmax_class, "output",
               r"p = \frac{e^{x}}{e^{x} + ([classes] - 1)\,e^{[other_logit]}}", r"p\,(1 - p)",
               (Param("classes", 2.0, 2.0, 10.0, 1.0, "K"),
                Param("other_logit", 0.0, -5.0, 5.0, 0.1, "c"))),
)

GROUPS: tuple[str, ...] = ("classic", "relu_family", "smooth", "hard", "output")

_BY_NAME = {a.name: a for a in ACTIVATIONS}

# Names outside the table: "custom:<formula>" (actlib.custom registers its parser here, so
# this module needs nothing from it; the hook keeps the import graph acyclic).
CUSTOM_PREFIX = "custom:"
_RESOLVERS: dict[str, Callable[[str], Activation]] = {}


def register_resolver(prefix: str, resolve: Callable[[str], Activation]) -> None:
    """Let :func:`get` answer names starting with ``prefix`` through ``resolve(name)``."""
    _RESOLVERS[prefix] = resolve


def is_builtin(name) -> bool:
    return isinstance(name, str) and name in _BY_NAME


def names() -> tuple[str, ...]:
    """Registry names in teaching order."""
    return tuple(_BY_NAME)


def get(name: str) -> Activation:
    """The entry called ``name`` (or ``custom:<formula>``, or an Activation: itself by its
    name); an unknown name raises ValueError listing the valid ones."""
    if isinstance(name, Activation):
        name = name.name
    if is_builtin(name):
        return _BY_NAME[name]
    for prefix, resolve in _RESOLVERS.items():
        if isinstance(name, str) and name.startswith(prefix):
            return resolve(name)  # a bad formula raises FormulaError, a ValueError
    raise ValueError(f"unknown activation {name!r}; valid names: {', '.join(names())}")


def resolve_params(act: Activation, params: dict) -> dict[str, np.float32]:
    """Defaults filled in, unknown names rejected, every value a float32 scalar.

    float32 scalars (never Python ints or floats) keep the jit cache key fixed,
    so moving a slider reuses the compiled function.
    """
    unknown = set(params) - set(act.param_names)
    if unknown:
        raise ValueError(f"{act.name} has no parameter(s) {sorted(unknown)}; "
                         f"it takes {list(act.param_names) or 'none'}")
    merged = act.defaults() | params
    return {k: np.float32(merged[k]) for k in act.param_names}

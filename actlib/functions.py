"""Activation functions that ``jax.nn`` lacks, or lacks with a tunable parameter.

One short function per activation, each with its formula. Every form here is
finite for every float32 input, value and first two derivatives included:
exponentials only ever see the branch they belong to (the inner ``where``),
and softplus-like terms go through ``logaddexp``/``lax.logistic``.

Values at kinks follow JAX's convention: the derivative is the one of the
branch the comparison picks (``relu'(0) = 0``, ``leaky_relu'(0) = 1``,
``elu'(0) = alpha``), stated per function below.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax
from jax.typing import ArrayLike
from jax import Array


# Accurate derivatives in the tails. JAX's own rules compute logistic' as
# s(1 - s) and expm1' as expm1(x) + 1: both round to exactly 0 in float32 long
# before the true value underflows (sigmoid'(17) = 4e-8 came out 0), which would
# paint a "dead" region where the gradient is small but alive.


def _logistic_slope(x: Array) -> Array:
    r""":math:`\sigma'(x) = s(1 - s)` with :math:`s = \sigma(-|x|) \le 1/2`: the small
    factor is computed directly, so the product is accurate in both tails and
    never exceeds 1/4 after rounding."""
    s = lax.logistic(-jnp.abs(x))
    return s * (1.0 - s)


@jax.custom_jvp
def sigmoid(x: ArrayLike) -> Array:
    r"""Logistic sigmoid, :math:`\sigma(x) = 1/(1 + e^{-x})`, with an accurate
    :math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))` in both tails."""
    return lax.logistic(jnp.asarray(x))


sigmoid.defjvps(lambda g, ans, x: g * _logistic_slope(x))


@jax.custom_jvp
def tanh(x: ArrayLike) -> Array:
    r"""Hyperbolic tangent, with :math:`\tanh'(x) = 4\,\sigma(2x)\,\sigma(-2x)`
    (equal to :math:`1 - \tanh^2 x`, which rounds to 0 beyond |x| = 8 in float32)."""
    return jnp.tanh(jnp.asarray(x))


tanh.defjvps(lambda g, ans, x: g * 4.0 * _logistic_slope(2.0 * x))


@jax.custom_jvp
def expm1(x: ArrayLike) -> Array:
    r""":math:`e^x - 1` with derivative :math:`e^x` computed directly."""
    return jnp.expm1(jnp.asarray(x))


expm1.defjvps(lambda g, ans, x: g * jnp.exp(x))


def identity(x: ArrayLike) -> Array:
    r"""Identity. :math:`f(x) = x`."""
    return jnp.asarray(x)


def step(x: ArrayLike) -> Array:
    r"""Heaviside step, :math:`H(x) = 1` for :math:`x \ge 0`, else 0.

    Its derivative is 0 wherever it exists (and autodiff reports 0 at x = 0
    too): a network built from it gets no gradient signal at all.
    """
    x = jnp.asarray(x)
    return jnp.where(x >= 0, jnp.ones_like(x), jnp.zeros_like(x))


def leaky_relu(x: ArrayLike, alpha: ArrayLike = 0.01) -> Array:
    r"""Leaky ReLU, :math:`f(x) = x` for :math:`x \ge 0`, :math:`\alpha x` else.

    At the kink the positive branch is taken: :math:`f'(0) = 1` (as ``jax.nn``).
    """
    x = jnp.asarray(x)
    return jnp.where(x >= 0, x, alpha * x)


def elu(x: ArrayLike, alpha: ArrayLike = 1.0) -> Array:
    r"""ELU, :math:`f(x) = x` for :math:`x > 0`, :math:`\alpha(e^x - 1)` else.

    :math:`f'(0) = \alpha` (the left branch owns 0, as in ``jax.nn.elu``).
    """
    x = jnp.asarray(x)
    safe_x = jnp.where(x > 0, 0.0, x)  # exp never sees large positive x
    return jnp.where(x > 0, x, alpha * expm1(safe_x))


def selu(x: ArrayLike, alpha: ArrayLike = 1.6732632423543772,
         scale: ArrayLike = 1.0507009873554805) -> Array:
    r"""SELU, :math:`f(x) = \lambda x` for :math:`x > 0`, :math:`\lambda\alpha(e^x - 1)` else.

    ``jax.nn.selu`` fixes both constants; here they are sliders.
    """
    return scale * elu(x, alpha)


def celu(x: ArrayLike, alpha: ArrayLike = 1.0) -> Array:
    r"""CELU, :math:`f(x) = x` for :math:`x > 0`, :math:`\alpha(e^{x/\alpha} - 1)` else.

    :math:`f'(0) = 1` for every alpha: that is the point of CELU.
    """
    x = jnp.asarray(x)
    safe_x = jnp.where(x > 0, 0.0, x)
    return jnp.where(x > 0, x, alpha * expm1(safe_x / alpha))


def gelu(x: ArrayLike) -> Array:
    r"""Exact GELU, :math:`f(x) = x\,\Phi(x) = \tfrac{x}{2}\operatorname{erfc}(-x/\sqrt{2})`.

    The erfc form keeps the left tail accurate where ``1 + erf`` cancels.
    """
    x = jnp.asarray(x)
    return 0.5 * x * lax.erfc(-x * jnp.sqrt(0.5).astype(x.dtype))


def swish(x: ArrayLike, beta: ArrayLike = 1.0) -> Array:
    r"""Swish, :math:`f(x) = x\,\sigma(\beta x)`; :math:`\beta = 1` is SiLU."""
    x = jnp.asarray(x)
    return x * sigmoid(beta * x)


def softplus(x: ArrayLike, beta: ArrayLike = 1.0) -> Array:
    r"""Softplus, :math:`f(x) = \tfrac{1}{\beta}\log(1 + e^{\beta x})`.

    Exact everywhere (PyTorch switches to the identity above beta*x = 20).
    """
    x = jnp.asarray(x)
    return jnp.logaddexp(beta * x, 0.0) / beta



def softmax_class(x: ArrayLike, classes: ArrayLike = 2.0,
                  other_logit: ArrayLike = 0.0) -> Array:
    r"""Softmax probability of one class as its logit x varies.

    The other ``classes - 1`` logits are all ``other_logit`` (c), so
    :math:`p(x) = \frac{e^x}{e^x + (K-1)e^c} = \sigma(x - c - \log(K-1))`:
    a shifted sigmoid, which is why a two-class softmax *is* a sigmoid.
    """
    x = jnp.asarray(x)
    return sigmoid(x - other_logit - jnp.log(classes - 1.0))


def maxout(x: ArrayLike, w1: ArrayLike = 1.0, b1: ArrayLike = 0.0,
           w2: ArrayLike = 0.0, b2: ArrayLike = 0.0) -> Array:
    r"""Maxout of two affine pieces, :math:`f(x) = \max(w_1 x + b_1,\; w_2 x + b_2)`.

    Defaults give ReLU; ``w2 = 0.01`` gives leaky ReLU, ``w2 = -1`` gives
    :math:`|x|`. Ties go to the second piece, so the defaults reproduce
    ``relu'(0) = 0``.
    """
    x = jnp.asarray(x)
    first, second = w1 * x + b1, w2 * x + b2
    return jnp.where(first > second, first, second)


def gelu_tanh(x: ArrayLike) -> Array:
    r"""GELU, tanh approximation (JAX's default, PyTorch's ``approximate='tanh'``); the same
    values as ``jax.nn.gelu(approximate=True)``, written through sigmoid for accurate tails.

    :math:`f(x) = \tfrac{x}{2}\bigl(1 + \tanh(\sqrt{2/\pi}(x + 0.044715x^3))\bigr)`.
    """
    x = jnp.asarray(x)
    u = jnp.sqrt(2.0 / jnp.pi).astype(x.dtype) * (x + 0.044715 * x**3)
    return x * sigmoid(2.0 * u)  # (1 + tanh u)/2 = sigma(2u), accurate where tanh u ~ -1


def silu(x: ArrayLike) -> Array:
    r"""SiLU, :math:`f(x) = x\,\sigma(x)` (swish with beta = 1), through the accurate sigmoid."""
    x = jnp.asarray(x)
    return x * sigmoid(x)

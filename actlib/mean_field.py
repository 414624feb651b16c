r"""Mean-field theory of signal and gradient propagation at initialisation.

Plain stacks (Poole et al. 2016; Schoenholz et al. 2017). With
:math:`\xi \sim N(0,1)`, the pre-activation variance obeys

.. math:: q_{l+1} = \sigma_w^2\,\mathbb{E}[\phi(\sqrt{q_l}\,\xi)^2] + \sigma_b^2,
          \qquad q_0 = \sigma_w^2 + \sigma_b^2 \quad (\text{inputs } N(0,1)),

and the squared gradient norm grows by
:math:`\chi_1(q_l) = \sigma_w^2\,\mathbb{E}[\phi'(\sqrt{q_l}\,\xi)^2]` per layer
going down, so :math:`\log_{10}\|\partial L/\partial z_l\|` changes by
:math:`\tfrac12\log_{10}\chi_1` per layer. q is iterated from the input, not
set to the fixed point q*, so the first layers' transient is predicted too.

The same Gaussian closure extends (an approximation, documented here because
the page draws it) to the other stacks. With Q_l the mean square of h_l,
:math:`v_l = \sigma_w^2 Q_l + \sigma_b^2` the variance of z_l, and C the
squared norm of dL/dh:

* layer norm: :math:`a_l = \mathrm{LN}(z_l)` has :math:`q_l = 1`, and LN's
  Jacobian is ~ :math:`1/\sqrt{v_l}` times a projection, so :math:`f_l = 1/v_l`
  (f_l = 1 without it);
* batch norm: likewise :math:`q_l = 1` and :math:`f_l = 1/v_l`, but BN divides by the
  variance *across the batch*, where the stream's shared mean and the bias drop out:
  :math:`v_l = \sigma_w^2 (Q_l - m_l^2)` (the large-batch, independent-unit limit);
* per layer :math:`\|\partial L/\partial z_l\|^2 = f_l E_l C_{l+1}`, with
  :math:`E_l = \mathbb{E}[\phi'(\sqrt{q_l}\xi)^2]`, and
  :math:`C_l = C_{l+1}(\chi_l + [\text{residual}])`, :math:`\chi_l = \sigma_w^2 f_l E_l`;
* residual: the branch's fluctuations are taken as independent of the stream,
  but not its mean: with :math:`\mu_l = \mathbb{E}[\phi(\sqrt{q_l}\xi)]` and
  the stream's mean :math:`m_{l+1} = m_l + \mu_l` (m_0 = 0),
  :math:`Q_{l+1} = Q_l + 2 m_l \mu_l + \mathbb{E}[\phi(\sqrt{q_l}\xi)^2]`
  (ReLU and sigmoid branches pile up a mean); plain stacks have
  :math:`Q_{l+1} = \mathbb{E}[\phi(\sqrt{q_l}\xi)^2]`.

Where the closure fails: a residual stack *without* layer norm whose branches
have a mean (ReLU, GELU, sigmoid...). The stream's mean direction then feeds
back through the same W_l that made it, a coherent mode the independence
assumption drops, and the measured slope runs 2-3x the closure's. So a
residual stack with :math:`\max_l m_l^2 / Q_l > 0.01` is marked invalid
(:attr:`MeanField.valid`; ``flow.mean_field`` returns None, "theory not
available"). Odd activations (tanh) keep m = 0 and their line. With layer
norm the branch is O(1) against a growing stream and the closure holds.

Batch norm without residual connections is marked invalid too: batch statistics
couple the examples, and at initialisation the gradient explodes going down
(Yang et al. 2019, "A mean field theory of batch normalization") faster than this
per-unit closure says: measured at width 256, depth 60, batch 64, the slope runs
1.0-2.2x the closure's (ReLU 1.0x, tanh 1.15x, sigmoid 1.65x, softplus 2.2x) and
moves with the batch size, which the closure does not see. With residual
connections the shortcut dominates and the closure holds (tanh, ReLU, sigmoid:
within 6% of the measured slope at batch 16..256).

Gaussian expectations use 100-point Gauss-Hermite quadrature (probabilists'),
exact for polynomials up to degree 199.

Float32 range. An exploding plain stack (ReLU at gain 4: q grows 16x a layer) takes q
past float32's largest number within ~30 layers, and a shrinking one (ReLU with
Xavier: q halves) below its smallest within ~150; the activation would then be read
at infinity or at exactly 0 (where ReLU's derivative is a convention), and the line
went to -inf or NaN although the prediction itself, a sum of logarithms, is finite.
So the activation's input variance is kept in [Q_FLOOR, Q_CEILING]. Beyond them an
activation is in its asymptotic regime (ReLU, ELU, GELU... are linear out there and
smooth at 0), where E[phi'^2] no longer depends on q, and the gradient's slope
carries on exactly. Each clipped layer checks that: E[phi'^2] two decades of q
inside the bound must agree within ASYMPTOTE_RTOL, else (a typed x**3, say) the
theory is withheld (:attr:`MeanField.valid` False) rather than drawn wrong. q is
reported clipped there.
"""

from __future__ import annotations

import functools
from typing import NamedTuple, Optional

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from numpy.polynomial.hermite_e import hermegauss

from actlib.registry import get, resolve_params

QUAD_POINTS = 100
MAX_DEPTH = 1000
MAX_MEAN_SHARE = 0.01  # of the residual stream's second moment that may be its mean
Q_FLOOR, Q_CEILING = 1e-30, 1e30  # float32-safe: sqrt(1e30) * 13.6 (the largest node), squared, < 3e38
ASYMPTOTE_RTOL = 1e-3
_NODES, _WEIGHTS = hermegauss(QUAD_POINTS)
_WEIGHTS = _WEIGHTS / np.sqrt(2.0 * np.pi)  # now E[f(xi)] = sum_i w_i f(x_i)


class MeanField(NamedTuple):
    """Per layer l (shape (depth,), float64)."""

    q: np.ndarray           # variance of a_l, the activation's input
    chi_1: np.ndarray       # squared-gradient gain through layer l: sigma_w^2 f_l E_l
    log10_grad: np.ndarray  # predicted log10 ||dL/dz_l||, for a unit-norm dL/dh_depth
    valid: bool             # False where the closure is known to fail (see the module doc)
    clipped: bool = False   # q left float32's range and was held at a bound (see the module doc)


def gaussian_moments(phi, q: jax.Array, params: dict) -> tuple[jax.Array, jax.Array, jax.Array]:
    r""":math:`\mathbb{E}[\phi]`, :math:`\mathbb{E}[\phi^2]`, :math:`\mathbb{E}[\phi'^2]`
    at :math:`\sqrt q\,\xi`, by quadrature."""
    x = jnp.sqrt(q) * jnp.asarray(_NODES, jnp.float32)
    u, slope = jax.jvp(lambda t: phi(t, **params), (x,), (jnp.ones_like(x),))
    w = jnp.asarray(_WEIGHTS, jnp.float32)
    return w @ u, w @ (u * u), w @ (slope * slope)


@functools.lru_cache(maxsize=64)
def _program(activation: str, norm: Optional[str], residual: bool):
    """All MAX_DEPTH layers in one scan (about a millisecond), so depth compiles nothing;
    the parameters and sigmas are traced."""
    phi = get(activation).fn

    def run(params, sigma_w2, sigma_b2):
        def layer(stream, _):
            square, mean = stream                     # Q_l and m_l of h_l
            if norm == "batchnorm":  # the variance across the batch: the shared mean and b drop out
                v = sigma_w2 * jnp.maximum(square - mean * mean, 1e-30)
            else:
                v = sigma_w2 * square + sigma_b2
            q, f = (jnp.ones_like(v), 1.0 / v) if norm else (v, jnp.ones_like(v))
            # outside float32's range, read the activation at a bound (NaN < bound is False:
            # an overflowed inf - inf lands on the ceiling too); see the module doc
            high, low = ~(q < Q_CEILING), q < Q_FLOOR
            q = jnp.where(high, Q_CEILING, jnp.where(low, Q_FLOOR, q))
            mu, m2, e = gaussian_moments(phi, q, params)
            probe = gaussian_moments(phi, jnp.where(high, Q_CEILING / 100, Q_FLOOR * 100), params)[2]
            clipped = high | low
            settled = (jnp.abs(probe - e) <= ASYMPTOTE_RTOL * e) & (e > 0) & jnp.isfinite(e)
            asymptotic = ~clipped | settled  # e = 0 at a bound is an underflow (x**3), not phi' = 0
            if residual:
                stream = (square + 2.0 * mean * mu + m2, mean + mu)
            else:
                stream = (m2, mu)
            return stream, (q, f, e, mean * mean / square, clipped, asymptotic)

        return lax.scan(layer, (jnp.float32(1.0), jnp.float32(0.0)), None, length=MAX_DEPTH)[1]

    return jax.jit(run)


def _curve(layers: tuple, sigma_w2: float, depth: int, norm: Optional[str],
           residual: bool) -> MeanField:
    """The theory's numbers for the first ``depth`` layers of the raw per-layer arrays."""
    q, f, e, mean_share = (np.asarray(v[:depth], np.float64) for v in layers[:4])
    clipped, asymptotic = (np.asarray(v[:depth], bool) for v in layers[4:])
    chi = sigma_w2 * f * e
    with np.errstate(divide="ignore", invalid="ignore"):  # phi' = 0 (step) is a true -inf
        step = np.log10(chi + (1.0 if residual else 0.0))
        below = np.concatenate([np.cumsum(step[::-1])[::-1][1:], [0.0]])  # log10 C_{l+1}
        log10_grad = 0.5 * (np.log10(f * e) + below)
    valid = not (residual and norm is None and np.nanmax(mean_share) > MAX_MEAN_SHARE)
    valid = valid and not (norm == "batchnorm" and not residual)  # see the module doc
    valid = valid and bool(asymptotic.all())  # a clipped q where E[phi'^2] still moves
    return MeanField(q, chi, log10_grad, bool(valid), bool(clipped.any()))


def predict(activation: str, params: dict, sigma_w2: float, sigma_b2: float, depth: int,
            norm: Optional[str] = None, residual: bool = False) -> MeanField:
    """The theory for a stack of ``depth`` layers (see the module docstring)."""
    act_params = resolve_params(get(activation), params)
    layers = jax.device_get(_program(activation, norm, residual)(
        act_params, np.float32(sigma_w2), np.float32(sigma_b2)))
    return _curve(layers, sigma_w2, depth, norm, residual)


@functools.lru_cache(maxsize=64)
def _many_program(activation: str, norm: Optional[str], residual: bool):
    return jax.jit(jax.vmap(_program(activation, norm, residual), in_axes=(None, 0, None)))


def predict_many(activation: str, params: dict, sigma_w2s, sigma_b2: float, depth: int,
                 norm: Optional[str] = None, residual: bool = False) -> list[MeanField]:
    """:func:`predict` for many sigma_w^2 at once (one vectorised call; the gain sweep)."""
    act_params = resolve_params(get(activation), params)
    sigma_w2s = [float(w2) for w2 in sigma_w2s]
    padded = sigma_w2s + [sigma_w2s[-1]] * (-len(sigma_w2s) % 16)  # counts share a program
    layers = jax.device_get(_many_program(activation, norm, residual)(
        act_params, np.asarray(padded, np.float32), np.float32(sigma_b2)))
    return [_curve(tuple(v[i] for v in layers), w2, depth, norm, residual)
            for i, w2 in enumerate(sigma_w2s)]


def predict_depths(activation: str, params: dict, sigma_w2: float, sigma_b2: float, depth: int,
                   norm: Optional[str] = None, residual: bool = False) -> list[MeanField]:
    """:func:`predict` for every depth 1..depth (one call: the depth sweep). The forward
    recursion runs from the input, so each depth's arrays are a prefix of the deepest's."""
    act_params = resolve_params(get(activation), params)
    layers = jax.device_get(_program(activation, norm, residual)(
        act_params, np.float32(sigma_w2), np.float32(sigma_b2)))
    return [_curve(layers, sigma_w2, d, norm, residual) for d in range(1, depth + 1)]

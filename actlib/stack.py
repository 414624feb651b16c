r"""The deep stack behind :mod:`actlib.flow`: weights, a forward ``lax.scan``
and a reversed, log-space ``lax.scan`` for the gradients.

The network (every layer ``width x width``; rows are examples)::

    h_0 = x                                  x ~ N(0, 1), shape (batch, width)
    z_l = h_l W_l + b_l                      pre-activation of hidden layer l
    a_l = LN(z_l)  or  z_l                   LN: per-example layer norm, no affine
    h_{l+1} = phi(a_l)  or  h_l + phi(a_l)   plain / residual

Depth is padded to a power-of-two *bucket*; layers ``l >= depth`` are skipped
by ``lax.cond`` (identity forward, pass-through backward), so one compilation
serves every depth in a bucket and skipped layers cost no arithmetic.

The backward pass never forms a gradient that could leave float32 range: it
carries, per example n, a unit cotangent ``c_hat_n`` on ``h_{l+1}`` and its
log-scale ``s_n``, so that ``dL/dh_{l+1}[n] = exp(s_n) c_hat_n``. One step is
the explicit Jacobian-transpose product

    g_n = diag(phi'(a_l[n])) c_hat_n          (then LN^T when normed)
    c_n = g_n W_l^T  (+ c_hat_n when residual),   s_n += log ||c_n||,  c_hat_n = c_n / ||c_n||

so ``||dL/dz_l[n]|| = exp(s_n) ||g_n||`` is exact in log space however deep.
"""

from __future__ import annotations

import math
from typing import NamedTuple, Optional

import jax
import jax.numpy as jnp
from jax import lax

from actlib.registry import get

BUCKETS: tuple[int, ...] = (16, 32, 64, 128, 256, 512, 1024)
SATURATION_SLOPE = 0.01   # |phi'| below this counts as saturated
LN_EPS = 1e-5
_LN10 = math.log(10.0)


def bucket(depth: int) -> int:
    """The smallest bucket holding ``depth`` layers (at most 2x padding)."""
    return next(b for b in BUCKETS if b >= depth)


class Static(NamedTuple):
    """Everything that fixes array shapes or program structure: the jit cache key."""

    width: int
    batch: int
    bucket: int
    activation: str
    orthogonal: bool
    norm: Optional[str]
    residual: bool


class Params(NamedTuple):
    """Stacked layer parameters, ``bucket`` layers (padded ones are zero)."""

    weights: jax.Array   # (L, width, width)
    biases: jax.Array    # (L, width)


class Forward(NamedTuple):
    out: jax.Array              # (batch, width): h_depth
    inputs: jax.Array           # (L, batch, width): h_l, the layer inputs
    slopes: jax.Array           # (L, batch, width): phi'(a_l)
    pre: Optional[jax.Array]    # (L, batch, width): z_l, kept only for LN's transpose
    stats: jax.Array            # (L, 4): mean phi, std phi, saturated, dead fractions


class Backward(NamedTuple):
    log10_grad: jax.Array              # (L,): log10 RMS_n ||dL/dz_l[n]||
    log10_weight_grad: jax.Array       # (L,): log10 ||dL/dW_l||_F
    grads: Optional[Params]            # true float32 dL/dW_l, dL/db_l when asked for


# --- noise -------------------------------------------------------------------

def _fmix32(x: jax.Array) -> jax.Array:
    """MurmurHash3's 32-bit finaliser: a bijection with full avalanche."""
    x = x ^ (x >> 16)
    x = x * jnp.uint32(0x85EBCA6B)
    x = x ^ (x >> 13)
    x = x * jnp.uint32(0xC2B2AE35)
    return x ^ (x >> 16)


def hash_normal(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    r"""iid N(0, 1) float32 from a keyed counter hash: ``fmix(fmix(i + k0) ^ k1)``.

    Why not ``jax.random.normal``: threefry on CPU costs 3-4x a whole forward
    pass for width x width weights. Init weights need independence and the
    Gaussian law, not cryptographic strength; the two keys come from threefry.
    The top 23 bits give u in (-1, 1), never +-1, and :math:`z = \sqrt2\,\mathrm{erf}^{-1}(u)`.
    """
    k = jax.random.bits(key, (2,), jnp.uint32)
    count = lax.iota(jnp.uint32, math.prod(shape)).reshape(shape)
    bits = _fmix32(_fmix32(count + k[0]) ^ k[1])
    odd = (bits >> 9).astype(jnp.float32) * 2.0 + (1.0 - 2.0 ** 23)  # odd ints, |.| < 2^23: exact
    u = odd * (2.0 ** -23)                                          # so |u| <= 1 - 2^-23 < 1
    return jnp.sqrt(jnp.float32(2.0)) * lax.erf_inv(u)


def _orthogonal(key: jax.Array, n: int) -> jax.Array:
    """Haar-random orthogonal matrix: Q of a Gaussian's QR, column signs fixed by diag R."""
    q, r = jnp.linalg.qr(hash_normal(key, (n, n)))
    return q * jnp.sign(jnp.diagonal(r))


def init_params(st: Static, key: jax.Array, depth: jax.Array, scale: jax.Array,
                bias_std: jax.Array) -> Params:
    """W_l = scale * N(0,1) (or scale * orthogonal), b_l ~ N(0, bias_std^2); zeros past depth."""
    kw, kb = jax.random.split(key)

    def layer(l):
        w_key, b_key = jax.random.fold_in(kw, l), jax.random.fold_in(kb, l)
        w = _orthogonal(w_key, st.width) if st.orthogonal else hash_normal(w_key, (st.width,) * 2)
        return scale * w, bias_std * hash_normal(b_key, (st.width,))

    def skip(l):
        return jnp.zeros((st.width, st.width)), jnp.zeros((st.width,))

    _, (w, b) = lax.scan(lambda c, l: (c, lax.cond(l < depth, layer, skip, l)), None,
                         jnp.arange(st.bucket))
    return Params(w, b)


# --- forward -----------------------------------------------------------------

class Draw(NamedTuple):
    """One seed's network and data: what gradient_flow and training_trace share."""

    params: Params
    x: jax.Array         # (batch, width) inputs, N(0, 1)
    readout: jax.Array   # (width,) unit vector r: the output is r . h_depth
    target: jax.Array    # (batch,) toy regression target sin(x . v), v a unit vector


def _unit(v: jax.Array) -> jax.Array:
    return v / jnp.linalg.norm(v)


def draw(st: Static, seed: jax.Array, depth: jax.Array, scale: jax.Array,
         bias_std: jax.Array) -> Draw:
    """Everything random, from one traced seed (so a new seed compiles nothing)."""
    k_params, k_x, k_r, k_v = jax.random.split(jax.random.key(seed), 4)
    x = jax.random.normal(k_x, (st.batch, st.width))
    target = jnp.sin(x @ _unit(jax.random.normal(k_v, (st.width,))))
    return Draw(init_params(st, k_params, depth, scale, bias_std), x,
                _unit(jax.random.normal(k_r, (st.width,))), target)


def layernorm(z: jax.Array) -> jax.Array:
    r"""Per-example :math:`(z - \bar z)/\sqrt{\mathrm{var}\,z + \epsilon}`, no learnable affine."""
    centred = z - z.mean(axis=-1, keepdims=True)
    return centred * lax.rsqrt((centred * centred).mean(axis=-1, keepdims=True) + LN_EPS)


def forward(st: Static, params: Params, x: jax.Array, depth: jax.Array,
            act_params: dict) -> Forward:
    """The forward scan; stores what the backward needs (h_l, phi'(a_l), z_l for LN)."""
    phi = get(st.activation).fn
    zeros = jnp.zeros((st.batch, st.width))

    def layer(h, w, b):
        z = h @ w + b
        a = layernorm(z) if st.norm else z
        u, slope = jax.jvp(lambda t: phi(t, **act_params), (a,), (jnp.ones_like(a),))
        stats = jnp.stack([u.mean(), u.std(), (jnp.abs(slope) < SATURATION_SLOPE).mean(),
                           (slope == 0).mean()])
        h_next = h + u if st.residual else u
        return h_next, (h, slope, z if st.norm else None, stats)

    def skip(h, w, b):
        return h, (zeros, zeros, zeros if st.norm else None, jnp.zeros(4))

    def body(h, xs):
        l, w, b = xs
        return lax.cond(l < depth, layer, skip, h, w, b)

    out, (inputs, slopes, pre, stats) = lax.scan(
        body, x, (jnp.arange(st.bucket), params.weights, params.biases))
    return Forward(out, inputs, slopes, pre, stats)


# --- backward, in log space --------------------------------------------------

def _row_norm(v: jax.Array) -> jax.Array:
    return jnp.sqrt(jnp.sum(v * v, axis=-1))


def _finite_or_zero(m: jax.Array) -> jax.Array:
    return jnp.where(jnp.isfinite(m), m, 0.0)


def backward(st: Static, params: Params, fwd: Forward, depth: jax.Array,
             top_dir: jax.Array, top_log: jax.Array, want_grads: bool = False) -> Backward:
    r"""The reversed scan. ``dL/dh_depth[n] = exp(top_log[n]) * top_dir[n]``, top_dir unit rows.

    Per layer: :math:`\log_{10}\sqrt{\tfrac1B\sum_n \|g_n\|^2 e^{2 s_n}}` by logsumexp, and
    :math:`\|\partial L/\partial W_l\|_F = e^{m}\,\|h_l^\top (e^{s-m} \odot g)\|_F`, m = max_n s_n
    (examples far below m are negligible, and exp cannot overflow).
    """
    log_batch = math.log(st.batch)

    def layer(carry, w, h, slope, z):
        c_hat, s = carry
        g = slope * c_hat
        if st.norm:
            g = jax.vjp(layernorm, z)[1](g)[0]
        log_g = s + jnp.log(_row_norm(g))
        log10_grad = (jax.nn.logsumexp(2.0 * log_g) - log_batch) / (2.0 * _LN10)
        m = _finite_or_zero(jnp.max(s))
        g_scaled = g * jnp.exp(s - m)[:, None]
        w_grad = h.T @ g_scaled
        log10_wgrad = (m + jnp.log(_row_norm(w_grad.reshape(-1)))) / _LN10
        c = g @ w.T
        if st.residual:
            c = c + c_hat
        c_norm = _row_norm(c)
        c_hat = c / jnp.where(c_norm > 0, c_norm, 1.0)[:, None]
        grads = (jnp.exp(m) * w_grad, jnp.exp(m) * g_scaled.sum(0)) if want_grads else None
        return (c_hat, s + jnp.log(c_norm)), (log10_grad, log10_wgrad, grads)

    def skip(carry, w, h, slope, z):
        grads = (jnp.zeros_like(w), jnp.zeros(st.width)) if want_grads else None
        return carry, (jnp.zeros(()), jnp.zeros(()), grads)

    def body(carry, xs):
        l, w, h, slope, z = xs
        return lax.cond(l < depth, layer, skip, carry, w, h, slope, z)

    xs = (jnp.arange(st.bucket), params.weights, fwd.inputs, fwd.slopes, fwd.pre)
    _, (log10_grad, log10_wgrad, grads) = lax.scan(body, (top_dir, top_log), xs, reverse=True)
    return Backward(log10_grad, log10_wgrad, Params(*grads) if want_grads else None)

r"""The deep stack behind :mod:`actlib.flow`: weights, a forward loop and a
reversed, log-space loop for the gradients.

The network (every layer ``width x width``; rows are examples)::

    h_0 = x                                  x ~ N(0, 1), shape (batch, width)
    z_l = h_l W_l + b_l                      pre-activation of hidden layer l
    a_l = LN(z_l)  or  z_l                   LN: per-example layer norm, no affine
    h_{l+1} = phi(a_l)  or  h_l + phi(a_l)   plain / residual

Depth is traced: both loops are ``lax.fori_loop`` with the depth as trip count
(one compiled body, as with ``lax.scan``, however deep; the backward one counts
down), writing per-layer rows into buffers of a power-of-two *bucket* of
layers. Rows past the depth are never touched, so one compilation serves
every depth in a bucket and padding costs no arithmetic. The buffers (a
:class:`Workspace`) are passed in and handed back so that a caller can donate
them to its next call: on CPU, faulting in a fresh 64 MB buffer costs more
than the arithmetic that fills it.

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
from actlib.regions import SMALL_SLOPE as SATURATION_SLOPE  # one threshold with the explorer
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
    """Stacked layer parameters, ``bucket`` rows; rows past the depth are unused."""

    weights: jax.Array   # (L, width, width)
    biases: jax.Array    # (L, width)


class Saved(NamedTuple):
    """What the forward loop keeps per layer for the backward one."""

    inputs: jax.Array          # (L, batch, width): h_l; or (L, batch, batch): h_l h_l^T if gram
    slopes: jax.Array          # (L, batch, width): phi'(a_l)
    pre: Optional[jax.Array]   # (L, batch, width): z_l, for LN's transpose only


class Workspace(NamedTuple):
    params: Params
    saved: Saved


class Forward(NamedTuple):
    out: jax.Array      # (batch, width): h_depth
    saved: Saved
    stats: jax.Array    # (L, 4): mean and std of phi(a_l), saturated and dead fractions
                        #   (then per-bin shares of a_l when forward was given edges)


class Backward(NamedTuple):
    log10_grad: jax.Array           # (L,): log10 RMS_n ||dL/dz_l[n]||
    log10_weight_grad: jax.Array    # (L,): log10 ||dL/dW_l||_F
    grads: Optional[Params]         # true float32 dL/dW_l, dL/db_l when asked for


def empty_params(st: Static) -> Params:
    return Params(jnp.zeros((st.bucket, st.width, st.width)), jnp.zeros((st.bucket, st.width)))


def empty_saved(st: Static, gram: bool) -> Saved:
    rows = (st.bucket, st.batch, st.width)
    return Saved(jnp.zeros((st.bucket, st.batch, st.batch) if gram else rows), jnp.zeros(rows),
                 jnp.zeros(rows) if st.norm else None)


def empty_workspace(st: Static, gram: bool) -> Workspace:
    return Workspace(empty_params(st), empty_saved(st, gram))


def _put(buffer: Optional[jax.Array], l: jax.Array, row) -> Optional[jax.Array]:
    """``buffer[l] = row``, in place inside a loop (None stays None)."""
    return None if buffer is None else lax.dynamic_update_index_in_dim(buffer, row, l, 0)


def _row(buffer: Optional[jax.Array], l: jax.Array) -> Optional[jax.Array]:
    return None if buffer is None else lax.dynamic_index_in_dim(buffer, l, keepdims=False)


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

    Why not ``jax.random.normal``: threefry is slow on CPU (200 layers of 256 x 256:
    115 ms, against 54 ms here and 30 ms for the forward matmuls). Init weights need
    independence and the Gaussian law, not cryptographic strength; the keys come
    from threefry, and the second round keeps layers' streams unrelated even
    where their counter windows overlap.
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
                bias_std: jax.Array, into: Params) -> Params:
    """W_l = scale * N(0,1) (or scale * orthogonal), b_l ~ N(0, bias_std^2), into ``into``."""
    kw, kb = jax.random.split(key)

    def layer(l, bufs):
        w_key, b_key = jax.random.fold_in(kw, l), jax.random.fold_in(kb, l)
        w = _orthogonal(w_key, st.width) if st.orthogonal else hash_normal(w_key, (st.width,) * 2)
        return Params(_put(bufs.weights, l, scale * w),
                      _put(bufs.biases, l, bias_std * hash_normal(b_key, (st.width,))))

    return lax.fori_loop(0, depth, layer, into)


class Draw(NamedTuple):
    """One seed's network and data: what gradient_flow and training_trace share."""

    params: Params
    x: jax.Array         # (batch, width) inputs, N(0, 1)
    readout: jax.Array   # (width,) unit vector r: the output is r . h_depth
    target: jax.Array    # (batch,) toy regression target sin(x . v), v a unit vector


def _unit(v: jax.Array) -> jax.Array:
    return v / jnp.linalg.norm(v)


def draw(st: Static, seed: jax.Array, depth: jax.Array, scale: jax.Array,
         bias_std: jax.Array, into: Optional[Params] = None) -> Draw:
    """Everything random, from one traced seed (so a new seed compiles nothing)."""
    k_params, k_x, k_r, k_v = jax.random.split(jax.random.key(seed), 4)
    x = jax.random.normal(k_x, (st.batch, st.width))
    target = jnp.sin(x @ _unit(jax.random.normal(k_v, (st.width,))))
    params = init_params(st, k_params, depth, scale, bias_std,
                         empty_params(st) if into is None else into)
    return Draw(params, x, _unit(jax.random.normal(k_r, (st.width,))), target)


# --- forward -----------------------------------------------------------------

def layernorm(z: jax.Array) -> jax.Array:
    r"""Per-example :math:`(z - \bar z)/\sqrt{\mathrm{var}\,z + \epsilon}`, no learnable affine."""
    centred = z - z.mean(axis=-1, keepdims=True)
    return centred * lax.rsqrt((centred * centred).mean(axis=-1, keepdims=True) + LN_EPS)


def forward(st: Static, params: Params, x: jax.Array, depth: jax.Array, act_params: dict,
            into: Saved, gram: bool = False, edges: Optional[jax.Array] = None) -> Forward:
    """The forward loop. Keeps in ``into`` what the backward needs: phi'(a_l), z_l for LN,
    and h_l, or with ``gram`` only h_l h_l^T (enough for ||dL/dW_l||, see :func:`backward`).
    With histogram ``edges``, each stats row also holds the share of a_l in each bin
    (values outside the edges counted in the end bins)."""
    phi = get(st.activation).fn

    def layer(l, carry):
        h, saved, stats = carry
        z = h @ _row(params.weights, l) + _row(params.biases, l)
        a = layernorm(z) if st.norm else z
        u, slope = jax.jvp(lambda t: phi(t, **act_params), (a,), (jnp.ones_like(a),))
        row = jnp.stack([u.mean(), u.std(), (jnp.abs(slope) < SATURATION_SLOPE).mean(),
                         (slope == 0).mean()])
        if edges is not None:
            counts, _ = jnp.histogram(jnp.clip(a, edges[0], edges[-1]), edges)
            row = jnp.concatenate([row, counts / a.size])
        saved = Saved(_put(saved.inputs, l, h @ h.T if gram else h),
                      _put(saved.slopes, l, slope), _put(saved.pre, l, z))
        return (h + u if st.residual else u), saved, _put(stats, l, row)

    columns = 4 if edges is None else 4 + edges.shape[0] - 1
    out, saved, stats = lax.fori_loop(0, depth, layer, (x, into, jnp.zeros((st.bucket, columns))))
    return Forward(out, saved, stats)


# --- backward, in log space --------------------------------------------------

def _row_norm(v: jax.Array) -> jax.Array:
    return jnp.sqrt(jnp.sum(v * v, axis=-1))


def _finite_or_zero(m: jax.Array) -> jax.Array:
    return jnp.where(jnp.isfinite(m), m, 0.0)


def backward(st: Static, params: Params, saved: Saved, depth: jax.Array, top_dir: jax.Array,
             top_log: jax.Array, gram: bool = False, want_grads: bool = False) -> Backward:
    r"""The reversed loop. ``dL/dh_depth[n] = exp(top_log[n]) * top_dir[n]``, top_dir unit rows.

    Per layer: :math:`\log_{10}\sqrt{\tfrac1B\sum_n \|g_n\|^2 e^{2 s_n}}` by logsumexp, and
    :math:`\|\partial L/\partial W_l\|_F = e^{m}\,\|h_l^\top \tilde g\|_F`, with
    :math:`\tilde g_n = e^{s_n-m} g_n`, m = max_n s_n (examples far below m are negligible,
    and exp cannot overflow). With ``gram`` (saved h_l h_l^T) the same norm is
    :math:`\|h^\top \tilde g\|_F^2 = \sum_{nm} (h h^\top)_{nm} (\tilde g \tilde g^\top)_{nm}`:
    2 B^2 W flops instead of B W^2, the cheaper one when batch <= width.
    ``want_grads`` also returns the float32 gradients themselves (needs gram=False).
    """
    if want_grads and gram:
        raise ValueError("the weight gradients need h_l: run forward with gram=False")
    log_batch = math.log(st.batch)

    def layer(i, carry):
        (c_hat, s), out = carry
        l = depth - 1 - i
        h, slope = _row(saved.inputs, l), _row(saved.slopes, l)
        g = slope * c_hat
        if st.norm:
            g = jax.vjp(layernorm, _row(saved.pre, l))[1](g)[0]
        log_g = s + jnp.log(_row_norm(g))
        log10_grad = (jax.nn.logsumexp(2.0 * log_g) - log_batch) / (2.0 * _LN10)
        m = _finite_or_zero(jnp.max(s))
        g_scaled = g * jnp.exp(s - m)[:, None]
        if gram:
            square = jnp.maximum(jnp.sum(h * (g_scaled @ g_scaled.T)), 0.0)  # h is h h^T here
        else:
            w_grad = h.T @ g_scaled
            square = jnp.sum(w_grad * w_grad)
        log10_wgrad = (m + 0.5 * jnp.log(square)) / _LN10
        c = g @ _row(params.weights, l).T
        if st.residual:
            c = c + c_hat
        c_norm = _row_norm(c)
        c_hat = c / jnp.where(c_norm > 0, c_norm, 1.0)[:, None]
        out = Backward(_put(out.log10_grad, l, log10_grad),
                       _put(out.log10_weight_grad, l, log10_wgrad),
                       None if out.grads is None else Params(
                           _put(out.grads.weights, l, jnp.exp(m) * w_grad),
                           _put(out.grads.biases, l, jnp.exp(m) * g_scaled.sum(0))))
        return (c_hat, s + jnp.log(c_norm)), out

    empty = Backward(jnp.zeros(st.bucket), jnp.zeros(st.bucket),
                     empty_params(st) if want_grads else None)
    return lax.fori_loop(0, depth, layer, ((top_dir, top_log), empty))[1]

r"""The deep stack behind :mod:`actlib.flow`: weights, a forward loop and a
reversed, log-space loop for the gradients.

The network (every layer ``width x width``; rows are examples)::

    h_0 = x                                  x ~ N(0, 1), shape (batch, width)
    z_l = h_l W_l + b_l                      pre-activation of hidden layer l
    a_l = N(z_l)  or  z_l                    LN (per example, over units) or BN
                                             (per unit, over the batch), no affine
    h_{l+1} = phi(a_l)  or  h_l + phi(a_l)   plain / residual

The weights are kept as unit draws (N(0,1) or orthogonal) and scaled inside the
programs, ``z_l = w_scale (h_l U_l) + b_scale e_l``, so that a new gain or bias std
reuses the draws (:mod:`actlib.draws` caches them) and a gain sweep shares one
matmul per layer across all gains.

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

Batch norm couples the examples: its transpose mixes every example's cotangent
into every other's, so the per-example scales cannot stay apart through it.
There the step uses one log-scale per batch, m = max_n s_n: BN^T is applied to
``exp(s_n - m) g_n`` in float32 and the result carries scale exp(m). This is
exact to float32 rounding relative to the largest example (an example more than
~38 decades below it flushes to 0, but BN^T then gives it a share ~1/batch of
the others', so what it loses is below rounding), and exact in log space however
deep, since the scale is renormalised after every layer.
"""

from __future__ import annotations

import math
from typing import NamedTuple, Optional

import jax
import jax.numpy as jnp
from jax import lax

from actlib.regions import SMALL_SLOPE as SATURATION_SLOPE  # one threshold with the explorer
from actlib.registry import get

BUCKETS: tuple[int, ...] = (16, 32, 64, 128, 256, 512, 1024)
LN_EPS = 1e-5   # layer norm and batch norm alike (PyTorch's default)
NORMS: tuple = (None, "layernorm", "batchnorm")
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
    pre: Optional[jax.Array]   # (L, batch, width): z_l, for the norm's transpose only


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


def scaled(params: Params, scale: jax.Array, bias_std: jax.Array) -> Params:
    """The stack's own W_l = scale U_l and b_l = bias_std e_l (for training, which updates them)."""
    return Params(scale * params.weights, bias_std * params.biases)


# --- forward -----------------------------------------------------------------

def layernorm(z: jax.Array) -> jax.Array:
    r"""Per-example :math:`(z - \bar z)/\sqrt{\mathrm{var}\,z + \epsilon}`, no learnable affine."""
    centred = z - z.mean(axis=-1, keepdims=True)
    return centred * lax.rsqrt((centred * centred).mean(axis=-1, keepdims=True) + LN_EPS)


def batchnorm(z: jax.Array) -> jax.Array:
    r"""Per unit, over the batch (rows): :math:`(z - \mu_B)/\sqrt{\sigma_B^2 + \epsilon}`,
    biased batch variance, no learnable affine (training-mode BN at initialisation)."""
    centred = z - z.mean(axis=0, keepdims=True)
    return centred * lax.rsqrt((centred * centred).mean(axis=0, keepdims=True) + LN_EPS)


def normalise(norm: Optional[str], z: jax.Array) -> jax.Array:
    return {None: lambda v: v, "layernorm": layernorm, "batchnorm": batchnorm}[norm](z)


def forward(st: Static, params: Params, x: jax.Array, depth: jax.Array, act_params: dict,
            into: Saved, gram: bool = False, edges: Optional[jax.Array] = None,
            w_scale=1.0, b_scale=1.0) -> Forward:
    """The forward loop. Keeps in ``into`` what the backward needs: phi'(a_l), z_l for LN,
    and h_l, or with ``gram`` only h_l h_l^T (enough for ||dL/dW_l||, see :func:`backward`).
    ``z_l = w_scale (h_l W_l) + b_scale b_l``: unit draws and traced scales, or plain params.
    With histogram ``edges``, each stats row also holds the share of a_l in each bin
    (values outside the edges counted in the end bins)."""
    phi = get(st.activation).fn

    def layer(l, carry):
        h, saved, stats = carry
        z = w_scale * (h @ _row(params.weights, l)) + b_scale * _row(params.biases, l)
        a = normalise(st.norm, z)
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


class Step(NamedTuple):
    """One layer of the reversed loop, for one stack (vmap it for many)."""

    c_hat: jax.Array                 # (batch, width) unit cotangent rows on h_l
    s: jax.Array                     # (batch,) their log-scales
    log10_grad: jax.Array            # () log10 RMS_n ||dL/dz_l[n]||
    log10_wgrad: Optional[jax.Array]  # () log10 ||dL/dW_l||_F, when asked for
    grads: Optional[tuple]           # float32 (dL/dW_l, dL/db_l), when asked for


def back_step(st: Static, c_hat: jax.Array, s: jax.Array, h: jax.Array, slope: jax.Array,
              pre: Optional[jax.Array], weights: jax.Array, w_scale=1.0, gram: bool = False,
              wgrad: bool = True, want_grads: bool = False) -> Step:
    """dL/dh_{l+1}[n] = exp(s_n) c_hat_n  ->  the same for h_l, and layer l's readings."""
    g, s_g = slope * c_hat, s
    if st.norm == "layernorm":
        g = jax.vjp(layernorm, pre)[1](g)[0]
    elif st.norm == "batchnorm":  # couples examples: one log-scale for the batch (module doc)
        m_s = _finite_or_zero(jnp.max(s))
        g = jax.vjp(batchnorm, pre)[1](g * jnp.exp(s - m_s)[:, None])[0]
        s_g = jnp.broadcast_to(m_s, s.shape)
    log_g = s_g + jnp.log(_row_norm(g))
    log10_grad = (jax.nn.logsumexp(2.0 * log_g) - math.log(st.batch)) / (2.0 * _LN10)
    log10_wgrad = grads = None
    if wgrad:
        m = _finite_or_zero(jnp.max(s_g))
        g_scaled = g * jnp.exp(s_g - m)[:, None]
        if gram:
            square = jnp.maximum(jnp.sum(h * (g_scaled @ g_scaled.T)), 0.0)  # h is h h^T here
        else:
            w_grad = h.T @ g_scaled
            square = jnp.sum(w_grad * w_grad)
        log10_wgrad = (m + 0.5 * jnp.log(square)) / _LN10
        if want_grads:
            grads = (jnp.exp(m) * w_grad, jnp.exp(m) * g_scaled.sum(0))
    c = w_scale * (g @ weights.T)
    if st.residual:  # the shortcut carries c_hat at its own scale s, re-expressed at s_g
        c = c + (c_hat * jnp.exp(s - s_g)[:, None] if st.norm == "batchnorm" else c_hat)
    c_norm = _row_norm(c)
    c_hat = c / jnp.where(c_norm > 0, c_norm, 1.0)[:, None]
    return Step(c_hat, s_g + jnp.log(c_norm), log10_grad, log10_wgrad, grads)


def backward(st: Static, params: Params, saved: Saved, depth: jax.Array, top_dir: jax.Array,
             top_log: jax.Array, gram: bool = False, want_grads: bool = False,
             w_scale=1.0, wgrad: bool = True) -> Backward:
    r"""The reversed loop. ``dL/dh_depth[n] = exp(top_log[n]) * top_dir[n]``, top_dir unit rows.

    Per layer: :math:`\log_{10}\sqrt{\tfrac1B\sum_n \|g_n\|^2 e^{2 s_n}}` by logsumexp, and
    :math:`\|\partial L/\partial W_l\|_F = e^{m}\,\|h_l^\top \tilde g\|_F`, with
    :math:`\tilde g_n = e^{s_n-m} g_n`, m = max_n s_n (examples far below m are negligible,
    and exp cannot overflow). With ``gram`` (saved h_l h_l^T) the same norm is
    :math:`\|h^\top \tilde g\|_F^2 = \sum_{nm} (h h^\top)_{nm} (\tilde g \tilde g^\top)_{nm}`:
    2 B^2 W flops instead of B W^2, the cheaper one when batch <= width.
    ``want_grads`` also returns the float32 gradients themselves (needs gram=False);
    ``wgrad=False`` skips the weight-gradient norms (left 0).
    """
    if want_grads and gram:
        raise ValueError("the weight gradients need h_l: run forward with gram=False")

    def layer(i, carry):
        (c_hat, s), out = carry
        l = depth - 1 - i
        step = back_step(st, c_hat, s, _row(saved.inputs, l), _row(saved.slopes, l),
                         _row(saved.pre, l), _row(params.weights, l), w_scale, gram, wgrad,
                         want_grads)
        out = Backward(_put(out.log10_grad, l, step.log10_grad),
                       out.log10_weight_grad if not wgrad else
                       _put(out.log10_weight_grad, l, step.log10_wgrad),
                       None if out.grads is None else Params(_put(out.grads.weights, l, step.grads[0]),
                                                             _put(out.grads.biases, l, step.grads[1])))
        return (step.c_hat, step.s), out

    empty = Backward(jnp.zeros(st.bucket), jnp.zeros(st.bucket),
                     empty_params(st) if want_grads else None)
    return lax.fori_loop(0, depth, layer, ((top_dir, top_log), empty))[1]

r"""Many stacks in one compiled call: the live gain and depth sliders' precomputation.

Gain sweep: the same unit draws, one stack per gain. ``lax.map`` with a batch
size runs :data:`GAIN_CHUNK` gains at a time under ``vmap``; since the gain
scales the product (``z = gain * (h U_l) + ...``) and U_l is shared, each layer is
one matmul of ``(chunk * batch, width) x (width, width)`` for the whole chunk.

Depth sweep: a depth-d stack is the first d layers of the deepest one (layer
l's draws do not depend on the depth), so one forward pass serves them all.
The backward is one reversed loop carrying one cotangent per top depth: at
layer l the stack whose top is h_{l+1} (d = l + 1) has its unit cotangent r
injected, and every stack already injected takes one step. That is
D (D + 1) / 2 layer steps, the inherent cost of D separate backward passes,
batched so each loop step is one matmul. The loop runs in :data:`DEPTH_PHASES`
phases with a growing, static number of carried stacks, so the work is about
1.25x the triangle rather than the full D x D square.

Stack j of the carry (j = 0 the deepest) is the stack of depth D - j.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from actlib import stack

GAIN_CHUNK = 16     # gains per vmap batch (memory: chunk x the stack's saved slopes)
DEPTH_PHASES = 4    # phases of the depth sweep's backward loop


@dataclasses.dataclass(frozen=True)
class Sweep:
    """Rows i = 0..n-1, one stack each, layers padded with NaN to the deepest row.

    values: the swept gains, or depths 1..D. depths: each row's depth.
    log10_grad: (n, depth_max), row i exactly :attr:`FlowResult.log10_grad` of that stack.
    theory: (n, depth_max) mean-field line anchored at the row's top layer as the page
    anchors it (NaN rows where the theory is not available: ``theory_available``).
    exponent: log10_grad[0] - log10_grad[top] (NaN when either is not finite).
    verdict: per row "overflow", "zero", "vanishing", "exploding" or "stable"
    (:func:`verdict`), with ``verdict_layer`` the layer it names (1-based; 0 if none).
    """

    kind: str
    values: np.ndarray
    depths: np.ndarray
    log10_grad: np.ndarray
    theory: np.ndarray
    theory_available: np.ndarray
    exponent: np.ndarray
    verdict: tuple
    verdict_layer: np.ndarray

    def __len__(self) -> int:
        return len(self.values)


UNDERFLOW_STD = 1e-15  # a forward spread this small before it reads 0 shrank smoothly out of float32


def verdict(log10_grad: np.ndarray, act_std: np.ndarray) -> tuple[str, int, float]:
    """The page's verdict on one stack: (kind, layer, exponent).

    A forward overflow (non-finite act_std, else NaN/+inf gradients) comes first and
    names its first layer; then an exactly zero gradient (-inf): "underflow" when the
    forward signal shrank smoothly below float32's range first (its spread went under
    UNDERFLOW_STD, then read 0; ReLU with Xavier past ~150 layers), naming the first
    layer that reads 0, else "zero" (phi' = 0 for every unit: a step, dead ReLUs),
    naming the highest zero layer; else exponent = grad[0] - grad[top] decides:
    < -1 vanishing, > 1 exploding.
    """
    grad, std = np.asarray(log10_grad), np.asarray(act_std)
    overflowed = ~np.isfinite(std)
    if not overflowed.any():
        overflowed = np.isnan(grad) | (grad == np.inf)
    exponent = float(grad[0] - grad[-1]) if np.all(np.isfinite(grad[[0, -1]])) else float("nan")
    if overflowed.any():
        return "overflow", int(np.argmax(overflowed)) + 1, exponent
    if (grad == -np.inf).any():
        silent = np.flatnonzero(std == 0)
        if silent.size and silent[0] > 0 and std[silent[0] - 1] < UNDERFLOW_STD:
            return "underflow", int(silent[0]) + 1, exponent
        return "zero", int(np.flatnonzero(grad == -np.inf)[-1]) + 1, exponent
    kind = "vanishing" if exponent < -1 else "exploding" if exponent > 1 else "stable"
    return kind, 0, exponent


def _slopes_only(st: stack.Static) -> stack.Saved:
    """No h_l: the sweeps skip the weight-gradient norms, which need it."""
    rows = (st.bucket, st.batch, st.width)
    return stack.Saved(None, jnp.zeros(rows), jnp.zeros(rows) if st.norm else None)


def _top(st: stack.Static, d) -> jax.Array:  # dL/dh_depth[n] = r, the readout
    return jnp.broadcast_to(d.readout, (st.batch, st.width))


@functools.lru_cache(maxsize=32)
def gain_program(st: stack.Static):
    """(scales (n,), draws, depth, bias_std, act_params) -> (log10_grad (n, L), act_std (n, L))."""

    def one(scale, d, depth, bias_std, act_params):
        fwd = stack.forward(st, d.params, d.x, depth, act_params, _slopes_only(st),
                            w_scale=scale, b_scale=bias_std)
        bwd = stack.backward(st, d.params, fwd.saved, depth, _top(st, d), jnp.zeros(st.batch),
                             w_scale=scale, wgrad=False)
        return bwd.log10_grad, fwd.stats[:, 1]

    def run(scales, d, depth, bias_std, act_params):
        return lax.map(lambda sc: one(sc, d, depth, bias_std, act_params), scales,
                       batch_size=GAIN_CHUNK)

    return jax.jit(run)


def _phases(bucket: int) -> list[tuple[int, int]]:
    """(first reversed step, carried stacks) per phase: phase k carries (k+1) C stacks."""
    chunk = bucket // DEPTH_PHASES
    return [(k * chunk, (k + 1) * chunk) for k in range(DEPTH_PHASES)]


@functools.lru_cache(maxsize=32)
def depth_program(st: stack.Static):
    """(draws, depth D, scale, bias_std, act_params) -> (grid (L, L), act_std (L,)):
    grid[j, l] = log10 grad at layer l of the stack of depth D - j (NaN where l >= D - j)."""
    step = jax.vmap(functools.partial(stack.back_step, st, wgrad=False),
                    in_axes=(0, 0, None, None, None, None, None))

    def run(d, depth, scale, bias_std, act_params):
        fwd = stack.forward(st, d.params, d.x, depth, act_params, _slopes_only(st),
                            w_scale=scale, b_scale=bias_std)
        saved, top = fwd.saved, _top(st, d)
        grid = jnp.full((st.bucket, st.bucket), jnp.nan)
        c_hat = jnp.zeros((0, st.batch, st.width))
        s = jnp.zeros((0, st.batch))
        for first, carried in _phases(st.bucket):
            grow = carried - c_hat.shape[0]
            c_hat = jnp.concatenate([c_hat, jnp.zeros((grow, st.batch, st.width))])
            s = jnp.concatenate([s, jnp.zeros((grow, st.batch))])

            def body(i, carry, carried=carried):
                c_hat, s, grid = carry
                l = depth - 1 - i
                c_hat = lax.dynamic_update_index_in_dim(c_hat, top, i, 0)  # stack d = l + 1 starts
                s = lax.dynamic_update_index_in_dim(s, jnp.zeros(st.batch), i, 0)
                out = step(c_hat, s, None, stack._row(saved.slopes, l), stack._row(saved.pre, l),
                           stack._row(d.params.weights, l), scale)
                column = jnp.where(jnp.arange(carried) <= i, out.log10_grad, jnp.nan)
                grid = lax.dynamic_update_slice(grid, column[:, None], (0, l))
                return out.c_hat, out.s, grid

            c_hat, s, grid = lax.fori_loop(first, jnp.minimum(carried, depth), body, (c_hat, s, grid))
        return grid, fwd.stats[:, 1]

    return jax.jit(run)


def gain_rows(st: stack.Static, d, depth: int, scales, bias_std, act_params) -> tuple:
    """Pad the scales to whole chunks (so the count does not recompile), run, cut."""
    n = len(scales)
    padded = -(-n // GAIN_CHUNK) * GAIN_CHUNK
    scales = np.asarray(list(scales) + [scales[-1]] * (padded - n), np.float32)
    grad, act_std = jax.device_get(gain_program(st)(scales, d, np.int32(depth),
                                                    np.float32(bias_std), act_params))
    return (np.asarray(grad[:n, :depth], np.float64), np.asarray(act_std[:n, :depth], np.float64))


def depth_rows(st: stack.Static, d, depth: int, scale, bias_std, act_params) -> tuple:
    """(n = depth, depth): row k is the stack of depth k + 1, NaN beyond; and act_std."""
    grid, act_std = jax.device_get(depth_program(st)(d, np.int32(depth), np.float32(scale),
                                                     np.float32(bias_std), act_params))
    rows = np.asarray(grid[:depth, :depth][::-1], np.float64)  # j = D - d  ->  row d - 1
    return rows, np.asarray(act_std[:depth], np.float64)

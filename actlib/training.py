r"""Gradient norms while training: full-batch gradient descent on a toy regression.

The whole run is one compiled loop over steps; each step is the forward loop
and the log-space backward loop of :mod:`actlib.stack`, which
also returns the true float32 gradients used for the update:

    L = 0.5 * mean_n (r . h_depth[n] - y_n)^2,   y_n = sin(x_n . v)
    W_l -= lr dL/dW_l,   b_l -= lr dL/db_l,   r -= lr dL/dr

Steps, like depth, are a traced trip count (``lax.fori_loop``) writing into a
power-of-two bucket of rows, so the number of steps and the learning rate
recompile nothing within a bucket.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import NamedTuple, Optional

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from actlib import stack

MAX_STEPS = 2048


@dataclasses.dataclass(frozen=True)
class TrainingTrace:
    """log10_grad, log10_weight_grad: (steps, depth), measured before each update (as
    :class:`actlib.flow.FlowResult`, but for the training loss). loss: (steps,).
    diverged_at: the first step whose loss or gradients are NaN or +inf, or None;
    the rows after it are set to NaN (the weights are no longer numbers).
    dead_fraction: (steps, depth), the share of layer l's units that are *dead* at
    step k: f'(a_l) == 0 exactly for every example of the batch, so no gradient
    reaches the unit's weights and gradient descent can never revive it on this batch."""

    log10_grad: np.ndarray
    log10_weight_grad: np.ndarray
    loss: np.ndarray
    diverged_at: Optional[int]
    dead_fraction: np.ndarray

    def dead_verdict(self) -> Optional["DeadVerdict"]:
        """The layer with the most dead units at the last step measured before any
        divergence, or None when no unit of any layer is dead there."""
        last = len(self.dead_fraction) - 1 if self.diverged_at is None else self.diverged_at - 1
        if last < 0 or not np.nanmax(self.dead_fraction[last], initial=0.0) > 0:
            return None
        layer = int(np.nanargmax(self.dead_fraction[last]))
        return DeadVerdict(last, layer + 1, float(self.dead_fraction[last, layer]),
                           float(self.dead_fraction[0, layer]))


class DeadVerdict(NamedTuple):
    step: int          # 0-based row of the trace (the heat map's x axis)
    layer: int         # 1-based, as on the page
    fraction: float    # dead share of that layer's units at that step
    initial: float     # the same layer's dead share at step 0


def _step_bucket(steps: int) -> int:
    return max(16, 1 << (steps - 1).bit_length())


def _top_cotangent(err: jax.Array, readout: jax.Array) -> tuple[jax.Array, jax.Array]:
    """dL/dh_depth[n] = (err_n / B) r, split into a unit direction and a log-scale."""
    r_norm = jnp.linalg.norm(readout)
    direction = jnp.sign(err)[:, None] * (readout / r_norm)
    return direction, jnp.log(jnp.abs(err)) + jnp.log(r_norm) - math.log(err.shape[0])


@functools.lru_cache(maxsize=32)
def _program(st: stack.Static, step_bucket: int):
    def run(d, depth, scale, bias_std, act_params, steps, lr):  # d: the cached unit draws

        def step(i, state):
            params, readout, saved, trace = state
            fwd = stack.forward(st, params, d.x, depth, act_params, into=saved)
            err = fwd.out @ readout - d.target
            bwd = stack.backward(st, params, fwd.saved, depth, *_top_cotangent(err, readout),
                                 want_grads=True)
            params = jax.tree.map(lambda p, g: p - lr * g, params, bwd.grads)
            readout = readout - lr * (fwd.out.T @ err) / st.batch
            dead = jnp.all(fwd.saved.slopes == 0, axis=1).mean(axis=-1)  # (bucket,) per layer
            record = (bwd.log10_grad, bwd.log10_weight_grad, 0.5 * jnp.mean(err * err), dead)
            trace = jax.tree.map(lambda buf, row: buf.at[i].set(row), trace, record)
            return params, readout, fwd.saved, trace

        rows = jnp.zeros((step_bucket, st.bucket))
        trace = (rows, rows, jnp.zeros(step_bucket), rows)
        params = stack.scaled(d.params, scale, bias_std)  # W_l = scale U_l: trained from here
        state = (params, d.readout, stack.empty_saved(st, gram=False), trace)
        return lax.fori_loop(0, steps, step, state)[3]

    return jax.jit(run)


def _divergence(grad: np.ndarray, loss: np.ndarray) -> Optional[int]:
    """First step with a non-finite loss, or a NaN / +inf gradient (-inf is an exact zero)."""
    bad = ~np.isfinite(loss) | np.any(np.isnan(grad) | (grad == np.inf), axis=1)
    return int(np.argmax(bad)) if bad.any() else None


def run(st: stack.Static, traced: tuple, depth: int, steps: int,
        learning_rate: float) -> TrainingTrace:
    """Train and trace; ``traced`` is (draws, depth, scale, bias_std, act_params) (flow._traced)."""
    program = _program(st, _step_bucket(steps))
    grad, wgrad, loss, dead = jax.device_get(program(*traced, np.int32(steps),
                                                     np.float32(learning_rate)))
    grad, wgrad, dead = (np.asarray(v[:steps, :depth], dtype=np.float64) for v in (grad, wgrad, dead))
    loss = np.asarray(loss[:steps], dtype=np.float64)
    diverged_at = _divergence(grad, loss)
    if diverged_at is not None:
        grad[diverged_at + 1:] = wgrad[diverged_at + 1:] = loss[diverged_at + 1:] = np.nan
        dead[diverged_at + 1:] = np.nan
    return TrainingTrace(grad, wgrad, loss, diverged_at, dead)

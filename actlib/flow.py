r"""Gradient flow through a deep stack: measured exactly, and predicted by mean-field theory.

    >>> from actlib import flow
    >>> cfg = flow.StackConfig(depth=200, activation="sigmoid")
    >>> res = flow.gradient_flow(cfg)
    >>> res.log10_grad            # (depth,), layer 0 nearest the input
    >>> flow.mean_field(cfg, anchor=res.log10_grad[-1])

The network (:mod:`actlib.stack` has the code): ``batch`` inputs x ~ N(0, I_width);
every layer is ``width x width``, ``z_l = h_l W_l + b_l`` and
``h_{l+1} = phi(a_l)`` (or ``h_l + phi(a_l)`` when ``residual``), with
``a_l = LN(z_l)`` when ``norm="layernorm"``, ``a_l = BN(z_l)`` when ``norm="batchnorm"``
(batch statistics over the batch, per unit; no affine, as at initialisation), else ``a_l = z_l``.

The loss is a random linear readout summed over the batch,
:math:`L = \sum_n r \cdot h_{depth}[n]`, r a unit vector: every example's
output gradient has norm 1, so the curve starts at the same height whatever
the width, batch or forward scale, and what it shows is the backward flow itself.

Range: the backward pass is exact in log space at any depth (a 1000-layer
sigmoid stack reports its first layer ~630 decades down). The forward pass is
ordinary float32, like the network it models: a stack whose activations grow
without bound (ReLU-like units with sigma_w^2 > 2, e.g. He init with gain > 1,
over ~100+ layers) overflows to inf, and the layers below that report NaN.
Batch norm couples the examples, so its backward step shares one log-scale per
batch (:mod:`actlib.stack`): still exact in log space at any depth, and exact to
float32 rounding relative to the batch's largest example. Plain batch-norm stacks
are chaotic at initialisation (the gradient grows going down), so a float32 and a
float64 copy of one part ways after ~40 layers, as two float32 runs with different
rounding would.

Compilation: the jit cache key is (width, batch, depth bucket, activation, init
is orthogonal or not, norm, residual). Depth, seed, gain, bias_std and the
activation's parameters are traced, so sliders never recompile.

Draws: the random normals are made once per (seed, width, batch, depth bucket,
orthogonal) and reused (:mod:`actlib.draws`, a bounded LRU); gain and bias std
scale them inside the compiled program.

Live sliders: :func:`gain_sweep` and :func:`depth_sweep` compute every stack a
slider can reach in one batched call (:mod:`actlib.sweeps`), and
:func:`sweep_affordable` says where that fits the page's budget (:mod:`actlib.budget`).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from typing import Optional

import jax
import jax.numpy as jnp
import numpy as np

from actlib import budget, draws, stack, sweeps, training
from actlib import mean_field as _mf
from actlib.registry import get, resolve_params
from actlib.stack_config import (  # re-exported: flow.StackConfig et al.
    INITS, MAX_BATCH, MAX_DEPTH, MAX_WIDTH, NORMS, StackConfig, _check_float, _check_int,
)
from actlib.training import TrainingTrace

__all__ = ["INITS", "NORMS", "MAX_DEPTH", "MAX_WIDTH", "MAX_BATCH", "StackConfig", "FlowResult",
           "TrainingTrace", "gradient_flow", "mean_field", "training_trace", "network",
           "preactivation_histograms", "affordable_depth", "Sweep", "gain_sweep", "depth_sweep",
           "sweep_affordable", "live_depth_max", "verdict", "GAIN_STEPS", "engine_busy"]

Sweep, verdict = sweeps.Sweep, sweeps.verdict
affordable_depth, sweep_affordable, live_depth_max = (budget.affordable_depth, budget.sweep_affordable,
                                                      budget.live_depth_max)
GAIN_STEPS = budget.GAIN_STEPS


# One stack computation at a time per process. Concurrent ones (a classroom's worth
# of sessions on one server) each fault in their own workspace and fight over the
# same cores and XLA threads: measured at depth 200, 4 at once gave 6 calls/s,
# one at a time 13 calls/s, and the explorer's tiny calls waited behind them.
_compute_lock = threading.Lock()
_in_flight = [0]  # visitors' stack computations running or waiting (under _count_lock)
_count_lock = threading.Lock()
# ui/launch.py's warm-up thread: it already steps aside for visitors, so it never counts as busy
UNCOUNTED_THREADS = frozenset({"actlab-warm-up"})


def _one_at_a_time(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        counted = threading.current_thread().name not in UNCOUNTED_THREADS
        if counted:
            with _count_lock:
                _in_flight[0] += 1
        try:
            with _compute_lock:
                return fn(*args, **kwargs)
        finally:
            if counted:
                with _count_lock:
                    _in_flight[0] -= 1

    return wrapper


def engine_busy() -> int:
    """How many stack computations this process is running or has waiting right now.
    A page that would precompute a sweep (a live slider's 50-130 stacks) can leave it
    for later when others are waiting: a class in free play then gets its own stacks
    quickly instead of queueing behind everyone's sweeps."""
    return _in_flight[0]


def _float32(fn):
    """Run ``fn`` with JAX's 64-bit mode off: the engine is float32 by design (its
    exactness comes from the log-space scaling), even inside a caller's enable_x64."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        with jax.enable_x64(False):
            return fn(*args, **kwargs)

    return wrapped


@dataclasses.dataclass(frozen=True)
class FlowResult:
    """Per hidden layer l = 0 (next to the input) .. depth - 1, float64 arrays of shape (depth,).

    log10_grad: log10 sqrt(mean_n ||dL/dz_l[n]||^2), exact however small.
    log10_weight_grad: log10 ||dL/dW_l||_F. Exactly zero gradients give -inf; layers
    below a forward overflow (see the module doc) give NaN.
    act_mean, act_std: of phi(a_l) over batch and units.
    saturated_fraction: share of units with |phi'(a_l)| < 0.01 (dead ones included).
    dead_fraction: share with phi'(a_l) == 0 exactly: no gradient passes at all.
    """

    log10_grad: np.ndarray
    log10_weight_grad: np.ndarray
    act_mean: np.ndarray
    act_std: np.ndarray
    saturated_fraction: np.ndarray
    dead_fraction: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.log10_grad)


def _static(cfg: StackConfig) -> stack.Static:
    return stack.Static(cfg.width, cfg.batch, stack.bucket(cfg.depth), cfg.activation,
                        cfg.init == "orthogonal", cfg.norm, bool(cfg.residual))


def _act_params(cfg: StackConfig) -> dict:
    return resolve_params(get(cfg.activation), dict(cfg.params))


def _traced(cfg: StackConfig) -> tuple:
    """(draws, depth, scale, bias_std, act_params): the draws from the cache, the rest numpy
    scalars of fixed dtype, so new values reuse the compiled program."""
    return (draws.draws(_static(cfg), cfg.seed, cfg.depth), np.int32(cfg.depth),
            np.float32(cfg.weight_scale), np.float32(cfg.bias_std), _act_params(cfg))


@functools.lru_cache(maxsize=64)
def _flow_program(st: stack.Static):
    gram = st.batch <= st.width  # then Gram matrices are the cheaper route to ||dL/dW||

    def run(saved, d, depth, scale, bias_std, act_params):
        fwd = stack.forward(st, d.params, d.x, depth, act_params, into=saved, gram=gram,
                            w_scale=scale, b_scale=bias_std)
        top_dir = jnp.broadcast_to(d.readout, (st.batch, st.width))  # dL/dh_depth[n] = r
        bwd = stack.backward(st, d.params, fwd.saved, depth, top_dir, jnp.zeros(st.batch), gram,
                             w_scale=scale)
        return (bwd.log10_grad, bwd.log10_weight_grad, fwd.stats), fwd.saved

    empty = jax.jit(functools.partial(stack.empty_saved, st, gram))
    return jax.jit(run, donate_argnums=0), empty


# One idle workspace (the saved buffers), for the latest program: borrowed by one call at
# a time and donated to it, so repeated calls reuse memory instead of faulting in ~100 MB.
_SPARE_MAX_BYTES = 512 * 2**20
_spare: dict[stack.Static, stack.Saved] = {}
_spare_lock = threading.Lock()


def _borrow(st: stack.Static, empty) -> stack.Saved:
    with _spare_lock:
        ws = _spare.pop(st, None)
    return empty() if ws is None else ws


def _give_back(st: stack.Static, ws: stack.Saved) -> None:
    if sum(a.nbytes for a in jax.tree.leaves(ws)) <= _SPARE_MAX_BYTES:
        with _spare_lock:
            _spare.clear()
            _spare[st] = ws


@_one_at_a_time
@_float32
def gradient_flow(cfg: StackConfig) -> FlowResult:
    """Measure the backward flow of ``cfg`` at initialisation (one compiled call)."""
    st = _static(cfg)
    program, empty = _flow_program(st)
    outputs, ws = program(_borrow(st, empty), *_traced(cfg))
    grad, wgrad, stats = jax.device_get(outputs)
    _give_back(st, ws)
    cut = lambda v: np.asarray(v[: cfg.depth], dtype=np.float64)  # numpy: no per-depth slice op
    return FlowResult(cut(grad), cut(wgrad), *(cut(stats[:, i]) for i in range(4)))


@functools.lru_cache(maxsize=16)
def _histogram_program(st: stack.Static):
    def run(edges, d, depth, scale, bias_std, act_params):
        keep_nothing = stack.Saved(None, None, None)
        return stack.forward(st, d.params, d.x, depth, act_params, keep_nothing, edges=edges,
                             w_scale=scale, b_scale=bias_std).stats[:, 4:]

    return jax.jit(run)


@_one_at_a_time
@_float32
def preactivation_histograms(cfg: StackConfig, edges) -> np.ndarray:
    """(depth, len(edges) - 1): for each hidden layer, the share of its activation inputs
    a_l (over batch and units) in each bin; values beyond the edges count in the end bins.
    Same network and seed as :func:`gradient_flow`."""
    edges = np.asarray(edges, dtype=np.float32)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.diff(edges) > 0):
        raise ValueError("edges must be an increasing 1-d array of at least 2 values")
    shares = _histogram_program(_static(cfg))(edges, *_traced(cfg))
    return np.asarray(jax.device_get(shares)[: cfg.depth], dtype=np.float64)


@_float32
def network(cfg: StackConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(weights (depth, width, width), biases (depth, width), x (batch, width), readout (width,)):
    exactly what :func:`gradient_flow` differentiates, for checking it against another
    implementation (z_l = h_l @ weights[l] + biases[l])."""
    d, _, scale, bias_std, _ = _traced(cfg)
    d = jax.device_get(d)
    return (scale * d.params.weights[: cfg.depth], bias_std * d.params.biases[: cfg.depth],
            d.x, d.readout)


@_float32
def mean_field(cfg: StackConfig, anchor: Optional[float] = None) -> Optional[np.ndarray]:
    r"""The mean-field prediction of :attr:`FlowResult.log10_grad`, shape (depth,).

    Plain stacks: Poole et al. (2016) / Schoenholz et al. (2017), with
    :math:`\sigma_w^2` = :attr:`StackConfig.sigma_w2`, :math:`\sigma_b^2` = bias_std^2:
    the variance recursion is iterated layer by layer from the input, and the
    squared gradient norm shrinks by :math:`\chi_1(q_l)` per layer down the stack.
    Residual and layer-norm stacks use the same Gaussian closure, as documented in
    :mod:`actlib.mean_field` (an approximation; good while widths are large).
    Returns None ("theory not available") for a residual stack without a norm
    whose branches add a mean to the stream (ReLU, GELU, sigmoid...): there the
    closure is known to miss the slope by a factor 2-3; and for batch norm without
    residual connections, whose batch coupling makes the gradient explode faster
    than the closure says (see :mod:`actlib.mean_field`).

    Without ``anchor`` the top layer is the theory's own expectation (the readout
    has unit norm); with it, the curve is shifted so its top layer equals ``anchor``,
    e.g. the measured ``res.log10_grad[-1]``; a theory whose top overflowed is returned
    as it is (shifting by an infinity would turn every layer into NaN).
    """
    theory = _mf.predict(cfg.activation, dict(cfg.params), cfg.sigma_w2, cfg.bias_std ** 2,
                         cfg.depth, norm=cfg.norm, residual=bool(cfg.residual))
    if not theory.valid:
        return None
    curve = theory.log10_grad
    if anchor is None or not np.isfinite(curve[-1]):  # an overflowed theory has no top to pin
        return curve
    return curve - curve[-1] + float(anchor)


@_one_at_a_time
@_float32
def training_trace(cfg: StackConfig, steps: int = 100, learning_rate: float = 0.01) -> TrainingTrace:
    """Full-batch gradient descent on a toy regression, log10 gradient norms every step.

    Task: fit y = sin(x . v) (v a random unit vector) with output r . h_depth;
    loss 0.5 * mean_n (r . h_depth[n] - y_n)^2; all W_l, b_l and the readout r are
    trained. Row k of the result is measured before update k. A run whose loss
    or gradients stop being finite has ``diverged_at`` set (the rows after it are NaN).
    """
    _check_int("steps", steps, 1, training.MAX_STEPS)
    _check_float("learning_rate", learning_rate)
    return training.run(_static(cfg), _traced(cfg), cfg.depth, steps, learning_rate)


MAX_SWEEP = 256  # gains per sweep


def _theory_rows(cfg: StackConfig, curves: list, grad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's mean-field line anchored as the page anchors it (its finite top layer)."""
    theory = np.full(grad.shape, np.nan)
    available = np.zeros(len(curves), bool)
    for i, mf in enumerate(curves):
        if mf.valid:
            depth = len(mf.log10_grad)
            top = grad[i, depth - 1]
            curve = mf.log10_grad
            with np.errstate(invalid="ignore"):  # a -inf line (phi' = 0) stays as it is
                theory[i, :depth] = curve - curve[-1] + top if np.isfinite(top) else curve
            available[i] = True
    return theory, available


def _sweep(kind, values, depths, grad, act_std, theory, available) -> Sweep:
    verdicts = [sweeps.verdict(grad[i, :d], act_std[i][:d]) for i, d in enumerate(depths)]
    return Sweep(kind, np.asarray(values), np.asarray(depths), grad, theory, available,
                 np.array([v[2] for v in verdicts]), tuple(v[0] for v in verdicts),
                 np.array([v[1] for v in verdicts]))


@_one_at_a_time
@_float32
def gain_sweep(cfg: StackConfig, gains) -> Sweep:
    """Every ``replace(cfg, gain=g)`` for g in ``gains``, in one batched compiled call.

    Row i of ``log10_grad`` is ``gradient_flow(replace(cfg, gain=gains[i])).log10_grad``
    (to float32 rounding: the same arithmetic, batched), ``theory`` its anchored
    mean-field line. The number of gains is padded to whole chunks of
    :data:`actlib.sweeps.GAIN_CHUNK`, so any count up to a chunk boundary, and any
    gain values, reuse the compiled program."""
    gains = [float(g) for g in gains]
    if not 1 <= len(gains) <= MAX_SWEEP:
        raise ValueError(f"give 1..{MAX_SWEEP} gains, got {len(gains)}")
    configs = [dataclasses.replace(cfg, gain=g) for g in gains]  # validates every gain
    d, _, _, bias_std, act_params = _traced(cfg)
    grad, act_std = sweeps.gain_rows(_static(cfg), d, cfg.depth, [c.weight_scale for c in configs],
                                     bias_std, act_params)
    curves = _mf.predict_many(cfg.activation, dict(cfg.params), [c.sigma_w2 for c in configs],
                              cfg.bias_std ** 2, cfg.depth, norm=cfg.norm, residual=bool(cfg.residual))
    return _sweep("gain", gains, [cfg.depth] * len(gains), grad, act_std, *_theory_rows(cfg, curves, grad))


@_one_at_a_time
@_float32
def depth_sweep(cfg: StackConfig) -> Sweep:
    """Every depth 1..cfg.depth of ``cfg`` in one compiled call (see :mod:`actlib.sweeps`).

    Row k is ``gradient_flow(replace(cfg, depth=k + 1)).log10_grad``, NaN-padded to
    cfg.depth columns. For the page's live depth slider, call it with
    ``depth = live_depth_max(cfg)`` (at most 100): the slider is live over 1..that."""
    d, depth, scale, bias_std, act_params = _traced(cfg)
    grad, act_std = sweeps.depth_rows(_static(cfg), d, cfg.depth, scale, bias_std, act_params)
    curves = _mf.predict_depths(cfg.activation, dict(cfg.params), cfg.sigma_w2, cfg.bias_std ** 2,
                                cfg.depth, norm=cfg.norm, residual=bool(cfg.residual))
    depths = list(range(1, cfg.depth + 1))
    return _sweep("depth", depths, depths, grad, [act_std] * cfg.depth,
                  *_theory_rows(cfg, curves, grad))

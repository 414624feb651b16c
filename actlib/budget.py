"""What one request may cost on a small shared server, and where the live sliders fit.

Single stacks (:func:`affordable_depth`): about 1.5 GB of buffers and ~2e11
multiply-adds (a few seconds on 2 cores). The page offers depth, width and batch
up to 1000, 1024 and 512, but not all three at once.

Sweeps (:func:`sweep_affordable`): a live slider precomputes every stack it can
reach, so the sweep must come back within :data:`SWEEP_SECONDS`. Its time is
modelled per *layer step* (one layer of one stack's forward or backward pass) as
``STEP_SECONDS + batch * width * (ELEMENT_SECONDS + width / MACS_PER_SECOND)``.
The constants were fitted on this 2-core machine (min of 3, JAX 0.10.2, 79 gains):

    width  batch  depth   gain sweep   depth sweep 1..depth
     128     64     50      212 ms        32 ms     (the page's defaults)
     128     64    100      395 ms       127 ms     (presets at depth 100: 400-450 ms)
     256    128    100     1271 ms       539 ms
      16      8    100       33 ms         5 ms
     512     64     30      946 ms       147 ms

The model's per-entry cost is twice the fitted one, so it over-predicts every row
above (by 1.1x at width 16 up to 3x at width 256, where XLA's matmuls run faster
than the fitted rate): a margin for a loaded machine, which can double a time.
So the defaults, every activation, init, residual or not, layer or batch norm, and
every preset at depth <= 100 (width 128, batch 64) are live: the gain sweep models
at <= 0.72 s there, the depth sweep 1..100 at <= 0.31 s.
"""

from __future__ import annotations

from actlib import stack, sweeps

MEMORY_BUDGET_BYTES = 1.5e9
WORK_BUDGET = 2e11
MAX_DEPTH = 1000

SWEEP_SECONDS = 1.25        # the page's budget for one sweep
SWEEP_BYTES = 0.6e9         # and for its buffers
STEP_SECONDS = 2e-6         # per layer step: loop and launch overhead
ELEMENT_SECONDS = 4e-9      # per activation entry: phi, phi', norms, stats (2x the fit: margin)
MACS_PER_SECOND = 1e11      # the matmuls
GAIN_STEPS = tuple(round(0.1 + 0.05 * i, 2) for i in range(79))  # the page's slider: 0.1..4.0
LIVE_DEPTH_MAX = 100        # the depth sweep's deepest stack (bucket 128 at most: one compile)


def affordable_depth(width: int, batch: int, steps: int = 1) -> int:
    """The deepest stack (<= MAX_DEPTH) whose gradient flow (or ``steps`` of training)
    fits the memory and work budgets at this width and batch."""
    floats_per_layer = width * width + 3 * batch * width
    by_memory = MEMORY_BUDGET_BYTES / (4 * floats_per_layer)
    by_work = WORK_BUDGET / (6 * batch * width * width * max(1, steps))
    # buckets: the buffers are sized by the next power of two above the depth
    fits = [b for b in stack.BUCKETS if b <= by_memory]
    return int(max(1, min(MAX_DEPTH, by_work, fits[-1] if fits else 1)))


def _depth_layer_steps(depth: int) -> int:
    """Layer steps of :func:`actlib.flow.depth_sweep` up to ``depth``: the forward pass,
    then each backward phase carrying its static number of stacks."""
    total = depth
    for first, carried in sweeps._phases(stack.bucket(depth)):
        total += carried * max(0, min(carried, depth) - first)
    return total


def sweep_seconds(width: int, batch: int, depth: int, kind: str, n_gains: int = len(GAIN_STEPS)) -> float:
    """Modelled time of a gain sweep over ``n_gains`` values, or of the depth sweep 1..depth."""
    if kind == "gain":
        padded = -(-n_gains // sweeps.GAIN_CHUNK) * sweeps.GAIN_CHUNK
        steps = 2 * padded * depth
    elif kind == "depth":
        steps = _depth_layer_steps(depth)
    else:
        raise ValueError(f"kind must be 'gain' or 'depth', got {kind!r}")
    return steps * (STEP_SECONDS + batch * width * (ELEMENT_SECONDS + width / MACS_PER_SECOND))


def sweep_bytes(width: int, batch: int, depth: int, kind: str) -> float:
    """Buffers: the draws, plus the saved slopes (and norm inputs) of the stacks in flight."""
    bucket = stack.bucket(depth)
    rows = bucket * batch * width * 4 * 2
    in_flight = sweeps.GAIN_CHUNK if kind == "gain" else 1
    carried = bucket * batch * width * 4 * 3 if kind == "depth" else 0
    return bucket * width * width * 4 + in_flight * rows + carried


def sweep_affordable(cfg, kind: str, n_gains: int = len(GAIN_STEPS)) -> bool:
    """Whether the live slider of ``kind`` ("gain" over the page's 79 values, or "depth"
    over every depth 1..cfg.depth) fits :data:`SWEEP_SECONDS` and :data:`SWEEP_BYTES`.
    The depth sweep also stops at :data:`LIVE_DEPTH_MAX`."""
    if kind == "depth" and cfg.depth > LIVE_DEPTH_MAX:
        return False
    return (sweep_seconds(cfg.width, cfg.batch, cfg.depth, kind, n_gains) <= SWEEP_SECONDS
            and sweep_bytes(cfg.width, cfg.batch, cfg.depth, kind) <= SWEEP_BYTES)


def live_depth_max(cfg) -> int:
    """The deepest D (<= LIVE_DEPTH_MAX) whose depth sweep 1..D fits the budget at
    ``cfg``'s width and batch: the page's depth slider can be live over 1..D (0: nowhere)."""
    fits = [d for d in range(1, LIVE_DEPTH_MAX + 1)
            if sweep_seconds(cfg.width, cfg.batch, d, "depth") <= SWEEP_SECONDS
            and sweep_bytes(cfg.width, cfg.batch, d, "depth") <= SWEEP_BYTES]
    return fits[-1] if fits else 0

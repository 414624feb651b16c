"""Where the gradient vanishes on a sampled curve: saturated and dead stretches."""

from __future__ import annotations

import numpy as np

# |f'| below this (but not 0) counts as saturated: a signal passing through
# 10 such units shrinks by at least 10^-13.
SATURATION_THRESHOLD = 0.05


def _intervals(x: np.ndarray, mask: np.ndarray) -> list[tuple[float, float]]:
    """Maximal runs of ``mask`` as (x_start, x_end), extended half a grid step each side."""
    if not mask.any():
        return []
    half = 0.5 * (x[1] - x[0]) if len(x) > 1 else 0.0
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    starts, ends = edges[0::2], edges[1::2] - 1
    lo, hi = float(x[0]), float(x[-1])
    return [(max(lo, float(x[s]) - half), min(hi, float(x[e]) + half)) for s, e in zip(starts, ends)]


def vanishing_regions(x, derivative, threshold: float = SATURATION_THRESHOLD) -> dict[str, list]:
    """``{"dead": [...], "saturated": [...]}``: x intervals where f' = 0 exactly,
    and where 0 < |f'| < threshold."""
    x = np.asarray(x, dtype=np.float64)
    magnitude = np.abs(np.asarray(derivative, dtype=np.float64))
    dead = magnitude == 0.0
    saturated = (magnitude < threshold) & ~dead
    return {"dead": _intervals(x, dead), "saturated": _intervals(x, saturated)}

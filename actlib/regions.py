"""Where the gradient is a problem on a sampled curve, named by what it is.

* ``dead``: f' = 0 exactly (ReLU's negative half, hard sigmoid beyond +-3);
* ``saturating``: |f'| < SMALL_SLOPE on a stretch that runs out to the chart's
  edge on a side where f tends to a finite limit (sigmoid's tails, ELU's left):
  a tail property, decided from the limits (:func:`tails`), not from the slope
  alone; where f' then underflows to 0 in float32 (GELU below x = -13) the
  stretch stays saturating, not dead;
* ``small_gradient``: 0 < |f'| < SMALL_SLOPE with f' of one sign but no limit
  (leaky ReLU with alpha below the threshold). Where f' merely crosses zero
  (the minima of GELU, SiLU, Mish) nothing is shaded: a stationary point is not
  a vanishing gradient.

:func:`gradient_regions` works on arrays the caller already has (x and f' on
its grid) plus two booleans from :func:`tails`, cached per (activation,
parameters), so a slider can recompute it for every step at numpy speed.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from actlib.autodiff import evaluate

# |f'| below this counts as small. The gradient page's "saturated units" use the
# same number: a signal through 10 such layers shrinks by at least 10^20.
SMALL_SLOPE = 0.01
KINDS: tuple[str, ...] = ("dead", "saturating", "small_gradient")

_FAR = np.array([-1e4, -1e3, 1e3, 1e4], dtype=np.float32)
_SETTLED = 1e-2   # f moving by less than this between |x| = 1e3 and 1e4 has reached its limit


class Tails(NamedTuple):
    """Does f tend to a finite limit as x -> -inf (left) and as x -> +inf (right)?"""

    left: bool
    right: bool


def tails_from_values(far_values) -> Tails:
    """:class:`Tails` from f at x = -1e4, -1e3, 1e3, 1e4 (for a caller that evaluates
    those points itself, e.g. appended to its own grid)."""
    f = np.asarray(far_values, dtype=np.float64)
    settled = lambda far, near: bool(np.isfinite(f[far]) and abs(f[far] - f[near]) < _SETTLED)
    return Tails(left=settled(0, 1), right=settled(3, 2))


@functools.lru_cache(maxsize=4096)
def _tails(name: str, params: tuple[tuple[str, float], ...]) -> Tails:
    return tails_from_values(evaluate(name, _FAR, **dict(params)))


def tails(name: str, params: dict | None = None) -> Tails:
    """The limits of ``name`` at these parameters: four evaluations, cached."""
    return _tails(name, tuple(sorted((k, float(v)) for k, v in (params or {}).items())))


def _intervals(x: np.ndarray, runs: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Index runs [start, end] as (x_start, x_end), extended half a grid step each side."""
    half = 0.5 * (x[1] - x[0]) if len(x) > 1 else 0.0
    lo, hi = float(x[0]), float(x[-1])
    return [(float(max(lo, x[s] - half)), float(min(hi, x[e] + half))) for s, e in runs]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(s), int(e) - 1) for s, e in zip(edges[0::2], edges[1::2])]


def _saturating(run: tuple[int, int], first: np.ndarray, flat: np.ndarray, limits: Tails) -> bool:
    """Does this small-slope run lead, still flattening, into a tail with a limit?"""
    start, end = run
    left = limits.left and flat[:start].all() and abs(first[start]) <= abs(first[end])
    right = limits.right and flat[end + 1:].all() and abs(first[end]) <= abs(first[start])
    return bool(left or right)


def gradient_regions(x, first, *, tails: Tails, threshold: float = SMALL_SLOPE
                     ) -> dict[str, list[tuple[float, float]]]:
    """``{kind: [(x0, x1), ...]}`` for each of :data:`KINDS` (see the module doc).

    ``x`` is an increasing grid, ``first`` f' on it, ``tails`` from :func:`tails`.
    The comparison with ``threshold`` is made in float32, the precision of f', so
    leaky ReLU at alpha = 0.01 is exactly at the threshold and not below it.
    """
    x = np.asarray(x, dtype=np.float64)
    slope = np.asarray(first, dtype=np.float32)
    out: dict[str, list] = {kind: [] for kind in KINDS}
    if x.size == 0:
        return out
    magnitude = np.abs(slope)
    dead = magnitude == 0
    small = (magnitude < np.float32(threshold)) & ~dead
    flat = dead | small | ~np.isfinite(slope)
    for run in _runs(small):
        signs = np.sign(slope[run[0]:run[1] + 1])
        if signs.min() != signs.max():                # f' crosses zero: a stationary point
            continue
        out["saturating" if _saturating(run, slope, flat, tails) else "small_gradient"].append(run)
    dead_runs = _runs(dead)
    for run in _underflowed(dead_runs, out["saturating"], len(x)):
        dead_runs.remove(run)                         # f' underflowed float32 in a saturating tail
        out["saturating"].append(run)
    out["dead"] = _intervals(x, dead_runs)
    out["saturating"] = _intervals(x, _merged(out["saturating"]))
    out["small_gradient"] = _intervals(x, out["small_gradient"])
    return out


def _underflowed(dead_runs, saturating_runs, n: int) -> list[tuple[int, int]]:
    """Dead runs at the chart's edge that a saturating run leads straight into.

    A tail like GELU's or sigmoid's has f' > 0 everywhere, but f' rounds to 0 in
    float32 far out (GELU below x = -13). Truly dead stretches (ReLU, hard
    sigmoid) start with a jump of f', never after a run of small slopes.
    """
    ends = {s for s, _ in saturating_runs} | {e for _, e in saturating_runs}
    return [(s, e) for s, e in dead_runs
            if (s == 0 and e + 1 in ends) or (e == n - 1 and s - 1 in ends)]


def _merged(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(runs):
        if out and s <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out

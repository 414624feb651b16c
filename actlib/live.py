"""Frames for a live slider: the chart at every step, as changes over the committed chart.

A frame's traces are what the figure builder gives at that step; traces that match
a committed trace by name are sent as ``{"$base": j, ...}`` with only the keys that
differ (usually just ``y``), so the shared x grid and styling go over the wire once.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from actlib import figures, sweep
from actlib.registry import get

CURVE_POINTS = 301  # per curve, odd so that x = 0 is on the grid of a symmetric range


def trace_patch(base: Sequence[dict], traces: Sequence[dict]) -> list[dict]:
    """``traces`` with each one that has a namesake in ``base`` reduced to its differences."""
    index = {(t.get("name"), t.get("type")): j for j, t in enumerate(base)}
    patched = []
    for trace in traces:
        j = index.get((trace.get("name"), trace.get("type")))
        if j is None:
            patched.append(trace)
            continue
        changes = {k: v for k, v in trace.items() if base[j].get(k) != v}
        changes.update({k: None for k in base[j] if k not in trace})
        patched.append({"$base": j} | changes)
    return patched


def apply_patch(base: Sequence[dict], patched: Sequence[dict]) -> list[dict]:
    """The inverse of :func:`trace_patch` (what the browser does), for tests and exports."""
    out = []
    for trace in patched:
        if "$base" in trace:
            merged = dict(base[trace["$base"]]) | {k: v for k, v in trace.items() if k != "$base"}
            out.append({k: v for k, v in merged.items() if v is not None})
        else:
            out.append(dict(trace))
    return out


def explorer_grid(x_lo: float, x_hi: float, probe_x: float) -> np.ndarray:
    """The chart's x grid with the probe point appended (one fixed shape: one compile)."""
    return np.append(np.linspace(x_lo, x_hi, CURVE_POINTS), probe_x).astype(np.float32)


def explorer_frames(name: str, params: dict[str, float], x: np.ndarray, *, show_second: bool,
                    build: Callable[..., dict], caption: Callable[..., str]) -> tuple[dict, str, list]:
    """The explorer's committed figure, its read-out, and per parameter
    ``(param, values, index, frames)``.

    ``build(value, first, second, probe, y_range, params)`` makes the figure for one
    state (curves on the grid, probe = (x0, f, f′), that state's parameters);
    ``caption(x0, f, f′, f″)`` its read-out.
    Every step's curves come from :func:`actlib.sweep.curves_over`, one call per slider;
    the y axis is fixed over all of them, so the curve moves and the axes do not.
    """
    act = get(name)
    sweeps = []
    for p in act.params:
        values = sweep.slider_values(p, params[p.name])
        sweeps.append((p, values, sweep.curves_over(name, x, p.name, values, **params)))
    committed = [np.asarray(a) for a in _committed(name, x, params)]
    shown = [committed[0][:-1], committed[1][:-1]] + ([committed[2][:-1]] if show_second else [])
    for _, _, (f, d1, d2) in sweeps:
        shown += [f[:, :-1], d1[:, :-1]] + ([d2[:, :-1]] if show_second else [])
    y_range = figures.y_range_of(shown)

    def state(f, d1, d2, step_params):
        figure = build(f[:-1], d1[:-1], d2[:-1] if show_second else None,
                       (float(x[-1]), float(f[-1]), float(d1[-1])), y_range, step_params)
        return figure, caption(float(x[-1]), float(f[-1]), float(d1[-1]), float(d2[-1]))

    figure, text = state(*committed, params)
    live = []
    for p, values, (f, d1, d2) in sweeps:
        frames = []
        for i in range(len(values)):
            frame_figure, frame_text = state(f[i], d1[i], d2[i], params | {p.name: float(values[i])})
            frames.append({"data": trace_patch(figure["data"], frame_figure["data"]), "text": frame_text})
        live.append((p, values, sweep.nearest_index(values, params[p.name]), frames))
    return figure, text, live


def _committed(name: str, x: np.ndarray, params: dict) -> tuple:
    from actlib.autodiff import curves

    return curves(name, x, **params)

"""Figures of the gradient-flow page, as plain dicts with Plotly frames.

The animations play in the browser (Plotly ``frames``): no rerun per frame.
"""

from __future__ import annotations

import math

import numpy as np

from actlib import chart_layout
from actlib.figures import PALETTE

MAX_FRAMES = 60  # beyond this many layers a frame reveals several layers at once
MAX_POINTS = 200  # deeper stacks are drawn at 200 evenly spaced layers: the payload stays small
COLORSCALE = "Viridis"  # perceptually uniform, readable in grey


def _rounded(values) -> list:
    """Floats rounded to 4 decimals for a small JSON payload; non-finite values become gaps.
    In numpy, not a Python loop: a live slider's frames round ~20,000 values."""
    values = np.asarray(values, dtype=float)
    rounded = np.round(values, 4).astype(object)
    rounded[~np.isfinite(values)] = None
    return rounded.tolist()


def _font(presenter: bool) -> int:
    return 22 if presenter else 14


def _animation_controls(frame_names: list[str], labels: dict[str, str], duration_ms: int,
                        font: int) -> dict:
    play = {"label": labels["play"], "method": "animate",
            "args": [None, {"frame": {"duration": duration_ms, "redraw": False},
                            "transition": {"duration": 0}, "fromcurrent": False, "mode": "immediate"}]}
    pause = {"label": labels["pause"], "method": "animate",
             "args": [[None], {"frame": {"duration": 0, "redraw": False},
                               "transition": {"duration": 0}, "mode": "immediate"}]}
    steps = [{"label": name, "method": "animate",
              "args": [[name], {"frame": {"duration": 0, "redraw": False},
                                "transition": {"duration": 0}, "mode": "immediate"}]}
             for name in frame_names]
    rows = chart_layout.animation_rows(font)  # under the x axis title, never over it
    return {
        "updatemenus": [{"type": "buttons", "direction": "left", "showactive": False,
                         "x": 0.0, "y": 0, "xanchor": "left", "yanchor": "top",
                         "pad": {"t": rows["buttons"], "l": 0, "r": 0, "b": 0},
                         "buttons": [play, pause]}],
        "sliders": [{"active": len(frame_names) - 1, "steps": steps, "x": 0.0, "len": 1.0,
                     "y": 0, "yanchor": "top", "pad": {"t": rows["slider"], "l": 0, "r": 0, "b": 0},
                     "currentvalue": {"prefix": labels["step"]}}],
    }


def backward_animation(log10_grad, theory=None, *, labels: dict[str, str],
                       presenter: bool = False, animate: bool = True) -> dict:
    """Layers 1..D on x, log10 gradient magnitude on y, revealed from the output
    back to the input, one layer per frame (several when D > MAX_FRAMES).

    Markers are coloured and sized by the layer's log10 magnitude. The figure
    opens on the last frame (the whole pass); Play replays it from the output.
    ``labels``: "layer", "log_grad", "measured", "theory", "play", "pause", "step".
    ``animate=False``: the whole pass only, without frames and controls (a live
    slider's step).
    """
    grad = np.asarray(log10_grad, dtype=float)
    depth = grad.size
    shown_idx = np.unique(np.linspace(0, depth - 1, min(depth, MAX_POINTS)).round().astype(int))
    layers, grad = shown_idx + 1, grad[shown_idx]
    shown = grad[np.isfinite(grad)]
    lo, hi = (float(shown.min()), float(shown.max())) if shown.size else (-1.0, 1.0)
    if theory is not None:
        finite_theory = np.asarray(theory, dtype=float)[np.isfinite(theory)]
        if finite_theory.size:
            lo, hi = min(lo, float(finite_theory.min())), max(hi, float(finite_theory.max()))
    pad = max(0.08 * (hi - lo), 0.5)
    span = max(hi - lo, 1e-9)
    sizes = 7 + 17 * (np.nan_to_num(grad, nan=lo, posinf=hi, neginf=lo) - lo) / span
    big = 1.6 if presenter else 1.0

    per_frame = max(1, math.ceil(grad.size / MAX_FRAMES))
    cutoffs = list(range(grad.size - 1, -1, -per_frame))  # first revealed index, output first
    if cutoffs[-1] != 0:
        cutoffs.append(0)

    # Each frame is a suffix of the same lists: rounded once here, sliced per frame (a
    # frame's own rounding was most of a deep stack's figure time on a busy server).
    all_x, all_y = layers.tolist(), _rounded(grad)
    keep = np.flatnonzero(np.isfinite(grad))  # markers only for measurable layers:
    kept_x, kept_y = layers[keep].tolist(), _rounded(grad[keep])  # a marker colour or
    kept_size = _rounded(sizes[keep] * big)                       # size cannot be missing

    def revealed(start: int) -> list[dict]:
        k = int(np.searchsorted(keep, start))  # the first measurable layer from ``start``
        return [
            {"type": "scatter", "x": all_x[start:], "y": all_y[start:]},
            {"type": "scatter", "x": kept_x[k:], "y": kept_y[k:],
             "marker": {"size": kept_size[k:], "color": kept_y[k:],
                        "colorscale": COLORSCALE, "cmin": lo, "cmax": hi,
                        "line": {"width": 1, "color": "#333"},
                        # no colour bar: the colour repeats the y axis, and the bar
                        # cost the browser ~20 ms per redraw (measured)
                        "showscale": False}},
        ]

    first_frame = revealed(0)
    data = [
        {"type": "scatter", "mode": "lines", "name": labels["measured"],
         "line": {"color": PALETTE[0], "width": 4 if presenter else 2}, **first_frame[0]},
        {"type": "scatter", "mode": "markers", "name": labels["measured"], "showlegend": False,
         "hovertemplate": "%{x}: 10^%{y:.2f}<extra></extra>", **first_frame[1]},
    ]
    if theory is not None:
        data.append({"type": "scatter", "mode": "lines", "name": labels["theory"],
                     "x": np.arange(1, depth + 1).tolist(), "y": _rounded(theory),
                     "line": {"color": PALETTE[1], "dash": "dash", "width": 4 if presenter else 2.5}})
    names = [str(int(layers[start])) for start in cutoffs]
    frames = [{"name": name, "data": revealed(start), "traces": [0, 1]}
              for name, start in zip(names, cutoffs)] if animate else []
    font = _font(presenter)
    layout = chart_layout.frame(height=720 if presenter else 560, font=font) | {
        "xaxis": {"title": {"text": labels["layer"]}, "range": [0.5, depth + 0.5], "automargin": True},
        "yaxis": {"title": chart_layout.side_title(labels["log_grad"], font), "range": [lo - pad, hi + pad], "automargin": True},
    }
    if not animate:
        return {"data": data, "layout": layout}
    layout |= _animation_controls(names, labels, duration_ms=max(40, min(250, 6000 // len(names))),
                                  font=font)
    return {"data": data, "layout": layout, "frames": frames}


def preactivation_histogram(shares, edges, z_grid, slope, *, labels: dict[str, str],
                            presenter: bool = False) -> dict:
    """One layer's pre-activations as a density over bins (``shares`` per bin between
    ``edges``, from :func:`actlib.flow.preactivation_histograms`), drawn over f'(z) on a
    second axis, so units sitting where f' is small are visible.
    ``labels``: "histogram", "derivative", "z"."""
    edges = np.asarray(edges, dtype=float)
    widths = np.diff(edges)
    density = np.asarray(shares, dtype=float) / widths
    centres = 0.5 * (edges[1:] + edges[:-1])
    lo, hi = float(edges[0]), float(edges[-1])
    width = 4 if presenter else 2.5
    return {
        "data": [
            {"type": "bar", "x": _rounded(centres), "y": _rounded(density), "name": labels["histogram"],
             "marker": {"color": "rgba(0, 114, 178, 0.55)", "line": {"width": 0}}, "width": _rounded(widths)},
            {"type": "scatter", "mode": "lines", "x": _rounded(z_grid), "y": _rounded(slope),
             "name": labels["derivative"], "yaxis": "y2",
             "line": {"color": PALETTE[1], "width": width, "dash": "dash"}},
        ],
        "layout": chart_layout.frame(height=520 if presenter else 360, font=_font(presenter)) | {
            "bargap": 0, "dragmode": False,  # a finger on the chart scrolls the page (toolbar: zoom)
            "xaxis": {"title": {"text": labels["z"]}, "range": [lo, hi], "automargin": True},
            "yaxis": {"title": chart_layout.side_title(labels["histogram"], _font(presenter)), "rangemode": "tozero", "automargin": True},
            "yaxis2": {"title": chart_layout.side_title(labels["derivative"], _font(presenter)), "overlaying": "y", "side": "right",
                       "rangemode": "tozero", "showgrid": False, "tickformat": ".2~f", "automargin": True},
        },
    }


def layer_fractions(series: dict[str, np.ndarray], *, labels: dict[str, str],
                    presenter: bool = False) -> dict:
    """Per-layer fractions (saturated, dead units...) as lines; ``series`` maps a
    legend label to a (depth,) array in [0, 1]. ``labels``: "layer"."""
    dashes = ("solid", "dash", "dot", "dashdot")
    symbols = ("circle", "square", "diamond", "triangle-up")
    data = []
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        data.append({"type": "scatter", "mode": "lines+markers" if values.size <= 100 else "lines",
                     "name": name, "x": list(range(1, values.size + 1)), "y": _rounded(values),
                     "line": {"color": PALETTE[i], "dash": dashes[i % 4], "width": 4 if presenter else 2},
                     "marker": {"symbol": symbols[i % 4], "size": 8 if presenter else 5}})
    return {"data": data, "layout": chart_layout.frame(height=520 if presenter else 360, font=_font(presenter)) | {
        "dragmode": False,
        "xaxis": {"title": {"text": labels["layer"]}, "automargin": True},
        "yaxis": {"range": [0, 1.02], "automargin": True}}}


TRAINING_FRAMES = 20
MAX_HEATMAP_ROWS = 100


def training_heatmap(log10_grad, *, labels: dict[str, str], presenter: bool = False) -> dict:
    """Layer x step heat map of log10 gradient magnitudes, revealed step by step
    with Plotly frames. Non-finite cells (divergence) are left blank.
    Deep stacks are drawn at 100 evenly spaced layers. ``labels``: "step_axis",
    "layer", "log_grad", "play", "pause", "step"."""
    grid = np.asarray(log10_grad, dtype=float)  # (steps, depth)
    steps, depth = grid.shape
    rows = np.unique(np.linspace(0, depth - 1, min(depth, MAX_HEATMAP_ROWS)).round().astype(int))
    z = grid[:, rows].T  # (rows, steps): layers up the y axis
    finite = z[np.isfinite(z)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    x_steps, y_layers = list(range(steps)), (rows + 1).tolist()

    def upto(k: int) -> dict:  # the first k steps; the fixed x range keeps the rest blank
        return {"type": "heatmap", "x": x_steps[:k], "z": [_rounded(row[:k]) for row in z]}

    cutoffs = sorted({max(1, round(steps * (i + 1) / TRAINING_FRAMES)) for i in range(TRAINING_FRAMES)})
    names = [str(k) for k in cutoffs]
    heatmap = {"y": y_layers, "zmin": lo, "zmax": hi,
               "colorscale": COLORSCALE, "colorbar": {"title": {"text": labels["log_grad"]}},
               "hovertemplate": "step %{x}, layer %{y}: 10^%{z:.2f}<extra></extra>", **upto(steps)}
    font = _font(presenter)
    layout = chart_layout.frame(height=620 if presenter else 500, font=font, legend=False) | {
        "dragmode": False,
        "xaxis": {"title": {"text": labels["step_axis"]}, "range": [-0.5, steps - 0.5], "automargin": True},
        "yaxis": {"title": chart_layout.side_title(labels["layer"], font), "automargin": True},
        **_animation_controls(names, labels, duration_ms=150, font=font),
    }
    frames = [{"name": name, "data": [upto(k)], "traces": [0]} for name, k in zip(names, cutoffs)]
    return {"data": [heatmap], "layout": layout, "frames": frames}


MAX_DEAD_LINES = 8


def dead_layers_shown(dead_fraction) -> list[int]:
    """0-based layers drawn by :func:`dead_units_over_steps`: all of a shallow stack; of a
    deep one, evenly spaced layers plus the one with the most dead units at the end."""
    grid = np.asarray(dead_fraction, dtype=float)
    depth = grid.shape[1]
    if depth <= MAX_DEAD_LINES:
        return list(range(depth))
    last = grid[-1] if np.isfinite(grid[-1]).any() else np.zeros(depth)
    spaced = np.linspace(0, depth - 1, MAX_DEAD_LINES - 1).round().astype(int)
    return sorted({*spaced.tolist(), int(np.nanargmax(last))})


def dead_units_over_steps(dead_fraction, *, labels: dict[str, str], presenter: bool = False) -> dict:
    """Lines of the dead-unit share per layer over the training steps (``dead_fraction``:
    (steps, depth), see :attr:`actlib.training.TrainingTrace.dead_fraction`).
    ``labels``: "step_axis", "dead_share", "layer_n" (with ``{layer}``)."""
    grid = np.asarray(dead_fraction, dtype=float)
    steps = grid.shape[0]
    data = []
    for i, layer in enumerate(dead_layers_shown(grid)):
        data.append({"type": "scatter", "mode": "lines", "name": labels["layer_n"].format(layer=layer + 1),
                     "x": list(range(steps)), "y": _rounded(grid[:, layer]),
                     "line": {"color": PALETTE[i % len(PALETTE)], "width": 4 if presenter else 2},
                     "hovertemplate": "step %{x}: %{y:.0%}<extra>%{fullData.name}</extra>"})
    return {"data": data, "layout": chart_layout.frame(height=520 if presenter else 360, font=_font(presenter)) | {
        "dragmode": False,
        "xaxis": {"title": {"text": labels["step_axis"]}, "range": [0, max(1, steps - 1)], "automargin": True},
        "yaxis": {"title": chart_layout.side_title(labels["dead_share"], _font(presenter)), "range": [0, 1.02], "tickformat": ".0%",
                  "automargin": True}}}

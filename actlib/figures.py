"""Figure builders: Plotly figures as plain dicts (far cheaper than go.Figure)."""

from __future__ import annotations

import base64

import numpy as np
from actlib import chart_layout

# Okabe–Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
REGION_FILL = {"dead": "rgba(213, 94, 0, 0.18)", "saturating": "rgba(230, 159, 0, 0.22)",
               "small_gradient": "rgba(86, 180, 233, 0.22)"}
REGION_PATTERN = {"dead": "x", "saturating": "/", "small_gradient": "."}  # cues beyond colour


def packed(values) -> dict:
    """A float array in Plotly's typed-array form: base64 float32, about a third of
    the bytes of a decimal list (what plotly's own Figure sends for numpy input)."""
    return {"dtype": "f4", "bdata": base64.b64encode(np.asarray(values, dtype="<f4").tobytes()).decode()}


def _style(presenter: bool) -> dict:
    return {"width": 5 if presenter else 2.5, "font": 22 if presenter else 15,
            "height": 620 if presenter else 460}


def y_range_of(curves: list[np.ndarray]) -> list[float]:
    """An axis range that shows every finite value of ``curves``, padded."""
    values = np.concatenate([np.asarray(c, dtype=np.float64).ravel() for c in curves])
    values = values[np.isfinite(values)]
    lo, hi = (float(values.min()), float(values.max())) if values.size else (-1.0, 1.0)
    pad = max(0.08 * (hi - lo), 0.25)
    return [lo - pad, hi + pad]


def _region_trace(name: str, intervals, y_range) -> dict:
    xs, ys = [], []
    for x0, x1 in intervals:
        xs += [x0, x0, x1, x1, x0, None]
        ys += [y_range[0], y_range[1], y_range[1], y_range[0], y_range[0], None]
    return {"type": "scatter", "x": xs, "y": ys, "name": name, "mode": "lines",
            "fill": "toself",
            "line": {"width": 0}, "hoverinfo": "skip", "showlegend": True}


def explorer_figure(x, value, first, *, labels: dict[str, str], second=None,
                    overlays=(), regions=None, probe=None, presenter: bool = False,
                    title: str = "", y_range: list[float] | None = None) -> dict:
    """f and f' (and optionally f'') over x, overlays drawn faintly, vanishing-gradient
    regions shaded, and an optional probe marker.

    ``labels`` names the traces and axes: keys "f", "df", "d2f", "probe", "x", "y", and one
    per region kind present in ``regions`` ("dead", "saturating", "small_gradient": see
    actlib.regions). Curves go out as packed float32 arrays (see :func:`packed`).
    ``overlays`` is a sequence of (label, values); ``regions`` maps a kind to x intervals
    (:func:`actlib.regions.gradient_regions`); ``probe`` is (x0, f(x0), f'(x0)); ``y_range`` fixes
    the y axis (a live slider keeps it over all its steps), else it fits the curves shown.
    """
    style = _style(presenter)
    if y_range is None:
        y_range = y_range_of([value, first] + ([second] if second is not None else []))
    traces = []
    for kind in REGION_FILL:
        if regions and regions.get(kind):
            trace = _region_trace(labels[kind], regions[kind], y_range)
            trace["fillcolor"] = REGION_FILL[kind]
            trace["fillpattern"] = {"shape": REGION_PATTERN[kind], "fgcolor": REGION_FILL[kind][:-5] + "0.6)",
                                    "size": 10, "solidity": 0.15}
            traces.append(trace)
    for i, (label, values) in enumerate(overlays):
        traces.append({"type": "scatter", "x": packed(x), "y": packed(values), "name": label,
                       "mode": "lines", "opacity": 0.45, "line": {"width": style["width"] * 0.6,
                                                  "color": PALETTE[3 + i % 5], "dash": "longdashdot"}})
    curves = [("f", value, "solid"), ("df", first, "dash")]
    if second is not None:
        curves.append(("d2f", second, "dot"))
    for i, (key, values, dash) in enumerate(curves):
        traces.append({"type": "scatter", "x": packed(x), "y": packed(values), "name": labels[key],
                       "mode": "lines",
                       "line": {"width": style["width"], "color": PALETTE[i], "dash": dash}})
    if probe is not None:
        x0, f0, d0 = probe
        finite = lambda v: v if np.isfinite(v) else None  # a typed formula may be NaN there
        traces.append({"type": "scatter", "x": [x0, x0], "y": [finite(f0), finite(d0)], "name": labels["probe"],
                       "mode": "markers", "marker": {"size": style["width"] * 5, "color": PALETTE[7],
                                                     "symbol": "circle"}})
    layout = chart_layout.frame(height=style["height"], font=style["font"], title=title)
    layout["font"]["color"] = "#111"
    layout |= {
        "hovermode": "x unified",
        # styled here in full: the page draws it with theme=None, which the browser
        # redraws ~12 ms faster than Streamlit's theme (measured)
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff",
        "xaxis": {"title": {"text": labels["x"]}, "automargin": True, "zeroline": True, "zerolinewidth": 1.5,
                  "zerolinecolor": "#9aa3ad", "gridcolor": "#e9edf2", "tickfont": {"color": "#222"}},
        "yaxis": {"title": {"text": labels["y"]}, "automargin": True, "range": y_range, "zeroline": True,
                  "zerolinewidth": 1.5, "zerolinecolor": "#9aa3ad", "gridcolor": "#e9edf2",
                  "tickfont": {"color": "#222"}},
        "uirevision": "explorer",
    }
    return {"data": traces, "layout": layout}

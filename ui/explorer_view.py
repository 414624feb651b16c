"""What the explorer page computes for one state, cached across reruns and sessions.

In a module, not the page script: a page's ``@st.cache_data`` runs again on every
rerun, and each time Streamlit hashes the function's source (``inspect.getsource``,
a tokenizer pass), about a tenth of a full rerun's server CPU (bench/bench_rerun_cpu.py).
The arguments are keyword-only: for each positional one Streamlit reads the function's
signature again (``inspect.signature``) to name it in the cache key.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

import actlib
from actlib import figures, live, readouts, regions, sweep
from actlib.text import t
from ui import formula_box, live_chart


@dataclass(frozen=True)
class ExplorerView:
    """The committed chart (serialised once, here), its read-out, every parameter's
    frames, and the sampled curves (the grid's last point is the probe) the page's other
    read-outs use."""
    figure: live_chart.PackedFrames
    probe_text: str
    sliders: list  # (param name, values, index, packed frames, value texts)
    x: np.ndarray
    value: np.ndarray
    first: np.ndarray
    second: np.ndarray
    overlays: list  # (title, f on the grid without the probe)


@st.cache_data(max_entries=512, show_spinner=False)
def properties_of(*, name: str, params: tuple) -> actlib.Properties | None:
    try:
        return actlib.properties(name, **dict(params))
    except ValueError:  # a typed formula that is nowhere finite
        return None


@st.cache_data(max_entries=256, show_spinner=False)
def explorer_view(*, name: str, params: tuple, x_range: tuple, probe_x: float, show_second: bool,
                  overlay_names: tuple, presenter: bool, lang: str) -> ExplorerView:
    x = live.explorer_grid(*x_range, probe_x)
    overlays = [(formula_box.title(n, lang), np.asarray(actlib.curves(n, x)[0])[:-1])
                for n in overlay_names]
    labels = {key: t(f"chart.{key}", lang) for key in ("x", "y", "f", "df", "d2f", "probe")}
    labels |= readouts.region_labels(lang)

    def build(value, first, second, probe, y_range, step_params):
        return figures.explorer_figure(
            x[:-1], value, first, second=second, labels=labels, overlays=overlays,
            regions=regions.gradient_regions(x[:-1], first, tails=regions.tails(name, step_params)),
            probe=probe, presenter=presenter, title=formula_box.title(name, lang), y_range=y_range)

    def caption(x0, f0, d0, dd0):
        return readouts.probe_line(x0, f0, d0, dd0, lang).replace("**", "")

    figure, text, per_param = live.explorer_frames(name, dict(params), x, show_second=show_second,
                                                   build=build, caption=caption)
    value, first, second = (np.asarray(a) for a in actlib.curves(name, x, **dict(params)))
    sliders = [(p.name, values, index, live_chart.pack_frames(frames), sweep.value_texts(p, values))
               for p, values, index, frames in per_param]
    return ExplorerView(live_chart.pack_frames(figure), text, sliders, x, value, first, second, overlays)

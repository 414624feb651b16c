"""Frames for the gradient page's live depth and gain sliders, from one batched sweep.

Each frame is the backward chart of one stack (every layer revealed, the theory line
anchored as the page anchors it) as changes over the committed chart, and the verdict
of that stack as its caption. The stacks come from :func:`actlib.flow.depth_sweep` or
:func:`actlib.flow.gain_sweep`: one compiled call for a whole slider.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from actlib import flow_figures
from actlib.live import trace_patch

GAIN_VALUES = tuple(round(0.1 + 0.05 * i, 2) for i in range(79))  # the page's gain slider
# The depth slider: every depth to 100 (where it can be live), then coarser steps to 1000,
# so the live part is most of the track and not its first tenth.
DEPTH_VALUES = tuple(range(1, 101)) + tuple(range(110, 201, 10)) + tuple(range(250, 1001, 50))


def depth_values(depth: int) -> list[int]:
    """The depth slider's values, with ``depth`` itself when a link gives one between steps."""
    return sorted(set(DEPTH_VALUES) | {int(depth)})


def layout_patch(base: dict, layout: dict) -> dict:
    """The top-level layout keys that differ (axis ranges, mostly); the committed
    figure's animation controls are the browser's to hide while a thumb moves."""
    return {k: v for k, v in layout.items()
            if k not in ("updatemenus", "sliders") and base.get(k) != v}


def sweep_frames(sweep, base: dict, *, labels: dict[str, str], presenter: bool,
                 caption: Callable[[str, float, int, int], str]) -> list[dict]:
    """One frame per row of ``sweep``. ``caption(verdict, exponent, layer, depth)``
    words a row's verdict (as the page does for the committed stack)."""
    frames = []
    for i in range(len(sweep.values)):
        depth = int(sweep.depths[i])
        grad = np.asarray(sweep.log10_grad[i, :depth])
        theory = np.asarray(sweep.theory[i, :depth]) if sweep.theory_available[i] else None
        figure = flow_figures.backward_animation(grad, theory, labels=labels, presenter=presenter,
                                                 animate=False)
        frames.append({"data": trace_patch(base["data"], figure["data"]),
                       "layout": layout_patch(base["layout"], figure["layout"]),
                       "text": caption(sweep.verdict[i], float(sweep.exponent[i]),
                                       int(sweep.verdict_layer[i]), depth)})
    return frames

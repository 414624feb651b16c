"""Compile, before the first visitor, the XLA programs the pages will ask for.

What to warm is data: :data:`WARM_LINKS`, one :class:`WarmLink` per page state, written
as the query of a shared link (``{"act": "sigmoid", "gain": "1"}``), so a default page,
a preset and a lesson link are all the same kind of entry. :func:`warm_up` opens each
the way the page does (``urlstate`` parses it, the same library calls follow, the
same shapes) and so fills JAX's in-memory jit caches and, where the server keeps one,
the persistent compilation cache (ui/launch.py sets it up).

The pages' fixed shapes are repeated here (``EXPLORER_GRID_POINTS``, ...);
tests/test_warmup.py reads them from the pages' source and checks they agree, and that
after a warm-up the default pages and every preset compile nothing.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Callable, Iterable, Mapping, Optional

import numpy as np

import actlib
from actlib import flow, flow_live, live, regions, sweep, urlstate
from actlib.presets import PRESETS

# the pages' fixed shapes (pages/activations.py, pages/gradient_flow.py)
EXPLORER_GRID_POINTS = live.CURVE_POINTS  # the chart and its live frames
HISTOGRAM_EDGES = np.linspace(-6.0, 6.0, 61)
SLOPE_GRID_POINTS = 241


@dataclasses.dataclass(frozen=True)
class WarmLink:
    """One page state to compile for: ``page`` ("explorer" or "flow") opened with the
    link query ``query``; ``views`` lists the flow page's views to compute as well."""

    page: str
    query: Mapping[str, str] = dataclasses.field(default_factory=dict)
    views: tuple[str, ...] = ("backward",)
    label: str = ""


def preset_query(name: str) -> dict[str, str]:
    """The link query that puts the flow page in preset ``name``'s state
    (what pages/gradient_flow.py's ``apply_preset`` writes into session state)."""
    preset = PRESETS[name]
    query = {"act": preset["activation"], "init": preset["init"], "gain": str(preset["gain"]),
             "bias": str(preset["bias_std"]), "residual": str(int(preset["residual"])),
             "norm": preset["norm"] or "none"}
    return query | {k: str(v) for k, v in preset["params"].items()}


def warm_links(lesson_links: Iterable[WarmLink] = ()) -> tuple[WarmLink, ...]:
    """What a fresh server compiles, most urgent first: the two pages as a first visit
    opens them, the presets, the lessons, then the flow page's other views and every
    activation of the explorer (the picker's next choices)."""
    return (
        WarmLink("explorer", label="explorer default"),
        WarmLink("flow", label="flow default"),
        *(WarmLink("flow", preset_query(n), label=f"preset {n}") for n in PRESETS),
        *lesson_links,
        WarmLink("flow", views=("forward", "training"), label="flow views"),
        *(WarmLink("explorer", {"act": n}, label=f"explorer {n}") for n in actlib.names()),
    )


def _lesson_links() -> tuple[WarmLink, ...]:
    """Every lesson step, as the link that opens it (actlib/lessons.py)."""
    import urllib.parse

    from actlib.lessons import LESSONS

    return tuple(WarmLink(step.page, dict(urllib.parse.parse_qsl(step.query)),
                          label=f"lesson {lesson.key} {n}")
                 for lesson in LESSONS for n, step in enumerate(lesson.steps, start=1)
                 if step.page in ("explorer", "flow"))


WARM_LINKS: tuple[WarmLink, ...] = warm_links(_lesson_links())


def page_state(link: WarmLink) -> dict:
    """Every field of the link's page at its default, then what the link sets
    (invalid values fall back, as on the page)."""
    if link.page not in ("explorer", "flow"):
        raise ValueError(f"unknown page {link.page!r}: 'explorer' or 'flow'")
    fields = urlstate.page_fields(link.page, link.query.get("act"))
    state = {f.state_key: f.default for f in fields}
    values, _problems = urlstate.parse(dict(link.query), fields)
    return state | values


def _params(state: dict, prefix: str, activation: str) -> dict[str, float]:
    start = f"{prefix}{activation}."
    return {k[len(start):]: float(v) for k, v in state.items() if k.startswith(start)}


def warm_explorer(state: dict) -> None:
    name = state["explorer.activation"]
    params = _params(state, "param.", name)
    lo, hi = state["explorer.x_min"], state["explorer.x_max"]
    x = live.explorer_grid(lo, hi, state["explorer.probe_x"])
    np.asarray(actlib.curves(name, x, **params)[0])
    act = actlib.get(name)
    for p in act.params:  # the live sliders' frames: one vectorised call per parameter
        values = sweep.slider_values(p, params.get(p.name, p.default))
        sweep.curves_over(name, x, p.name, values, **params)
    regions.tails(name, params)  # the shading's far-point samples: a shape of their own
    for other in state["explorer.overlays"]:
        np.asarray(actlib.curves(other, x)[0])
    actlib.properties(name, **params)


def flow_config(state: dict) -> flow.StackConfig:
    """The stack the flow page computes for ``state`` (its depth cut to what fits)."""
    activation = state["flow.activation"]
    width, batch = int(state["flow.width"]), int(state["flow.batch"])
    depth = min(int(state["flow.depth"]), flow.affordable_depth(width, batch))
    return flow.StackConfig(depth=depth, width=width, activation=activation,
                            params=_params(state, "flow.param.", activation), init=state["flow.init"],
                            gain=float(state["flow.gain"]), bias_std=float(state["flow.bias"]),
                            batch=batch, seed=int(state["flow.seed"]),
                            residual=bool(state["flow.residual"]),
                            norm=None if state["flow.norm"] == "none" else state["flow.norm"])


def warm_flow(state: dict, views: tuple[str, ...]) -> None:
    cfg = flow_config(state)
    result = flow.gradient_flow(cfg)
    top = float(result.log10_grad[-1])
    flow.mean_field(cfg, anchor=top if np.isfinite(top) else None)
    if "backward" in views:  # the live depth and gain sliders' sweeps
        live_depth = flow.live_depth_max(cfg)
        if live_depth:
            flow.depth_sweep(dataclasses.replace(cfg, depth=live_depth))
        if flow.sweep_affordable(cfg, "gain"):
            flow.gain_sweep(cfg, flow_live.GAIN_VALUES)
    if "forward" in views:
        flow.preactivation_histograms(cfg, HISTOGRAM_EDGES)
        z = np.linspace(HISTOGRAM_EDGES[0], HISTOGRAM_EDGES[-1], SLOPE_GRID_POINTS, dtype=np.float32)
        np.asarray(actlib.derivative(cfg.activation)(z, **cfg.params))
    steps = int(state["flow.steps"])
    if "training" in views and cfg.depth <= flow.affordable_depth(cfg.width, cfg.batch, steps):
        flow.training_trace(cfg, steps=steps, learning_rate=float(state["flow.learning_rate"]))


def warm_up(links: Iterable[WarmLink] = WARM_LINKS,
            report: Optional[Callable[[WarmLink, float], None]] = None,
            before: Optional[Callable[[], None]] = None) -> None:
    """Compute each link's page state once. ``before()``, if given, is called before each
    link (the launcher waits there while anything else keeps the machine busy). A link that
    fails is reported and skipped: a warm-up must never take the server down."""
    for link in links:
        if before is not None:
            before()
        start = time.perf_counter()
        try:
            state = page_state(link)
            if link.page == "explorer":
                warm_explorer(state)
            else:
                warm_flow(state, link.views)
        except Exception as error:  # noqa: BLE001 - reported, and the page will say it itself
            print(f"warm-up: {link.label or link.query} failed: {error!r}", flush=True)
            continue
        if report is not None:
            report(link, time.perf_counter() - start)

"""The gradient-flow page (pages/gradient_flow.py), driven headlessly with Streamlit's AppTest.

Every test opens a fresh app on the page and fails on any exception the page shows.
What the charts draw is compared with ``actlib.flow`` called here for the same
configuration, read back from the widgets (``page_config``): the backward chart's
measured line is ``flow.gradient_flow(cfg)`` (at most 200 layers drawn: deeper
stacks are subsampled), its theory line ``flow.mean_field`` anchored at the top
layer; the forward view's histogram is ``flow.preactivation_histograms`` and its
f′ line ``actlib.derivative``; the training heat map is ``flow.training_trace``.
The verdict line (catalogue ``verdict.*``) is parsed back into its exponent.

The presets are checked against theory computed here, independently of actlib:
chi_1 by numpy Gauss-Hermite quadrature of the activation's derivative.

JAX compiles once per shape (width, batch, depth bucket, activation, ...): the tests
reuse the default shape where they can, so the file stays around a minute or two.
"""

from __future__ import annotations

import contextlib
import math
import re

import jax.monitoring
import numpy as np
import pytest
from numpy.polynomial.hermite_e import hermegauss

import actlib
from actlib import flow, readouts, urlstate
from actlib.presets import PRESETS
from actlib.text import CATALOGUE, t
from apptest_helpers import (
    APP, assert_no_exception, decode_array, expected, keep_running_app_py, live_charts, live_slider,
    run,
)

TIMEOUT = 120  # seconds per run: the first run imports JAX; a new shape compiles
PAGE = "pages/gradient_flow.py"
NAMES = actlib.names()
MAX_POINTS = 200  # the backward chart draws at most this many layers
MAX_FRAMES = 60   # and at most about this many animation frames
HEATMAP_ROWS = 100
DEFAULT_STEPS, DEFAULT_LR = 60, 0.05
ROUNDING = 6e-5   # the figures round values to 4 decimals

MEASURED, THEORY = t("flow.measured"), t("flow.theory")


# --- opening the page ------------------------------------------------------------------------

def open_flow_page(monkeypatch):
    from streamlit.testing.v1 import AppTest

    keep_running_app_py(monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    run(at)  # app.py's first run (the explorer) switches folder-based pages off
    at.switch_page(PAGE)
    return run(at)


@pytest.fixture
def at(monkeypatch):
    return open_flow_page(monkeypatch)


def widget(at, kind: str, key: str):
    """An AppTest accessor by name (slider, selectbox...), or "live": a live chart's slider."""
    return live_slider(at, key) if kind == "live" else getattr(at, kind)(key=key)


def move(at, kind: str, key: str, value):
    """Set widget ``key`` and rerun (a live slider: what its release commits)."""
    widget(at, kind, key).set_value(value)
    return run(at)


def click(at, key: str):
    at.button(key=key).click()
    return run(at)


def show_view(at, view):
    return move(at, "button_group", "flow.view", view)


# --- what the page shows ---------------------------------------------------------------------

def page_config(at) -> flow.StackConfig:
    """The stack the widgets describe, depth cut to what the server affords."""
    activation = at.selectbox(key="flow.activation").value
    params = {p.name: float(at.slider(key=f"flow.param.{activation}.{p.name}").value)
              for p in actlib.get(activation).params}
    width = int(at.select_slider(key="flow.width").value)
    batch = int(at.select_slider(key="flow.batch").value)
    depth = min(int(live_slider(at, "flow.depth").value), flow.affordable_depth(width, batch))
    return flow.StackConfig(
        depth=depth, width=width, activation=activation, params=params,
        init=at.selectbox(key="flow.init").value, gain=float(live_slider(at, "flow.gain").value),
        bias_std=float(at.slider(key="flow.bias").value), batch=batch,
        seed=int(at.number_input(key="flow.seed").value),
        residual=bool(at.toggle(key="flow.residual").value),
        norm={"none": None}.get(at.selectbox(key="flow.norm").value, at.selectbox(key="flow.norm").value))


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|inf|nan)"


def _template_pattern(template: str) -> re.Pattern:
    body = re.escape(template)
    body = re.sub(r"\\\{(exponent)\\\}", lambda m: f"(?P<{m[1]}>{_NUMBER})", body)
    body = re.sub(r"\\\{(depth|layer|step|steps)\\\}", lambda m: rf"(?P<{m[1]}>\d+)", body)
    return re.compile(body)


def verdict(at, lang: str = "en") -> dict:
    """The one verdict on the page: {"kind": vanishing/exploding/stable/overflow,
    "exponent"/"depth" or "layer", "element": the alert kind that shows it}."""
    found = []
    for element_kind in ("error", "warning", "success", "info"):
        for element in at.get(element_kind):
            for kind in ("vanishing", "exploding", "stable", "overflow", "zero", "underflow"):
                match = _template_pattern(CATALOGUE[f"verdict.{kind}"][lang]).fullmatch(str(element.value))
                if match:
                    values = {k: float(v) if k == "exponent" else int(v)
                              for k, v in match.groupdict().items()}
                    found.append({"kind": kind, "element": element_kind, **values})
    assert len(found) == 1, (f"expected one verdict, found {found}; alerts: "
                             f"{[str(e.value) for k in ('error', 'warning', 'success') for e in at.get(k)]}")
    return found[0]


def preset_labels(at) -> dict[str, str]:
    """Preset name -> its button's label (the buttons' layout order is the page's business)."""
    return {b.key.removeprefix("preset."): b.label for b in at.button
            if (b.key or "").startswith("preset.")}


def charts(at) -> list[dict]:
    import json

    return ([c["figure"] for c in live_charts(at) if c["figure"]]
            + [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")])


def backward_chart(at) -> dict:
    specs = charts(at)
    assert len(specs) == 1, f"the backward view shows one chart, found {len(specs)}"
    return specs[0]


def xy(trace: dict) -> tuple[np.ndarray, np.ndarray]:
    return decode_array(trace.get("x", [])), decode_array(trace.get("y", []))


def shown_layers(depth: int) -> np.ndarray:
    """The layers (1-based) a chart of ``depth`` layers may draw: all of them up to
    200, else 200 evenly spaced ones from the first to the last."""
    return np.unique(np.linspace(1, depth, min(depth, MAX_POINTS)).round().astype(int))


def gaps(values) -> np.ndarray:
    """What a chart draws for ``values``: non-finite ones (-inf: an exactly zero gradient;
    NaN: below a forward overflow) are gaps, NaN once decoded."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def overflowed(result: flow.FlowResult) -> bool:
    """The forward signal overflowed float32: a non-finite activation std, or a NaN / +inf
    gradient. (-inf is an exactly zero gradient, e.g. every unit dead: no overflow.)"""
    grad = result.log10_grad
    return bool((~np.isfinite(result.act_std)).any() or np.isnan(grad).any() or (grad == np.inf).any())


def exactly_zero(result: flow.FlowResult) -> bool:
    return not overflowed(result) and bool((result.log10_grad == -np.inf).any())


def expected_verdict(result: flow.FlowResult) -> dict:
    """What the page should say about ``result``: the first layer going up whose forward
    signal overflowed (or whose gradient is NaN / +inf), else the exponent and its kind."""
    grad, act_std = result.log10_grad, result.act_std
    bad = ~np.isfinite(act_std)
    if not bad.any():
        bad = np.isnan(grad) | (grad == np.inf)
    if bad.any():
        return {"kind": "overflow", "layer": int(np.flatnonzero(bad)[0]) + 1}
    if (grad == -np.inf).any():  # exactly zero from this layer down
        zero_std = [i for i, s in enumerate(act_std) if s == 0.0]
        if zero_std and zero_std[0] > 0 and 0.0 < act_std[zero_std[0] - 1] < 1e-15:
            return {"kind": "underflow", "layer": zero_std[0] + 1}  # shrank out of float32 first
        return {"kind": "zero", "layer": int(np.flatnonzero(grad == -np.inf)[-1]) + 1}
    exponent = float(grad[0] - grad[-1])
    kind = "vanishing" if exponent < -1 else "exploding" if exponent > 1 else "stable"
    return {"kind": kind, "exponent": round(exponent, 1), "depth": result.depth}


def assert_verdict(at, result: flow.FlowResult, lang: str = "en") -> dict:
    shown = verdict(at, lang)
    want = expected_verdict(result)
    assert shown["kind"] == want["kind"], (shown, want)
    if want["kind"] in ("overflow", "zero", "underflow"):
        assert shown["layer"] == want["layer"], (shown, want)
        assert shown["element"] == ("warning" if want["kind"] == "overflow" else "error"), (shown, want)
    else:
        assert shown["depth"] == want["depth"], (shown, want)
        assert shown["exponent"] == pytest.approx(want["exponent"], abs=0.051), (shown, want)
        element = {"vanishing": "error", "exploding": "warning", "stable": "success"}[want["kind"]]
        assert shown["element"] == element, shown
    return shown


def assert_backward_chart(at, cfg: flow.StackConfig) -> flow.FlowResult:
    """The backward chart shows exactly flow.gradient_flow(cfg) and its mean-field line."""
    result = flow.gradient_flow(cfg)
    grad, depth = result.log10_grad, cfg.depth
    spec = backward_chart(at)
    data = spec["data"]
    assert [tr.get("name") for tr in data[:2]] == [MEASURED, MEASURED]

    # the measured line: the layers drawn, and the measured value at each
    x, y = xy(data[0])
    np.testing.assert_array_equal(x, shown_layers(depth), err_msg="layers of the measured line")
    np.testing.assert_allclose(y, gaps(grad[x.astype(int) - 1]), rtol=0, atol=ROUNDING,
                               err_msg=f"measured trace != gradient_flow for {cfg}")
    # the markers: the measurable layers among them, with the same values
    mx, my = xy(data[1])
    finite = np.isfinite(grad[x.astype(int) - 1])
    np.testing.assert_array_equal(mx, x[finite])
    np.testing.assert_allclose(my, grad[mx.astype(int) - 1], rtol=0, atol=ROUNDING)

    # the theory line: mean_field anchored at the measured top layer, or none at all
    top = float(grad[-1])
    theory = flow.mean_field(cfg, anchor=top if math.isfinite(top) else None)
    theory_traces = [tr for tr in data if tr.get("name") == THEORY]
    if theory is None:
        assert theory_traces == [], "a theory line where mean_field has none"
        assert t("flow.theory_none") in [str(c.value) for c in at.caption]
    else:
        assert len(theory_traces) == 1 and len(data) == 3
        tx, ty = xy(theory_traces[0])
        np.testing.assert_array_equal(tx, np.arange(1, depth + 1))
        np.testing.assert_allclose(ty, gaps(theory), rtol=0, atol=ROUNDING, err_msg="theory trace")
        if math.isfinite(top):
            assert ty[-1] == pytest.approx(top, abs=ROUNDING)  # anchored at the top layer
    return result


def expected_frame_count(depth: int) -> int:
    shown = min(depth, MAX_POINTS)
    per_frame = math.ceil(shown / MAX_FRAMES)
    return math.ceil(shown / per_frame) + (0 if (shown - 1) % per_frame == 0 else 1)


def assert_frames(spec: dict, depth: int, grad: np.ndarray) -> None:
    """Frames reveal the pass from the output back to the input; the figure opens on
    the whole pass; the slider and the Play / Pause buttons drive the frames."""
    frames = spec["frames"]
    layers = shown_layers(depth)
    assert len(frames) == expected_frame_count(depth)
    first_line, first_markers = frames[0]["data"]
    assert decode_array(first_line["x"]).tolist() == [depth]  # only the output layer
    np.testing.assert_allclose(decode_array(first_line["y"]), gaps(grad[-1:]), atol=ROUNDING)
    assert decode_array(first_markers["x"]).tolist() == ([depth] if np.isfinite(grad[-1]) else [])
    previous = 0
    for frame in frames:
        assert frame["traces"] == [0, 1]
        x = decode_array(frame["data"][0]["x"])
        assert x.size > previous, "every frame reveals more layers"
        np.testing.assert_array_equal(x, layers[layers.size - x.size:])  # a suffix: output first
        previous = x.size
    last = decode_array(frames[-1]["data"][0]["x"])
    np.testing.assert_array_equal(last, layers)  # the last frame is the whole pass...
    np.testing.assert_array_equal(decode_array(spec["data"][0]["x"]), layers)  # ...shown at first
    names = [frame["name"] for frame in frames]
    assert len(set(names)) == len(names) and names[0] == str(depth) and names[-1] == "1"

    slider, = spec["layout"]["sliders"]
    assert slider["active"] == len(frames) - 1
    assert [step["args"][0] for step in slider["steps"]] == [[name] for name in names]
    menu, = spec["layout"]["updatemenus"]
    play, pause = menu["buttons"]
    assert (play["label"], pause["label"]) == (t("flow.play"), t("flow.pause"))
    assert play["method"] == "animate" and play["args"][0] is None
    assert play["args"][1]["frame"]["redraw"] is False  # plays in the browser: no rerun


def assert_page_consistent(at) -> flow.FlowResult:
    """Whatever the controls say: no exception, the chart and the verdict match actlib."""
    assert_no_exception(at)
    cfg = page_config(at)
    result = assert_backward_chart(at, cfg)
    assert_verdict(at, result)
    return result


# --- default page ----------------------------------------------------------------------------

def test_default_page(at):
    assert [e.value for e in at.title] == [t("flow.title")]
    assert live_slider(at, "flow.depth").value == 50
    cfg = page_config(at)
    # the page opens on the vanishing demonstration: StackConfig's defaults but sigmoid
    assert cfg == flow.StackConfig(activation="sigmoid", init="xavier", depth=50)
    assert preset_labels(at) == {name: t(f"preset.{name}") for name in PRESETS}
    result = assert_page_consistent(at)
    assert verdict(at)["kind"] == "vanishing"
    assert result.log10_grad[0] - result.log10_grad[-1] < -10  # many decades, not a nuance
    assert_frames(backward_chart(at), cfg.depth, result.log10_grad)
    assert at.button_group(key="flow.view").value in ("backward", None)


# --- every control at both ends ----------------------------------------------------------------

CONTROL_ENDS = [
    # (accessor, key, lowest, highest): the widget's own ends, checked below
    ("live", "flow.depth", 1, flow.MAX_DEPTH),
    ("select_slider", "flow.width", urlstate.WIDTHS[0], urlstate.WIDTHS[-1]),
    ("selectbox", "flow.activation", NAMES[0], NAMES[-1]),
    ("selectbox", "flow.init", flow.INITS[0], flow.INITS[-1]),
    ("live", "flow.gain", 0.1, 4.0),
    ("slider", "flow.bias", 0.0, 1.0),
    ("select_slider", "flow.batch", urlstate.BATCHES[0], urlstate.BATCHES[-1]),
    ("number_input", "flow.seed", 0, 1_000_000),
    ("toggle", "flow.residual", False, True),
    ("selectbox", "flow.norm", "none", "batchnorm"),
]


def assert_widget_ends(widget, kind: str, lo, hi) -> None:
    if kind in ("slider", "number_input", "live"):
        assert (widget.min, widget.max) == (lo, hi)
    elif kind == "select_slider":
        assert (widget.options[0], widget.options[-1]) == (str(lo), str(hi))
    elif kind == "selectbox":
        assert len(widget.options) in (len(NAMES) + 1, len(flow.INITS), len(urlstate.NORM_CHOICES))  # + "Your own…"


@pytest.mark.parametrize("kind, key, lo, hi", [pytest.param(*c, id=c[1]) for c in CONTROL_ENDS])
def test_control_to_both_ends(at, kind, key, lo, hi):
    assert_widget_ends(widget(at, kind, key), kind, lo, hi)
    for value in (hi, lo, hi) if kind == "toggle" else (lo, hi):
        move(at, kind, key, value)
        assert widget(at, kind, key).value == value
        result = assert_page_consistent(at)
        if key == "flow.depth":
            assert result.depth == value
            assert len(backward_chart(at)["frames"]) == expected_frame_count(value)


PARAM_ACTIVATIONS = [name for name in NAMES if actlib.get(name).params]


@pytest.mark.parametrize("name", PARAM_ACTIVATIONS)
def test_parameter_sliders_to_both_ends(at, name):
    move(at, "selectbox", "flow.activation", name)
    act = actlib.get(name)
    sliders = [s for s in at.slider if (s.key or "").startswith(f"flow.param.{name}.")]
    assert [s.label for s in sliders] == [readouts.param_label(name, p.name, "en") for p in act.params]
    for p in act.params:
        key = f"flow.param.{name}.{p.name}"
        assert at.slider(key=key).value == pytest.approx(p.default)
        for value in (p.min, p.max):
            move(at, "slider", key, value)
            assert at.slider(key=key).value == pytest.approx(value)
            assert_page_consistent(at)
        move(at, "slider", key, p.default)


def test_views_and_their_controls_to_both_ends(at):
    cfg = page_config(at)
    # forward view: the layer slider runs 1..depth
    show_view(at, "forward")
    assert len(charts(at)) == 2
    layer = at.slider(key="flow.layer")
    assert (layer.min, layer.max) == (1, cfg.depth)
    for value in (cfg.depth, 1):
        move(at, "slider", "flow.layer", value)
        assert_forward_view(at, cfg, value)
    # training view: steps 10..200, learning rate 0.001..1
    show_view(at, "training")
    steps, lr = at.slider(key="flow.steps"), at.select_slider(key="flow.learning_rate")
    assert (steps.min, steps.max) == (10, 200)
    assert (lr.options[0], lr.options[-1]) == ("0.001", "1.0")
    assert_training_view(at, cfg, DEFAULT_STEPS, DEFAULT_LR)
    for value in (10, 200):
        move(at, "slider", "flow.steps", value)
        assert_training_view(at, cfg, value, DEFAULT_LR)
    for value in (0.001, 1.0):
        move(at, "select_slider", "flow.learning_rate", value)
        assert_training_view(at, cfg, 200, value)
    # back to the backward pass, and an unselected view shows it too
    for value in ("backward", None):
        show_view(at, value)
        assert_page_consistent(at)


# --- presets -------------------------------------------------------------------------------

_GH_NODES, _GH_WEIGHTS = hermegauss(120)
_GH_WEIGHTS = _GH_WEIGHTS / np.sqrt(2.0 * np.pi)  # E[f(xi)] = sum w_i f(x_i), xi ~ N(0, 1)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_chi1(sigma_w2: float = 1.0) -> float:
    """chi_1 = sigma_w^2 E[sigma'(sqrt(q*) xi)^2] at the variance fixed point
    q* = sigma_w^2 E[sigma(sqrt(q*) xi)^2] (no bias), by numpy Gauss-Hermite quadrature."""
    q = sigma_w2
    for _ in range(500):
        q = sigma_w2 * float(np.sum(_GH_WEIGHTS * _sigmoid(np.sqrt(q) * _GH_NODES) ** 2))
    s = _sigmoid(np.sqrt(q) * _GH_NODES)
    return sigma_w2 * float(np.sum(_GH_WEIGHTS * (s * (1 - s)) ** 2))


def test_independent_chi1_matches_the_presets_comment():
    assert sigmoid_chi1() == pytest.approx(0.056, abs=0.001)  # actlib/presets.py: "chi_1 ~ 0.056"


PRESET_VERDICTS = {
    "sigmoid_xavier": "vanishing", "relu_he": "stable", "relu_unit": "vanishing",
    "tanh_gain2": "exploding", "selu_lecun": "stable", "sigmoid_residual": "stable",
}


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_sets_its_controls_and_verdict(at, name):
    assert set(PRESET_VERDICTS) == set(PRESETS)
    preset = PRESETS[name]
    click(at, f"preset.{name}")
    assert at.selectbox(key="flow.activation").value == preset["activation"]
    assert at.selectbox(key="flow.init").value == preset["init"]
    assert live_slider(at, "flow.gain").value == pytest.approx(preset["gain"])
    assert at.slider(key="flow.bias").value == pytest.approx(preset["bias_std"])
    assert at.toggle(key="flow.residual").value is preset["residual"]
    assert at.selectbox(key="flow.norm").value == (preset["norm"] or "none")
    act = actlib.get(preset["activation"])
    for p in act.params:
        assert at.slider(key=f"flow.param.{act.name}.{p.name}").value == \
            pytest.approx(preset["params"].get(p.name, p.default))
    # depth, width, batch and seed are not the preset's business
    cfg = page_config(at)
    assert (cfg.depth, cfg.width, cfg.batch, cfg.seed) == (50, 128, 64, 0)

    assert_page_consistent(at)
    shown = verdict(at)
    assert shown["kind"] == PRESET_VERDICTS[name], shown
    if name == "sigmoid_xavier":
        theory = 0.5 * math.log10(sigmoid_chi1()) * (cfg.depth - 1)
        assert shown["exponent"] == pytest.approx(theory, rel=0.03), (shown, theory)
    if name == "relu_unit":  # chi_1 = sigma_w^2 / 2 = 1/2 exactly
        assert shown["exponent"] == pytest.approx(0.5 * math.log10(0.5) * (cfg.depth - 1), rel=0.05)
    if name == "sigmoid_residual":  # the fix: the vanishing stack no longer vanishes
        assert shown["exponent"] > -1


def test_preset_after_other_changes_keeps_depth_and_resets_physics(at):
    move(at, "live", "flow.depth", 60)
    move(at, "slider", "flow.bias", 0.5)
    move(at, "selectbox", "flow.norm", "batchnorm")
    click(at, "preset.relu_unit")
    cfg = page_config(at)
    assert (cfg.depth, cfg.bias_std, cfg.norm, cfg.activation) == (60, 0.0, None, "relu")
    assert_page_consistent(at)


# --- the backward chart --------------------------------------------------------------------

def test_deep_stack_is_drawn_at_200_layers(at):
    move(at, "live", "flow.depth", 300)
    cfg = page_config(at)
    result = assert_backward_chart(at, cfg)
    spec = backward_chart(at)
    x, _ = xy(spec["data"][0])
    assert x.size == MAX_POINTS and x[0] == 1 and x[-1] == 300
    assert_frames(spec, 300, result.log10_grad)
    assert_verdict(at, result)


def test_depth_1_has_one_frame_and_a_zero_exponent(at):
    move(at, "live", "flow.depth", 1)
    result = assert_page_consistent(at)
    assert verdict(at) == {"kind": "stable", "element": "success", "exponent": 0.0, "depth": 1}
    assert_frames(backward_chart(at), 1, result.log10_grad)
    show_view(at, "forward")  # no layer slider for one layer
    assert not [s for s in at.slider if s.key == "flow.layer"]
    assert_forward_view(at, page_config(at), 1)


# --- forward view --------------------------------------------------------------------------

def assert_forward_view(at, cfg: flow.StackConfig, layer: int) -> None:
    assert_no_exception(at)
    specs = charts(at)
    assert len(specs) == 2, f"the forward view shows two charts, found {len(specs)}"
    histogram, fractions = specs
    bars, slope = histogram["data"]
    assert bars["type"] == "bar" and bars["name"] == t("flow.histogram", layer=layer)
    centres, density = xy(bars)
    widths = decode_array(bars["width"])
    assert np.all(widths > 0) and np.all(density >= 0)
    assert float(np.sum(density * widths)) == pytest.approx(1.0, abs=2e-3)  # a density
    edges = np.append(centres - widths / 2, centres[-1] + widths[-1] / 2)
    np.testing.assert_allclose(edges[1:-1], (centres[1:] - widths[1:] / 2), atol=1e-6)
    shares = flow.preactivation_histograms(cfg, edges)[layer - 1]
    np.testing.assert_allclose(density * widths, shares, atol=1e-4, err_msg=f"layer {layer}")

    assert slope["name"] == t("flow.derivative") and slope["yaxis"] == "y2"
    z, df = xy(slope)
    assert z.size > 100 and z[0] == edges[0] and z[-1] == edges[-1]
    want = np.asarray(actlib.derivative(cfg.activation)(z.astype(np.float32), **cfg.params), dtype=float)
    np.testing.assert_allclose(df, want, rtol=0, atol=ROUNDING, err_msg="f′ trace")
    if cfg.activation == "tanh":  # and the independent closed form
        np.testing.assert_allclose(df, expected("tanh", z, 1, independent=True), atol=2e-4)

    result = flow.gradient_flow(cfg)
    by_name = {tr["name"]: xy(tr) for tr in fractions["data"]}
    for label, values in ((t("flow.saturated"), result.saturated_fraction),
                          (t("flow.dead"), result.dead_fraction)):
        x, y = by_name[label]
        np.testing.assert_array_equal(x, np.arange(1, cfg.depth + 1))
        np.testing.assert_allclose(y, values, atol=ROUNDING, err_msg=label)


def test_forward_view_for_sigmoid(at):
    click(at, "preset.sigmoid_xavier")
    show_view(at, "forward")
    cfg = page_config(at)
    move(at, "slider", "flow.layer", 30)
    assert_forward_view(at, cfg, 30)


# --- training view -------------------------------------------------------------------------

def assert_training_view(at, cfg: flow.StackConfig, steps: int, learning_rate: float):
    assert_no_exception(at)
    trace = flow.training_trace(cfg, steps=steps, learning_rate=learning_rate)
    messages = [str(e.value) for e in at.success] + [str(e.value) for e in at.error]
    if trace.diverged_at is None:
        assert t("flow.converged", steps=steps) in messages, messages
    else:
        assert t("flow.diverged", step=trace.diverged_at) in messages, messages
    specs = charts(at)
    assert len(specs) == 2  # the gradient heat map, then the dead units per layer
    heatmap, = specs[0]["data"]
    assert heatmap["type"] == "heatmap"
    rows = decode_array(heatmap["y"]).astype(int)
    z = np.array([decode_array(row) for row in heatmap["z"]])
    assert z.shape == (min(cfg.depth, HEATMAP_ROWS), steps)
    np.testing.assert_allclose(z, gaps(trace.log10_grad[:, rows - 1].T), atol=ROUNDING, rtol=0)
    lines = specs[1]["data"]
    assert 1 <= len(lines) <= min(cfg.depth, 8)
    for line in lines:
        layer = int(re.fullmatch(t("dead.layer_n", layer=r"(\d+)"), line["name"])[1])
        np.testing.assert_allclose(decode_array(line["y"]), gaps(trace.dead_fraction[:, layer - 1]),
                                   atol=ROUNDING, rtol=0)
    return trace


def test_training_diverges_and_says_when(at):
    click(at, "preset.tanh_gain2")
    move(at, "live", "flow.gain", 4.0)
    show_view(at, "training")
    move(at, "select_slider", "flow.learning_rate", 1.0)
    cfg = page_config(at)
    trace = assert_training_view(at, cfg, DEFAULT_STEPS, 1.0)
    assert trace.diverged_at is not None
    errors = [str(e.value) for e in at.error]
    matched = [m for e in errors if (m := _template_pattern(t("flow.diverged")).fullmatch(e))]
    assert len(matched) == 1 and int(matched[0]["step"]) == trace.diverged_at, errors


# --- limits ----------------------------------------------------------------------------------

def test_too_big_stack_falls_back_to_the_affordable_depth(at):
    allowed = flow.affordable_depth(1024, 512)
    assert 1 <= allowed < flow.MAX_DEPTH
    move(at, "select_slider", "flow.width", 1024)
    move(at, "select_slider", "flow.batch", 512)
    move(at, "live", "flow.depth", 1000)
    warning = t("flow.too_big", depth=1000, width=1024, batch=512, allowed=allowed)
    assert warning in [str(w.value) for w in at.warning]
    spec = backward_chart(at)
    x, y = xy(spec["data"][0])
    np.testing.assert_array_equal(x, np.arange(1, allowed + 1))
    assert np.isfinite(y).all()
    assert len(spec["frames"]) == expected_frame_count(allowed)
    shown = verdict(at)
    assert shown["depth"] == allowed and shown["kind"] == "vanishing", shown  # the default sigmoid


def test_overflow_is_reported_not_raised(at):
    move(at, "selectbox", "flow.activation", "relu")
    move(at, "live", "flow.gain", 4.0)
    move(at, "live", "flow.depth", 300)
    result = assert_page_consistent(at)
    shown = verdict(at)
    assert shown["kind"] == "overflow", shown
    first_bad = int(np.flatnonzero(~np.isfinite(result.act_std))[0]) + 1
    assert shown["layer"] == first_bad and 1 < first_bad < 300
    y = xy(backward_chart(at)["data"][0])[1]
    assert np.isnan(y).any()  # unmeasurable layers are gaps, not numbers


def test_an_underflowed_forward_signal_is_said_and_the_theory_line_goes_on(at):
    """ReLU with Xavier at depth 300: the signal halves its variance a layer and leaves
    float32 near layer 150, so the measured gradient is exactly 0; the page says why (not
    "f' = 0 for every unit") and the theory line still runs, 0.15 decades a layer."""
    move(at, "selectbox", "flow.activation", "relu")
    move(at, "selectbox", "flow.init", "xavier")
    move(at, "live", "flow.depth", 300)
    result = assert_page_consistent(at)
    assert verdict(at)["kind"] == "underflow"
    theory = [tr for tr in backward_chart(at)["data"] if tr.get("name") == THEORY]
    _, ty = xy(theory[0])
    assert np.isfinite(ty).all() and ty[-1] - ty[0] == pytest.approx(299 * math.log10(2) / 2, abs=0.01)
    assert (result.log10_grad == -np.inf).all()


def test_step_activation_gradients_are_exactly_zero_without_overflow():
    """The premise of the xfail below, on the library side: f' = 0 everywhere."""
    result = flow.gradient_flow(flow.StackConfig(activation="step"))
    assert np.isfinite(result.act_std).all() and (result.log10_grad == -np.inf).all()
    assert exactly_zero(result) and not overflowed(result)


@pytest.mark.parametrize("activation, params", [
    ("step", {}), ("maxout", {"b1": -2.0, "w2": 0.0})], ids=["step", "dead-maxout"])
def test_exactly_zero_gradient_is_not_an_overflow(at, activation, params):
    move(at, "selectbox", "flow.activation", activation)
    for name, value in params.items():
        move(at, "slider", f"flow.param.{activation}.{name}", value)
    result = flow.gradient_flow(page_config(at))
    assert exactly_zero(result)
    assert verdict(at) | {"element": None} == expected_verdict(result) | {"kind": "zero", "element": None}
    assert not any("float32" in str(w.value) for w in at.warning)


# --- Japanese --------------------------------------------------------------------------------

def test_japanese_title_and_verdict(at):
    move(at, "selectbox", "lang", "ja")
    assert [e.value for e in at.title] == [t("flow.title", "ja")]
    assert preset_labels(at) == {name: t(f"preset.{name}", "ja") for name in PRESETS}
    click(at, "preset.sigmoid_xavier")
    shown = verdict(at, "ja")
    assert shown["kind"] == "vanishing" and shown["depth"] == 50
    assert "勾配消失" in str(at.error[0].value)
    spec = backward_chart(at)
    names = [tr.get("name") for tr in spec["data"]]
    assert names == [t("flow.measured", "ja")] * 2 + [t("flow.theory", "ja")]
    assert [b["label"] for b in spec["layout"]["updatemenus"][0]["buttons"]] == \
        [t("flow.play", "ja"), t("flow.pause", "ja")]


# --- compilation -----------------------------------------------------------------------------

@contextlib.contextmanager
def counting_compiles():
    events = ("/jax/core/compile/backend_compile_duration", "/jax/core/compile/jaxpr_trace_duration")
    seen = []

    def listen(event, duration, **_):
        if event in events:
            seen.append(event)

    jax.monitoring.register_event_duration_secs_listener(listen)
    try:
        yield seen
    finally:
        jax.monitoring.unregister_event_duration_listener(listen)


def test_depth_within_a_bucket_compiles_nothing(at):
    # a shape (width 16, batch 8, softsign) that no other test of this file uses
    move(at, "select_slider", "flow.width", 16)
    move(at, "select_slider", "flow.batch", 8)
    with counting_compiles() as fresh:
        move(at, "selectbox", "flow.activation", "softsign")
        move(at, "live", "flow.depth", 40)
    assert fresh, "a fresh shape must compile: otherwise this counter sees nothing"
    with counting_compiles() as same_bucket:
        for depth in (60, 45, 64, 33):  # all in the 64-layer bucket
            move(at, "live", "flow.depth", depth)
            assert_page_consistent(at)
    assert same_bucket == [], f"{len(same_bucket)} compile events moving depth within one bucket"


# --- normalisation: the select, batch norm, and old layer-norm links ---------------------------

def test_batchnorm_select_draws_the_batchnorm_stack(at):
    move(at, "selectbox", "flow.norm", "batchnorm")
    assert page_config(at).norm == "batchnorm"
    assert_page_consistent(at)  # the chart is gradient_flow of it; no theory line (plain BN)
    captions = [str(c.value) for c in at.caption]
    assert t("flow.batchnorm_note") in captions and t("flow.theory_none") in captions
    move(at, "toggle", "flow.residual", True)  # with shortcuts the closure holds: a line again
    assert flow.mean_field(page_config(at)) is not None
    assert_page_consistent(at)
    assert at.query_params["norm"] == "batchnorm"


def test_old_layernorm_link_opens_with_layer_norm(monkeypatch):
    from streamlit.testing.v1 import AppTest

    keep_running_app_py(monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["layernorm"] = "1"
    at.switch_page(PAGE)
    run(at)
    assert_no_exception(at)
    assert at.selectbox(key="flow.norm").value == "layernorm" and page_config(at).norm == "layernorm"
    assert at.query_params["norm"] == "layernorm" and "layernorm" not in at.query_params
    assert [str(w.value) for w in at.warning if "layernorm" in str(w.value)] == []


# --- a busy server -----------------------------------------------------------------------------

def test_engine_busy_counts_waiting_computations_but_not_the_warm_up():
    import threading
    import time

    cfg = flow.StackConfig(depth=3, width=8, batch=4, activation="tanh")
    assert flow.engine_busy() == 0

    def wait_for(count: int) -> int:
        deadline = time.monotonic() + 30
        while flow.engine_busy() != count and time.monotonic() < deadline:
            time.sleep(0.01)
        return flow.engine_busy()

    with flow._compute_lock:  # held here: the visitor's call waits for it, and counts
        visitor = threading.Thread(target=flow.gradient_flow, args=(cfg,))
        visitor.start()
        assert wait_for(1) == 1
        warm = threading.Thread(target=flow.gradient_flow, args=(cfg,), name="actlab-warm-up")
        warm.start()
        time.sleep(0.2)
        assert flow.engine_busy() == 1  # the warm-up waits too, uncounted
    visitor.join(60)
    warm.join(60)
    assert flow.engine_busy() == 0


def test_a_busy_server_leaves_new_sweeps_for_later(monkeypatch):
    """While other stacks are being computed, a new stack's sliders draw on release (and
    say why) instead of queueing 50-130 more stacks; once the server is free, they are live."""
    at = open_flow_page(monkeypatch)
    monkeypatch.setattr(flow, "engine_busy", lambda: 3)
    at.number_input(key="flow.seed").set_value(4242)  # a stack nobody has swept yet
    run(at)
    from ui.live_chart import pack_frames

    no_frames = pack_frames([]).ref
    sliders = {s["key"]: s for s in live_charts(at)[0]["sliders"]}
    for key in ("flow.depth", "flow.gain"):
        assert sliders[key]["frames_ref"] == no_frames and sliders[key]["beyond"] == t("flow.live_busy"), key
    monkeypatch.setattr(flow, "engine_busy", lambda: 0)
    at.number_input(key="flow.seed").set_value(4243)
    run(at)
    at.number_input(key="flow.seed").set_value(4242)
    run(at)  # (a rerun of the same stack: now computed, and live)
    sliders = {s["key"]: s for s in live_charts(at)[0]["sliders"]}
    assert sliders["flow.depth"]["frames_ref"] != no_frames and sliders["flow.gain"]["frames_ref"] != no_frames
    frames = sliders["flow.depth"]["frames"]
    assert frames and len(frames) >= at.session_state["flow.depth"]  # live to 100

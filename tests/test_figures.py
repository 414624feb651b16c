"""The figure builders (actlib/figures.py, actlib/flow_figures.py) and the explorer's
pure read-out helpers (actlib/regions.py, actlib/readouts.py).

The pages hand these specs to the live chart (ui/live_chart.py), which sends them to
plotly.js as JSON without validating them. So every builder is checked here against
Plotly's own validator (``go.Figure(spec)`` raises on an unknown property or a bad
value), with inputs like the pages'.
"""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest

import actlib
from actlib import flow
from actlib import figures, flow_figures, readouts, regions
from actlib.figures import packed
from actlib.properties import Properties
from actlib.text import t

GRID_POINTS = 801


def validated(spec: dict) -> go.Figure:
    """Plotly's validator on ``spec``, and the JSON the live chart sends (no NaN: strict JSON)."""
    figure = go.Figure(spec)  # raises ValueError on anything Plotly does not accept
    sent = json.loads(json.dumps(spec, allow_nan=False))
    assert len(sent["data"]) == len(spec["data"])
    return figure


def unpacked(value) -> np.ndarray:
    assert set(value) == {"dtype", "bdata"}, value
    assert value["dtype"] == "f4"
    return np.frombuffer(base64.b64decode(value["bdata"]), dtype="<f4")


# --- packed ----------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [
    np.linspace(-5, 5, GRID_POINTS, dtype=np.float32),
    np.array([0.1, 1 / 3, 1e-30, 3.4e38, -2.5e-45], dtype=np.float64),  # rounded to float32 once
    np.array([np.nan, np.inf, -np.inf, -0.0, 0.0], dtype=np.float32),
    np.arange(7, dtype=">f4"),  # big-endian input: sent little-endian, as Plotly reads it
    [1.0, 2.5, -3.25],
    np.array([], dtype=np.float32),
], ids=["grid", "float64", "non-finite", "big-endian", "list", "empty"])
def test_packed_round_trips_float32(values):
    spec = packed(values)
    json.dumps(spec)  # plain JSON
    back = unpacked(spec)
    want = np.asarray(values, dtype=np.float32)
    assert back.shape == want.shape
    np.testing.assert_array_equal(back, want)
    assert np.array_equal(np.signbit(back), np.signbit(want))  # -0.0 stays -0.0


def test_packed_is_smaller_than_the_decimal_list():
    x = np.linspace(-5, 5, GRID_POINTS).astype(np.float32)
    assert len(json.dumps(packed(x))) < len(json.dumps(x.tolist())) / 2


# --- explorer_figure -------------------------------------------------------------------------

def chart_labels(lang: str = "en") -> dict[str, str]:
    labels = {key: t(f"chart.{key}", lang) for key in ("x", "y", "f", "df", "d2f", "probe")}
    return labels | readouts.region_labels(lang)


def explorer_spec(name: str, *, x_range=(-5.0, 5.0), probe_x: float = 0.0, second: bool = False,
                  overlays=(), presenter: bool = False, lang: str = "en", **params) -> tuple[dict, dict]:
    """The spec the explorer page builds (same call), and the arrays it was built from."""
    x = np.append(np.linspace(*x_range, GRID_POINTS), probe_x).astype(np.float32)
    value, first, d2 = (np.asarray(a) for a in actlib.curves(name, x, **params))
    drawn = [(t(f"act.{n}.title", lang), np.asarray(actlib.curves(n, x)[0])[:-1]) for n in overlays]
    spec = figures.explorer_figure(
        x[:-1], value[:-1], first[:-1], second=d2[:-1] if second else None,
        labels=chart_labels(lang), overlays=drawn,
        regions=regions.gradient_regions(x[:-1], first[:-1], tails=regions.tails(name, params)),
        probe=(float(x[-1]), float(value[-1]), float(first[-1])), presenter=presenter,
        title=t(f"act.{name}.title", lang))
    return spec, {"x": x[:-1], "f": value[:-1], "df": first[:-1], "d2f": d2[:-1], "overlays": drawn,
                  "tails": regions.tails(name, params)}


EXPLORER_CASES = {
    # relu: a dead half; sigmoid on ±10: two saturated tails; both kinds at once below
    "relu": dict(name="relu"),
    "sigmoid-wide-second": dict(name="sigmoid", x_range=(-10.0, 10.0), second=True),
    "hard_sigmoid-dead": dict(name="hard_sigmoid", x_range=(-20.0, 20.0), second=True),
    "relu6-dead-both-sides": dict(name="relu6", x_range=(-20.0, 20.0)),
    "leaky-small-gradient": dict(name="leaky_relu", alpha=0.005),
    "elu-saturating-left": dict(name="elu", x_range=(-10.0, 10.0)),
    "elu-overlays-probe": dict(name="elu", alpha=2.0, overlays=("relu", "tanh", "gelu"), probe_x=-1.5),
    "selu-presenter-ja": dict(name="selu", presenter=True, lang="ja", second=True, overlays=("elu",)),
    "maxout-all-overlays": dict(name="maxout", overlays=tuple(n for n in actlib.names() if n != "maxout")),
    "identity-no-regions": dict(name="identity"),
    "softmax-extreme-probe": dict(name="softmax", probe_x=1e4, classes=10.0, other_logit=-5.0),
}


@pytest.mark.parametrize("case", EXPLORER_CASES.values(), ids=EXPLORER_CASES.keys())
def test_explorer_figure_passes_plotlys_validator(case):
    spec, arrays = explorer_spec(**case)
    validated(spec)


@pytest.mark.parametrize("case", EXPLORER_CASES.values(), ids=EXPLORER_CASES.keys())
def test_explorer_figure_sends_its_curves_packed_and_exact(case):
    spec, arrays = explorer_spec(**case)
    lang = case.get("lang", "en")
    labels = chart_labels(lang)
    by_name = {}
    for trace in spec["data"]:
        assert trace["name"] not in by_name, f"two traces named {trace['name']!r}"
        by_name[trace["name"]] = trace
    curves = [("f", "f"), ("df", "df")] + ([("d2f", "d2f")] if case.get("second") else [])
    for key, array in curves:
        trace = by_name[labels[key]]
        np.testing.assert_array_equal(unpacked(trace["x"]), arrays["x"])
        np.testing.assert_array_equal(unpacked(trace["y"]), arrays[array])
    if not case.get("second"):
        assert labels["d2f"] not in by_name
    for label, values in arrays["overlays"]:
        trace = by_name[label]
        np.testing.assert_array_equal(unpacked(trace["x"]), arrays["x"])
        np.testing.assert_array_equal(unpacked(trace["y"]), values)
        assert trace["opacity"] < 1
    # the region traces cover exactly the intervals regions.gradient_regions finds
    found = regions.gradient_regions(arrays["x"], arrays["df"], tails=arrays["tails"])
    for kind in regions.KINDS:
        if not found[kind]:
            assert labels[kind] not in by_name
            continue
        trace = by_name[labels[kind]]
        xs = [v for v in trace["x"] if v is not None]
        assert sorted(set(xs)) == sorted({edge for interval in found[kind] for edge in interval})
        assert {v for v in trace["y"] if v is not None} == set(spec["layout"]["yaxis"]["range"])
    probe = by_name[labels["probe"]]
    assert probe["x"][0] == probe["x"][1] == pytest.approx(case.get("probe_x", 0.0))
    assert all(math.isfinite(v) for v in probe["y"])
    assert spec["layout"]["title"]["text"] == t(f"act.{case['name']}.title", lang)
    # the legend runs across the top, placed in the figure's own coordinates (so Plotly
    # makes room for it: actlib/chart_layout.py), and the y range is finite
    legend = spec["layout"]["legend"]
    assert legend["orientation"] == "h" and legend["yref"] == "container" and legend["y"] > 0.5
    assert all(math.isfinite(v) for v in spec["layout"]["yaxis"]["range"])


def test_explorer_figure_with_only_the_required_arguments():
    x = np.linspace(-1, 1, 5, dtype=np.float32)
    spec = figures.explorer_figure(x, x, np.ones_like(x), labels=chart_labels())
    validated(spec)
    assert [tr["name"] for tr in spec["data"]] == [t("chart.f"), t("chart.df")]


def test_explorer_figure_with_non_finite_curves_still_validates():
    # an overflowing f (softplus with a huge beta at the far right, say) must not break the spec
    x = np.linspace(-5, 5, GRID_POINTS, dtype=np.float32)
    value = np.where(x > 4, np.inf, x).astype(np.float32)
    first = np.where(x < -4, np.nan, 1.0).astype(np.float32)
    spec = figures.explorer_figure(x, value, first, labels=chart_labels(),
                                   regions=regions.gradient_regions(x, first, tails=regions.Tails(True, False)),
                                   probe=(0.0, 0.0, 1.0))
    validated(spec)
    assert all(math.isfinite(v) for v in spec["layout"]["yaxis"]["range"])


# --- backward_animation ----------------------------------------------------------------------

def flow_labels(lang: str = "en") -> dict[str, str]:
    return {k: t(f"flow.{k}", lang) for k in ("layer", "log_grad", "measured", "theory", "play",
                                              "pause", "step")}


def measured_log10(depth: int, slope: float = -0.08, seed: int = 0) -> np.ndarray:
    """log10 |dL/dz| per layer, input first: a vanishing trend with noise, like the
    flow engine's output for a deep tanh stack."""
    rng = np.random.default_rng(seed)
    layers = np.arange(depth)
    return slope * (depth - 1 - layers) + 0.05 * rng.standard_normal(depth)


def theory_log10(depth: int, slope: float = -0.08) -> np.ndarray:
    return slope * (depth - 1 - np.arange(depth, dtype=float))


@pytest.mark.parametrize("depth", [1, 2, 50, 60, 61, 120, 200, 201, 1000])
@pytest.mark.parametrize("with_theory", [True, False], ids=["theory", "no-theory"])
@pytest.mark.parametrize("presenter", [False, True], ids=["normal", "presenter"])
def test_backward_animation_passes_plotlys_validator(depth, with_theory, presenter):
    theory = theory_log10(depth) if with_theory else None
    spec = flow_figures.backward_animation(measured_log10(depth), theory, labels=flow_labels(),
                                           presenter=presenter)
    figure = validated(spec)
    assert len(figure.frames) == len(spec["frames"])
    names = [tr["name"] for tr in spec["data"]]
    assert names.count(flow_labels()["theory"]) == (1 if with_theory else 0)


def test_backward_animation_with_theory_gaps_validates():
    # mean-field theory undefined for the first layers: gaps, never NaN in JSON
    theory = theory_log10(50)
    theory[:5] = np.nan
    spec = flow_figures.backward_animation(measured_log10(50), theory, labels=flow_labels("ja"))
    validated(spec)
    json.dumps(spec, allow_nan=False)  # raises on NaN / Infinity


def with_underflow(depth: int, layers) -> np.ndarray:
    grad = measured_log10(depth)
    grad[list(layers)] = -np.inf  # |dL/dz| = 0 exactly: a dead layer (all relu units off)
    return grad


NON_FINITE_PASSES = {
    "two-dead-layers": with_underflow(50, [3, 17]),
    "nan-layer": np.where(np.arange(50) == 40, np.nan, measured_log10(50)),
    # the flow engine's real output for the "step" activation: f' = 0, every layer -inf
    "step-activation": np.full(10, -np.inf),
    "all-nan": np.full(10, np.nan),
}


@pytest.mark.parametrize("grad", NON_FINITE_PASSES.values(), ids=NON_FINITE_PASSES.keys())
def test_backward_animation_with_non_finite_layers_validates(grad):
    theory = np.full(grad.size, np.nan)
    spec = flow_figures.backward_animation(grad, theory, labels=flow_labels())
    json.dumps(spec, allow_nan=False)  # this much holds already: gaps are null
    validated(spec)


def frame_layers(frame: dict) -> list[int]:
    xs = [trace["x"] for trace in frame["data"]]
    assert all(x == xs[0] for x in xs), "the line and the markers of a frame show different layers"
    return xs[0]


@pytest.mark.parametrize("depth", [1, 2, 7, 50, 60])
def test_backward_animation_reveals_one_layer_per_frame_from_the_output(depth):
    spec = flow_figures.backward_animation(measured_log10(depth), theory_log10(depth),
                                           labels=flow_labels())
    frames = spec["frames"]
    assert len(frames) == depth
    # output layer first: frame k shows layers depth - k .. depth and is named by its newest layer
    assert [f["name"] for f in frames] == [str(layer) for layer in range(depth, 0, -1)]
    for k, frame in enumerate(frames):
        assert frame_layers(frame) == list(range(depth - k, depth + 1))
        assert frame["traces"] == [0, 1]
    # the figure opens on the whole pass: the last frame, and the slider's active step
    assert frame_layers(frames[-1]) == list(range(1, depth + 1))
    assert spec["data"][0]["x"] == spec["data"][1]["x"] == list(range(1, depth + 1))
    slider = spec["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]] == [f["name"] for f in frames]
    assert [s["args"][0] for s in slider["steps"]] == [[f["name"]] for f in frames]
    assert slider["active"] == len(frames) - 1


@pytest.mark.parametrize("depth", [61, 119, 120, 179, 180, 200, 201, 500, 999, 1000])
def test_deep_backward_animation_reveals_several_layers_per_frame(depth):
    spec = flow_figures.backward_animation(measured_log10(depth), None, labels=flow_labels())
    frames = spec["frames"]
    shown = spec["data"][0]["x"]  # every layer, or MAX_POINTS of them evenly spaced
    assert len(shown) == min(depth, flow_figures.MAX_POINTS)
    assert shown[0] == 1 and shown[-1] == depth and shown == sorted(set(shown))
    per_frame = math.ceil(len(shown) / flow_figures.MAX_FRAMES)
    # one frame per per_frame layers, plus at most one ragged frame to reach layer 1
    # (61 frames at depth 120, 179 and 180)
    assert len(shown) / per_frame <= len(frames) <= flow_figures.MAX_FRAMES + 1
    assert frame_layers(frames[0]) == [depth]  # the output layer first
    assert frame_layers(frames[-1]) == shown  # the last frame shows them all
    previous: list[int] = []
    for frame in frames:
        layers = frame_layers(frame)
        assert layers == shown[len(shown) - len(layers):]  # a suffix: revealed output-first
        assert 1 <= len(layers) - len(previous) <= per_frame
        assert frame["name"] == str(layers[0])
        previous = layers
    slider = spec["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]] == [f["name"] for f in frames]
    assert slider["active"] == len(frames) - 1


def test_backward_animation_theory_covers_every_layer():
    depth = 1000
    spec = flow_figures.backward_animation(measured_log10(depth), theory_log10(depth), labels=flow_labels())
    [theory] = [tr for tr in spec["data"] if tr["name"] == flow_labels()["theory"]]
    assert theory["x"] == list(range(1, depth + 1))
    np.testing.assert_allclose(theory["y"], theory_log10(depth), atol=5e-5)
    lo, hi = spec["layout"]["yaxis"]["range"]
    assert lo <= min(theory["y"]) and max(theory["y"]) <= hi


# --- the other flow figures ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("presenter", [False, True], ids=["normal", "presenter"])
def test_preactivation_histogram_passes_plotlys_validator(name, presenter):
    edges = np.linspace(-6.0, 6.0, 61)
    cfg = flow.StackConfig(depth=12, width=64, batch=32, activation=name, gain=2.5)
    shares = flow.preactivation_histograms(cfg, edges)  # (depth, bins)
    assert shares.shape == (12, 60) and np.allclose(shares.sum(axis=1), 1.0)
    z_grid = np.linspace(-6, 6, 241, dtype=np.float32)
    slope = np.asarray(actlib.curves(name, z_grid)[1])
    labels = {"histogram": t("flow.histogram", layer=7), "derivative": t("flow.derivative"), "z": "z"}
    spec = flow_figures.preactivation_histogram(shares[6], edges, z_grid, slope, labels=labels,
                                                presenter=presenter)
    validated(spec)
    json.dumps(spec, allow_nan=False)
    bars = spec["data"][0]
    assert len(bars["x"]) == len(bars["y"]) == 60
    width = np.asarray(bars["width"])
    assert float(np.sum(np.asarray(bars["y"]) * width)) == pytest.approx(1.0, rel=1e-3)  # a density


@pytest.mark.parametrize("depth", [1, 50, 101, 1000])
def test_layer_fractions_passes_plotlys_validator(depth):
    rng = np.random.default_rng(2)
    series = {"saturated": rng.uniform(0, 1, depth), "dead": rng.uniform(0, 0.5, depth),
              "both": np.zeros(depth), "nan": np.full(depth, np.nan)}
    spec = flow_figures.layer_fractions(series, labels={"layer": t("flow.layer")})
    validated(spec)
    json.dumps(spec, allow_nan=False)
    assert [tr["name"] for tr in spec["data"]] == list(series)
    assert all(tr["x"] == list(range(1, depth + 1)) for tr in spec["data"])


def training_labels() -> dict[str, str]:
    return {k: t(f"flow.{k}") for k in ("step_axis", "layer", "log_grad", "play", "pause", "step")}


@pytest.mark.parametrize(("steps", "depth"), [(1, 1), (5, 3), (40, 50), (200, 1000)])
def test_training_heatmap_passes_plotlys_validator(steps, depth):
    rng = np.random.default_rng(3)
    grid = -0.05 * np.arange(depth)[None, ::-1] + 0.1 * rng.standard_normal((steps, depth))
    spec = flow_figures.training_heatmap(grid, labels=training_labels())
    validated(spec)
    json.dumps(spec, allow_nan=False)
    rows = spec["data"][0]["y"]
    assert len(rows) == min(depth, flow_figures.MAX_HEATMAP_ROWS)
    names = [f["name"] for f in spec["frames"]]
    assert len(names) <= flow_figures.TRAINING_FRAMES and names[-1] == str(steps)
    assert [int(n) for n in names] == sorted({int(n) for n in names})  # increasing steps


def test_training_heatmap_with_diverged_steps_validates():
    # training diverged at step 30: every layer NaN from there on, some infinities before
    steps, depth = 50, 20
    grid = -0.1 * np.arange(depth)[None, ::-1] + np.zeros((steps, 1))
    grid[30:] = np.nan
    grid[29, :5] = np.inf
    spec = flow_figures.training_heatmap(grid, labels=training_labels())
    validated(spec)
    text = json.dumps(spec, allow_nan=False)
    z = spec["data"][0]["z"]
    assert all(row[30:] == [None] * (steps - 30) for row in z)
    assert math.isfinite(spec["data"][0]["zmin"]) and math.isfinite(spec["data"][0]["zmax"])
    assert "NaN" not in text


def test_training_heatmap_all_nan_validates():
    spec = flow_figures.training_heatmap(np.full((10, 4), np.nan), labels=training_labels())
    validated(spec)
    json.dumps(spec, allow_nan=False)


# --- readouts --------------------------------------------------------------------------------

def props(**changes) -> Properties:
    base = dict(name="hand", params=(), lower=-1.0, upper=1.0, lower_attained=False,
                upper_attained=False, zero_centred=True, centring="odd", output_mean=0.0,
                output_std=0.6279, monotonic=True, smooth=True,
                max_slope=1.0, max_slope_at=0.0, slope_at_zero=1.0, minimum=None, argmin=None)
    return Properties(**(base | changes))


@pytest.mark.parametrize(("changes", "shown"), [
    ({}, "(-1, 1)"),
    ({"lower": 0.0, "lower_attained": True, "upper": math.inf}, "[0, ∞)"),
    ({"lower": -math.inf, "upper": math.inf}, "(−∞, ∞)"),
    ({"lower": -0.278464542761074, "lower_attained": True, "upper": 6.0, "upper_attained": True},
     "[-0.2785, 6]"),
    ({"lower": 0.0, "upper": 1.0, "upper_attained": True}, "(0, 1]"),
])
def test_interval_notation(changes, shown):
    assert readouts.interval(props(**changes)) == shown


def test_property_rows_in_english_and_japanese():
    p = props(lower=-0.2785, lower_attained=True, upper=math.inf, monotonic=False,
              max_slope=1.0998, max_slope_at=2.3994, slope_at_zero=0.5, minimum=-0.27846, argmin=-1.27846)
    assert readouts.property_rows(p, "en") == [
        ("Output range", "[-0.2785, ∞)"),
        ("Zero-centred (x ~ N(0, 1))", "yes: odd, f(−x) = −f(x), so the mean is 0"),
        ("Mean of f(x), x ~ N(0, 1)", "0.000"),
        ("Std of f(x), x ~ N(0, 1)", "0.628"),
        ("Monotonic", "no"),
        ("Smooth (f′ continuous)", "yes"),
        ("Largest |f′|", "1.1 at x = 2.399"),
        ("f′(0)", "0.5"),
        ("Minimum of f", "-0.2785 at x = -1.278"),
    ]
    ja = readouts.property_rows(p, "ja")
    assert [label for label, _ in ja] == [t(k, "ja") for k in (
        "prop.range", "prop.zero_centred", "prop.output_mean", "prop.output_std", "prop.monotonic",
        "prop.smooth", "prop.max_slope", "prop.slope_at_zero", "prop.minimum")]
    assert ja[1][1] == t("prop.centring.odd", "ja") and ja[4][1] == t("prop.no", "ja")
    assert ja[6][1] == t("prop.max_slope_value", "ja", value="1.1", where="2.399")


@pytest.mark.parametrize(("changes", "en", "ja"), [
    (dict(centring="zero_mean", output_mean=-2.7e-7, output_std=1.0),
     "yes: mean 0.000, within 1% of the std", "はい(平均 0.000、標準偏差の 1% 以内)"),
    (dict(centring="closer_than_relu", output_mean=0.16052, output_std=0.78688),
     "partly: closer to zero than ReLU (|mean|/std = 0.20; ReLU 0.68)",
     "部分的(ReLU よりゼロに近い:|平均|/標準偏差 = 0.20、ReLU は 0.68)"),
    (dict(centring="no", output_mean=0.39495, output_std=0.58657),
     "no (|mean|/std = 0.67; ReLU 0.68)", "いいえ(|平均|/標準偏差 = 0.67、ReLU は 0.68)"),
])
def test_centring_verdict_in_words(changes, en, ja):
    p = props(zero_centred=changes["centring"] == "zero_mean", **changes)
    assert (readouts.centring(p, "en"), readouts.centring(p, "ja")) == (en, ja)


def test_property_rows_without_a_single_place():
    # relu-like: max slope on a whole interval, minimum on a whole interval; sigmoid-like: none
    relu = readouts.property_rows(props(max_slope_at=None, minimum=0.0, argmin=None), "en")
    assert dict(relu)["Largest |f′|"] == "1" and dict(relu)["Minimum of f"] == "0"
    sigmoid = readouts.property_rows(props(minimum=None), "en")
    assert dict(sigmoid)["Minimum of f"] == t("prop.minimum_none")


def test_property_rows_of_every_activation_are_filled():
    for name in actlib.names():
        rows = readouts.property_rows(actlib.properties(name), "en")
        assert len(rows) == 9 and all(label and value for label, value in rows), name


def test_markdown_table_escapes_pipes():
    table = readouts.markdown_table(("Property", "Value"),
                                    [("Largest |f′|", "1"), ("a|b", "|x| < 1"), ("plain", "text")])
    lines = table.split("\n")
    assert lines == [
        "| Property | Value |",
        "|:--|:--|",
        r"| Largest \|f′\| | 1 |",
        r"| a\|b | \|x\| < 1 |",
        "| plain | text |",
    ]
    # every row splits into exactly two cells at its unescaped pipes
    for line in lines:
        assert len(re.split(r"(?<!\\)\|", line.strip().strip("|"))) == 2, line


def test_markdown_table_of_the_real_rows_keeps_two_columns():
    rows = readouts.property_rows(actlib.properties("silu"), "en")
    table = readouts.markdown_table((t("prop.name"), t("prop.value")), rows)
    body = table.split("\n")[2:]
    cells = [[c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
             for line in body]
    assert [tuple(c) for c in cells] == rows


def test_probe_line():
    assert readouts.probe_line(-1.5, -0.7768698, 0.4462603, 0.44626, "en") == \
        "**At x = -1.5:** f = -0.77687, f′ = 0.44626, f″ = 0.44626"
    assert readouts.probe_line(1e4, 1e4, 1.0, 0.0, "ja") == \
        "**x = 10000 での値:** f = 10000, f′ = 1, f″ = 0"

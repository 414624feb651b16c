"""CSV exports: actlib.exports on its own, and the pages' download buttons (AppTest).

The library: every column is the array it was given, value for value (``repr`` of a
float64 reads back bit for bit), non-finite values are empty cells, the header names
the columns. ``explorer_csv`` is checked against the same arrays the page builds with
``actlib.curves``; ``flow_csv``, ``histogram_csv`` and ``training_csv`` against
``actlib.flow`` results and hand-made arrays with NaN rows.

The pages: each chart has a CSV download button with a descriptive file name (the same
stem as the PNG the Plotly toolbar saves), the CSV is built only when downloaded, and
what it holds is what the chart draws. AppTest does not expose a deferred download's
file name or data; a wrapper round ``MediaFileManager.add_deferred`` records both.
"""

from __future__ import annotations

import csv
import io
import json
import math
import types

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import actlib
from actlib import exports, flow
from actlib.text import t
from apptest_helpers import APP, decode_array, keep_running_app_py, live_charts, live_slider

GRID_POINTS = 301  # actlib.live.CURVE_POINTS
TIMEOUT = 90
ROUNDING = 6e-5  # the flow figures round to 4 decimals


def read_csv(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def column(text: str, name: str) -> np.ndarray:
    """A column as float64, empty cells as NaN."""
    header, rows = read_csv(text)
    i = header.index(name)
    return np.array([float(r[i]) if r[i] != "" else np.nan for r in rows])


def assert_column(text: str, name: str, want, *, atol: float = 0.0) -> None:
    got, want = column(text, name), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, (name, got.shape, want.shape)
    finite = np.isfinite(want)
    assert np.array_equal(np.isnan(got), ~finite), f"{name}: empty cells where the data is not finite"
    if atol:
        np.testing.assert_allclose(got[finite], want[finite], rtol=0, atol=atol, err_msg=name)
    else:
        np.testing.assert_array_equal(got[finite], want[finite], err_msg=name)


# --- table_csv --------------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(data=st.data(), n=st.integers(0, 40), ncols=st.integers(1, 5))
def test_table_csv_round_trips_every_value(data, n, ncols):
    # column names: any printable text (the pages use fixed names and activation titles)
    label = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12)
    names = data.draw(st.lists(label, min_size=ncols, max_size=ncols, unique=True))
    dtype = data.draw(st.sampled_from([np.float64, np.float32, np.int64]))
    arrays = [data.draw(hnp.arrays(dtype, n)) for _ in names]
    text = exports.table_csv(dict(zip(names, arrays)))
    header, rows = read_csv(text)
    assert header == names and len(rows) == n
    for name, array in zip(names, arrays):
        assert_column(text, name, np.asarray(array, dtype=np.float64))


def test_table_csv_refuses_ragged_columns():
    with pytest.raises(ValueError):
        exports.table_csv({"a": [1.0, 2.0], "b": [1.0]})


def test_non_finite_values_are_empty_cells():
    text = exports.table_csv({"x": [1.0, np.nan, np.inf, -np.inf, 0.1], "y": [1.0] * 5})
    assert text == "x,y\n1.0,1.0\n,1.0\n,1.0\n,1.0\n0.1,1.0\n"
    # one column: an empty cell is quoted, so the row is not a blank line
    single = exports.table_csv({"x": [np.nan, 2.0]})
    assert read_csv(single) == (["x"], [[""], ["2.0"]])


# --- explorer_csv against the page's own arrays ------------------------------------------------

def page_arrays(name: str, lo: float, hi: float, probe: float, **params):
    """The arrays pages/activations.py charts: 301 grid points (the probe point dropped)."""
    x = np.append(np.linspace(lo, hi, GRID_POINTS), probe).astype(np.float32)
    value, first, second = (np.asarray(a) for a in actlib.curves(name, x, **params))
    return x[:-1], value[:-1], first[:-1], second[:-1], x


@pytest.mark.parametrize("name,params,second", [
    ("selu", {"alpha": 2.5, "scale": 1.2}, True), ("elu", {}, False),
    ("relu", {}, True), ("softmax", {"classes": 4.0, "other_logit": 1.0}, False),
])
def test_explorer_csv_is_the_charts_arrays(name, params, second):
    x, value, first, d2, _ = page_arrays(name, -3.0, 4.0, 1.5, **params)
    overlays = [(t(f"act.{n}.title"), np.asarray(actlib.curves(n, np.append(x, 1.5))[0])[:-1])
                for n in ("tanh", "gelu")]
    text = exports.explorer_csv(x, value, first, d2 if second else None, overlays)
    header, rows = read_csv(text)
    assert header == ["x", "f", "f_prime", *(["f_second"] if second else []),
                      *(f"overlay_{label}" for label, _ in overlays)]
    assert len(rows) == GRID_POINTS
    assert_column(text, "x", x)
    assert_column(text, "f", value)
    assert_column(text, "f_prime", first)
    if second:
        assert_column(text, "f_second", d2)
    else:
        assert "f_second" not in header
    for label, values in overlays:
        assert_column(text, f"overlay_{label}", values)
    assert column(text, "x")[0] == -3.0 and column(text, "x")[-1] == 4.0


# --- flow exports --------------------------------------------------------------------------------

def fake_result(depth: int, nan_from: int | None = None) -> types.SimpleNamespace:
    rng = np.random.default_rng(depth)
    arrays = {k: rng.normal(size=depth) for k in ("log10_grad", "log10_weight_grad", "act_mean",
                                                  "act_std", "saturated_fraction", "dead_fraction")}
    if nan_from is not None:
        for k in ("log10_grad", "log10_weight_grad"):
            arrays[k][:nan_from] = np.nan
        arrays["act_std"][nan_from:] = np.inf
    return types.SimpleNamespace(**arrays)


FLOW_COLUMNS = ["layer", "log10_grad", "log10_weight_grad", "act_mean", "act_std",
                "saturated_fraction", "dead_fraction"]


@pytest.mark.parametrize("theory", [False, True])
def test_flow_csv_one_row_per_layer(theory):
    result = fake_result(7, nan_from=3)
    line = np.linspace(-1, 1, 7) if theory else None
    text = exports.flow_csv(result, line)
    header, rows = read_csv(text)
    assert header == FLOW_COLUMNS[:2] + (["log10_grad_theory"] if theory else []) + FLOW_COLUMNS[2:]
    assert len(rows) == 7
    assert_column(text, "layer", np.arange(1, 8))
    for name in FLOW_COLUMNS[1:]:
        assert_column(text, name, getattr(result, name))
    if theory:
        assert_column(text, "log10_grad_theory", line)
    assert rows[0][1] == "" and rows[3][1] != ""  # overflowed layers: empty, not "nan"


def test_flow_csv_of_a_real_stack():
    cfg = flow.StackConfig(depth=12, width=16, activation="tanh", batch=8)
    result = flow.gradient_flow(cfg)
    theory = flow.mean_field(cfg, anchor=float(result.log10_grad[-1]))
    text = exports.flow_csv(result, theory)
    assert len(read_csv(text)[1]) == 12
    for name in FLOW_COLUMNS[1:]:
        assert_column(text, name, getattr(result, name))
    assert_column(text, "log10_grad_theory", theory)


def test_histogram_csv_bins():
    edges = np.linspace(-6.0, 6.0, 61)
    shares = np.random.default_rng(0).dirichlet(np.ones(60))
    text = exports.histogram_csv(edges, shares)
    header, rows = read_csv(text)
    assert header == ["bin_from", "bin_to", "share", "density"] and len(rows) == 60
    assert_column(text, "bin_from", edges[:-1])
    assert_column(text, "bin_to", edges[1:])
    assert_column(text, "share", shares)
    assert_column(text, "density", shares / np.diff(edges))  # the bars' heights
    assert column(text, "share").sum() == pytest.approx(1.0)


def test_histogram_csv_of_a_real_stack():
    cfg = flow.StackConfig(depth=12, width=16, activation="tanh", batch=8)
    edges = np.linspace(-6.0, 6.0, 61)
    shares = flow.preactivation_histograms(cfg, edges)
    for layer in (0, 11):
        text = exports.histogram_csv(edges, shares[layer])
        assert_column(text, "share", shares[layer])


def test_training_csv_nan_rows_are_empty_cells():
    grid = np.arange(5 * 3, dtype=float).reshape(5, 3) / 7
    grid[3:] = np.nan  # diverged at step 2: the rows after it are NaN
    grid[2, 1] = np.inf
    text = exports.training_csv(grid)
    header, rows = read_csv(text)
    assert header == ["step", "layer_1", "layer_2", "layer_3"]
    assert len(rows) == 5
    assert_column(text, "step", np.arange(5))
    for layer in range(3):
        assert_column(text, f"layer_{layer + 1}", grid[:, layer])
    assert rows[3][1:] == ["", "", ""] and rows[4][1:] == ["", "", ""]
    assert [float(r[0]) for r in rows] == [0, 1, 2, 3, 4]  # (written as 0.0, 1.0, ...)
    assert rows[2][2] == ""


@settings(max_examples=40, deadline=None)
@given(grid=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=12)))
def test_training_csv_any_grid(grid):
    text = exports.training_csv(grid)
    header, rows = read_csv(text)
    assert header == ["step", *(f"layer_{i + 1}" for i in range(grid.shape[1]))]
    assert len(rows) == grid.shape[0]
    for i in range(grid.shape[1]):
        assert_column(text, f"layer_{i + 1}", grid[:, i])


# --- the pages' download buttons (AppTest) -----------------------------------------------------

@pytest.fixture
def downloads(monkeypatch):
    """{deferred file id: (file name, mime type, callable)} of every deferred download the
    runs register, and how many CSVs the pages built (must stay 0 until a download)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    keep_running_app_py(monkeypatch)
    seen: dict = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        seen[file_id] = (file_name, mimetype, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    built = {"count": 0}
    for name in ("explorer_csv", "flow_csv", "histogram_csv", "training_csv"):
        original_fn = getattr(exports, name)

        def counting(*args, _fn=original_fn, **kwargs):
            built["count"] += 1
            return _fn(*args, **kwargs)

        monkeypatch.setattr(exports, name, counting)
    seen["built"] = built
    return seen


def open_link(query: dict, page: str = "explorer"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if page == "flow":
        at.switch_page("pages/gradient_flow.py")
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def buttons(at, downloads) -> dict[str, tuple[str, str, str]]:
    """{widget key: (file name, mime type, CSV text)} of the page's download buttons,
    after checking that no CSV was built during the run."""
    assert downloads["built"]["count"] == 0, "a CSV was built before anyone asked for it"
    found = {}
    for button in at.get("download_button"):
        assert button.proto.label == t("export.csv") and button.proto.ignore_rerun
        name, mime, make = downloads[button.proto.deferred_file_id]
        data = make()
        found[button.key] = (name, mime, data.decode() if isinstance(data, bytes) else data)
    return found


def charts(at) -> list[tuple[dict, dict]]:
    """(spec, config) of each Plotly chart on the page."""
    return ([(chart["figure"], chart["config"]) for chart in live_charts(at) if chart["figure"]]
            + [(json.loads(c.proto.spec), json.loads(c.proto.config or "{}")) for c in at.get("plotly_chart")])


def png_name(config: dict) -> str:
    return config["toImageButtonOptions"]["filename"]


def test_explorer_download_is_the_chart(downloads):
    at = open_link({"act": "selu", "alpha": "2.5", "scale": "1.2", "xmin": "-3", "xmax": "4",
                    "second": "1", "overlay": "relu,tanh", "probe": "1.5"})
    [(key, (name, mime, text))] = buttons(at, downloads).items()
    assert key == "explorer_csv"
    assert name == "activation_selu_alpha2.5_scale1.2.csv" and mime == "text/csv"
    [(spec, config)] = charts(at)
    assert png_name(config) + ".csv" == name  # the PNG from the toolbar: same stem
    traces = {tr.get("name"): tr for tr in spec["data"]}
    x = decode_array(traces[t("chart.f")]["x"])
    assert_column(text, "x", x)
    for label, col in (("chart.f", "f"), ("chart.df", "f_prime"), ("chart.d2f", "f_second")):
        assert_column(text, col, decode_array(traces[t(label)]["y"]))
    for n in ("relu", "tanh"):
        title = t(f"act.{n}.title")
        assert_column(text, f"overlay_{title}", decode_array(traces[title]["y"]))
    assert len(read_csv(text)[1]) == GRID_POINTS


@pytest.mark.parametrize("query,want", [
    ({}, "activation_elu_alpha1"),
    ({"act": "relu"}, "activation_relu"),
    ({"act": "maxout", "w1": "-0.5"}, "activation_maxout_w1-0.5_b10_w20_b20"),
])
def test_explorer_file_names(downloads, query, want):
    at = open_link(query)
    [(name, _, text)] = buttons(at, downloads).values()
    assert name == want + ".csv"
    [(_, config)] = charts(at)
    assert png_name(config) == want
    assert read_csv(text)[0][:3] == ["x", "f", "f_prime"]


def test_flow_backward_download_is_the_chart(downloads):
    at = open_link({}, page="flow")
    [(key, (name, mime, text))] = buttons(at, downloads).items()
    assert key == "flow_csv_backward" and mime == "text/csv"
    assert name == "gradient_flow_backward_sigmoid_xavier_gain1_depth50.csv"
    [(spec, config)] = charts(at)
    assert png_name(config) + ".csv" == name
    header, rows = read_csv(text)
    assert len(rows) == 50 and header[:3] == ["layer", "log10_grad", "log10_grad_theory"]
    measured, theory = spec["data"][0], spec["data"][2]
    assert measured["name"] == t("flow.measured") and theory["name"] == t("flow.theory")
    assert_column(text, "layer", decode_array(measured["x"]))
    assert_column(text, "log10_grad", decode_array(measured["y"]), atol=ROUNDING)
    assert_column(text, "log10_grad_theory", decode_array(theory["y"]), atol=ROUNDING)


def test_flow_forward_downloads_are_the_charts(downloads):
    at = open_link({"view": "forward", "layer": "7"}, page="flow")
    found = buttons(at, downloads)
    assert set(found) == {"flow_csv_forward_layer7", "flow_csv_unit_fractions"}
    name, _, hist = found["flow_csv_forward_layer7"]
    assert name == "gradient_flow_forward_layer7_sigmoid_xavier_gain1_depth50.csv"
    (hist_spec, hist_config), (frac_spec, frac_config) = charts(at)
    assert png_name(hist_config) + ".csv" == name
    bars = hist_spec["data"][0]
    assert bars["name"] == t("flow.histogram", layer=7)
    centres, widths = decode_array(bars["x"]), decode_array(bars["width"])
    assert_column(hist, "bin_from", centres - widths / 2, atol=ROUNDING)
    assert_column(hist, "bin_to", centres + widths / 2, atol=ROUNDING)
    # the bars are densities: share / bin width
    density = column(hist, "share") / (column(hist, "bin_to") - column(hist, "bin_from"))
    np.testing.assert_allclose(density, decode_array(bars["y"]), atol=ROUNDING * 10)

    name, _, fractions = found["flow_csv_unit_fractions"]
    assert name == "gradient_flow_unit_fractions_sigmoid_xavier_gain1_depth50.csv"
    assert png_name(frac_config) + ".csv" == name
    lines = {tr["name"]: tr for tr in frac_spec["data"]}
    assert len(read_csv(fractions)[1]) == 50
    assert_column(fractions, "saturated_fraction", decode_array(lines[t("flow.saturated")]["y"]), atol=ROUNDING)
    assert_column(fractions, "dead_fraction", decode_array(lines[t("flow.dead")]["y"]), atol=ROUNDING)


def test_flow_histogram_csv_has_the_bars_heights(downloads):
    at = open_link({"view": "forward", "layer": "7"}, page="flow")
    _, _, hist = buttons(at, downloads)["flow_csv_forward_layer7"]
    (hist_spec, _), _ = charts(at)
    heights = decode_array(hist_spec["data"][0]["y"])
    header, _ = read_csv(hist)
    assert any(np.allclose(column(hist, h), heights, atol=ROUNDING) for h in header)


def test_flow_training_download_is_the_chart(downloads):
    at = open_link({"view": "training", "steps": "20", "depth": "12"}, page="flow")
    [(key, (name, _, text)), (dead_key, (dead_name, _, dead_text))] = buttons(at, downloads).items()
    assert (key, dead_key) == ("flow_csv_training", "flow_csv_dead_units")
    assert name == "gradient_flow_training_sigmoid_xavier_gain1_depth12.csv"
    [(spec, config), (dead_spec, dead_config)] = charts(at)
    assert png_name(config) + ".csv" == name
    assert png_name(dead_config) + ".csv" == dead_name == name.replace("training", "dead_units")
    for line in dead_spec["data"]:  # the dead-unit lines are the dead CSV's columns
        layer = line["name"].removeprefix("layer ")
        assert_column(dead_text, f"layer_{layer}", decode_array(line["y"]), atol=ROUNDING)
    header, rows = read_csv(text)
    assert header == ["step", *(f"layer_{i}" for i in range(1, 13))] and len(rows) == 20
    heat = spec["data"][0]
    z = np.array([[np.nan if v is None else v for v in row] for row in heat["z"]])  # (layers, steps)
    layers = decode_array(heat["y"]).astype(int)
    for row, layer in zip(z, layers):
        assert_column(text, f"layer_{layer}", row, atol=ROUNDING)

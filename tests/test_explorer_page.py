"""The activation explorer page, driven headlessly with Streamlit's AppTest.

Each test starts a fresh app (the JAX compile cache lives in the process, so
only the first start is slow) and checks after every run that the page raised
nothing. Chart values are compared with ``apptest_helpers.expected``: the
independent closed forms of tests/reference.py.

The page's text read-outs are parsed back from markdown: the formulas from the one
``$$\\begin{aligned} f(x) &= ... \\\\[4pt] f'(x) &= ... \\end{aligned}$$`` block, the
probe values from the "At x = ...: f = ..., f′ = ..., f″ = ..." line beside it, the
properties from the markdown table.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import optimize

import actlib
from actlib import readouts
from actlib import readouts
from actlib.readouts import region_labels
from actlib.regions import SMALL_SLOPE
from actlib.text import CATALOGUE, t
from apptest_helpers import (
    chart_spec, chart_traces, expected, format_param, formula_element, formula_rows, has_trace,
    leaked_keys, live_charts, live_slider, markdown_table_rows, markdown_tables, new_app, param_sliders,
    probe_readouts, run,
    shaded_intervals, trace_named, visible_texts,
)

NAMES = actlib.names()
has_kink = lambda name: f"act.{name}.kink" in CATALOGUE
PARAM_ENDS = [pytest.param(name, p.name, end, id=f"{name}-{p.name}-{end}")
              for name in NAMES for p in actlib.get(name).params for end in ("min", "max")]
GRID_POINTS = 301  # actlib.live.CURVE_POINTS

F, DF, D2F = t("chart.f"), t("chart.df"), t("chart.d2f")
DEAD = t("chart.dead")
SATURATING = region_labels("en")["saturating"]

# float32 chart values against float64 closed forms
RTOL, ATOL = 1e-5, 1e-5


@pytest.fixture
def at(monkeypatch):
    return new_app(monkeypatch)


def select(at, name: str):
    at.selectbox(key="explorer.activation").set_value(name)
    return run(at)


def set_param(at, name: str, param: str, value: float):
    live_slider(at, key=f"param.{name}.{param}").set_value(value)
    return run(at)


def assert_curves_match(at, name: str, **params):
    """The chart's f and f′ traces equal the activation's closed forms at the traces' x."""
    traces = chart_traces(at)
    for label, order in ((F, 0), (DF, 1)):
        trace = trace_named(traces, label)
        assert len(trace.x) == GRID_POINTS
        assert np.isfinite(trace.x).all() and np.isfinite(trace.y).all(), f"{name} {label}: non-finite"
        np.testing.assert_allclose(trace.y, expected(name, trace.x, order, **params),
                                   rtol=RTOL, atol=ATOL, err_msg=f"{name} {label} {params}")


def formula(template: str, values: dict) -> str:
    """A registry LaTeX template with each ``[param]`` slot showing its value; a factor
    of exactly 1 (a slot followed by a product's thin space ``\\,``) is left out with
    its thin space: ``[alpha]\\,(e^{x} - 1)`` at alpha = 1 reads ``(e^{x} - 1)``."""
    def fill(m: re.Match) -> str:
        value, product = values[m.group(1)], m.group(2) or ""
        return "" if value == 1.0 and product else format_param(value) + product

    return re.sub(r"\[(\w+)\](\\,)?", fill, template)


def expected_formulas(act, values: dict) -> list[str]:
    return ["f(x) = " + formula(act.latex, values), "f'(x) = " + formula(act.latex_derivative, values)]


def assert_probe_matches(at, name: str, x0: float, lang: str = "en", **params):
    """The probe line shows x0 and f, f′ (and a finite f″) there, as the closed forms say."""
    readouts = probe_readouts(at, lang)
    assert all(math.isfinite(v) for v in readouts.values()), readouts
    assert readouts["x"] == pytest.approx(x0, rel=1e-5)
    for key, order in (("f", 0), ("df", 1)):
        want = float(expected(name, [np.float32(x0)], order, **params)[0])
        assert readouts[key] == pytest.approx(want, rel=1e-5, abs=1e-6), (name, x0, key)
    return readouts


PROPERTY_KEYS = ("prop.range", "prop.zero_centred", "prop.output_mean", "prop.output_std",
                 "prop.monotonic", "prop.smooth",
                 "prop.max_slope", "prop.slope_at_zero", "prop.minimum")


# --- default page ----------------------------------------------------------------------------

def test_default_page_is_elu_with_alpha_one(at):
    assert at.selectbox(key="explorer.activation").value == "elu"
    assert [s.name for s in param_sliders(at)] == ["alpha"]
    assert [s.label for s in param_sliders(at)] == ["α (alpha)"]
    assert live_slider(at, key="param.elu.alpha").value == 1.0
    assert [e.value for e in at.title] == [t("explorer.title", "en")]
    assert len(live_charts(at)) == 1
    assert_curves_match(at, "elu", alpha=1.0)
    assert chart_spec(at)["layout"]["title"]["text"] == t("act.elu.title")
    assert at.slider(key="explorer.x_range").value == (-5.0, 5.0)
    assert at.toggle(key="explorer.show_second").value is False
    assert at.multiselect(key="explorer.overlays").value == []
    assert at.number_input(key="explorer.probe_x").value == 0.0
    # formulas, kink note and probe line are one markdown element; no st.latex, no st.metric
    assert len(at.latex) == 0 and len(at.metric) == 0
    element = formula_element(at)
    assert element.startswith(f"**{t('explorer.formulas')}**")
    assert readouts.kink_line("elu", "en") in element
    assert element.rstrip().endswith(t("probe.line", x="0", f="0", df="1", d2f="1"))
    assert_probe_matches(at, "elu", 0.0, alpha=1.0)


# --- every activation ------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_activation_renders_its_sliders_and_curves(at, name):
    select(at, name)
    act = actlib.get(name)
    sliders = param_sliders(at)
    assert [s.name for s in sliders] == list(act.param_names)
    assert [s.label for s in sliders] == [readouts.param_label(name, p, "en") for p in act.param_names]
    assert [s.value for s in sliders] == pytest.approx([p.default for p in act.params])
    for s, p in zip(sliders, act.params):  # the whole range, in whole multiples of the step
        assert (s.min, s.max) == pytest.approx((p.min, p.max))
        assert 2 <= len(s.values) <= 102 and p.default in s.values
        on_grid = [v for v in s.values if abs((v - p.min) / p.step - round((v - p.min) / p.step)) < 1e-6]
        assert len(s.values) - len(on_grid) <= 1  # only the default may sit between steps
        steps = np.diff(on_grid) / p.step
        assert np.allclose(steps, steps[0]) and round(steps[0]) >= 1
        assert steps[0] == pytest.approx(round(steps[0]))
    assert len(live_charts(at)) == 1
    assert chart_spec(at)["layout"]["title"]["text"] == t(f"act.{name}.title")
    assert_curves_match(at, name)
    # the reset button is there exactly when there is something to reset
    assert [b.label for b in at.button] == ([t("explorer.reset")] if act.params else [])
    assert formula_rows(at) == expected_formulas(act, act.defaults())
    kink = readouts.kink_line(name, "en")
    assert (bool(kink) and kink in formula_element(at)) == has_kink(name)
    assert_probe_matches(at, name, 0.0)
    # the properties table: header and every row, labels intact (their | escaped)
    [table] = markdown_tables(at)
    assert table[0] == [t("prop.name"), t("prop.value")]
    assert [row[0] for row in table[1:]] == [t(key) for key in PROPERTY_KEYS]
    assert all(len(row) == 2 and row[1] for row in table), table


@pytest.mark.parametrize(("name", "param", "end"), PARAM_ENDS)
def test_every_slider_at_both_ends(at, name, param, end):
    at.toggle(key="explorer.show_second").set_value(True)
    select(at, name)
    act = actlib.get(name)
    value = getattr(next(p for p in act.params if p.name == param), end)
    set_param(at, name, param, value)
    assert live_slider(at, key=f"param.{name}.{param}").value == pytest.approx(value)
    traces = chart_traces(at)
    for label in (F, DF, D2F):
        trace = trace_named(traces, label)
        assert np.isfinite(trace.y).all(), f"{name} {param}={value}: non-finite {label}"
    assert_curves_match(at, name, **{param: value})
    values = act.defaults() | {param: value}
    assert formula_rows(at) == expected_formulas(act, values)
    assert_probe_matches(at, name, 0.0, **{param: value})


# --- controls --------------------------------------------------------------------------------

def test_reset_restores_defaults(at):
    select(at, "selu")
    set_param(at, "selu", "alpha", 0.5)
    set_param(at, "selu", "scale", 2.0)
    assert_curves_match(at, "selu", alpha=0.5, scale=2.0)
    at.button[0].click()
    run(at)
    act = actlib.get("selu")
    assert [s.value for s in param_sliders(at)] == pytest.approx([p.default for p in act.params])
    assert_curves_match(at, "selu")


def test_x_range_sets_the_traces_x_extent(at):
    f = trace_named(chart_traces(at), F)
    assert (f.x[0], f.x[-1]) == (-5.0, 5.0)
    at.slider(key="explorer.x_range").set_value((-2.0, 7.5))
    run(at)
    for label in (F, DF):
        trace = trace_named(chart_traces(at), label)
        assert (trace.x[0], trace.x[-1]) == (-2.0, 7.5)
        assert np.all(np.diff(trace.x) > 0)
    assert_curves_match(at, "elu")


def test_zero_width_x_range_is_widened(at):
    at.slider(key="explorer.x_range").set_value((1.0, 1.0))
    run(at)
    f = trace_named(chart_traces(at), F)
    assert (f.x[0], f.x[-1]) == (0.5, 1.5)
    assert_curves_match(at, "elu")


def test_second_derivative_toggle_adds_a_third_curve(at):
    select(at, "sigmoid")
    assert [tr.name for tr in chart_traces(at) if tr.name in (F, DF, D2F)] == [F, DF]
    at.toggle(key="explorer.show_second").set_value(True)
    run(at)
    traces = chart_traces(at)
    assert [tr.name for tr in traces if tr.name in (F, DF, D2F)] == [F, DF, D2F]
    second = trace_named(traces, D2F)
    np.testing.assert_allclose(second.y, expected("sigmoid", second.x, 2), rtol=RTOL, atol=ATOL)


def test_overlays_are_drawn_faintly_with_their_own_values(at):
    overlays = at.multiselect(key="explorer.overlays")
    assert t("act.elu.title") not in overlays.options  # the current activation is not offered
    overlays.set_value(["relu", "tanh"])
    run(at)
    traces = chart_traces(at)
    main = trace_named(traces, F)
    for name in ("relu", "tanh"):
        trace = trace_named(traces, t(f"act.{name}.title"))
        assert trace.spec["opacity"] < main.spec.get("opacity", 1.0)
        np.testing.assert_array_equal(trace.x, main.x)
        np.testing.assert_allclose(trace.y, expected(name, trace.x), rtol=RTOL, atol=ATOL)
    assert_curves_match(at, "elu")


def test_probe_reads_out_f_and_derivatives(at):
    select(at, "sigmoid")
    at.number_input(key="explorer.probe_x").set_value(0.0)
    run(at)
    readouts = probe_readouts(at)
    assert readouts["x"] == 0.0
    assert readouts["f"] == pytest.approx(0.5)
    assert readouts["df"] == pytest.approx(0.25)
    assert readouts["d2f"] == pytest.approx(0.0, abs=1e-7)
    probe = trace_named(chart_traces(at), t("chart.probe"))
    np.testing.assert_allclose(probe.x, [0.0, 0.0])
    np.testing.assert_allclose(probe.y, [0.5, 0.25], rtol=1e-6)


def test_probe_follows_parameters_and_position(at):
    set_param(at, "elu", "alpha", 2.0)
    at.number_input(key="explorer.probe_x").set_value(-1.5)
    run(at)
    readouts = probe_readouts(at)
    assert readouts["x"] == -1.5
    for key, order in (("f", 0), ("df", 1), ("d2f", 2)):
        assert readouts[key] == pytest.approx(float(expected("elu", [-1.5], order, alpha=2.0)[0]),
                                              rel=1e-5), key


@pytest.mark.parametrize("name", NAMES)
def test_extreme_probes_stay_finite(at, name):
    select(at, name)
    for x0 in (-1e4, 1e4):
        at.number_input(key="explorer.probe_x").set_value(x0)
        run(at)
        readouts = probe_readouts(at)
        assert all(math.isfinite(v) for v in readouts.values()), (x0, readouts)
        assert readouts["x"] == x0
        for key, order in (("f", 0), ("df", 1)):
            assert readouts[key] == pytest.approx(float(expected(name, [x0], order)[0]),
                                                  rel=1e-5, abs=1e-6), (x0, key)
        probe = trace_named(chart_traces(at), t("chart.probe"))
        assert np.isfinite(probe.y).all() and (probe.x == x0).all()


def test_formula_shows_the_current_parameter_value(at):
    # alpha = 1: the factor is left out, thin space and all
    assert formula_rows(at) == [r"f(x) = \begin{cases} x & x > 0 \\ (e^{x} - 1) & x \le 0 \end{cases}",
                                r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x} & x \le 0 \end{cases}"]
    set_param(at, "elu", "alpha", 0.5)
    f_latex, df_latex = formula_rows(at)
    assert r"0.5\,(e^{x} - 1)" in f_latex and r"0.5\,e^{x}" in df_latex
    assert r"\alpha" not in f_latex + df_latex
    set_param(at, "elu", "alpha", 1.0)  # and back
    assert formula_rows(at) == expected_formulas(actlib.get("elu"), {"alpha": 1.0})
    assert r"1\," not in "".join(formula_rows(at))


def test_formula_keeps_a_one_that_is_not_a_factor(at):
    # CELU at alpha = 1: the factor goes, the divisor x/1 stays
    select(at, "celu")
    assert formula_rows(at) == [
        r"f(x) = \begin{cases} x & x > 0 \\ (e^{x/1} - 1) & x \le 0 \end{cases}",
        r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/1} & x \le 0 \end{cases}"]
    set_param(at, "celu", "alpha", 2.0)
    assert formula_rows(at)[0] == r"f(x) = \begin{cases} x & x > 0 \\ 2\,(e^{x/2} - 1) & x \le 0 \end{cases}"


def test_formula_puts_negative_values_in_parentheses(at):
    select(at, "maxout")
    set_param(at, "maxout", "w2", -1.5)
    f_latex, df_latex = formula_rows(at)
    assert f_latex == r"f(x) = \max(x + 0,\; (-1.5)\,x + 0)"  # w1 = 1: no "1\,x"
    assert df_latex == (r"f'(x) = \begin{cases} 1 & x + 0 > (-1.5)\,x + 0 \\ (-1.5) & \text{otherwise}"
                        r" \end{cases}")


# --- properties ------------------------------------------------------------------------------

NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


@pytest.mark.parametrize(("name", "shown"), [("relu", "[0, ∞)"), ("sigmoid", "(0, 1)"),
                                            ("tanh", "(-1, 1)"), ("identity", "(-∞, ∞)")])
def test_properties_show_the_output_range(at, name, shown):
    select(at, name)
    assert markdown_table_rows(at)[t("prop.range")].replace("−", "-") == shown


def test_properties_follow_the_parameters(at):
    # ELU at alpha = 2: the lower bound -alpha is not attained; f′(0) = alpha (the kink
    # takes the x <= 0 branch), and the table follows the slider
    set_param(at, "elu", "alpha", 2.0)
    rows = markdown_table_rows(at)
    assert rows[t("prop.range")].replace("−", "-") == "(-2, ∞)"
    assert rows[t("prop.slope_at_zero")] == "2"


def test_properties_show_silus_minimum(at):
    select(at, "silu")
    rows = markdown_table_rows(at)
    shown = rows[t("prop.minimum")]
    value, where = (float(n.replace("−", "-")) for n in NUMBER.findall(shown))
    # independently: minimise the closed form x * sigmoid(x)
    best = optimize.minimize_scalar(lambda x: float(expected("silu", [x])[0]),
                                    bounds=(-3, 0), method="bounded", options={"xatol": 1e-9})
    assert value == pytest.approx(best.fun, abs=1e-4) and value == pytest.approx(-0.2785, abs=1e-4)
    assert where == pytest.approx(best.x, abs=1e-3)


# --- page switches ---------------------------------------------------------------------------

def test_explorer_controls_survive_a_visit_to_the_flow_page(at):
    select(at, "selu")
    set_param(at, "selu", "alpha", 0.5)
    at.slider(key="explorer.x_range").set_value((-2.0, 3.0))
    at.number_input(key="explorer.probe_x").set_value(1.5)
    run(at)
    at.switch_page("pages/gradient_flow.py")
    run(at)
    at.switch_page("pages/activations.py")
    run(at)
    assert at.selectbox(key="explorer.activation").value == "selu"
    assert live_slider(at, key="param.selu.alpha").value == 0.5
    assert at.slider(key="explorer.x_range").value == (-2.0, 3.0)
    assert at.number_input(key="explorer.probe_x").value == 1.5


# --- shaded regions --------------------------------------------------------------------------

def test_relu_shades_the_dead_half(at):
    select(at, "relu")
    traces = chart_traces(at)
    assert not has_trace(traces, SATURATING)
    dead = trace_named(traces, DEAD)
    assert dead.spec["fill"] == "toself"
    [(lo, hi)] = shaded_intervals(dead)
    step = 10.0 / (GRID_POINTS - 1)
    assert lo == -5.0 and 0.0 <= hi <= step  # all of x < 0, and relu'(0) = 0
    y_range = chart_spec(at)["layout"]["yaxis"]["range"]
    assert np.nanmin(dead.y) == pytest.approx(y_range[0]) and np.nanmax(dead.y) == pytest.approx(y_range[1])


def test_sigmoid_shades_both_saturated_tails(at):
    select(at, "sigmoid")
    at.slider(key="explorer.x_range").set_value((-10.0, 10.0))
    run(at)
    traces = chart_traces(at)
    assert not has_trace(traces, DEAD)
    # sigma' = s(1 - s) = threshold  <=>  s = (1 - sqrt(1 - 4 threshold)) / 2
    s = (1 - math.sqrt(1 - 4 * SMALL_SLOPE)) / 2
    edge = math.log((1 - s) / s)
    step = 20.0 / (GRID_POINTS - 1)
    (lo1, hi1), (lo2, hi2) = shaded_intervals(trace_named(traces, SATURATING))
    assert lo1 == -10.0 and hi2 == 10.0
    assert hi1 == pytest.approx(-edge, abs=step) and lo2 == pytest.approx(edge, abs=step)


def test_identity_shades_nothing(at):
    select(at, "identity")
    traces = chart_traces(at)
    assert not has_trace(traces, DEAD) and not has_trace(traces, SATURATING)


# (activation, x range) where the true f′ is nonzero and representable in float32
# at every grid point: none of them may be shaded "dead: f′ = 0".
NEVER_DEAD = [("sigmoid", (-20.0, 20.0)), ("tanh", (-20.0, 20.0)), ("elu", (-20.0, 20.0)),
              ("gelu_tanh", (-5.0, 5.0))]


@pytest.mark.parametrize(("name", "x_range"), NEVER_DEAD, ids=[n for n, _ in NEVER_DEAD])
def test_no_dead_shading_where_the_true_derivative_is_nonzero(at, name, x_range):
    select(at, name)
    at.slider(key="explorer.x_range").set_value(x_range)
    run(at)
    f_prime = trace_named(chart_traces(at), DF)
    true_slope = expected(name, f_prime.x, 1, independent=True)
    assert np.all(np.abs(true_slope) > np.finfo(np.float32).tiny)  # the premise
    assert not has_trace(chart_traces(at), DEAD)


# --- language --------------------------------------------------------------------------------

def test_japanese_switches_the_page_and_keeps_the_state(at):
    select(at, "sigmoid")
    at.slider(key="explorer.x_range").set_value((-2.0, 3.0))
    at.toggle(key="explorer.show_second").set_value(True)
    at.selectbox(key="lang").set_value("ja")
    run(at)
    assert [e.value for e in at.title] == [t("explorer.title", "ja")]
    assert at.selectbox(key="lang").label == t("app.language", "ja")
    assert at.selectbox(key="explorer.activation").label == t("explorer.activation", "ja")
    assert at.slider(key="explorer.x_range").label == t("explorer.x_range", "ja")
    assert at.toggle(key="explorer.show_second").label == t("explorer.show_second", "ja")
    readouts = probe_readouts(at, "ja")  # the Japanese probe line, with the same numbers
    assert readouts["x"] == 0.0 and readouts["f"] == pytest.approx(0.5) and readouts["df"] == pytest.approx(0.25)
    element = formula_element(at)
    assert element.startswith(f"**{t('explorer.formulas', 'ja')}**")
    [table] = markdown_tables(at)
    assert table[0] == [t("prop.name", "ja"), t("prop.value", "ja")]
    assert [row[0] for row in table[1:]] == [t(key, "ja") for key in PROPERTY_KEYS]
    # the language changes the words, not the state
    assert at.selectbox(key="explorer.activation").value == "sigmoid"
    assert at.slider(key="explorer.x_range").value == (-2.0, 3.0)
    assert at.toggle(key="explorer.show_second").value is True
    spec = chart_spec(at)
    assert spec["layout"]["title"]["text"] == t("act.sigmoid.title", "ja")
    names = [tr["name"] for tr in spec["data"]]
    assert t("chart.d2f", "ja") in names and t("chart.probe", "ja") in names


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_catalogue_key_leaks_as_raw_text(at, lang):
    at.selectbox(key="lang").set_value(lang)
    at.toggle(key="explorer.show_second").set_value(True)
    run(at)
    for name in NAMES:
        select(at, name)
        assert leaked_keys(visible_texts(at), CATALOGUE) == [], name


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_guides_under_the_card_and_the_overlay_placeholder(at, lang):
    at.selectbox(key="lang").set_value(lang)
    run(at)
    labels = [e.label for e in at.expander]
    assert t("guide.output.title", lang) in labels and t("guide.myths.title", lang) in labels
    shown = "\n".join(e.value for e in at.markdown)
    for topic in ("output", "myths"):
        assert all(line in shown for line in t(f"guide.{topic}.body", lang).split("\n"))
    assert at.multiselect(key="explorer.overlays").placeholder == t("explorer.overlay_placeholder", lang)

"""The "Your own…" entry on both pages, through AppTest, and its links.

Expected values are independent of the formula path: numpy closed forms, or the
registry's own entry (a formula equal to tanh must measure what "tanh" measures).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actlib
from actlib import flow, urlstate
from actlib.custom_examples import CUSTOM_EXAMPLES, DEFAULT_FORMULA
from actlib.text import t
from apptest_helpers import (APP, TIMEOUT, assert_no_exception, chart_traces, formula_rows, live_slider,
                             keep_running_app_py, run, trace_named)
from test_flow_page import assert_backward_chart, page_config

MISH = "x * tanh(softplus(x))"


def _mish(x):
    x = np.asarray(x, np.float64)
    return x * np.tanh(np.logaddexp(x, 0.0))


def open_page(monkeypatch, page: str = "explorer", query: dict | None = None):
    """A fresh session: app.py once, then the page with the link ``query``."""
    from streamlit.testing.v1 import AppTest

    keep_running_app_py(monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page == "flow":
        at.switch_page("pages/gradient_flow.py")
    return run(at)


def choose_custom(at, prefix: str = "explorer"):
    at.selectbox(key=f"{prefix}.activation").set_value(urlstate.CUSTOM)
    return run(at)


def type_formula(at, text: str, prefix: str = "explorer"):
    at.text_input(key=f"{prefix}.formula").set_value(text)
    return run(at)


def drawn_f(at) -> tuple[np.ndarray, np.ndarray]:
    trace = trace_named(chart_traces(at), t("chart.f"))
    return trace.x, trace.y


# --- explorer ----------------------------------------------------------------------------------

def test_your_own_entry_is_last_and_opens_the_default_formula(monkeypatch):
    at = open_page(monkeypatch)
    picker = at.selectbox(key="explorer.activation")
    assert picker.options[-1] == t("custom.entry")
    at = choose_custom(at)
    assert at.text_input(key="explorer.formula").value == DEFAULT_FORMULA == MISH
    x, y = drawn_f(at)
    np.testing.assert_allclose(y, _mish(x), rtol=1e-5, atol=1e-6)
    assert t("formula.autodiff") in [c.value for c in at.caption]


def test_typed_formula_is_drawn_with_its_parameter_and_in_the_link(monkeypatch):
    at = type_formula(choose_custom(open_page(monkeypatch)), "where(x>0, x, alpha*expm1(x))")
    name = "custom:where(x > 0, x, alpha * expm1(x))"
    slider = live_slider(at, f"param.{name}.alpha")
    slider.set_value(0.25)
    at = run(at)
    x, y = drawn_f(at)
    np.testing.assert_allclose(y, np.where(x > 0, x, 0.25 * np.expm1(x)), rtol=1e-5, atol=1e-6)
    first = trace_named(chart_traces(at), t("chart.df"))
    np.testing.assert_allclose(first.y, np.where(x > 0, 1.0, 0.25 * np.exp(x)), rtol=1e-5, atol=1e-6)
    assert formula_rows(at)[0] == (r"f(x) = \begin{cases} x & x > 0 \\ 0.25\,\left(e^{x} - 1\right)"
                                   r" & \text{otherwise} \end{cases}")
    query = dict(at.query_params)
    assert (query["act"], query["f"], query["alpha"]) == ("custom", "where(x>0, x, alpha*expm1(x))", "0.25")


def test_error_shows_message_and_caret_and_keeps_the_last_good_formula(monkeypatch):
    at = type_formula(choose_custom(open_page(monkeypatch)), "x +* 2")
    assert any(t("formula.error", message="") in e.value for e in at.error)
    assert "x +* 2\n   ^" in [c.value for c in at.code]
    x, y = drawn_f(at)
    np.testing.assert_allclose(y, _mish(x), rtol=1e-5, atol=1e-6)     # still the last good one
    assert at.text_input(key="explorer.formula").value == "x +* 2"    # the text stays to be fixed
    assert dict(at.query_params)["f"] == MISH


def test_example_fills_the_box(monkeypatch):
    at = choose_custom(open_page(monkeypatch))
    at.selectbox(key="explorer.formula_example").set_value("softsign")
    at = run(at)
    assert at.text_input(key="explorer.formula").value == CUSTOM_EXAMPLES["softsign"]
    x, y = drawn_f(at)
    np.testing.assert_allclose(y, x / (1 + np.abs(x)), rtol=1e-5, atol=1e-6)


def test_nan_interval_is_named_and_left_as_a_gap(monkeypatch):
    at = type_formula(choose_custom(open_page(monkeypatch)), "sqrt(x)")
    x, y = drawn_f(at)
    assert np.isnan(y[x < 0]).all() and np.isfinite(y[x > 0]).all()
    [notice] = [i.value for i in at.info if "NaN" in i.value]
    assert "[-5, 0]" in notice                                       # f' is inf at 0 itself


def test_link_round_trip_restores_formula_and_parameter(monkeypatch):
    query = {"act": "custom", "f": "beta * sigmoid(x)", "beta": "2.5", "xmin": "-3", "xmax": "3"}
    at = open_page(monkeypatch, query=query)
    assert at.text_input(key="explorer.formula").value == "beta * sigmoid(x)"
    assert live_slider(at, "param.custom:beta * sigmoid(x).beta").value == 2.5
    x, y = drawn_f(at)
    np.testing.assert_allclose(y, 2.5 / (1 + np.exp(-x)), rtol=1e-5)
    assert not at.warning
    back = dict(at.query_params)
    assert {k: back[k] for k in query} == query


def test_bad_formula_in_a_link_falls_back_politely(monkeypatch):
    at = open_page(monkeypatch, query={"act": "custom", "f": "__import__('os')"})
    [notice] = [w.value for w in at.warning]
    assert t("url.reason.bad_formula") in notice and DEFAULT_FORMULA in notice
    x, y = drawn_f(at)
    np.testing.assert_allclose(y, _mish(x), rtol=1e-5, atol=1e-6)


def test_moving_a_formula_parameter_compiles_nothing(monkeypatch, count_compiles):
    at = type_formula(choose_custom(open_page(monkeypatch)), "gamma * x + softplus(x - gamma)")
    key = "param.custom:gamma * x + softplus(x - gamma).gamma"
    with count_compiles() as moving:
        for value in (-2.0, 0.5, 3.0):
            live_slider(at, key).set_value(value)
            at = run(at)
    assert moving.count == 0


# --- gradient flow ------------------------------------------------------------------------------

def test_flow_page_measures_a_formula_as_the_registry_entry(monkeypatch):
    at = open_page(monkeypatch, "flow", {"act": "custom", "f": "tanh(x)", "depth": "30"})
    assert at.selectbox(key="flow.activation").value == urlstate.CUSTOM
    cfg = page_config_custom(at)
    assert cfg.activation == "custom:tanh(x)"
    result = assert_backward_chart(at, cfg)
    reference = flow.gradient_flow(flow.StackConfig(**{**cfg.__dict__, "activation": "tanh"}))
    np.testing.assert_allclose(result.log10_grad, reference.log10_grad, rtol=1e-5)
    assert dict(at.query_params)["f"] == "tanh(x)"


def page_config_custom(at) -> flow.StackConfig:
    """test_flow_page's page_config, with the formula's activation name for the picker's "custom"."""
    return page_config(_Picker(at, actlib.custom(at.text_input(key="flow.formula").value).name))


class _Picker:
    """``at`` with ``selectbox(key="flow.activation").value`` reading ``name``."""

    def __init__(self, at, name: str):
        self._at, self._name = at, name

    def selectbox(self, key: str):
        if key == "flow.activation":
            return type("Value", (), {"value": self._name})()
        return self._at.selectbox(key=key)

    def __getattr__(self, attr):
        return getattr(self._at, attr)


def test_flow_formula_error_keeps_the_last_good_and_says_so(monkeypatch):
    at = open_page(monkeypatch, "flow", {"act": "custom", "f": "relu(x)", "depth": "20"})
    at = type_formula(at, "relu(x", "flow")
    assert "relu(x\n    ^" in [c.value for c in at.code]
    assert dict(at.query_params)["f"] == "relu(x)"


# --- hostile and random text through the pages ----------------------------------------------------

HOSTILE = ["__import__('os').system('touch pwned')", "x.__class__", "().__class__.__bases__",
           "open('/etc/passwd')", "(lambda: 1)()", "[x for x in ()]", "9**9**9**9",
           "exp(exp(exp(exp(x))))", "(" * 1000 + "x" + ")" * 1000, "x" * 10_000]


@pytest.mark.parametrize("prefix", ["explorer", "flow"])
def test_hostile_list_through_the_page_then_another_session_still_answers(monkeypatch, tmp_path, prefix):
    monkeypatch.chdir(tmp_path)
    at = open_page(monkeypatch, "flow" if prefix == "flow" else "explorer")
    at = choose_custom(at, prefix)
    for text in HOSTILE:
        at = type_formula(at, text, prefix)
    assert list(tmp_path.iterdir()) == []
    other = open_page(monkeypatch)                      # a second student, meanwhile
    x, y = drawn_f(other)
    np.testing.assert_allclose(y, np.where(x > 0, x, np.expm1(x)), rtol=1e-5, atol=1e-6)  # elu


@settings(max_examples=12, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(text=st.one_of(st.text(max_size=60),
                      st.lists(st.sampled_from(["x", "alpha", "(", ")", "+", "*", "**", "-", "2",
                                                "where(", "x > 0", ",", "exp(", "log(", "'", "."]),
                               max_size=14).map("".join)))
def test_random_text_on_both_pages_shows_no_exception(monkeypatch_session, text):
    for prefix, at in monkeypatch_session.items():
        at.text_input(key=f"{prefix}.formula").set_value(text)
        at.run()
        assert_no_exception(at)


@pytest.fixture(scope="module")
def monkeypatch_session():
    """One explorer and one flow session on "Your own…", reused by the random examples."""
    mp = pytest.MonkeyPatch()
    sessions = {"explorer": choose_custom(open_page(mp)),
                "flow": choose_custom(open_page(mp, "flow"), "flow")}
    yield sessions
    mp.undo()

"""The lesson bar through the real pages (AppTest): every step opens from a lesson link
and from Next, with its chart, its text and its view in the URL; one step per lesson
shows on the page the numbers its claim is about; Back, Next and Leave; /lessons."""

from __future__ import annotations

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from actlib import lessons
from actlib import lesson_claims as c
from actlib.text import t
from apptest_helpers import (APP, TIMEOUT, assert_no_exception, chart_count, chart_specs, chart_traces, keep_running_app_py,
                             live_slider, probe_readouts, trace_named)

PAGE_FILES = {"explorer": "pages/activations.py", "flow": "pages/gradient_flow.py"}


def open_link(monkeypatch, page: str, query: dict[str, str]) -> AppTest:
    keep_running_app_py(monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert_no_exception(at)
    return at


def param(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def assert_on_step(at: AppTest, lesson: lessons.Lesson, number: int, lang: str = "en") -> None:
    """The page shows the step: its title, 'step k of n', a chart, and the step's view in the URL."""
    step = lesson.steps[number - 1]
    texts = [m.value for m in at.markdown]
    assert f"### {t(step.title_key, lang)}" in texts
    assert any(t("bar.step_of", lang, number=number, count=len(lesson.steps)) in cap.value
               for cap in at.caption)
    assert chart_count(at) >= 1
    assert (param(at, "lesson"), param(at, "step")) == (lesson.key, str(number))
    for key, value in step.fields().items():
        assert param(at, key) == value, (lesson.key, number, key)
    flow_page = at.title[0].value == t("flow.title", lang)
    assert flow_page == (step.page == "flow")


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=lambda lesson: lesson.key)
def test_every_step_opens_from_the_link_and_from_next(monkeypatch, lesson):
    """Step 1 from a bare lesson link (opened on the other page where it can be: the bar
    switches), then Next through every step; then the last step from its own link."""
    first = lesson.steps[0].page
    other = PAGE_FILES["flow" if first == "explorer" else "explorer"]
    at = open_link(monkeypatch, other, {"lesson": lesson.key, "step": "1"})
    assert_on_step(at, lesson, 1)
    for number in range(2, len(lesson.steps) + 1):
        at.button(key="lesson_next").click()
        run(at)
        assert_on_step(at, lesson, number)
    assert at.button(key="lesson_next").disabled
    last = len(lesson.steps)
    at = open_link(monkeypatch, PAGE_FILES[lesson.steps[-1].page], lessons.link_query(lesson, last))
    assert_on_step(at, lesson, last)


def _step_page(monkeypatch, key: str, number: int) -> tuple[AppTest, dict]:
    lesson = lessons.get(key)
    step = lesson.steps[number - 1]
    at = open_link(monkeypatch, PAGE_FILES[step.page], {"lesson": key, "step": str(number)})
    assert_on_step(at, lesson, number)
    return at, step.state()


# --- one step per lesson: the page shows what the claim measures --------------------------------

def test_activation_relu_step_page_reads_the_claimed_slopes(monkeypatch):
    at, state = _step_page(monkeypatch, "activation", 4)
    readout = probe_readouts(at)
    assert readout["x"] == -1.0 and readout["df"] == 0.0 == c.slope_at(-1.0)(state)
    assert lessons.get("activation").steps[3].check().holds


def test_sigmoid_step_page_reads_a_quarter_at_zero(monkeypatch):
    at, state = _step_page(monkeypatch, "sigmoid_tanh", 1)
    readout = probe_readouts(at)
    assert readout["x"] == 0.0 and readout["df"] == pytest.approx(0.25, abs=1e-4)
    assert readout["df"] == pytest.approx(c.probe_slope(state), abs=1e-4)


def test_vanishing_step_page_verdict_is_the_claimed_exponent(monkeypatch):
    at, state = _step_page(monkeypatch, "vanishing", 3)
    pattern = re.escape(t("verdict.vanishing")).replace(r"\{exponent\}", r"(?P<e>-?\d+\.\d)") \
        .replace(r"\{depth\}", "50")
    found = [m for e in at.error if (m := re.fullmatch(pattern, e.value))]
    assert len(found) == 1
    shown = float(found[0]["e"])
    assert shown < -20 and shown == pytest.approx(c.exponent(state), abs=0.05)
    # the reveal shows the claim's own numbers, computed for this step's state
    check = lessons.get("vanishing").steps[2].check()
    assert t("bar.measured", detail="✓ " + check.detail) in [cap.value for cap in at.caption]


def test_dying_relu_step_page_verdict_is_the_claimed_share(monkeypatch):
    at, state = _step_page(monkeypatch, "relu_family", 2)
    verdict = c.trace(state).dead_verdict()
    expected = t("dead.verdict", step=verdict.step, layer=verdict.layer,
                 percent=f"{100 * verdict.fraction:.0f}", initial=f"{100 * verdict.initial:.0f}")
    assert [w.value for w in at.warning] == [expected]
    assert 100 * verdict.fraction > 40 and 100 * verdict.initial < 5
    dead_chart = [ch for ch in chart_specs(at) if ch["layout"].get("yaxis", {}).get("tickformat") == ".0%"]
    assert len(dead_chart) == 1


def test_softmax_step_page_draws_the_sigmoid(monkeypatch):
    at, state = _step_page(monkeypatch, "smooth", 5)
    traces = chart_traces(at)
    softmax = trace_named(traces, t("chart.f"))
    sigmoid = trace_named(traces, t("act.sigmoid.title"))
    np.testing.assert_allclose(softmax.x, sigmoid.x)
    assert np.max(np.abs(softmax.y - sigmoid.y)) < 1e-4  # the chart's rounding
    reference = 1.0 / (1.0 + np.exp(-softmax.x))  # and the closed form
    assert np.max(np.abs(softmax.y - reference)) < 1e-4


# --- navigation --------------------------------------------------------------------------------

def test_back_next_cross_pages_and_leave_keeps_the_view(monkeypatch):
    lesson = lessons.get("relu_family")
    at = open_link(monkeypatch, PAGE_FILES["explorer"], {"lesson": "relu_family", "step": "1"})
    assert at.button(key="lesson_back").disabled
    at.button(key="lesson_next").click()
    run(at)
    assert_on_step(at, lesson, 2)  # now on the gradient-flow page, training view
    at.button(key="lesson_back").click()
    run(at)
    assert_on_step(at, lesson, 1)
    at.slider(key="explorer.x_range").set_value((-6.0, 3.0))  # the teacher moves a control
    run(at)
    at.button(key="lesson_leave").click()
    run(at)
    assert "lesson" not in at.query_params and "step" not in at.query_params
    assert not [m for m in at.markdown if m.value == f"### {t(lesson.steps[0].title_key)}"]
    assert (param(at, "act"), param(at, "xmin"), param(at, "xmax"), param(at, "probe")) == \
        ("relu", "-6", "3", "-1")


def test_a_full_view_link_inside_a_lesson_keeps_its_view(monkeypatch):
    """A reloaded URL after a slider move carries the view too: it is kept, not reset."""
    query = lessons.link_query(lessons.get("vanishing"), 3) | {"depth": "30"}
    at = open_link(monkeypatch, PAGE_FILES["flow"], query)
    assert param(at, "depth") == "30" and param(at, "step") == "3"
    assert live_slider(at, "flow.depth").value == 30


def test_japanese_bar(monkeypatch):
    lesson = lessons.get("vanishing")
    at = open_link(monkeypatch, PAGE_FILES["flow"], {"lesson": "vanishing", "step": "2", "lang": "ja"})
    assert_on_step(at, lesson, 2, lang="ja")
    assert at.button(key="lesson_next").label == t("bar.next", "ja")


def test_lessons_page_lists_every_lesson_and_starts_one(monkeypatch):
    at = open_link(monkeypatch, "pages/lessons.py", {})
    texts = "\n".join(m.value for m in at.markdown)
    for lesson in lessons.LESSONS:
        assert t(lesson.title_key) in texts
    at.button(key="lesson_start_vanishing").click()
    run(at)
    assert_on_step(at, lessons.get("vanishing"), 1)


def test_a_bad_lesson_link_opens_no_lesson_and_says_so(monkeypatch):
    at = open_link(monkeypatch, PAGE_FILES["explorer"], {"lesson": "nope", "step": "99", "act": "tanh"})
    notices = [w.value for w in at.warning if w.icon == "🔗"]
    assert len(notices) == 2 and all("lesson" in n or "step" in n for n in notices)
    assert not at.get("button") or not [b for b in at.button if b.key == "lesson_next"]
    assert "lesson" not in at.query_params and "step" not in at.query_params
    assert param(at, "act") == "tanh" and chart_count(at) == 1

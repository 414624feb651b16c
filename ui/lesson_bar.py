"""The lesson bar: one step of a lesson above the page it runs on.

A page makes one call near its top, before any of its own widgets:
``lesson_bar.show(page="explorer", lang=lang)``. While no lesson is open it
draws nothing. The lesson and step live in session state (``lesson.key``,
``lesson.step``: URL fields of :mod:`actlib.urlstate`, so every link keeps them).
Back and Next put the page in that step's state (:meth:`actlib.lessons.Step.state`)
and switch page when the step runs on the other one; leaving the lesson keeps the
view as it is. The ← and → keys press Back and Next while no input has the focus.
"""

from __future__ import annotations

import streamlit as st

from actlib import lessons, urlstate
from actlib.text import t

KEY, STEP = (f.state_key for f in urlstate.LESSON_FIELDS)
_APPLIED = "_lesson.applied"     # (key, step) whose state the page was last put in
_PENDING = "_lesson.pending"     # the page a button's step runs on, for the next run to switch to
PAGE_FILES = {"explorer": "pages/activations.py", "flow": "pages/gradient_flow.py"}
_SHARED_KEYS = {f.key for f in urlstate.SHARED_FIELDS}

# Presses Back/Next on ← / →, unless the focus is in something that uses those keys itself.
_ARROW_KEYS = """<script>
(() => {
  if (window.__lessonArrows) return;
  window.__lessonArrows = true;
  const BUSY = 'input, textarea, select, [contenteditable="true"], [role="slider"], [role="combobox"], '
             + '[role="spinbutton"], [role="listbox"], [role="option"], [role="tab"], [role="radio"]';
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const focused = document.activeElement;
    if (focused && focused.closest && focused.closest(BUSY)) return;
    const which = event.key === 'ArrowRight' ? 'lesson_next' : 'lesson_back';
    const button = document.querySelector(`.st-key-${which} button`);
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });
})();
</script>"""

_STYLE = """<style>
.st-key-lesson_bar h3 { margin-top: 0; padding-top: 0.2rem; }
</style>"""
_PRESENTER_STYLE = """<style>
.st-key-lesson_bar [data-testid="stMarkdownContainer"] p { font-size: 1.55rem !important; line-height: 1.45; }
.st-key-lesson_bar h3 { font-size: 2.4rem !important; }
.st-key-lesson_bar button p { font-size: 1.4rem !important; }
</style>"""


def step_values(step: lessons.Step) -> dict:
    """The session-state values that put the step's page in its state."""
    values = step.state()
    if "explorer.x_min" in values:  # two URL fields, one range slider
        lo, hi = sorted((values.pop("explorer.x_min"), values.pop("explorer.x_max")))
        values["explorer.x_range"] = (float(lo), float(hi))
    return values


def go(key: str, number: int) -> None:
    """Open step ``number`` (1-based) of lesson ``key``. Safe as a button callback."""
    lesson = lessons.get(key)
    number = min(max(1, int(number)), len(lesson.steps))
    step = lesson.steps[number - 1]
    st.session_state.update(step_values(step))
    st.session_state[KEY], st.session_state[STEP] = key, number
    st.session_state[_APPLIED] = (key, number)
    st.session_state[_PENDING] = step.page


def leave() -> None:
    """Close the lesson; the page keeps whatever it shows."""
    for key in (KEY, STEP, _APPLIED, _PENDING):
        st.session_state.pop(key, None)


def _open_link(page: str, key: str, number: int) -> None:
    """A link (or the URL after a reload) named a lesson step this session has not opened."""
    carries_view = any(k not in _SHARED_KEYS for k in st.query_params)
    if carries_view and lessons.get(key).steps[number - 1].page == page:
        st.session_state[_APPLIED] = (key, number)  # the link is an exact view: keep it
    else:
        go(key, number)


def show(page: str, lang: str) -> None:
    """The bar, for ``page`` ("explorer", "flow", or "lessons", which only follows links)."""
    key = st.session_state.get(KEY)
    if key is None:  # none open, or a link's lesson= was not one (its notice says so)
        for stray in (KEY, STEP):
            st.session_state.pop(stray, None)
        return
    lesson = lessons.get(key)
    number = min(max(1, int(st.session_state.get(STEP, 1))), len(lesson.steps))
    if st.session_state.get(_APPLIED) != (key, number):
        _open_link(page, key, number)
    st.session_state[STEP] = number
    target = st.session_state.pop(_PENDING, None)
    if target is not None and target != page:
        # the shared fields ride along in the query: app.py restores them before the sidebar's
        # widgets exist, so language and presenter mode survive the switch
        shared = urlstate.encode(st.session_state, urlstate.SHARED_FIELDS)
        st.switch_page(PAGE_FILES[target], query_params=shared)
    if page not in PAGE_FILES:
        return
    _draw(lesson, number, lang, presenter=bool(st.session_state.get("presenter")))


@st.cache_data(max_entries=64, show_spinner=False)
def measured(*, key: str, number: int) -> str:
    """The numbers behind a step's claim, on the step's own state (once per server)."""
    check = lessons.get(key).steps[number - 1].check()
    return ("✓ " if check.holds else "✗ ") + check.detail


def _draw(lesson: lessons.Lesson, number: int, lang: str, presenter: bool) -> None:
    step, count = lesson.steps[number - 1], len(lesson.steps)
    st.html(_STYLE + (_PRESENTER_STYLE if presenter else ""))
    with st.container(border=True, key="lesson_bar"):
        st.caption(f"🎓 {t('bar.lesson', lang, title=t(lesson.title_key, lang))} · "
                   f"{t('bar.step_of', lang, number=number, count=count)}")
        st.markdown(f"### {t(step.title_key, lang)}")
        st.markdown(t(step.narrative_key, lang))
        st.markdown(f"**{t('bar.question', lang)}:** {t(step.question_key, lang)}")
        with st.expander(t("bar.reveal", lang)):
            st.markdown(t(step.answer_key, lang))
            st.caption(t("bar.measured", lang, detail=measured(key=lesson.key, number=number)))
        back, ahead, _, out = st.columns([1, 1, 3, 1.4], vertical_alignment="center")
        back.button(t("bar.back", lang), key="lesson_back", icon="⬅️", disabled=number == 1,
                    on_click=go, args=(lesson.key, number - 1), width="stretch")
        ahead.button(t("bar.next", lang), key="lesson_next", icon="➡️", type="primary",
                     disabled=number == count, on_click=go, args=(lesson.key, number + 1), width="stretch")
        out.button(t("bar.leave", lang), key="lesson_leave", on_click=leave,
                   help=t("bar.leave_help", lang), width="stretch")
        if number == count:
            st.caption(t("bar.finished", lang))
    st.html(_ARROW_KEYS, unsafe_allow_javascript=True)

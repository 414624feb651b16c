"""The lessons: each one a story told in steps on the two pages; start one, or jump to a step."""

import streamlit as st

from actlib import lessons
from actlib.text import t
from ui import lesson_bar, routing

routing.require_app()

lang = st.session_state.get("lang", "en")
lesson_bar.show(page="lessons", lang=lang)  # a lesson link, or a Start pressed here, goes to its step's page

st.title(t("lessons.title", lang))
st.caption(t("lessons.intro", lang))
st.info(t("lessons.tip", lang), icon="💡")

for lesson in lessons.LESSONS:
    with st.container(border=True, key=f"lesson_card_{lesson.key}"):
        head, start = st.columns([5, 1], vertical_alignment="center")
        head.markdown(f"#### {t(lesson.title_key, lang)}\n\n{t(lesson.summary_key, lang)} "
                      f"*({t('lessons.steps', lang, count=len(lesson.steps))})*")
        start.button(t("lessons.start", lang), key=f"lesson_start_{lesson.key}", type="primary",
                     on_click=lesson_bar.go, args=(lesson.key, 1), width="stretch")
        with st.expander(t("lessons.steps", lang, count=len(lesson.steps))):
            for number, step in enumerate(lesson.steps, start=1):
                st.button(t("lessons.open_step", lang, number=number, title=t(step.title_key, lang)),
                          key=f"lesson_open_{lesson.key}_{number}", type="tertiary",
                          on_click=lesson_bar.go, args=(lesson.key, number))

"""Activation Lab: the entry file. Page setup, shared controls, routing."""

import streamlit as st

from ui import live_chart  # no JAX in it: the preloader below goes out before JAX has loaded

st.set_page_config(page_title="Activation Lab", page_icon="📈", layout="wide")
# plotly.js (3.5 MB) downloads and parses in the browser while this process imports JAX
# (~1.4 s on a fresh server, the warm-up thread's import): in parallel, not one after the other.
live_chart.preload()

from actlib import urlstate  # noqa: E402  (imports JAX)
from actlib.text import LANGUAGES, t  # noqa: E402
from ui import routing, style, url_sync  # noqa: E402

# Streamlit forgets a widget's value while its page is not shown; re-assigning
# the page controls here keeps them as the class left them across page switches.
PAGE_CONTROL_PREFIXES = ("explorer.", "param.", "flow.")
for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(PAGE_CONTROL_PREFIXES)]:
    st.session_state[key] = st.session_state[key]

linked_lang = st.query_params.get("lang")
lang = st.session_state.get("lang", linked_lang if linked_lang in LANGUAGES else LANGUAGES[0])
navigation = st.navigation([
    st.Page("pages/activations.py", title=t("nav.explorer", lang), icon="📈", default=True),
    st.Page("pages/gradient_flow.py", title=t("nav.gradient_flow", lang), icon="🌊",
            url_path="gradient_flow"),
    st.Page("pages/lessons.py", title=t("nav.lessons", lang), icon="🎓", url_path="lessons"),
])
page = "flow" if navigation.url_path == "gradient_flow" else "explorer"
# A shared link sets every control before any widget exists (widgets can't be set after).
url_sync.restore(lambda query: urlstate.page_fields(page, query.get("act"), query.get("f")))

with st.sidebar:
    st.selectbox(t("app.language", lang), LANGUAGES, key="lang",
                 format_func=lambda code: t(f"lang.{code}", code))
    lang = st.session_state["lang"]
    st.toggle(t("app.presenter", lang), key="presenter", help=t("app.presenter_help", lang))
style.apply(presenter=bool(st.session_state.get("presenter")))

routing.routed_by_app()
navigation.run()

"""Presenter mode's page styling: large type for a projected screen."""

import streamlit as st

_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stWidgetLabel"] p, [data-testid="stCaptionContainer"] { font-size: 1.2rem !important; }
h1 { font-size: 3rem !important; }
.katex { font-size: 1.45em !important; }
</style>
"""


def apply() -> None:
    st.html(_CSS)

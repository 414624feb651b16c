"""Page styling injected as CSS: a tighter top margin always, large type in presenter mode."""

import streamlit as st

_BASE = """
<style>
.block-container { padding-top: 2.2rem; }
</style>
"""

_PRESENTER = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stWidgetLabel"] p, [data-testid="stCaptionContainer"] { font-size: 1.2rem !important; }
h1 { font-size: 3rem !important; }
.katex { font-size: 1.45em !important; }
</style>
"""


def apply(presenter: bool) -> None:
    st.html(_BASE + (_PRESENTER if presenter else ""))

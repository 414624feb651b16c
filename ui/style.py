"""Page styling injected as CSS: a tighter top margin always, large type in presenter mode."""

import streamlit as st

_BASE = """
<style>
.block-container { padding-top: 2.2rem; }
.st-key-plotly_preload { display: none; }  /* fetches plotly.js, draws nothing (ui/live_chart.py) */
/* Long formulas and the properties table scroll inside their own box, never the page. */
.katex-display { overflow-x: auto; overflow-y: hidden; max-width: 100%; padding: 2px 0; }
[data-testid="stMarkdownContainer"] table { display: block; max-width: 100%; overflow-x: auto; }
[data-testid="stMarkdownContainer"] td, [data-testid="stMarkdownContainer"] th { overflow-wrap: anywhere; }
/* A phone (Streamlit stacks columns under 640 px): the chart and its sliders first, the
   side controls after them, so a student sees the curve while moving a slider. */
@media (max-width: 640px) {
  [data-testid="stColumn"]:has(.st-key-side_controls) { order: 2; }
  [data-testid="stHorizontalBlock"] { row-gap: 1rem; }  /* stacked columns: no wide gaps */
}
/* A finger needs 44 x 44 px: every control a student can touch is at least that. */
@media (pointer: coarse), (max-width: 640px) {
  [data-testid="stAppViewContainer"] button, [data-testid="stAppViewContainer"] summary,
  [data-baseweb="select"] > div, [data-testid="stNumberInputContainer"],
  [data-testid="stCheckbox"] label, [data-testid="stSlider"] [role="group"] {
    min-height: 44px; min-width: 44px;
  }
  [data-testid="stCheckbox"] label { align-items: center; }
  /* a slider's thumb: a transparent ring makes the 13 px dot a 44 px target */
  [data-testid="stSlider"] [role="group"] div:has(> div > input[type="range"]) {
    box-sizing: content-box; border: 16px solid transparent; background-clip: padding-box;
  }
  /* the small (?) beside a label: a wider hit area, drawn the same size */
  [data-testid="stTooltipHoverTarget"] { padding: 14px; margin: -14px; }
  /* a heading's link icon appears on hover, which a touch screen has not */
  [data-testid="stHeaderActionElements"] { display: none; }
}
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

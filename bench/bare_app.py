"""The floor for bench_slider_redraw.py: one slider and one two-trace Plotly chart,
nothing else. Same chart size as the explorer (wide layout, a [1, 2.6] column
split, height 480, 801 float32 points per trace), built the cheapest way Streamlit
allows: a plain dict (Streamlit validates it through go.Figure either way).

    streamlit run bench/bare_app.py   # from the repo root, so .streamlit/config.toml applies
"""

import numpy as np
import streamlit as st

GRID_POINTS = 801
x = np.linspace(-5.0, 5.0, GRID_POINTS).astype(np.float32)

st.set_page_config(page_title="bare slider + chart", layout="wide")
controls, view = st.columns([1, 2.6], gap="large")
with controls:
    alpha = st.slider("alpha", 0.0, 3.0, 1.0, 0.05, key="alpha")
neg = x <= 0
value = np.where(neg, alpha * np.expm1(np.minimum(x, 0)), x).astype(np.float32)
first = np.where(neg, alpha * np.exp(np.minimum(x, 0)), 1.0).astype(np.float32)
with view:
    st.plotly_chart({
        "data": [{"type": "scatter", "x": x, "y": value, "name": "f(x)", "mode": "lines"},
                 {"type": "scatter", "x": x, "y": first, "name": "f′(x)", "mode": "lines"}],
        "layout": {"height": 480, "margin": {"l": 50, "r": 20, "t": 50, "b": 40}},
    }, width="stretch", key="chart")

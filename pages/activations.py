"""The activation explorer: pick an activation, move its sliders, see f and f′."""

import numpy as np
import streamlit as st

import actlib
from actlib import figures, formulas, regions
from actlib.text import has, t

GRID_POINTS = 801  # fixed: every redraw reuses one compiled function per activation

lang = st.session_state.get("lang", "en")
presenter = st.session_state.get("presenter", False)
names = actlib.names()


def title_of(name: str) -> str:
    return t(f"act.{name}.title", lang)


def reset_params(act: actlib.Activation) -> None:
    for p in act.params:
        st.session_state[f"param.{act.name}.{p.name}"] = p.default


st.title(t("explorer.title", lang))
st.caption(t("explorer.intro", lang))

controls, view = st.columns([1, 2.6], gap="large")
with controls:
    name = st.selectbox(
        t("explorer.activation", lang), names, index=names.index("elu"), key="activation",
        format_func=lambda n: f"{t('group.' + actlib.get(n).group, lang)} · {title_of(n)}")
    act = actlib.get(name)
    st.subheader(t("explorer.parameters", lang))
    params = {p.name: st.slider(p.name, p.min, p.max, p.default, p.step,
                                key=f"param.{name}.{p.name}") for p in act.params}
    if act.params:
        st.button(t("explorer.reset", lang), on_click=reset_params, args=(act,))
    else:
        st.caption(t("explorer.no_parameters", lang))
    x_lo, x_hi = st.slider(t("explorer.x_range", lang), -20.0, 20.0, (-5.0, 5.0), 0.5, key="x_range")
    if x_hi - x_lo < 0.5:  # a zero-width range would draw nothing
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    show_second = st.toggle(t("explorer.show_second", lang), key="show_second")
    overlay_names = st.multiselect(t("explorer.overlay", lang), [n for n in names if n != name],
                                   key="overlays", format_func=title_of)
    probe_x = st.number_input(t("explorer.probe", lang), -1e4, 1e4, 0.0, 0.1, key="probe_x",
                              help=t("explorer.probe_help", lang))

# One compiled call per activation: the grid plus the probe point, shape fixed.
x = np.append(np.linspace(x_lo, x_hi, GRID_POINTS), probe_x).astype(np.float32)
value, first, second = (np.asarray(a) for a in actlib.curves(name, x, **params))
overlays = [(title_of(n), np.asarray(actlib.curves(n, x)[0])[:-1]) for n in overlay_names]
threshold = regions.SATURATION_THRESHOLD
labels = {key: t(f"chart.{key}", lang) for key in ("x", "f", "df", "d2f", "probe", "dead")}
labels["saturated"] = t("chart.saturated", lang, threshold=threshold)

with view:
    figure = figures.explorer_figure(
        x[:-1], value[:-1], first[:-1], second=second[:-1] if show_second else None,
        labels=labels, overlays=overlays,
        regions=regions.vanishing_regions(x[:-1], first[:-1], threshold),
        probe=(float(x[-1]), float(value[-1]), float(first[-1])), presenter=presenter,
        title=title_of(name))
    st.plotly_chart(figure, width="stretch", key="explorer_chart",
                    config={"toImageButtonOptions": {"filename": f"activation_{name}"}})

    formula_col, probe_col = st.columns([2, 1])
    with formula_col:
        st.markdown(f"**{t('explorer.formulas', lang)}**")
        st.latex(formulas.function_latex(act, params))
        st.latex(formulas.derivative_latex(act, params))
        if act.kink_note:
            st.caption(t("explorer.kink", lang, note=act.kink_note))
    with probe_col:
        st.metric(t("probe.f", lang), f"{value[-1]:.6g}")
        st.metric(t("probe.df", lang), f"{first[-1]:.6g}")
        st.metric(t("probe.d2f", lang), f"{second[-1]:.6g}")

    with st.container(border=True):
        st.markdown(f"#### {t('explorer.about', lang, title=title_of(name))}")
        for part in ("purpose", "pros", "cons"):
            key = f"act.{name}.{part}"
            if has(key):
                lines = t(key, lang).split("\n")
                body = lines[0] if part == "purpose" else "\n".join(f"- {line}" for line in lines)
                st.markdown(f"**{t('explorer.' + part, lang)}**\n\n{body}")
    if has(f"act.{name}.libraries"):
        st.info(f"**{t('explorer.libraries', lang)}**: {t(f'act.{name}.libraries', lang)}")

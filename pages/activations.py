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


@st.cache_data(max_entries=512, show_spinner=False)
def properties_of(name: str, params: tuple) -> actlib.Properties:
    return actlib.properties(name, **dict(params))


def interval(p: actlib.Properties) -> str:
    def bound(v: float) -> str:
        return "∞" if v == np.inf else "−∞" if v == -np.inf else f"{v:.4g}"
    return (("[" if p.lower_attained else "(") + bound(p.lower) + ", " + bound(p.upper)
            + ("]" if p.upper_attained else ")"))


def property_rows(p: actlib.Properties) -> list[tuple[str, str]]:
    yes_no = {True: t("prop.yes", lang), False: t("prop.no", lang)}
    where = lambda v: "—" if v is None else f"{v:.4g}"
    minimum = (t("prop.minimum_none", lang) if p.minimum is None else
               t("prop.minimum_value", lang, value=f"{p.minimum:.4g}", where=where(p.argmin)))
    return [
        (t("prop.range", lang), interval(p)),
        (t("prop.zero_centred", lang), yes_no[p.zero_centred]),
        (t("prop.monotonic", lang), yes_no[p.monotonic]),
        (t("prop.smooth", lang), yes_no[p.smooth]),
        (t("prop.max_slope", lang),
         t("prop.max_slope_value", lang, value=f"{p.max_slope:.4g}", where=where(p.max_slope_at))),
        (t("prop.slope_at_zero", lang), f"{p.slope_at_zero:.4g}"),
        (t("prop.minimum", lang), minimum),
    ]


def cell(text: str) -> str:
    return text.replace("|", "\\|")  # a bare | would end the markdown table cell


def reset_params(act: actlib.Activation) -> None:
    for p in act.params:
        st.session_state[f"param.{act.name}.{p.name}"] = p.default


st.title(t("explorer.title", lang))
st.caption(t("explorer.intro", lang))

controls, view = st.columns([1, 2.6], gap="large")
with controls:
    name = st.selectbox(
        t("explorer.activation", lang), names, index=names.index("elu"), key="explorer.activation",
        format_func=lambda n: f"{t('group.' + actlib.get(n).group, lang)} · {title_of(n)}")
    act = actlib.get(name)
    st.subheader(t("explorer.parameters", lang))
    params = {}
    for p in act.params:
        key = f"param.{name}.{p.name}"
        st.session_state.setdefault(key, p.default)  # set here, not as value=: reset writes it
        params[p.name] = st.slider(p.name, p.min, p.max, step=p.step, key=key)
    if act.params:
        st.button(t("explorer.reset", lang), on_click=reset_params, args=(act,))
    else:
        st.caption(t("explorer.no_parameters", lang))
    x_lo, x_hi = st.slider(t("explorer.x_range", lang), -20.0, 20.0, (-5.0, 5.0), 0.5, key="explorer.x_range")
    if x_hi - x_lo < 0.5:  # a zero-width range would draw nothing
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    show_second = st.toggle(t("explorer.show_second", lang), key="explorer.show_second")
    overlay_names = st.multiselect(t("explorer.overlay", lang), [n for n in names if n != name],
                                   key="explorer.overlays", format_func=title_of)
    probe_x = st.number_input(t("explorer.probe", lang), -1e4, 1e4, 0.0, 0.1, key="explorer.probe_x",
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
    st.plotly_chart(figures.PrebuiltFigure(figure), width="stretch", key="explorer_chart",
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

    facts_col, card_col = st.columns([1, 1.4])
    with facts_col:
        st.markdown(f"**{t('explorer.properties', lang)}**")
        rows = property_rows(properties_of(name, tuple(params.items())))
        st.markdown("\n".join([f"| {t('prop.name', lang)} | {t('prop.value', lang)} |", "|---|---|"]
                               + [f"| {cell(label)} | {cell(value)} |" for label, value in rows]))
    with card_col, st.container(border=True):
        st.markdown(f"#### {t('explorer.about', lang, title=title_of(name))}")
        for part in ("purpose", "pros", "cons"):
            key = f"act.{name}.{part}"
            if has(key):
                lines = t(key, lang).split("\n")
                body = lines[0] if part == "purpose" else "\n".join(f"- {line}" for line in lines)
                st.markdown(f"**{t('explorer.' + part, lang)}**\n\n{body}")
    if has(f"act.{name}.libraries"):
        st.info(f"**{t('explorer.libraries', lang)}**: {t(f'act.{name}.libraries', lang)}")

"""The activation explorer: pick an activation, move its sliders, see f and f′."""

import numpy as np
import streamlit as st

import actlib
from actlib import exports, figures, formulas, readouts, regions, urlstate
from actlib.text import has, t
from ui import lesson_bar, routing, url_sync

routing.require_app()

GRID_POINTS = 801  # fixed: every redraw reuses one compiled function per activation

lang = st.session_state.get("lang", "en")
presenter = st.session_state.get("presenter", False)
names = actlib.names()


def title_of(name: str) -> str:
    return t(f"act.{name}.title", lang)


@st.cache_data(max_entries=512, show_spinner=False)
def properties_of(name: str, params: tuple) -> actlib.Properties:
    return actlib.properties(name, **dict(params))


def reset_params(act: actlib.Activation) -> None:
    for p in act.params:
        st.session_state[f"param.{act.name}.{p.name}"] = p.default


# Defaults live in session state (never value=): app.py re-assigns these keys to keep
# them across page switches, and Streamlit warns when a widget gets both.
for key, default in {"explorer.activation": "elu", "explorer.x_range": (-5.0, 5.0),
                     "explorer.show_second": False, "explorer.overlays": [],
                     "explorer.probe_x": 0.0}.items():
    st.session_state.setdefault(key, default)
st.title(t("explorer.title", lang))
st.caption(t("explorer.intro", lang))
url_sync.show_notices(lang)
lesson_bar.show(page="explorer", lang=lang)
picker, _ = st.columns([1, 2.6], gap="large")
name = picker.selectbox(
    t("explorer.activation", lang), names, key="explorer.activation",
    format_func=lambda n: f"{t('group.' + actlib.get(n).group, lang)} · {title_of(n)}")
act = actlib.get(name)


@st.fragment
def explorer() -> None:
    """Everything a slider changes. A fragment: moving a slider reruns and redraws
    only this part, not the title, picker, sidebar and explanation card."""
    controls, view = st.columns([1, 2.6], gap="large")
    # presenter mode: the controls fold away, leaving the chart to the room
    with controls, (st.expander(t("explorer.controls", lang)) if presenter else st.container()):
        params = {}
        for p in act.params:
            key = f"param.{name}.{p.name}"
            st.session_state.setdefault(key, p.default)  # here, not value=: reset writes it
            params[p.name] = st.slider(p.name, p.min, p.max, step=p.step, key=key)
        if act.params:
            st.button(t("explorer.reset", lang), on_click=reset_params, args=(act,))
        else:
            st.caption(t("explorer.no_parameters", lang))
        x_lo, x_hi = st.slider(t("explorer.x_range", lang), -20.0, 20.0, step=0.5,
                               key="explorer.x_range")
        if x_hi - x_lo < 0.5:  # a zero-width range would draw nothing
            x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
        show_second = st.toggle(t("explorer.show_second", lang), key="explorer.show_second")
        overlay_names = st.multiselect(t("explorer.overlay", lang), [n for n in names if n != name],
                                       key="explorer.overlays", format_func=title_of)
        probe_x = st.number_input(t("explorer.probe", lang), -1e4, 1e4, step=0.1,
                                  key="explorer.probe_x", help=t("explorer.probe_help", lang))

    # One compiled call per activation: the grid plus the probe point, shape fixed.
    x = np.append(np.linspace(x_lo, x_hi, GRID_POINTS), probe_x).astype(np.float32)
    value, first, second = (np.asarray(a) for a in actlib.curves(name, x, **params))
    overlays = [(title_of(n), np.asarray(actlib.curves(n, x)[0])[:-1]) for n in overlay_names]
    threshold = regions.SATURATION_THRESHOLD
    labels = {key: t(f"chart.{key}", lang) for key in ("x", "y", "f", "df", "d2f", "probe", "dead")}
    labels["saturated"] = t("chart.saturated", lang, threshold=threshold)

    with view:
        figure = figures.explorer_figure(
            x[:-1], value[:-1], first[:-1], second=second[:-1] if show_second else None,
            labels=labels, overlays=overlays,
            regions=regions.vanishing_regions(x[:-1], first[:-1], threshold),
            probe=(float(x[-1]), float(value[-1]), float(first[-1])), presenter=presenter,
            title=title_of(name))
        slug = f"activation_{name}_" + "_".join(f"{k}{v:g}" for k, v in params.items())
        st.plotly_chart(figures.PrebuiltFigure(figure), width="stretch", key="explorer_chart",
                        theme=None,  # the figure carries its own style; the browser redraws faster
                        config={"toImageButtonOptions": {"filename": slug.rstrip("_")}})
        csv_col, share_col = st.columns([1, 1])
        csv_col.download_button(  # built only when clicked: no cost on a slider's redraw
            t("export.csv", lang), lambda: exports.explorer_csv(
                x[:-1], value[:-1], first[:-1], second[:-1] if show_second else None, overlays),
            file_name=slug.rstrip("_") + ".csv", mime="text/csv", on_click="ignore",
            help=t("export.help", lang), icon="⬇️", key="explorer_csv")
        formula_col, facts_col = st.columns([1.3, 1])
        # one element each: fewer elements make a faster redraw in the browser
        kink = f"\n\n{t('explorer.kink', lang, note=act.kink_note)}" if act.kink_note else ""
        formula_col.markdown(
            f"**{t('explorer.formulas', lang)}**\n\n"
            f"$$\n\\begin{{aligned}} {formulas.function_latex(act, params).replace(' = ', ' &= ', 1)}"
            f" \\\\[4pt] {formulas.derivative_latex(act, params).replace(' = ', ' &= ', 1)}"
            f" \\end{{aligned}}\n$${kink}\n\n"
            + readouts.probe_line(float(x[-1]), float(value[-1]), float(first[-1]),
                                  float(second[-1]), lang))
        facts_col.markdown(
            f"**{t('explorer.properties', lang)}**\n\n" + readouts.markdown_table(
                (t("prop.name", lang), t("prop.value", lang)),
                readouts.property_rows(properties_of(name, tuple(params.items())), lang)))
    url_sync.write(urlstate.page_fields("explorer", name))
    with share_col:  # inside the fragment and after write: the link follows every slider
        url_sync.share_link(lang)


explorer()

with st.container(border=True):
    st.markdown(f"#### {t('explorer.about', lang, title=title_of(name))}")
    card = st.columns(3)
    for column, part in zip(card, ("purpose", "pros", "cons")):
        key = f"act.{name}.{part}"
        if has(key):
            lines = t(key, lang).split("\n")
            body = lines[0] if part == "purpose" else "\n".join(f"- {line}" for line in lines)
            column.markdown(f"**{t('explorer.' + part, lang)}**\n\n{body}")
if has(f"act.{name}.libraries"):
    st.info(f"**{t('explorer.libraries', lang)}**: {t(f'act.{name}.libraries', lang)}")

"""The activation explorer: pick an activation, move its sliders, see f and f′."""

from contextlib import nullcontext

import streamlit as st

import actlib
from actlib import chart_layout, exports, formulas, readouts, urlstate
from actlib.text import has, t
from ui import explorer_view, formula_box, lesson_bar, live_chart, routing, url_sync

routing.require_app()

lang = st.session_state.get("lang", "en")
presenter = st.session_state.get("presenter", False)
names = actlib.names()


def title_of(name: str) -> str:
    return formula_box.title(name, lang)


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
    t("explorer.activation", lang), (*names, urlstate.CUSTOM), key="explorer.activation",
    format_func=lambda n: formula_box.picker_label(n, lang))
# "Your own…": the formula box, full width; from here on the formula is an activation name
act = formula_box.formula_box(lang, "explorer", side_by_side=True) if name == urlstate.CUSTOM else actlib.get(name)
name = act.name


@st.fragment
def explorer() -> None:
    """Everything a slider changes. A fragment: moving a slider reruns and redraws
    only this part, not the title, picker, sidebar and explanation card."""
    controls, view = st.columns([1, 2.6], gap="large")
    controls = controls.container(key="side_controls")  # on a phone: under the chart (ui/style.py)
    params = {}
    for p in act.params:  # session state holds each value; the live chart's sliders set it
        key = f"param.{name}.{p.name}"
        st.session_state.setdefault(key, p.default)
        params[p.name] = p.clamp(st.session_state[key])
    # presenter mode: the controls fold away, leaving the chart to the room (every element
    # and block is a message of its own on each rerun: none that draws nothing)
    with controls, (st.expander(t("explorer.controls", lang)) if presenter else nullcontext()):
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
                                       key="explorer.overlays", format_func=title_of,
                                       placeholder=t("explorer.overlay_placeholder", lang))
        probe_x = st.number_input(t("explorer.probe", lang), -1e4, 1e4, step=0.1,
                                  key="explorer.probe_x", help=t("explorer.probe_help", lang))

    view_data = explorer_view.explorer_view(
        name=name, params=tuple(params.items()), x_range=(x_lo, x_hi), probe_x=float(probe_x),
        show_second=bool(show_second), overlay_names=tuple(overlay_names), presenter=presenter, lang=lang)
    # the read-outs below come from the same grid as the chart (one compiled call)
    x, value, first, second = view_data.x, view_data.value, view_data.first, view_data.second
    if act.group == "custom":
        with view:
            formula_box.nonfinite_notice(lang, x[:-1], value[:-1], first[:-1], second[:-1])
        value, first, second = formula_box.gaps(value, first, second)
    overlays = view_data.overlays

    with view:
        slug = f"activation_{'custom' if act.group == 'custom' else name}_" + "_".join(f"{k}{v:g}" for k, v in params.items())
        live_chart.live_chart(
            "explorer_chart", view_data.figure,
            [live_chart.LiveSlider(f"param.{name}.{p}", p, readouts.param_label(name, p, lang), values,
                                   index, frames, texts=texts, help=readouts.param_help(name, p, lang))
             for p, values, index, frames, texts in view_data.sliders],
            text=view_data.probe_text, presenter=presenter,
            config=chart_layout.TOOLBAR | {"toImageButtonOptions": {"filename": slug.rstrip("_")}})
        # one row of two columns: the download above the formulas, the link above the facts
        formula_col, facts_col = st.columns([1.3, 1])
        share_col = facts_col.container()  # filled last (below), drawn first
        formula_col.download_button(  # built only when clicked: no cost on a slider's redraw
            t("export.csv", lang), lambda: exports.explorer_csv(
                x[:-1], value[:-1], first[:-1], second[:-1] if show_second else None, overlays),
            file_name=slug.rstrip("_") + ".csv", mime="text/csv", on_click="ignore",
            help=t("export.help", lang), icon="⬇️", key="explorer_csv")
        # one element each: fewer elements make a faster redraw in the browser
        kink = f"\n\n{readouts.kink_line(name, lang)}" if readouts.kink_line(name, lang) else ""
        formula_col.markdown(
            f"**{t('explorer.formulas', lang)}**\n\n"
            f"$$\n\\begin{{aligned}} {formulas.function_latex(act, params).replace(' = ', ' &= ', 1)}"
            f" \\\\[4pt] {formulas.derivative_latex(act, params).replace(' = ', ' &= ', 1)}"
            f" \\end{{aligned}}\n$${kink}\n\n"
            + readouts.probe_line(float(x[-1]), float(value[-1]), float(first[-1]),
                                  float(second[-1]), lang))
        facts = explorer_view.properties_of(name=name, params=tuple(params.items()))
        facts_col.markdown(
            f"**{t('explorer.properties', lang)}**\n\n" + (readouts.markdown_table(
                (t("prop.name", lang), t("prop.value", lang)),
                readouts.property_rows(facts, lang)) if facts else t("formula.no_properties", lang)))
    url_sync.write(urlstate.page_fields("explorer", name))
    with share_col:  # inside the fragment and after write: the link follows every slider
        url_sync.share_link(lang)


explorer()

if act.group != "custom":  # a typed formula has no explanation card
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
for topic in ("output", "myths"):  # guides beside the cards (actlib/text/guides.py)
    with st.expander(t(f"guide.{topic}.title", lang)):
        st.markdown(readouts.guide_markdown(topic, lang, with_title=False))

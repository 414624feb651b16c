"""Gradient flow: watch the gradient travel back through a deep stack."""

import dataclasses
from contextlib import nullcontext

import numpy as np
import streamlit as st

import actlib
from actlib import chart_layout, exports, flow, flow_figures, flow_live, readouts, sweeps, urlstate
from actlib.presets import PRESETS
from actlib.text import t
from ui import flow_view, formula_box, lesson_bar, live_chart, routing, url_sync

routing.require_app()

VIEWS = ("backward", "forward", "training")

lang = st.session_state.get("lang", "en")
presenter = st.session_state.get("presenter", False)
names = actlib.names()
for field in urlstate.FLOW_FIELDS:  # defaults live in session state: links and presets write it
    st.session_state.setdefault(field.state_key, field.default)


def apply_preset(name: str) -> None:
    preset = PRESETS[name]
    st.session_state.update({
        "flow.activation": preset["activation"], "flow.init": preset["init"],
        "flow.gain": preset["gain"], "flow.bias": preset["bias_std"],
        "flow.residual": preset["residual"], "flow.norm": preset["norm"] or "none"})
    act = actlib.get(preset["activation"])
    for p in act.params:
        st.session_state[f"flow.param.{act.name}.{p.name}"] = preset["params"].get(p.name, p.default)


st.title(t("flow.title", lang))
st.caption(t("flow.intro", lang))
url_sync.show_notices(lang)
lesson_bar.show(page="flow", lang=lang)

presets_row, _ = st.columns([4, 1])
with presets_row:
    st.markdown(f"**{t('flow.presets', lang)}**")
    columns = st.columns(3)  # two rows of three: the labels stay whole
    for i, name in enumerate(PRESETS):
        columns[i % 3].button(t(f"preset.{name}", lang), key=f"preset.{name}",
                              on_click=apply_preset, args=(name,), width="stretch")


def live_sliders(cfg: flow.StackConfig, view: str) -> list[live_chart.LiveSlider]:
    """Depth and gain: live over every stack the budget can precompute (the backward
    view), drawn on release elsewhere, and the page says which."""
    backward = view == "backward"
    live_depth = flow.live_depth_max(cfg) if backward else 0
    frames = flow_view.frames_now("depth", dataclasses.replace(cfg, depth=live_depth), lang, presenter) if live_depth else []
    depth_note = (t("flow.live_busy", lang) if frames is None
                  else t("flow.live_beyond", lang, depth=live_depth) if live_depth
                  else t("flow.live_off", lang) if backward else t("flow.live_view", lang))
    live_gain = backward and flow.sweep_affordable(cfg, "gain")
    depths = flow_live.depth_values(cfg.depth)
    gains = list(flow_live.GAIN_VALUES)
    if cfg.gain not in gains:  # a link's value between steps is shown exactly
        gains = sorted(gains + [cfg.gain])
        live_gain = False  # (the sweep covers the slider's own steps only)
    # the sweep covers every gain, whatever cfg's own: one entry per stack
    gain_live = flow_view.frames_now("gain", dataclasses.replace(cfg, gain=1.0), lang, presenter) if live_gain else []
    gain_note = (t("flow.live_busy", lang) if gain_live is None
                 else t("flow.live_off", lang) if backward else t("flow.live_view", lang))
    return [
        live_chart.LiveSlider("flow.depth", "depth", t("flow.depth", lang), depths,
                              depths.index(cfg.depth), frames or [], texts=[str(d) for d in depths],
                              beyond=depth_note),
        live_chart.LiveSlider("flow.gain", "gain", t("flow.gain", lang), gains, gains.index(cfg.gain),
                              gain_live or [], texts=[f"{g:.2f}" for g in gains], beyond=gain_note),
    ]


@st.fragment
def stack_view() -> None:
    """Controls and charts: moving a control reruns and redraws only this part."""
    controls, view = st.columns([1, 2.6], gap="large")
    controls = controls.container(key="side_controls")  # on a phone: under the chart (ui/style.py)
    # depth and gain live in session state; the live chart's sliders set them
    depth = min(max(int(st.session_state["flow.depth"]), 1), flow.MAX_DEPTH)
    gain = min(max(float(st.session_state["flow.gain"]), 0.1), 4.0)
    with controls, (st.expander(t("explorer.controls", lang)) if presenter else nullcontext()):
        width = st.select_slider(t("flow.width", lang), urlstate.WIDTHS, key="flow.width")
        activation = st.selectbox(t("flow.activation", lang), (*names, urlstate.CUSTOM),
                                  key="flow.activation", format_func=lambda n: formula_box.title(n, lang))
        act = formula_box.formula_box(lang, "flow") if activation == urlstate.CUSTOM else actlib.get(activation)
        activation = act.name  # a typed formula: "custom:<formula>", a name like any other
        params = {}
        for p in act.params:
            key = f"flow.param.{activation}.{p.name}"
            st.session_state.setdefault(key, p.default)
            params[p.name] = st.slider(readouts.param_label(activation, p.name, lang), p.min, p.max,
                                       step=p.step, key=key, help=readouts.param_help(activation, p.name, lang))
        init = st.selectbox(t("flow.init", lang), flow.INITS, key="flow.init",
                            format_func=lambda i: t(f"init.{i}", lang))
        bias_std = st.slider(t("flow.bias", lang), 0.0, 1.0, step=0.05, key="flow.bias")
        batch = st.select_slider(t("flow.batch", lang), urlstate.BATCHES, key="flow.batch")
        seed = st.number_input(t("flow.seed", lang), 0, 1_000_000, step=1, key="flow.seed")
        residual = st.toggle(t("flow.residual", lang), key="flow.residual")
        norm = st.selectbox(t("flow.norm", lang), urlstate.NORM_CHOICES, key="flow.norm",
                            format_func=lambda n: t(f"norm.{n}", lang))

    allowed = flow.affordable_depth(int(width), int(batch))
    if depth > allowed:  # a sensible fallback, said out loud, instead of a minute-long stall
        view.warning(t("flow.too_big", lang, depth=depth, width=width, batch=batch, allowed=allowed))
        depth = allowed
    cfg = flow.StackConfig(depth=int(depth), width=int(width), activation=activation, params=params,
                           init=init, gain=float(gain), bias_std=float(bias_std), batch=int(batch),
                           seed=int(seed), residual=bool(residual),
                           norm=None if norm == "none" else norm)
    result, theory = flow_view.measure(cfg=cfg)
    grad = np.asarray(result.log10_grad)

    with view:
        view_col, share_slot = st.columns([2.2, 1], vertical_alignment="bottom")
        shown = view_col.segmented_control(t("flow.view", lang), VIEWS, key="flow.view",
                                           format_func=lambda v: t(f"flow.view.{v}", lang)) or "backward"
        verdict, layer, exponent = sweeps.verdict(grad, result.act_std)
        box, message = flow_view.verdict_of(verdict, exponent, layer, depth, lang)
        getattr(st, box)(message)
        chart_name = lambda what: f"gradient_flow_{what}_{'custom' if act.group == 'custom' else activation}_{init}_gain{gain:g}_depth{depth}"
        chart_config = lambda what: chart_layout.TOOLBAR | {"toImageButtonOptions": {"filename": chart_name(what)}}

        def csv_button(what: str, make_csv) -> None:  # built only when clicked
            st.download_button(t("export.csv", lang), make_csv, file_name=chart_name(what) + ".csv",
                               mime="text/csv", on_click="ignore", help=t("export.help", lang),
                               icon="⬇️", key=f"flow_csv_{what}")

        if shown == "backward":
            figure = flow_view.backward_figure(cfg=cfg, lang=lang, presenter=presenter)
            live_chart.live_chart("flow_chart", figure, live_sliders(cfg, shown), presenter=presenter,
                                  config=chart_config("backward"))
            csv_button("backward", lambda: exports.flow_csv(result, theory))
            if theory is None:
                st.caption(t("flow.theory_none", lang))
            if norm == "batchnorm":
                st.caption(t("flow.batchnorm_note", lang))
        else:  # the sliders stay where they are; this view redraws on release
            live_chart.live_chart(f"flow_sliders_{shown}", None, live_sliders(cfg, shown),
                                  presenter=presenter)
        if shown == "forward":
            # the inspected layer follows the stack down when depth shrinks (or a link overshoots)
            st.session_state["flow.layer"] = min(int(st.session_state["flow.layer"]), depth)
            layer = st.slider(t("flow.forward_layer", lang), 1, depth, key="flow.layer") if depth > 1 else 1
            z_grid = np.linspace(flow_view.HISTOGRAM_EDGES[0], flow_view.HISTOGRAM_EDGES[-1], 241, dtype=np.float32)
            slope = np.asarray(actlib.derivative(activation)(z_grid, **params))
            left, right = st.columns(2)
            with left:
                live_chart.chart("flow_histogram", flow_figures.preactivation_histogram(
                    flow_view.histograms(cfg=cfg)[layer - 1], flow_view.HISTOGRAM_EDGES, z_grid, slope, presenter=presenter,
                    labels={"histogram": t("flow.histogram", lang, layer=layer),
                            "derivative": t("flow.derivative", lang), "z": "z"}),
                    config=chart_config(f"forward_layer{layer}"))
                csv_button(f"forward_layer{layer}",
                           lambda: exports.histogram_csv(flow_view.HISTOGRAM_EDGES, flow_view.histograms(cfg=cfg)[layer - 1]))
            with right:
                live_chart.chart("flow_fractions", flow_figures.layer_fractions(
                    {t("flow.saturated", lang): result.saturated_fraction,
                     t("flow.dead", lang): result.dead_fraction},
                    labels={"layer": t("flow.layer", lang)}, presenter=presenter),
                    config=chart_config("unit_fractions"))
                csv_button("unit_fractions", lambda: exports.flow_csv(result))
        elif shown == "training":
            st.caption(t("flow.training_help", lang))
            steps_col, lr_col = st.columns(2)
            steps = steps_col.slider(t("flow.steps", lang), 10, 200, step=10, key="flow.steps")
            learning_rate = lr_col.select_slider(t("flow.learning_rate", lang), urlstate.LEARNING_RATES,
                                                 key="flow.learning_rate")
            if depth > flow.affordable_depth(int(width), int(batch), int(steps)):
                st.info(t("flow.train_too_big", lang, steps=steps))
                trace = None
            else:
                trace = flow_view.train(cfg=cfg, steps=int(steps), learning_rate=float(learning_rate))
            if trace is not None and trace.diverged_at is None:
                st.success(t("flow.converged", lang, steps=steps))
            elif trace is not None:
                st.error(t("flow.diverged", lang, step=trace.diverged_at))
            labels = {k: t(f"flow.{k}", lang) for k in ("step_axis", "layer", "log_grad", "play",
                                                        "pause", "step")}
            if trace is not None:
                live_chart.chart("flow_training", flow_figures.training_heatmap(
                    trace.log10_grad, labels=labels, presenter=presenter), config=chart_config("training"))
                csv_button("training", lambda: exports.training_csv(trace.log10_grad))
                dead = trace.dead_verdict()  # dying ReLU: units whose f′ is 0 on the whole batch
                st.markdown(f"**{t('dead.title', lang)}**")
                if dead is None:
                    st.info(t("dead.none", lang))
                else:
                    st.warning(t("dead.verdict", lang, step=dead.step, layer=dead.layer,
                                 percent=f"{100 * dead.fraction:.0f}", initial=f"{100 * dead.initial:.0f}"))
                live_chart.chart("flow_dead", flow_figures.dead_units_over_steps(
                    trace.dead_fraction, presenter=presenter, labels={
                        "step_axis": t("flow.step_axis", lang), "dead_share": t("dead.share", lang),
                        "layer_n": t("dead.layer_n", lang)}), config=chart_config("dead_units"))
                csv_button("dead_units", lambda: exports.training_csv(trace.dead_fraction))

    url_sync.write(urlstate.page_fields("flow", activation))
    with share_slot:  # last, so the link is the view as it is now
        url_sync.share_link(lang, "gradient_flow")


stack_view()

with st.expander(t("guide.depth.title", lang)):  # why depth multiplies f′ (actlib/text/guides.py)
    st.markdown(readouts.guide_markdown("depth", lang, with_title=False))

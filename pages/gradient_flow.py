"""Gradient flow: watch the gradient travel back through a deep stack."""

import numpy as np
import streamlit as st

import actlib
from actlib import exports, flow, flow_figures, urlstate
from actlib.figures import PrebuiltFigure
from actlib.presets import PRESETS
from actlib.text import t
from ui import lesson_bar, routing, url_sync

routing.require_app()

VIEWS = ("backward", "forward", "training")
HISTOGRAM_EDGES = np.linspace(-6.0, 6.0, 61)  # fixed bins: one compile; outliers land in the end bins

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
        "flow.residual": preset["residual"], "flow.layernorm": preset["norm"] == "layernorm"})
    act = actlib.get(preset["activation"])
    for p in act.params:
        st.session_state[f"flow.param.{act.name}.{p.name}"] = preset["params"].get(p.name, p.default)


@st.cache_data(max_entries=64, show_spinner=False)
def measure(cfg: flow.StackConfig):
    result = flow.gradient_flow(cfg)
    top = float(result.log10_grad[-1])
    return result, flow.mean_field(cfg, anchor=top if np.isfinite(top) else None)


@st.cache_data(max_entries=16, show_spinner=False)
def histograms(cfg: flow.StackConfig) -> np.ndarray:
    return flow.preactivation_histograms(cfg, HISTOGRAM_EDGES)


@st.cache_data(max_entries=16, show_spinner=False)
def train(cfg: flow.StackConfig, steps: int, learning_rate: float):
    return flow.training_trace(cfg, steps=steps, learning_rate=learning_rate)


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


@st.fragment
def stack_view() -> None:
    """Controls and charts: moving a control reruns and redraws only this part."""
    controls, view = st.columns([1, 2.6], gap="large")
    with controls, (st.expander(t("explorer.controls", lang)) if presenter else st.container()):
        depth = st.slider(t("flow.depth", lang), 1, flow.MAX_DEPTH, key="flow.depth")
        width = st.select_slider(t("flow.width", lang), urlstate.WIDTHS, key="flow.width")
        activation = st.selectbox(t("flow.activation", lang), names, key="flow.activation",
                                  format_func=lambda n: t(f"act.{n}.title", lang))
        act = actlib.get(activation)
        params = {}
        for p in act.params:
            key = f"flow.param.{activation}.{p.name}"
            st.session_state.setdefault(key, p.default)
            params[p.name] = st.slider(p.name, p.min, p.max, step=p.step, key=key)
        init = st.selectbox(t("flow.init", lang), flow.INITS, key="flow.init",
                            format_func=lambda i: t(f"init.{i}", lang))
        gain = st.slider(t("flow.gain", lang), 0.1, 4.0, step=0.05, key="flow.gain")
        bias_std = st.slider(t("flow.bias", lang), 0.0, 1.0, step=0.05, key="flow.bias")
        batch = st.select_slider(t("flow.batch", lang), urlstate.BATCHES, key="flow.batch")
        seed = st.number_input(t("flow.seed", lang), 0, 1_000_000, step=1, key="flow.seed")
        residual = st.toggle(t("flow.residual", lang), key="flow.residual")
        layernorm = st.toggle(t("flow.layernorm", lang), key="flow.layernorm")

    allowed = flow.affordable_depth(int(width), int(batch))
    if depth > allowed:  # a sensible fallback, said out loud, instead of a minute-long stall
        view.warning(t("flow.too_big", lang, depth=depth, width=width, batch=batch, allowed=allowed))
        depth = allowed
    cfg = flow.StackConfig(depth=int(depth), width=int(width), activation=activation, params=params,
                           init=init, gain=float(gain), bias_std=float(bias_std), batch=int(batch),
                           seed=int(seed), residual=bool(residual),
                           norm="layernorm" if layernorm else None)
    result, theory = measure(cfg)
    grad = np.asarray(result.log10_grad)

    with view:
        view_col, share_slot = st.columns([2.2, 1], vertical_alignment="bottom")
        shown = view_col.segmented_control(t("flow.view", lang), VIEWS, key="flow.view",
                                           format_func=lambda v: t(f"flow.view.{v}", lang)) or "backward"
        # the forward pass overflows first (going up); the backward pass then carries NaN.
        # -inf is not an overflow: it is a gradient that is exactly zero (every unit dead).
        overflowed = ~np.isfinite(result.act_std)
        if not overflowed.any():
            overflowed = np.isnan(grad) | (grad == np.inf)
        if overflowed.any():
            st.warning(t("verdict.overflow", lang, layer=int(np.argmax(overflowed)) + 1))
        elif (grad == -np.inf).any():
            st.error(t("verdict.zero", lang, layer=int(np.flatnonzero(grad == -np.inf)[-1]) + 1))
        else:
            exponent = float(grad[0] - grad[-1])
            verdict = "vanishing" if exponent < -1 else "exploding" if exponent > 1 else "stable"
            message = t(f"verdict.{verdict}", lang, exponent=f"{exponent:.1f}", depth=depth)
            {"vanishing": st.error, "exploding": st.warning, "stable": st.success}[verdict](message)
        chart_name = lambda what: f"gradient_flow_{what}_{activation}_{init}_gain{gain:g}_depth{depth}"
        chart_config = lambda what: {"toImageButtonOptions": {"filename": chart_name(what)}}

        def csv_button(what: str, make_csv) -> None:  # built only when clicked
            st.download_button(t("export.csv", lang), make_csv, file_name=chart_name(what) + ".csv",
                               mime="text/csv", on_click="ignore", help=t("export.help", lang),
                               icon="⬇️", key=f"flow_csv_{what}")

        if shown == "backward":
            labels = {k: t(f"flow.{k}", lang) for k in ("layer", "log_grad", "measured", "theory",
                                                        "play", "pause", "step")}
            figure = flow_figures.backward_animation(grad, theory, labels=labels, presenter=presenter)
            st.plotly_chart(PrebuiltFigure(figure), width="stretch", key="flow_chart",
                            config=chart_config("backward"))
            csv_button("backward", lambda: exports.flow_csv(result, theory))
            if theory is None:
                st.caption(t("flow.theory_none", lang))
        elif shown == "forward":
            # the inspected layer follows the stack down when depth shrinks (or a link overshoots)
            st.session_state["flow.layer"] = min(int(st.session_state["flow.layer"]), depth)
            layer = st.slider(t("flow.forward_layer", lang), 1, depth, key="flow.layer") if depth > 1 else 1
            z_grid = np.linspace(HISTOGRAM_EDGES[0], HISTOGRAM_EDGES[-1], 241, dtype=np.float32)
            slope = np.asarray(actlib.derivative(activation)(z_grid, **params))
            left, right = st.columns(2)
            left.plotly_chart(PrebuiltFigure(flow_figures.preactivation_histogram(
                histograms(cfg)[layer - 1], HISTOGRAM_EDGES, z_grid, slope, presenter=presenter,
                labels={"histogram": t("flow.histogram", lang, layer=layer),
                        "derivative": t("flow.derivative", lang), "z": "z"})),
                width="stretch", key="flow_histogram", config=chart_config(f"forward_layer{layer}"))
            with left:
                csv_button(f"forward_layer{layer}",
                           lambda: exports.histogram_csv(HISTOGRAM_EDGES, histograms(cfg)[layer - 1]))
            right.plotly_chart(PrebuiltFigure(flow_figures.layer_fractions(
                {t("flow.saturated", lang): result.saturated_fraction,
                 t("flow.dead", lang): result.dead_fraction},
                labels={"layer": t("flow.layer", lang)}, presenter=presenter)),
                width="stretch", key="flow_fractions", config=chart_config("unit_fractions"))
            with right:
                csv_button("unit_fractions", lambda: exports.flow_csv(result))
        else:
            st.caption(t("flow.training_help", lang))
            steps_col, lr_col = st.columns(2)
            steps = steps_col.slider(t("flow.steps", lang), 10, 200, step=10, key="flow.steps")
            learning_rate = lr_col.select_slider(t("flow.learning_rate", lang), urlstate.LEARNING_RATES,
                                                 key="flow.learning_rate")
            if depth > flow.affordable_depth(int(width), int(batch), int(steps)):
                st.info(t("flow.train_too_big", lang, steps=steps))
                trace = None
            else:
                trace = train(cfg, int(steps), float(learning_rate))
            if trace is not None and trace.diverged_at is None:
                st.success(t("flow.converged", lang, steps=steps))
            elif trace is not None:
                st.error(t("flow.diverged", lang, step=trace.diverged_at))
            labels = {k: t(f"flow.{k}", lang) for k in ("step_axis", "layer", "log_grad", "play",
                                                        "pause", "step")}
            if trace is not None:
                st.plotly_chart(PrebuiltFigure(flow_figures.training_heatmap(
                    trace.log10_grad, labels=labels, presenter=presenter)),
                    width="stretch", key="flow_training", config=chart_config("training"))
                csv_button("training", lambda: exports.training_csv(trace.log10_grad))
                dead = trace.dead_verdict()  # dying ReLU: units whose f′ is 0 on the whole batch
                st.markdown(f"**{t('dead.title', lang)}**")
                if dead is None:
                    st.info(t("dead.none", lang))
                else:
                    st.warning(t("dead.verdict", lang, step=dead.step, layer=dead.layer,
                                 percent=f"{100 * dead.fraction:.0f}", initial=f"{100 * dead.initial:.0f}"))
                st.plotly_chart(PrebuiltFigure(flow_figures.dead_units_over_steps(
                    trace.dead_fraction, presenter=presenter, labels={
                        "step_axis": t("flow.step_axis", lang), "dead_share": t("dead.share", lang),
                        "layer_n": t("dead.layer_n", lang)})),
                    width="stretch", key="flow_dead", config=chart_config("dead_units"))
                csv_button("dead_units", lambda: exports.training_csv(trace.dead_fraction))

    url_sync.write(urlstate.page_fields("flow", activation))
    with share_slot:  # last, so the link is the view as it is now
        url_sync.share_link(lang, "gradient_flow")


stack_view()

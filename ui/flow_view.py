"""What the gradient-flow page computes for one stack, cached across reruns and sessions.

In a module, not the page script: a page's ``@st.cache_data`` runs again on every
rerun, and each time Streamlit hashes the function's source (``inspect.getsource``, a
tokenizer pass). The frames and figures are ``st.cache_resource``: one object shared
by every session, never copied; nothing downstream changes them. Arguments are
keyword-only (Streamlit reads the signature again for each positional one), and a
config is keyed by its exact text (``StackConfig.key``).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from actlib import flow, flow_figures, flow_live
from actlib.text import t
from ui import live_chart

HISTOGRAM_EDGES = np.linspace(-6.0, 6.0, 61)  # fixed bins: one compile; outliers land in the end bins
# Streamlit would hash a config through dataclasses.asdict, on every call, for every session
BY_KEY = {flow.StackConfig: flow.StackConfig.key}


def verdict_of(verdict: str, exponent: float, layer: int, depth: int, lang: str) -> tuple[str, str]:
    """(the box it goes in, the words) for one stack's verdict, committed or live."""
    if verdict == "overflow":
        return "warning", t("verdict.overflow", lang, layer=layer)
    if verdict in ("zero", "underflow"):
        return "error", t(f"verdict.{verdict}", lang, layer=layer)
    box = {"vanishing": "error", "exploding": "warning", "stable": "success"}[verdict]
    return box, t(f"verdict.{verdict}", lang, exponent=f"{exponent:.1f}", depth=depth)


def chart_labels(lang: str) -> dict[str, str]:
    return {k: t(f"flow.{k}", lang) for k in ("layer", "log_grad", "measured", "theory", "play",
                                                "pause", "step")}


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_KEY)
def measure(*, cfg: flow.StackConfig):
    result = flow.gradient_flow(cfg)
    top = float(result.log10_grad[-1])
    return result, flow.mean_field(cfg, anchor=top if np.isfinite(top) else None)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_KEY)
def backward_figure(*, cfg: flow.StackConfig, lang: str, presenter: bool) -> live_chart.PackedFrames:
    """The backward pass's chart, serialised once for every session showing it (a class
    following the teacher: building it per session was half of each rerun)."""
    result, theory = measure(cfg=cfg)
    return live_chart.pack_frames(flow_figures.backward_animation(
        np.asarray(result.log10_grad), theory, labels=chart_labels(lang), presenter=presenter))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_KEY)
def histograms(*, cfg: flow.StackConfig) -> np.ndarray:
    return flow.preactivation_histograms(cfg, HISTOGRAM_EDGES)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_KEY)
def train(*, cfg: flow.StackConfig, steps: int, learning_rate: float):
    return flow.training_trace(cfg, steps=steps, learning_rate=learning_rate)


def _sweep_frames(sweep, lang: str, presenter: bool) -> live_chart.PackedFrames:
    return live_chart.pack_frames(flow_live.sweep_frames(
        sweep, {"data": [], "layout": {}}, labels=chart_labels(lang), presenter=presenter,
        caption=lambda *row: verdict_of(*row, lang)[1]))


@st.cache_resource(show_spinner=False)
def _swept() -> dict:
    """The sweeps this process has computed (their cache keys): what a busy server can
    still serve live without computing anything."""
    return {}


def _remember_sweep(key: tuple) -> None:
    done = _swept()
    if len(done) > 512:  # a bound, far above the two caches' 32 entries each
        done.clear()
    done[key] = True


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_KEY)
def depth_frames(*, cfg: flow.StackConfig, lang: str, presenter: bool) -> live_chart.PackedFrames:
    """Every depth 1..cfg.depth (the live part of the depth slider), one batched call."""
    _remember_sweep(("depth", cfg, lang, presenter))
    return _sweep_frames(flow.depth_sweep(cfg), lang, presenter)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_KEY)
def gain_frames(*, cfg: flow.StackConfig, lang: str, presenter: bool) -> live_chart.PackedFrames:
    """Every gain the slider offers at cfg's depth, one batched call."""
    _remember_sweep(("gain", cfg, lang, presenter))
    return _sweep_frames(flow.gain_sweep(cfg, flow_live.GAIN_VALUES), lang, presenter)


def frames_now(kind: str, cfg: flow.StackConfig, lang: str, presenter: bool):
    """A live slider's frames, or None when computing them now would queue behind other
    stack computations (a class in free play): the slider then draws on release, and
    turns live again on a later rerun, when the server has caught up."""
    if flow.engine_busy() and (kind, cfg, lang, presenter) not in _swept():
        return None
    return {"depth": depth_frames, "gain": gain_frames}[kind](cfg=cfg, lang=lang, presenter=presenter)

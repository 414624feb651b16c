"""The "Your own…" formula box: type a formula, get an Activation both pages can use by name.

Session state, per page prefix ``p`` ("explorer", "flow"):
``p.formula`` the text box; ``p.formula_drawn`` the last formula that parsed (the URL's
``f``, what the page draws); ``p.formula_synced`` the drawn formula the box last showed,
so that a link or an example replaces the box's text once, and a bad edit stays put.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import actlib
from actlib import formulas, urlstate
from actlib.custom import FormulaError, is_custom, nonfinite_intervals
from actlib.custom_examples import CUSTOM_EXAMPLES, DEFAULT_FORMULA
from actlib.formula_tree import FUNCTIONS
from actlib.text import t

MAX_INTERVALS_SHOWN = 4


def title(name: str, lang: str) -> str:
    """A picker entry's or an activation's title, the custom ones included."""
    if name == urlstate.CUSTOM:
        return t("custom.entry", lang)
    if is_custom(name):
        return t("custom.title", lang)
    return t(f"act.{name}.title", lang)


def picker_label(name: str, lang: str) -> str:
    """``group · title``, as the explorer's picker shows its entries."""
    if name == urlstate.CUSTOM or is_custom(name):
        return title(name, lang)                  # "Your own…" says its group itself
    return f"{t('group.' + actlib.get(name).group, lang)} · {title(name, lang)}"


def _drawn(prefix: str) -> str:
    text = st.session_state.get(f"{prefix}.formula_drawn")
    try:
        actlib.custom(text)
        return text
    except FormulaError:
        return DEFAULT_FORMULA


def _use_example(prefix: str) -> None:
    name = st.session_state.get(f"{prefix}.formula_example")
    if name in CUSTOM_EXAMPLES:
        st.session_state[f"{prefix}.formula_drawn"] = CUSTOM_EXAMPLES[name]
        st.session_state[f"{prefix}.formula_synced"] = None   # the box takes the example
    st.session_state[f"{prefix}.formula_example"] = ""


def formula_box(lang: str, key_prefix: str, side_by_side: bool = False) -> actlib.Activation:
    """Draw the box and return the activation to show: the typed formula when it parses,
    else the last one that did (with the message and a caret under the problem).
    ``side_by_side``: examples and text box in one row (for a full-width container)."""
    box, drawn_key, synced_key = (f"{key_prefix}.{k}" for k in ("formula", "formula_drawn",
                                                                 "formula_synced"))
    drawn = _drawn(key_prefix)
    if st.session_state.get(synced_key) != drawn:   # a link or an example: show it in the box
        st.session_state[box] = drawn
        st.session_state[synced_key] = drawn
    st.session_state.setdefault(f"{key_prefix}.formula_example", "")
    examples_col, text_col = st.columns([1, 2]) if side_by_side else (st.container(), st.container())
    examples_col.selectbox(t("formula.examples", lang), ["", *CUSTOM_EXAMPLES], key=f"{key_prefix}.formula_example",
                 format_func=lambda n: t("formula.pick", lang) if not n else
                 f"{title(n, lang)} · {CUSTOM_EXAMPLES[n]}",
                 on_change=_use_example, args=(key_prefix,), help=t("formula.examples_help", lang))
    # no max_chars: a pasted long formula gets the message saying the limit, not a silent cut
    text = text_col.text_input(t("formula.label", lang), key=box,
                         help=t("formula.help", lang, functions=", ".join(FUNCTIONS)))
    try:
        act = actlib.custom(text)
        st.session_state[drawn_key] = st.session_state[synced_key] = text
    except FormulaError as err:
        with text_col:
            st.error(t("formula.error", lang, message=err.message(lang)), icon="✏️")
            shown = text.replace("\n", " ")
            st.code(f"{shown}\n{' ' * err.position}^", language=None)
            st.caption(t("formula.kept", lang, formula=drawn))
        act = actlib.custom(drawn)
    if side_by_side:
        st.latex(formulas.function_latex(act))
    else:  # a narrow column: inline math, which KaTeX may break after an operator
        st.markdown(f"${formulas.function_latex(act)}$")
    st.caption(t("formula.autodiff", lang))
    return act


def gaps(*samples):
    """The samples with every NaN or infinite value as NaN: the chart leaves a gap there."""
    return tuple(np.where(np.isfinite(s), s, np.nan) for s in samples)


def nonfinite_notice(lang: str, x, *samples) -> None:
    """An info line naming the x intervals where any of ``samples`` is NaN or infinite."""
    intervals = nonfinite_intervals(x, *(s for s in samples if s is not None))
    if not intervals:
        return
    shown = [f"[{a:.3g}, {b:.3g}]" if a != b else f"{a:.3g}" for a, b in intervals[:MAX_INTERVALS_SHOWN]]
    st.info(t("formula.nonfinite", lang, intervals=", ".join(shown)
              + (" …" if len(intervals) > MAX_INTERVALS_SHOWN else "")), icon="⚠️")

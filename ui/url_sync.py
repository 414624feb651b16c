"""Keep the controls and the URL in step: a link restores the view, the view writes its link.

Parsing and validation are :mod:`actlib.urlstate` (pure, fuzz-tested); this
module only moves values between ``st.query_params`` and ``st.session_state``.
"""

from __future__ import annotations

import urllib.parse

import streamlit as st

from actlib import urlstate
from actlib.text import t

_WRITTEN = "_url.written"    # the query this session last wrote: its echo is not a new link
_NOTICES = "_url.notices"
MAX_NOTICES = 5
MAX_SHOWN_RAW = 40


def _query() -> dict[str, str]:
    return {k: st.query_params[k] for k in st.query_params}


def _to_state(values: dict) -> dict:
    """x range: two URL fields, one range-slider widget."""
    if "explorer.x_min" in values or "explorer.x_max" in values:
        lo, hi = st.session_state.get("explorer.x_range", (-5.0, 5.0))
        lo, hi = values.pop("explorer.x_min", lo), values.pop("explorer.x_max", hi)
        values["explorer.x_range"] = (float(min(lo, hi)), float(max(lo, hi)))
    return values


def _from_state() -> dict:
    values = dict(st.session_state)
    if "explorer.x_range" in values:
        values["explorer.x_min"], values["explorer.x_max"] = values["explorer.x_range"]
    return values


def restore(fields_for) -> None:
    """Apply a link this session has not applied yet. Call before creating any widget
    it restores. ``fields_for(query)`` gives the fields to read (they may depend on it)."""
    query = _query()
    if not query or query == st.session_state.get(_WRITTEN):
        return
    values, problems = urlstate.parse(query, fields_for(query))
    for key, value in _to_state(values).items():
        st.session_state[key] = value
    st.session_state[_NOTICES] = st.session_state.get(_NOTICES, []) + problems
    st.session_state[_WRITTEN] = query


def write(fields) -> None:
    """Put the current value of every field in the URL (only when it changed)."""
    query = urlstate.encode(_from_state(), fields)
    if query != _query():
        st.query_params.from_dict(query)
    st.session_state[_WRITTEN] = query


def _shown(raw: str) -> str:
    """A value from a link, safe to show: markup characters neutralised, long ones cut."""
    safe = "".join(c if c.isalnum() or c in " .,-+" else "·" for c in raw[:MAX_SHOWN_RAW])
    return "“" + safe + ("…" if len(raw) > MAX_SHOWN_RAW else "") + "”"


def show_notices(lang: str) -> None:
    """A polite notice per problem the last link had, once."""
    problems = st.session_state.pop(_NOTICES, [])
    for problem in problems[:MAX_NOTICES]:
        param = _shown(problem.key).strip("“”")
        if problem.field is None:
            st.warning(t("url.unknown", lang, param=param), icon="🔗")
            continue
        reason = t(f"url.reason.{problem.reason}", lang, allowed=problem.field.allowed())
        default = problem.field.encode(problem.used) or "—"
        st.warning(t("url.notice", lang, param=param, raw=_shown(problem.raw), reason=reason,
                     default=default), icon="🔗")
    if len(problems) > MAX_NOTICES:
        st.warning(t("url.more", lang, count=len(problems) - MAX_NOTICES), icon="🔗")


def share_link(lang: str, page_path: str = "") -> None:
    """The link to this exact view, in a box with a copy button. Call it after
    :func:`write`, so that it shows the view as it is now."""
    base = urllib.parse.urlsplit(st.context.url or "http://localhost:8501/")
    root = base.path.rstrip("/").removesuffix("/gradient_flow")
    link = urllib.parse.urlunsplit((base.scheme, base.netloc, f"{root}/{page_path}",
                                    urllib.parse.urlencode(st.session_state.get(_WRITTEN, {})), ""))
    with st.popover(t("share.button", lang), icon="🔗"):
        st.caption(t("share.help", lang))
        st.code(link, language=None, wrap_lines=True)

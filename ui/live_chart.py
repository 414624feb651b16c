"""The live chart: parameter sliders that redraw a Plotly chart while the thumb moves.

``st.slider`` sends nothing until release, so a dragged slider never moved the curve.
This component owns both the sliders and the chart: Python sends the committed figure
and, for each slider, a frame per step (computed on the server, by JAX, before the
drag); the browser swaps frames on ``input`` and reports the value on ``change``
(release or an arrow key), and Python then commits it to session state, the URL and
everything else on the page, as a rerun.

A slider's frames are sent once per session: the browser keeps them by content hash,
and a later rerun with the same frames sends only the hash.

The data goes to the browser as one JSON document in bytes, with the figure's and the
frames' JSON (encoded once, and cached by the pages) pasted in as they are. Handed a
dict, Streamlit would encode it twice per rerun (once to send, once sorted to hash the
element's identity), escaping every quote of the cached JSON strings inside it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import shutil
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Sequence

import plotly
import streamlit as st

_ASSETS = Path(__file__).parent / "assets"
_STATIC = Path(__file__).parent.parent / "static" / "vendor"
_SENT = "_live.sent"     # frame hashes this session's browser already holds
MAX_REMEMBERED = 48      # below the browser's store (64), so a hash we skip is still there


def _serve(source: Path, name: str) -> str:
    """Put ``source`` where Streamlit's static serving finds it, as ``static/vendor/name``,
    and return its address. A copy (not a link: static serving refuses paths that resolve
    outside static/), made at start and refreshed when the source changes; never committed
    (.gitignore). Written under a name of this process's own, then renamed: the school's
    app processes start side by side."""
    target = _STATIC / name
    if not target.exists() or target.read_bytes() != source.read_bytes():
        _STATIC.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f"{name}.{os.getpid()}.tmp")
        shutil.copyfile(source, scratch)
        scratch.replace(target)
    return f"app/static/vendor/{name}"


def _content_named(source: Path, stem: str) -> str:
    """Served under a name made from its content: a browser never runs a stale copy.
    Copies of earlier contents (an older checkout's) are removed."""
    name = f"{stem}.{hashlib.blake2b(source.read_bytes(), digest_size=6).hexdigest()}.js"
    address = _serve(source, name)
    for old in _STATIC.glob(f"{stem}.*.js"):  # (a copy being written ends in .tmp)
        if old.name != name:
            old.unlink(missing_ok=True)
    return address


# plotly.js as the installed plotly package ships it (no copy in the repository)
PLOTLY_BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_ADDRESS = _content_named(PLOTLY_BUNDLE, "plotly")
_SCRIPT = _ASSETS / "live_chart.js"
SCRIPT_ADDRESS = _content_named(_SCRIPT, "live_chart")
# What each element carries: a loader, not the script. Every delta of a component carries
# its JS text and Streamlit hashes every message, so the 12 KB script would travel (and be
# hashed) once per chart per rerun; the browser fetches the module once and keeps it.
_LOADER = """
const live = (window.__actlabLive = window.__actlabLive || {});
// plotly.js as a classic script, once per page; the chart's script gets this function
function plotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  live.plotly = live.plotly || new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL(%(plotly)s, document.baseURI).href;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => { live.plotly = null; reject(new Error("plotly.js did not load")); };
    document.head.appendChild(script);
  });
  return live.plotly;
}
function load() {
  live.module = live.module || import(new URL(%(script)s, document.baseURI).href).catch((error) => {
    live.module = null;   // the next render tries again
    throw error;
  });
  return live.module;
}
export default function (component) {
  // both downloads at once: plotly.js (4.8 MB) need not wait for the 12 KB script
  plotly().catch(() => {});
  // a failed load says so on the chart; an error inside the script stays an error
  load().then((module) => module.default(component, plotly), () => {
    const note = component.parentElement.querySelector(".live-note");
    if (note) { note.textContent = %(failed)s; note.hidden = false; }
  });
  return () => {};
}
"""


def _loader(failed: str) -> str:
    return _LOADER % {"script": json.dumps(SCRIPT_ADDRESS), "plotly": json.dumps(PLOTLY_ADDRESS),
                      "failed": json.dumps(failed, ensure_ascii=False)}


@functools.cache
def _chart_component():
    """Registered on the first chart, not at import: app.py imports this module before
    anything loads actlib (and JAX with it), so that the preloader goes out first."""
    from actlib.text import LANGUAGES, t

    return st.components.v2.component(
        "actlab.live_chart",
        html='<div class="live-root"><div class="live-sliders"></div><div class="live-plot"></div>'
             '<div class="live-caption" aria-live="polite"></div><div class="live-note" hidden></div></div>',
        css=(_ASSETS / "live_chart.css").read_text(),
        # a failed load is told in both languages: the script that knows the page's is what failed
        js=_loader(" / ".join(t("chart.script_failed", lang) for lang in LANGUAGES)),
        # in the page's DOM, not a shadow root: plotly.js puts its styles (toolbar, hover) in <head>
        isolate_styles=False,
    )


# The same script, on an element with nothing to draw in (so no page or test can take it
# for a chart): there it only starts loading plotly.js.
_PRELOAD = st.components.v2.component(
    "actlab.plotly_preload", html='<div class="live-preload" hidden></div>', js=_loader(""),
    isolate_styles=False)


@dataclasses.dataclass
class LiveSlider:
    """One slider: its session-state key, the accessible name (the parameter's name),
    the visible label, the values it can take, and one frame per value.

    A frame is ``{"data": traces, "text": caption}``: the chart's traces at that
    value (whole, or as :func:`actlib.live.trace_patch` changes over the committed
    figure's) and the read-out shown under the chart."""

    key: str
    name: str
    label: str
    values: Sequence[float]
    index: int
    frames: "list[dict] | PackedFrames"
    texts: Sequence[str] | None = None   # how each value is shown; default 4 significant digits
    help: str = ""     # the label's tooltip: what the parameter does
    beyond: str = ""   # the caption while the thumb is on a value with no frame (drawn on release)


@dataclasses.dataclass(frozen=True)
class PackedFrames:
    """Frames (or a figure) serialised once (a page caches these): content hash and UTF-8 JSON."""

    ref: str
    json: bytes


def _json(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode()


def pack_frames(frames: "list[dict] | dict") -> PackedFrames:
    raw = _json(frames)
    return PackedFrames(hashlib.blake2b(raw, digest_size=12).hexdigest(), raw)


def _payload(figure: "PackedFrames | None", sliders: list[tuple[dict, bytes | None]], rest: dict) -> bytes:
    """``{"figure": ..., "sliders": [{..., "frames": ...}], **rest}`` as bytes, the packed
    parts pasted in unchanged."""
    rows = [_json(head)[:-1] + b',"frames":' + (frames if frames is not None else b"null") + b"}"
            for head, frames in sliders]
    return b"".join((b'{"figure":', figure.json if figure is not None else b"null",
                     b',"sliders":[', b",".join(rows), b"],", _json(rest)[1:]))


def _sent() -> OrderedDict:
    return st.session_state.setdefault(_SENT, OrderedDict())


def _commit(widget_key: str, sliders: dict[str, str], on_commit: Callable | None) -> None:
    """Release or arrow key: the value goes into the slider's session-state key, so the
    rerun that follows draws, writes the URL and reads out exactly that value."""
    events = st.session_state.get(widget_key) or {}
    commit = events.get("commit")
    if isinstance(commit, dict) and commit.get("name") in sliders:
        st.session_state[sliders[commit["name"]]] = float(commit["value"])
        if on_commit is not None:
            on_commit(commit["name"])


def _forget(widget_key: str) -> None:
    """The browser lost some frames (evicted, or a new tab): send them again."""
    events = st.session_state.get(widget_key) or {}
    missing = events.get("missing")
    for ref in (missing.get("refs") or []) if isinstance(missing, dict) else []:
        _sent().pop(ref, None)


def live_chart(key: str, figure: "dict | PackedFrames | None", sliders: Sequence[LiveSlider], *, text: str = "",
               note: str = "", presenter: bool = False, config: dict | None = None,
               sliders_below: bool = False, on_commit: Callable | None = None):
    """Mount the chart with its sliders. ``figure`` is the committed figure (a Plotly
    dict, frames allowed; or :func:`pack_frames` of it, which a page can cache: 40
    students following the teacher then share one serialisation instead of each paying
    for their own), or None for sliders alone (they then commit on release);
    ``text`` the read-out under it; ``note`` a line under that."""
    sent = _sent()
    rows = []
    for slider in sliders:
        packed = slider.frames if isinstance(slider.frames, PackedFrames) else pack_frames(slider.frames)
        known = packed.ref in sent
        sent[packed.ref] = True
        sent.move_to_end(packed.ref)
        rows.append(({"key": slider.key, "name": slider.name, "label": slider.label,
                      "values": list(map(float, slider.values)), "index": int(slider.index),
                      "texts": list(slider.texts or [f"{v:.4g}" for v in slider.values]),
                      "frames_ref": packed.ref, "beyond": slider.beyond, "help": slider.help},
                     None if known else packed.json))
    while len(sent) > MAX_REMEMBERED:
        sent.popitem(last=False)
    if figure is not None and not isinstance(figure, PackedFrames):
        figure = pack_frames(figure)
    by_name = {s.name: s.key for s in sliders}
    return _chart_component()(
        key=key, data=_payload(figure, rows, {
            "text": text, "note": note, "presenter": presenter, "config": config or {},
            "sliders_position": "below" if sliders_below else "above"}),
        on_commit_change=lambda: _commit(key, by_name, on_commit),
        on_missing_change=lambda: _forget(key))


def chart(key: str, figure: dict, *, config: dict | None = None) -> None:
    """A chart with no live sliders, drawn by the same code as the live ones, so that
    every chart on the pages behaves alike on a touch screen (no toolbar, a finger
    scrolls the page) and gets finger-sized Play and Pause buttons."""
    live_chart(key, figure, (), config=config)


def preload() -> None:
    """Start fetching plotly.js (3.6 MB) as soon as the page opens, not when the first
    chart arrives at the end of the script's first run: on a fresh server the download
    and parse then overlap the script instead of following it. Draws nothing."""
    _PRELOAD(key="plotly_preload")

"""Small helpers for Streamlit AppTest tests of Activation Lab.

Reading the chart: ``chart_traces(at)`` parses the one ``st.plotly_chart``
element's spec JSON into :class:`Trace` objects with numpy ``x``/``y``
(Plotly's base64 typed arrays decoded, ``None`` gaps as NaN).

Expected values: ``expected(name, x, order, **params)`` is f, f′ or f″ at
``x`` from ``tests/reference.py`` (independent numpy/scipy closed forms, with
their own documented defaults), and falls back to ``actlib``'s autodiff only for
an order the reference lacks. A reference that does not import is an error.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
TIMEOUT = 90  # seconds per run: importing JAX and the first compile exceed AppTest's 3 s default


# --- running the app -------------------------------------------------------------------------

def keep_running_app_py(monkeypatch) -> None:
    """Make every AppTest run execute app.py, as the real server does after its first run.

    A ``pages/`` folder next to app.py makes Streamlit assume the old folder-based
    multipage layout until app.py's first ``st.navigation`` call switches that off
    for the process. AppTest resets the flag before every run, so from the second
    run on it executes the page script alone: no sidebar (language, presenter).
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def new_app(monkeypatch):
    """A fresh AppTest of app.py, run once and checked."""
    from streamlit.testing.v1 import AppTest

    keep_running_app_py(monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    return run(at)


def assert_no_exception(at) -> None:
    assert not at.exception, "the app raised:\n" + "\n\n".join(
        f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def run(at):
    """Run the app and fail on any exception it shows."""
    at.run()
    assert_no_exception(at)
    return at


# --- the chart -------------------------------------------------------------------------------

@dataclasses.dataclass
class Trace:
    name: str
    x: np.ndarray
    y: np.ndarray
    spec: dict


def decode_array(value) -> np.ndarray:
    """A Plotly data array as float64: a plain list (None -> NaN), or a typed array
    ``{"dtype": "f4", "bdata": <base64>, "shape": "r, c"}``."""
    if isinstance(value, dict) and "bdata" in value:
        dtype = np.dtype(value["dtype"]).newbyteorder("<")  # Plotly typed arrays are little-endian
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=dtype)
        shape = value.get("shape")
        if shape is not None:
            if isinstance(shape, str):
                shape = [int(part) for part in shape.split(",")]
            array = array.reshape(shape)
        return array.astype(np.float64)
    return np.array([np.nan if v is None else v for v in value], dtype=np.float64)


def live_charts(at) -> list[dict]:
    """The data of every live chart (ui/live_chart.py) on the page: figure, sliders, text."""
    # one JSON document in bytes, as the browser gets it (ui/live_chart.py)
    return [json.loads(e.proto.bytes) for e in at.get("bidi_component")
            if e.proto.component_name == "actlab.live_chart"]


def chart_count(at) -> int:
    """Charts drawn on the page: live charts with a figure, and plain st.plotly_chart ones."""
    return len([c for c in live_charts(at) if c["figure"]]) + len(at.get("plotly_chart"))


def chart_specs(at) -> list[dict]:
    """Every chart's figure on the page: live charts (with or without sliders), then any
    plain st.plotly_chart."""
    return ([c["figure"] for c in live_charts(at) if c["figure"]]
            + [json.loads(c.proto.spec) for c in at.get("plotly_chart")])


def chart_spec(at) -> dict:
    """The page's one chart: a live chart's committed figure, or a plain st.plotly_chart."""
    charts = [c["figure"] for c in live_charts(at)] + [json.loads(c.proto.spec)
                                                       for c in at.get("plotly_chart")]
    assert len(charts) == 1, f"expected one chart, found {len(charts)}"
    return charts[0]


@dataclasses.dataclass
class LiveSliderView:
    """A live chart's slider as AppTest sees it. ``set_value`` does what a release in
    the browser does (the component's commit callback writes the session-state key)."""

    at: object
    key: str
    label: str
    name: str
    values: list
    index: int
    frames_ref: str
    frames: list | None

    @property
    def value(self) -> float:
        return self.values[self.index]

    @property
    def min(self) -> float:
        return self.values[0]

    @property
    def max(self) -> float:
        return self.values[-1]

    def set_value(self, value: float):
        self.at.session_state[self.key] = float(value)
        return self.at


def live_sliders(at) -> list[LiveSliderView]:
    views = []
    for chart in live_charts(at):
        for s in chart["sliders"]:
            views.append(LiveSliderView(at, s["key"], s["label"], s["name"], s["values"], s["index"],
                                        s["frames_ref"], s["frames"]))
    return views


def live_slider(at, key: str) -> LiveSliderView:
    found = [s for s in live_sliders(at) if s.key == key]
    assert len(found) == 1, f"{len(found)} live sliders with key {key!r}: {[s.key for s in live_sliders(at)]}"
    return found[0]


def chart_traces(at) -> list[Trace]:
    return [Trace(tr.get("name", ""), decode_array(tr.get("x", [])), decode_array(tr.get("y", [])), tr)
            for tr in chart_spec(at)["data"]]


def trace_named(traces: list[Trace], name: str) -> Trace:
    found = [tr for tr in traces if tr.name == name]
    assert len(found) == 1, f"{len(found)} traces named {name!r}; names: {[tr.name for tr in traces]}"
    return found[0]


def has_trace(traces: list[Trace], name: str) -> bool:
    return any(tr.name == name for tr in traces)


def shaded_intervals(trace: Trace) -> list[tuple[float, float]]:
    """The x extent of each filled rectangle of a region trace (polygons split by None)."""
    intervals, current = [], []
    for x in trace.x:
        if np.isnan(x):
            if current:
                intervals.append((min(current), max(current)))
            current = []
        else:
            current.append(float(x))
    if current:
        intervals.append((min(current), max(current)))
    return intervals


# --- other elements --------------------------------------------------------------------------

def param_sliders(at) -> list[LiveSliderView]:
    """The activation's parameter sliders (keys ``param.<activation>.<name>``), in page order."""
    return [s for s in live_sliders(at) if s.key.startswith("param.")]


# The explorer's formulas: one markdown element holding
#   $$\n\begin{aligned} f(x) &= ... \\[4pt] f'(x) &= ... \end{aligned}\n$$
_DISPLAY_MATH = re.compile(r"\$\$(.*?)\$\$", re.S)
_ALIGNED = re.compile(r"^\s*\\begin\{aligned\}(.*)\\end\{aligned\}\s*$", re.S)
_ROW_TOKEN = re.compile(r"\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}|\\\\(?:\[[^\]]*\])?")
_ALIGNED_ROW = re.compile(r"^(f\(x\)|f'\(x\)) &= (.*)$", re.S)


def display_math(at) -> list[tuple[str, str]]:
    """(the markdown element's whole text, the body) of every ``$$ ... $$`` block on the page."""
    return [(e.value, m.group(1).strip()) for e in at.markdown for m in _DISPLAY_MATH.finditer(e.value)]


def _top_level_rows(body: str) -> list[str]:
    """``body`` split at its row breaks (``\\``, ``\\[4pt]``) that are not inside a
    nested environment such as ``cases``."""
    rows, depth, start = [], 0, 0
    for token in _ROW_TOKEN.finditer(body):
        text = token.group(0)
        if text.startswith("\\begin"):
            depth += 1
        elif text.startswith("\\end"):
            depth -= 1
        elif depth == 0:
            rows.append(body[start:token.start()])
            start = token.end()
    assert depth == 0, f"unbalanced environments in {body!r}"
    return [row.strip() for row in rows + [body[start:]]]


def formula_element(at) -> str:
    """The text of the one markdown element that holds the aligned formula block."""
    found = [text for text, body in display_math(at) if _ALIGNED.match(body)]
    assert len(found) == 1, f"expected one aligned formula block, found {len(found)}"
    return found[0]


def formula_rows(at) -> list[str]:
    """The rows of the page's one ``aligned`` formula block, each ``"f(x) = ..."`` /
    ``"f'(x) = ..."`` with the alignment mark ``&=`` checked and turned back into ``=``."""
    [body] = [m.group(1) for _, b in display_math(at) if (m := _ALIGNED.match(b))]
    rows = []
    for row in _top_level_rows(body.strip()):
        match = _ALIGNED_ROW.match(row)
        assert match, f"formula row not aligned as 'f(x) &= ...': {row!r}"
        rows.append(f"{match.group(1)} = {match.group(2).strip()}")
    return rows


def probe_readouts(at, lang: str = "en") -> dict[str, float]:
    """The probe line ("**At x = ...:** f = ..., f′ = ..., f″ = ...", catalogue key
    probe.line in ``lang``) parsed back: ``{"x": ..., "f": ..., "df": ..., "d2f": ...}``.
    Exactly one such line must be on the page."""
    from actlib.text import CATALOGUE

    template = CATALOGUE["probe.line"][lang]
    number = r"[-+]?(?:inf|nan|\d+(?:\.\d*)?(?:e[-+]?\d+)?)"
    pattern = re.compile(re.sub(r"\\\{(\w+)\\\}", lambda m: rf"(?P<{m.group(1)}>{number})",
                                re.escape(template)) + r"$")
    found = [m for e in at.markdown for line in e.value.splitlines()
             if (m := pattern.fullmatch(line.strip()))]
    assert len(found) == 1, (f"expected one probe line matching {template!r}, found {len(found)}: "
                             f"{[e.value for e in at.markdown]}")
    return {key: float(value) for key, value in found[0].groupdict().items()}


def markdown_table_rows(at) -> dict[str, str]:
    """First column -> second column of every markdown table on the page, wherever it
    starts in its element (header and rule rows skipped, escaped ``\\|`` restored)."""
    return {cells[0]: cells[1] for table in markdown_tables(at) for cells in table[1:] if len(cells) >= 2}


def markdown_tables(at) -> list[list[list[str]]]:
    """Every markdown table on the page as a list of rows of cells, header first, the
    rule row dropped and escaped ``\\|`` restored."""
    tables = []
    for element in at.markdown:
        lines = [line.strip() for line in element.value.splitlines()]
        i = 0
        while i + 1 < len(lines):
            if lines[i].startswith("|") and lines[i + 1].startswith("|") and set(lines[i + 1]) <= set("|-: "):
                end = i + 2
                while end < len(lines) and lines[end].startswith("|"):
                    end += 1
                tables.append([_cells(line) for line in [lines[i]] + lines[i + 2:end]])
                i = end
            else:
                i += 1
    return tables


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def visible_texts(at) -> list[str]:
    """Every user-visible string we can read: text elements, widget labels, help and
    options, metric labels, button labels, the chart's title, axis titles and trace names."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "latex", "info",
                 "warning", "error", "success", "text"):
        texts += [str(e.value) for e in at.get(kind)]
    for kind in ("selectbox", "multiselect", "slider", "toggle", "number_input", "button",
                 "checkbox", "radio", "text_input"):
        for w in at.get(kind):
            texts.append(w.label)
            texts.append(getattr(w, "help", "") or "")
            texts += [str(o) for o in getattr(w, "options", [])]
    texts += [m.label for m in at.metric] + [m.value for m in at.metric]
    for table in at.get("table") + at.get("dataframe"):
        texts.append(table.value.to_string())
    for spec in chart_specs(at):
        layout = spec["layout"]
        texts += [layout.get("title", {}).get("text", ""),
                  layout.get("xaxis", {}).get("title", {}).get("text", "")]
        texts += [tr.get("name", "") for tr in spec["data"]]
    return [t for t in texts if t]


def leaked_keys(texts: list[str], catalogue: dict) -> list[tuple[str, str]]:
    """(key, text) for every catalogue key, or key-shaped token, that appears verbatim."""
    prefixes = sorted({key.split(".")[0] for key in catalogue})
    shaped = re.compile(rf"\b(?:{'|'.join(map(re.escape, prefixes))})\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\b")
    leaks = []
    for text in texts:
        leaks += [(key, text) for key in catalogue if key in text]
        leaks += [(m.group(0), text) for m in shaped.finditer(text)]
    return sorted(set(leaks))


# --- expected values -------------------------------------------------------------------------

def format_param(value: float) -> str:
    """How a formula should show a parameter value: 4 significant digits, negatives in ()."""
    text = f"{value:.4g}"
    return f"({text})" if value < 0 else text


def _reference_module():
    """tests/reference.py (numpy/scipy closed forms). Failing to import it is an error:
    falling back to actlib would compare the app with itself."""
    try:
        import reference
    except ImportError as error:
        raise ImportError("tests/reference.py did not import: the expected values need it "
                          f"({error})") from error
    return reference


def expected(name: str, x, order: int = 0, *, independent: bool = False, **params) -> np.ndarray:
    """f (order 0), f′ (1) or f″ (2) of activation ``name`` at ``x`` with ``params``
    (the rest at the reference's documented defaults), float64.

    From tests/reference.py where it has the function and order; otherwise from
    actlib's autodiff, unless ``independent`` demands the reference.
    """
    import actlib

    x = np.asarray(x, dtype=np.float64)
    # the reference fills what ``params`` leaves out with its own documented defaults
    result = _from_reference(_reference_module(), name, x, order, params)
    if result is None:
        assert not independent, f"tests/reference.py has no order-{order} closed form for {name}"
        result = (actlib.evaluate(name, x, **params) if order == 0
                  else actlib.derivative(name, order)(x, **params))
    return np.asarray(result, dtype=np.float64)


def _from_reference(reference, name, x, order, values):
    """The reference module's answer, or None where it has none: ``REFERENCE[name]``
    gives f and f′, ``SECOND[name]`` f″ for the functions it covers."""
    if order in (0, 1):
        entry = reference.REFERENCE.get(name)
        fn = None if entry is None else (entry.f if order == 0 else entry.df)
    else:
        fn = getattr(reference, "SECOND", {}).get(name) if order == 2 else None
    if fn is None:
        return None
    with np.errstate(over="ignore", under="ignore"):  # cosh(1e4) = inf gives 1/cosh = 0, as it should
        return np.broadcast_to(fn(x, **values), x.shape)

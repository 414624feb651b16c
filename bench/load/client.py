"""A minimal Streamlit browser stand-in: speaks the app's websocket protocol, no DOM.

What the Streamlit 1.67 frontend does, and so what this does (read off
``streamlit/web/server/starlette/starlette_websocket.py``,
``streamlit/runtime/app_session.py`` and the frontend bundle's ``sendRerunBackMsg``
and ``ForwardMessageCache``):

* connect to ``ws://HOST:PORT/_stcore/stream`` with the subprotocol list
  ``["streamlit"]``; the server repurposes that header (second entry: XSRF token,
  third: a session id to reconnect to). XSRF is only checked for auth cookies when
  an Origin header is sent, so a non-browser client sends none and needs no token.
  Every frame either way is a binary protobuf: ``BackMsg`` up, ``ForwardMsg`` down.
* the first ``BackMsg.rerun_script`` (a ``ClientState``) names the page by its URL
  path in ``page_name`` (``""`` = the default page, ``"gradient_flow"``) and no
  ``page_script_hash``; later reruns send the page's ``page_script_hash`` (learnt
  from the ``navigation`` ForwardMsg) and an empty ``page_name``. Each rerun also
  carries the current query string (the app rewrites it; ``page_info_changed``
  says so), the *full* list of widget states of the widgets on screen, the hashes
  of the messages this client has cached, and ``context_info`` (timezone, locale,
  url). A widget inside an ``@st.fragment`` reruns only that fragment: the rerun
  carries ``fragment_id``, taken from the ``Delta.fragment_id`` the widget arrived in.
* the server answers with ``new_session`` (run starts), ``delta``s
  (``new_element`` / ``add_block``, each placed by ``metadata.delta_path``),
  ``page_info_changed``, ``navigation``, ``session_status_changed`` ... and
  ``script_finished`` (``FINISHED_SUCCESSFULLY`` for a full run,
  ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY`` for a fragment run).
* message cache: a ``delta`` with ``metadata.cacheable`` is kept by its ``hash``;
  the server then sends ``ref_hash`` stand-ins for messages the client said it has.
  Entries unused for ``max_cached_message_age`` runs (from ``new_session.config``)
  are dropped, as the frontend does (for a fragment run, only that fragment's).
* no keep-alive is owed: the server (uvicorn) pings at the websocket level and the
  ``websockets`` package answers by itself; ``app_heartbeat`` is only sent by the
  frontend when a host page asks, so this client has :meth:`heartbeat` but does
  not need it.

A widget's state, as the frontend keeps it: the element's ``value`` when the
server sets one (``set_value``: the script wrote its session-state key), else the
value the client already holds, else the element's ``default``. Widgets that
vanish from the page are dropped from the list (``removeInactive``). Buttons are
triggers and are only sent when clicked. Widget kinds without a known wire form
are left out of the list; the server then keeps their previous value.

Rerun latency is the time from sending the ``rerun_script`` BackMsg to receiving
its ``script_finished``. Exceptions are ``delta.new_element.exception`` elements.

    async with StreamlitClient(port, page="") as client:
        first = await client.open()
        run = await client.set_value("alpha", 1.5)   # a fragment rerun on the explorer
        print(run.latency_s, run.status_name, run.exceptions)
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

SCRIPT_FINISHED_NAMES = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "FINISHED_SUCCESSFULLY",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "FINISHED_WITH_COMPILE_ERROR",
    ForwardMsg.FINISHED_EARLY_FOR_RERUN: "FINISHED_EARLY_FOR_RERUN",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "FINISHED_FRAGMENT_RUN_SUCCESSFULLY",
}
OK_STATUSES = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
DEFAULT_MAX_CACHED_MESSAGE_AGE = 2
SLIDER, SELECT_SLIDER = 1, 2  # Slider.Type
NUMBER_INT = 0  # NumberInput.DataType.INT


class ProtocolError(RuntimeError):
    """The server said something this client did not expect (or nothing in time)."""


LIVE_CHART = "actlab.live_chart"  # ui/live_chart.py's component


def live_chart_data(proto) -> dict:
    """A live chart's data: one JSON document in bytes (ui/live_chart.py), or, from the
    app before that (``bench_rerun_cpu.py --against`` an older revision), JSON whose
    figure and frames are JSON strings inside it."""
    if proto.WhichOneof("data") == "bytes":
        return json.loads(proto.bytes)
    data = json.loads(proto.json)
    if data.get("figure_json"):
        data["figure"] = json.loads(data.pop("figure_json"))
    for slider in data.get("sliders", ()):
        if isinstance(slider.get("frames"), str):
            slider["frames"] = json.loads(slider["frames"])
    return data


@dataclass
class LiveSlider:
    """A live chart's slider (ui/live_chart.py): the component's id, and the slider."""

    component_id: str
    key: str
    name: str
    values: list
    index: int


@dataclass
class Widget:
    """One widget on screen: what the frontend knows about it."""

    id: str
    kind: str            # the Element oneof: "slider", "selectbox", "checkbox", ...
    label: str
    fragment_id: str     # "" outside any fragment
    proto: Any           # the element's own message (a copy): Slider, Selectbox, ...
    path: tuple[int, ...] = ()

    @property
    def is_select_slider(self) -> bool:
        return self.kind == "slider" and self.proto.type == SELECT_SLIDER

    @property
    def options(self) -> list[str]:
        opts = getattr(self.proto, "options", [])
        return [getattr(o, "content", o) for o in opts]

    @property
    def min(self) -> float | None:
        return self.proto.min if hasattr(self.proto, "min") else None

    @property
    def max(self) -> float | None:
        return self.proto.max if hasattr(self.proto, "max") else None

    @property
    def step(self) -> float | None:
        return self.proto.step if hasattr(self.proto, "step") else None

    def __repr__(self) -> str:
        return f"Widget({self.kind} {self.label!r} frag={self.fragment_id[:8]!r})"


@dataclass
class RunResult:
    """One script run as this client saw it."""

    latency_s: float                  # rerun_script sent -> script_finished received
    status: int                       # ForwardMsg.ScriptFinishedStatus
    fragment_id: str                  # "" for a full run
    elements: list[tuple[tuple[int, ...], Element]] = field(default_factory=list)
    exceptions: list[Any] = field(default_factory=list)  # Exception protos
    first_delta_s: float | None = None
    messages: int = 0
    bytes: int = 0
    ref_hits: int = 0                 # deltas the server sent as ref_hash (cache hits)

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES and not self.exceptions

    @property
    def status_name(self) -> str:
        return SCRIPT_FINISHED_NAMES.get(self.status, str(self.status))

    def of_kind(self, kind: str) -> list[Any]:
        return [getattr(e, kind) for _, e in self.elements if e.WhichOneof("type") == kind]


class StreamlitClient:
    """One browser tab's worth of Streamlit session, over one websocket."""

    def __init__(self, port: int, page: str = "", *, host: str = "127.0.0.1",
                 query_string: str = "", timeout: float = 60.0, timezone: str = "UTC",
                 locale: str = "en-US", headers: dict[str, str] | None = None):
        self.url = f"ws://{host}:{port}/_stcore/stream"
        self.http_url = f"http://{host}:{port}/{page}"
        self.page_name = page
        self.query_string = query_string
        self.timeout = timeout
        self.timezone, self.locale = timezone, locale
        self.headers = dict(headers or {})  # e.g. the Cookie a proxy keeps a student on
        self.ws = None
        self.session_id = ""
        self.page_script_hash = ""                    # from `navigation`
        self.elements: dict[tuple[int, ...], tuple[str, Element]] = {}  # path -> (fragment, element)
        self.states: dict[str, WidgetState] = {}      # widget id -> what we'd send
        self._seq = 0                                  # live sliders' commit numbers
        self._cache: dict[str, list] = {}             # hash -> [ForwardMsg, run count, fragment]
        # path -> (element, its live chart data): parsed once per element this client holds.
        # Parsed on every widget look-up (3 or 4 per move, each a few hundred kB of JSON), it
        # was 78 % of a 40-student load generator's time (py-spy), enough to saturate it: the
        # latencies it measured were mostly its own queue.
        self._live_data: dict[tuple[int, ...], tuple[Element, dict]] = {}
        self._run_count = 0
        self._max_age = DEFAULT_MAX_CACHED_MESSAGE_AGE
        self.runs = 0
        self.exceptions_total = 0

    # -- connection -----------------------------------------------------------------
    async def connect(self) -> "StreamlitClient":
        self.ws = await asyncio.wait_for(websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout,
            additional_headers=self.headers or None,
            ping_interval=None,  # the server pings; we answer (websockets does it for us)
            close_timeout=2), self.timeout)
        return self

    def response_header(self, name: str) -> str | None:
        """A header of the server's answer to the websocket upgrade (a proxy's, say)."""
        return None if self.ws is None else self.ws.response.headers.get(name)

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.close()
            finally:
                self.ws = None

    async def __aenter__(self) -> "StreamlitClient":
        return await self.connect()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # -- the page as it stands --------------------------------------------------------
    @property
    def widgets(self) -> dict[str, Widget]:
        """Widgets on screen after the last run, by id (document order)."""
        out = {}
        for path in sorted(self.elements):
            frag, element = self.elements[path]
            kind = element.WhichOneof("type")
            proto = getattr(element, kind)
            wid = getattr(proto, "id", "") if kind != "plotly_chart" else ""
            if kind == "bidi_component" and proto.component_name == LIVE_CHART:
                for slider in self._live_chart(path, element)["sliders"]:  # ui/live_chart.py's sliders
                    live = LiveSlider(proto.id, **{k: slider[k] for k in ("key", "name", "values", "index")})
                    out[f"{proto.id}-{slider['key']}"] = Widget(
                        f"{proto.id}-{slider['key']}", "live_slider", slider["label"], frag, live, path)
            elif wid and kind not in ("download_button",):
                out[wid] = Widget(wid, kind, getattr(proto, "label", ""), frag, proto, path)
        return out

    def _live_chart(self, path: tuple[int, ...], element: Element) -> dict:
        held = self._live_data.get(path)
        if held is None or held[0] is not element:
            held = self._live_data[path] = (element, live_chart_data(element.bidi_component))
        return held[1]

    def widget(self, label: str, kind: str | None = None) -> Widget:
        """The on-screen widget with this label (or whose id ends with ``-label``: a key)."""
        matches = [w for w in self.widgets.values()
                   if (w.label == label or w.id.endswith("-" + label)
                       or (w.kind == "live_slider" and w.proto.name == label))
                   and (kind is None or w.kind == kind)]
        if not matches:
            shown = sorted({w.label for w in self.widgets.values()})
            raise KeyError(f"no widget {label!r} on the page; there are {shown}")
        return matches[0]

    def value(self, label: str) -> Any:
        """The value this client holds for a widget, in the server's terms (sliders:
        a float or a (lo, hi) tuple; select sliders: the option label)."""
        w = self.widget(label)
        if w.kind == "live_slider":  # the value the server last drew
            return w.proto.values[w.proto.index]
        return _decode(w, self.states.get(w.id))

    def charts(self, kind: str = "plotly_chart") -> list[Any]:
        return [getattr(e, kind) for _, (_, e) in sorted(self.elements.items())
                if e.WhichOneof("type") == kind]

    def plotly_spec(self, key: str | None = None) -> dict:
        """The decoded Plotly figure JSON of the (first, or keyed) chart on screen: a
        live chart's committed figure, or an st.plotly_chart's spec."""
        for live in self.charts("bidi_component"):
            data = live_chart_data(live) if live.component_name == LIVE_CHART else {}
            if data.get("figure") and (key is None or live.id.endswith("-" + key)):
                return data["figure"]
        for chart in self.charts():
            if key is None or chart.id.endswith("-" + key):
                return json.loads(chart.spec)
        raise KeyError(f"no plotly chart {key!r} on the page")

    # -- runs -------------------------------------------------------------------------
    async def open(self) -> RunResult:
        """Connect (if needed) and run the page once, as a browser's first load does."""
        if self.ws is None:
            await self.connect()
        return await self.rerun()

    async def rerun(self, changes: dict[str, WidgetState] | None = None,
                    fragment_id: str = "", trigger: str | None = None) -> RunResult:
        """Send one ``rerun_script`` with every widget's state (``changes`` applied
        over them, by widget id) and wait for its ``script_finished``."""
        states = dict(self.states)
        states.update(changes or {})
        if trigger is not None:
            states[trigger] = WidgetState(id=trigger, trigger_value=True)
        active = self.widgets if self.elements else {}
        client_state = ClientState(query_string=self.query_string, fragment_id=fragment_id)
        if self.page_script_hash:
            client_state.page_script_hash = self.page_script_hash
        else:
            client_state.page_name = self.page_name
        client_state.widget_states.SetInParent()
        client_state.widget_states.widgets.extend(
            s for wid, s in states.items() if wid in active or wid in (changes or {}) or wid == trigger)
        client_state.cached_message_hashes.extend(self._cache)
        ctx = client_state.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = self.timezone, 0, self.locale
        ctx.url, ctx.is_embedded, ctx.color_scheme = self.http_url, False, "light"
        for wid, s in (changes or {}).items():  # the frontend keeps what it sent
            self.states[wid] = s
        msg = BackMsg(rerun_script=client_state)
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await self._read_run(started, fragment_id)

    async def set_value(self, label: str, value: Any, *, fragment: bool = True) -> RunResult:
        """Move one widget (by label or key) to ``value`` and rerun, the way the
        browser does: a fragment rerun when the widget lives in a fragment (unless
        ``fragment=False``), a full rerun otherwise."""
        w = self.widget(label)
        if w.kind == "live_slider":  # what the browser sends on release: the component's state
            self._seq += 1
            commit = {"commit": {"seq": self._seq, "name": w.proto.name, "value": float(value)}}
            state = WidgetState(id=w.proto.component_id, json_value=json.dumps(commit))
            return await self.rerun({w.proto.component_id: state},
                                    fragment_id=w.fragment_id if fragment else "")
        state = _encode(w, value)
        return await self.rerun({w.id: state}, fragment_id=w.fragment_id if fragment else "")

    async def click(self, label: str) -> RunResult:
        w = self.widget(label, "button")
        return await self.rerun(fragment_id=w.fragment_id, trigger=w.id)

    async def heartbeat(self) -> None:
        """``app_heartbeat``: the server answers ``heartbeat_ack`` (only sent by the
        frontend when an embedding host asks; not needed to keep a session)."""
        await self.ws.send(BackMsg(app_heartbeat=True).SerializeToString())

    async def _recv(self, deadline: float) -> tuple[ForwardMsg, int]:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise ProtocolError(f"no script_finished within {self.timeout:.0f} s")
        try:
            data = await asyncio.wait_for(self.ws.recv(), left)
        except asyncio.TimeoutError:
            raise ProtocolError(f"no script_finished within {self.timeout:.0f} s") from None
        msg = ForwardMsg()
        msg.ParseFromString(data)
        return msg, len(data)

    async def _read_run(self, started: float, fragment_id: str) -> RunResult:
        deadline = started + self.timeout
        result = RunResult(0.0, -1, fragment_id)
        seen_new_session = False
        run_fragments: list[str] = []
        run_id = ""
        touched: set[tuple[int, ...]] = set()
        while True:
            msg, size = await self._recv(deadline)
            result.messages += 1
            result.bytes += size
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                cached = self._cache.get(msg.ref_hash)
                if cached is None:
                    raise ProtocolError(f"cache miss for ref_hash {msg.ref_hash}")
                cached[1] = self._run_count
                full = ForwardMsg()
                full.CopyFrom(cached[0])
                full.metadata.CopyFrom(msg.metadata)
                msg, kind = full, full.WhichOneof("type")
                result.ref_hits += 1
            elif kind == "delta" and msg.metadata.cacheable and msg.hash:
                self._cache.setdefault(msg.hash, [msg, self._run_count, msg.delta.fragment_id])

            if kind == "new_session":
                seen_new_session = True
                ns = msg.new_session
                if ns.HasField("initialize"):
                    self.session_id = ns.initialize.session_id
                if ns.HasField("config") and ns.config.max_cached_message_age:
                    self._max_age = ns.config.max_cached_message_age
                run_fragments = list(msg.metadata.run.fragment_ids)
                run_id = msg.metadata.run.script_run_id
            elif kind == "navigation":
                self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta":
                if result.first_delta_s is None:
                    result.first_delta_s = time.perf_counter() - started
                path = tuple(msg.metadata.delta_path)
                delta = msg.delta
                if delta.WhichOneof("type") == "new_element":
                    element = delta.new_element
                    self.elements[path] = (delta.fragment_id, element)
                    touched.add(path)
                    result.elements.append((path, element))
                    if element.WhichOneof("type") == "exception":
                        result.exceptions.append(element.exception)
                    self._learn_widget(delta.fragment_id, element)
                elif delta.WhichOneof("type") == "add_block":
                    touched.add(path)
            elif kind == "script_finished":
                if not seen_new_session and msg.script_finished != ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    continue  # the end of an earlier run: not ours
                ended = msg.metadata.run.script_run_id
                if run_id and ended and ended != run_id:
                    continue  # says which run it ends, and it is not this one
                result.status = msg.script_finished
                result.latency_s = time.perf_counter() - started
                self._finish_run(run_fragments or ([fragment_id] if fragment_id else []), touched,
                                 msg.script_finished)
                self.runs += 1
                self.exceptions_total += len(result.exceptions)
                return result

    def _finish_run(self, fragments: list[str], touched: set, status: int) -> None:
        """What the frontend does at the end of a run: drop stale elements (all of a
        full run's untouched ones; a fragment run's own untouched ones), forget the
        widgets that left, and age the message cache."""
        if status in OK_STATUSES:
            for path, (frag, _) in list(self.elements.items()):
                if path in touched:
                    continue
                if not fragments or frag in fragments:
                    del self.elements[path]
            for path in [p for p in self._live_data if p not in self.elements]:
                del self._live_data[path]
            active = self.widgets
            for wid in list(self.states):
                if wid not in active:
                    del self.states[wid]
        self._run_count += 1
        for h, (m, used, frag) in list(self._cache.items()):
            if fragments and (not frag or frag not in fragments):
                continue
            if self._run_count - used > self._max_age:
                del self._cache[h]

    def _learn_widget(self, fragment_id: str, element: Element) -> None:
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        wid = getattr(proto, "id", "")
        if not wid or kind in ("plotly_chart", "download_button", "button"):
            return
        w = Widget(wid, kind, getattr(proto, "label", ""), fragment_id, proto)
        if getattr(proto, "set_value", False) or wid not in self.states:
            state = _initial_state(w)
            if state is not None:
                self.states[wid] = state


# -- wire forms of widget values ----------------------------------------------------------

def _initial_state(w: Widget) -> WidgetState | None:
    """The state the frontend would hold for a freshly drawn (or server-set) widget."""
    p, use_value = w.proto, getattr(w.proto, "set_value", False)
    s = WidgetState(id=w.id)
    if w.kind == "slider":
        raw = list(p.value) if use_value and len(p.value) else list(p.default)
        if w.is_select_slider:  # a server-set select slider says its options in raw_value
            labels = list(p.raw_value) if use_value and len(p.raw_value) else \
                [p.options[int(round(i))] for i in raw]
            s.string_array_value.data.extend(labels)
        else:
            s.double_array_value.data.extend(raw)
    elif w.kind == "selectbox":
        if use_value:
            if p.HasField("raw_value"):
                s.string_value = p.raw_value
            else:
                return None  # cleared: nothing to send
        elif p.HasField("default") and 0 <= p.default < len(p.options):
            s.string_value = p.options[p.default]
        else:
            return None
    elif w.kind == "multiselect":
        values = list(p.raw_values) if use_value else [p.options[i] for i in p.default]
        s.string_array_value.data.extend(values)
    elif w.kind == "button_group":
        values = list(p.raw_values) if use_value else [p.options[i].content for i in p.default]
        s.string_array_value.data.extend(values)
    elif w.kind == "checkbox":
        s.bool_value = p.value if use_value else p.default
    elif w.kind == "number_input":
        if use_value and not p.HasField("value"):
            return None
        v = p.value if use_value else p.default
        if p.data_type == NUMBER_INT:
            s.int_value = int(v)
        else:
            s.double_value = v
    else:
        return None
    return s


def _encode(w: Widget, value: Any) -> WidgetState:
    """``value`` as the frontend would send it for widget ``w``."""
    s = WidgetState(id=w.id)
    p = w.proto
    if w.kind == "slider" and w.is_select_slider:
        values = list(value) if isinstance(value, (tuple, list)) else [value]
        s.string_array_value.data.extend(str(v) for v in values)
    elif w.kind == "slider":
        values = list(value) if isinstance(value, (tuple, list)) else [value]
        s.double_array_value.data.extend(float(v) for v in values)
    elif w.kind == "selectbox":
        s.string_value = str(value)
    elif w.kind in ("multiselect", "button_group"):
        values = list(value) if isinstance(value, (tuple, list)) else [value]
        s.string_array_value.data.extend(str(v) for v in values)
    elif w.kind == "checkbox":
        s.bool_value = bool(value)
    elif w.kind == "number_input":
        if p.data_type == NUMBER_INT:
            s.int_value = int(value)
        else:
            s.double_value = float(value)
    else:
        raise TypeError(f"don't know how to send a value for a {w.kind}")
    return s


def _decode(w: Widget, s: WidgetState | None) -> Any:
    if s is None:
        return None
    field_name = s.WhichOneof("value")
    if field_name is None:
        return None
    v = getattr(s, field_name)
    if field_name.endswith("_array_value"):
        items = list(v.data)
        if w.kind == "slider" and len(items) == 1:
            return items[0]
        return tuple(items) if w.kind == "slider" else items
    return v


def slider_values(w: Widget) -> list[float]:
    """Every value a numeric slider can take (its step grid), or the option labels
    of a select slider."""
    if w.kind == "live_slider":
        return list(w.proto.values)
    if w.is_select_slider:
        return list(w.proto.options)
    lo, hi, step = w.proto.min, w.proto.max, w.proto.step or 1.0
    n = int(round((hi - lo) / step))
    return [round(lo + i * step, 10) for i in range(n + 1)]


def exception_text(exc: Any) -> str:
    return f"{exc.type}: {exc.message}" + ("\n" + "\n".join(exc.stack_trace) if exc.stack_trace else "")


def summarize_widgets(widgets: Iterable[Widget]) -> list[str]:
    return [f"{w.kind:12s} {w.label!r} frag={w.fragment_id[:8] or '-'}" for w in widgets]

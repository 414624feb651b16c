"""Shareable links, driven headlessly with Streamlit's AppTest.

A link (``at.query_params`` set before the first run) restores the exact view on each
page, sidebar included; after every run the URL holds every control's value, and moving
a control rewrites it. Any bad link, hypothesis-generated or hand-made (swapped range,
a depth the server can't afford, markdown/HTML in keys and values, a 10 kB value,
repeated keys), gives no exception, a chart, the defaults for what was bad and a polite
🔗 notice naming each bad parameter, neutralised.

Bugs these tests found and that were fixed keep a test here; open ones are strict xfails
whose reasons say how to reproduce them.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import actlib
from actlib import urlstate
from actlib.text import t
from actlib.urlstate import MAX_RAW, page_fields
from apptest_helpers import (
    APP, chart_count, chart_spec, chart_specs, chart_traces, decode_array, expected, keep_running_app_py, live_slider,
    live_charts, live_sliders,
    probe_readouts, trace_named,
)

TIMEOUT = 90
FLOW_PAGE = "pages/gradient_flow.py"
NAMES = actlib.names()
LINK_ICON = "🔗"
MAX_NOTICES = 5  # ui.url_sync shows this many notices, then "...and N more"
SHOWN_MAX = 40   # and cuts a shown key or value to this many characters
RESERVED = {"embed", "embed_options"}  # Streamlit keeps these out of st.query_params


# --- running the app -----------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def _app_py_every_run():
    with pytest.MonkeyPatch.context() as mp:
        keep_running_app_py(mp)
        yield


def open_link(query: dict | None = None, page: str = "explorer"):
    """A fresh session opening ``query`` on ``page``; not checked (the caller does)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if page == "flow":
        at.switch_page(FLOW_PAGE)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def no_exception(at) -> None:
    assert not at.exception, "the app raised:\n" + "\n\n".join(
        f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def rerun(at):
    at.run()
    no_exception(at)
    return at


def notices(at) -> list[str]:
    return [w.value for w in at.warning if w.icon == LINK_ICON]


def other_warnings(at) -> list[str]:
    return [w.value for w in at.warning if w.icon != LINK_ICON]


def state_values(at, page: str) -> dict:
    """The session state as urlstate sees it (the x-range slider as its two fields)."""
    values = {k: at.session_state[k] for k in at.session_state if isinstance(k, str)}
    if "explorer.x_range" in values:
        values["explorer.x_min"], values["explorer.x_max"] = values["explorer.x_range"]
    return values


def current_fields(at, page: str) -> list[urlstate.Field]:
    act_key = "explorer.activation" if page == "explorer" else "flow.activation"
    # outside a lesson the lesson's fields have no value, and the URL must not carry them
    return [f for f in page_fields(page, at.session_state[act_key]) if f not in urlstate.LESSON_FIELDS]


def assert_url_holds_every_control(at, page: str) -> dict[str, str]:
    """The URL after the run is every field of the page with the controls' values, nothing else."""
    fields = current_fields(at, page)
    want = urlstate.encode(state_values(at, page), fields)
    assert list(want) == [f.key for f in fields], "a field without a value in session state"
    assert dict(at.query_params) == want  # (a link's own key order is kept)
    return want


# --- reading notices back ------------------------------------------------------------------

def _template(key: str, lang: str = "en") -> re.Pattern:
    """The catalogue template ``key`` as a regex, each ``{slot}`` a named group."""
    from actlib.text import CATALOGUE

    parts = re.split(r"\{(\w+)\}", CATALOGUE[key][lang])
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts))
    return re.compile(pattern + r"$", re.S)


def read_notices(at, lang: str = "en") -> tuple[list[dict], int]:
    """Every 🔗 notice parsed back: [{"param", "raw", "reason", "default"} or {"param"}],
    and the count of the "...and N more" notice (0 when absent)."""
    notice, unknown, more = (_template(k, lang) for k in ("url.notice", "url.unknown", "url.more"))
    parsed, extra = [], 0
    for text in notices(at):
        if m := notice.match(text):
            parsed.append(m.groupdict())
        elif m := unknown.match(text):
            parsed.append(m.groupdict())
        elif m := more.match(text):
            extra = int(m.group("count"))
        else:
            raise AssertionError(f"a 🔗 notice in no known form: {text!r}")
    return parsed, extra


def _neutralised(raw: str) -> str:
    return "".join(c if c.isalnum() or c in " .,-+" else "·" for c in raw)


def shows(text: str, raw: str) -> bool:
    """Whether a notice's ``text`` shows the link's ``raw`` key or value as it should:
    letters, digits, space and .,-+ kept, every other character a middle dot; cut to
    40 characters and an ellipsis."""
    if len(raw) <= SHOWN_MAX:
        return text == _neutralised(raw)
    return text[:SHOWN_MAX] == _neutralised(raw[:SHOWN_MAX]) and text[SHOWN_MAX:] == "…"


NEUTRAL = re.compile(r"^[\w .,+\-·…]*$")  # nothing markdown or HTML could act on


def assert_neutral(text: str) -> None:
    assert NEUTRAL.match(text) and "_" not in text, f"not neutralised: {text!r}"
    assert not set(text) & set("<>*`[]()#\\|!~_&"), text


# --- a link restores the exact view ----------------------------------------------------------

EXPLORER_LINK = {"act": "selu", "alpha": "2.5", "scale": "1.2", "xmin": "-3", "xmax": "4",
                 "second": "1", "overlay": "relu,tanh", "probe": "1.5", "lang": "ja",
                 "presenter": "1"}


def test_explorer_link_restores_the_exact_view():
    at = open_link(EXPLORER_LINK)
    no_exception(at)
    assert notices(at) == []
    # every control
    assert at.selectbox(key="explorer.activation").value == "selu"
    assert live_slider(at, key="param.selu.alpha").value == 2.5
    assert live_slider(at, key="param.selu.scale").value == 1.2
    assert at.slider(key="explorer.x_range").value == (-3.0, 4.0)
    assert at.toggle(key="explorer.show_second").value is True
    assert at.multiselect(key="explorer.overlays").value == ["relu", "tanh"]
    assert at.number_input(key="explorer.probe_x").value == 1.5
    assert at.selectbox(key="lang").value == "ja"
    assert at.toggle(key="presenter").value is True
    # in Japanese, presenter mode (controls folded into an expander)
    assert [e.value for e in at.title] == [t("explorer.title", "ja")]
    assert t("explorer.controls", "ja") in [e.label for e in at.expander]
    # the chart draws exactly that
    traces = chart_traces(at)
    f = trace_named(traces, t("chart.f", "ja"))
    assert f.x[0] == -3.0 and f.x[-1] == 4.0 and len(f.x) == 301
    np.testing.assert_allclose(f.y, expected("selu", f.x, 0, alpha=2.5, scale=1.2), rtol=1e-5, atol=1e-5)
    df = trace_named(traces, t("chart.df", "ja"))
    np.testing.assert_allclose(df.y, expected("selu", df.x, 1, alpha=2.5, scale=1.2), rtol=1e-5, atol=1e-5)
    trace_named(traces, t("chart.d2f", "ja"))
    for name in ("relu", "tanh"):
        overlay = trace_named(traces, t(f"act.{name}.title", "ja"))
        np.testing.assert_allclose(overlay.y, expected(name, overlay.x, 0), rtol=1e-5, atol=1e-5)
    readout = probe_readouts(at, "ja")
    assert readout["x"] == 1.5
    assert readout["f"] == pytest.approx(float(expected("selu", [1.5], 0, alpha=2.5, scale=1.2)[0]), rel=1e-5)
    # and the URL is the link, every other control added at its value
    url = assert_url_holds_every_control(at, "explorer")
    assert {k: url[k] for k in EXPLORER_LINK} == EXPLORER_LINK


FLOW_LINK = {"depth": "120", "act": "sigmoid", "init": "he", "gain": "1.5", "residual": "1",
             "view": "forward", "layer": "7"}


def test_flow_link_restores_the_exact_view():
    at = open_link(FLOW_LINK, page="flow")
    no_exception(at)
    assert notices(at) == []
    assert [e.value for e in at.title] == [t("flow.title", "en")]
    assert live_slider(at, "flow.depth").value == 120
    assert at.selectbox(key="flow.activation").value == "sigmoid"
    assert at.selectbox(key="flow.init").value == "he"
    assert live_slider(at, "flow.gain").value == 1.5
    assert at.toggle(key="flow.residual").value is True
    assert at.selectbox(key="flow.norm").value == "none"
    assert at.session_state["flow.view"] == "forward"
    assert at.slider(key="flow.layer").value == 7
    assert at.select_slider(key="flow.width").value == 128
    # the forward view: the histogram of layer 7, and the unit fractions over 120 layers
    charts = chart_specs(at)
    assert len(charts) == 2
    names = [tr.get("name", "") for c in charts for tr in c["data"]]
    assert t("flow.histogram", "en", layer=7) in names, names
    fractions = [c for c in charts if any(tr.get("name") == t("flow.dead") for tr in c["data"])]
    assert len(fractions) == 1
    dead = [tr for tr in fractions[0]["data"] if tr.get("name") == t("flow.dead")][0]
    assert len(decode_array(dead["x"])) == 120
    url = assert_url_holds_every_control(at, "flow")
    assert {k: url[k] for k in FLOW_LINK} == FLOW_LINK


def test_flow_link_with_parameters_and_japanese():
    # (the stack's shape is the one the test below ends on: one JAX compile for both)
    link = {"act": "elu", "alpha": "2.5", "width": "64", "residual": "1", "seed": "12",
            "lang": "ja", "presenter": "1", "view": "training", "steps": "30", "lr": "0.1",
            "bias": "0.2", "init": "orthogonal", "depth": "30"}
    at = open_link(link, page="flow")
    no_exception(at)
    assert notices(at) == []
    assert [e.value for e in at.title] == [t("flow.title", "ja")]
    assert at.toggle(key="presenter").value is True
    assert at.slider(key="flow.param.elu.alpha").value == 2.5
    assert at.select_slider(key="flow.width").value == 64
    assert at.toggle(key="flow.residual").value is True
    assert at.number_input(key="flow.seed").value == 12
    assert at.slider(key="flow.steps").value == 30
    assert at.select_slider(key="flow.learning_rate").value == 0.1
    assert at.slider(key="flow.bias").value == 0.2
    assert at.selectbox(key="flow.init").value == "orthogonal"
    assert chart_count(at) == 2  # the training heat map and the dead units
    url = assert_url_holds_every_control(at, "flow")
    assert {k: url[k] for k in link} == link


@pytest.mark.parametrize("page,view", [("explorer", None), ("flow", "backward"),
                                       ("flow", "forward"), ("flow", "training")])
def test_a_plain_visit_writes_every_control_into_the_url(page, view):
    at = open_link({"view": view} if view else None, page=page)
    no_exception(at)
    url = assert_url_holds_every_control(at, page)
    defaults = {f.key: f.encode(f.default) for f in current_fields(at, page)}
    assert url == defaults | ({"view": view} if view else {})


@pytest.mark.parametrize("page,view", [("explorer", None), ("flow", "backward"),
                                       ("flow", "forward"), ("flow", "training")])
def test_every_control_on_the_page_is_a_url_field(page, view):
    """The widgets a run creates (their keys) are exactly the page's URL fields shown in that view."""
    at = open_link({"view": view} if view else None, page=page)
    no_exception(at)
    kinds = ("slider", "select_slider", "selectbox", "multiselect", "toggle", "checkbox",
             "number_input", "text_input", "radio", "button_group", "text_area", "date_input",
             "time_input", "color_picker")
    widgets = {w.key for kind in kinds for w in at.get(kind)} | {s.key for s in live_sliders(at)}
    assert None not in widgets, "a control without a key cannot be restored from a link"
    fields = {f.state_key for f in current_fields(at, page)}
    if page == "explorer":
        fields = fields - {"explorer.x_min", "explorer.x_max"} | {"explorer.x_range"}
    hidden = {"forward": {"flow.steps", "flow.learning_rate"},
              "backward": {"flow.layer", "flow.steps", "flow.learning_rate"},
              "training": {"flow.layer"}}.get(view, set())
    assert widgets == fields - hidden


def test_widget_ranges_match_the_url_fields():
    """A link can hold exactly what the control can: the same bounds, the same options."""
    at = open_link({"act": "selu"})
    by_key = {f.state_key: f for f in current_fields(at, "explorer")}
    for key in ("param.selu.alpha", "param.selu.scale"):
        s = live_slider(at, key=key)
        assert (s.min, s.max) == (by_key[key].lo, by_key[key].hi), key
    x = at.slider(key="explorer.x_range")
    assert (x.min, x.max) == (by_key["explorer.x_min"].lo, by_key["explorer.x_min"].hi)
    assert (x.min, x.max) == (by_key["explorer.x_max"].lo, by_key["explorer.x_max"].hi)
    probe = at.number_input(key="explorer.probe_x")
    assert (probe.min, probe.max) == (by_key["explorer.probe_x"].lo, by_key["explorer.probe_x"].hi)
    assert len(at.selectbox(key="explorer.activation").options) == len(by_key["explorer.activation"].choices)

    # the stack of the Japanese link above: no new JAX compile
    at = open_link({"view": "training", "act": "elu", "width": "64", "residual": "1", "depth": "30",
                    "steps": "30", "lr": "0.1"}, page="flow")
    by_key = {f.state_key: f for f in current_fields(at, "flow")}
    for key in ("flow.depth", "flow.gain", "flow.bias", "flow.steps", "flow.param.elu.alpha"):
        s = live_slider(at, key) if key in ("flow.depth", "flow.gain") else at.slider(key=key)
        assert (s.min, s.max) == (by_key[key].lo, by_key[key].hi), key
    seed = at.number_input(key="flow.seed")
    assert (seed.min, seed.max) == (by_key["flow.seed"].lo, by_key["flow.seed"].hi)
    for key in ("flow.width", "flow.batch"):
        assert at.select_slider(key=key).options == [str(c) for c in by_key[key].choices], key
    assert len(at.selectbox(key="flow.init").options) == len(by_key["flow.init"].choices)


# --- the URL follows the controls -----------------------------------------------------------

def test_moving_explorer_controls_rewrites_the_url():
    at = open_link({"act": "selu"})
    no_exception(at)
    live_slider(at, key="param.selu.alpha").set_value(2.0)
    rerun(at)
    assert at.query_params["alpha"] == "2"
    at.slider(key="explorer.x_range").set_value((-2.5, 7.0))
    rerun(at)
    assert (at.query_params["xmin"], at.query_params["xmax"]) == ("-2.5", "7")
    at.toggle(key="explorer.show_second").set_value(True)
    at.multiselect(key="explorer.overlays").set_value(["gelu"])
    at.number_input(key="explorer.probe_x").set_value(-0.25)
    rerun(at)
    assert (at.query_params["second"], at.query_params["overlay"], at.query_params["probe"]) == \
        ("1", "gelu", "-0.25")
    at.selectbox(key="explorer.activation").set_value("swish")
    rerun(at)
    assert at.query_params["act"] == "swish" and at.query_params["beta"] == "1"
    assert "alpha" not in at.query_params and "scale" not in at.query_params
    at.selectbox(key="lang").set_value("ja")
    at.toggle(key="presenter").set_value(True)
    rerun(at)
    assert (at.query_params["lang"], at.query_params["presenter"]) == ("ja", "1")
    url = assert_url_holds_every_control(at, "explorer")
    # and the URL, opened in a new session, is the same view
    again = open_link(url)
    no_exception(again)
    assert notices(again) == []
    for f in current_fields(at, "explorer"):
        assert state_values(again, "explorer")[f.state_key] == state_values(at, "explorer")[f.state_key], f.key
    assert dict(again.query_params) == url


def test_moving_flow_controls_rewrites_the_url():
    at = open_link(None, page="flow")
    no_exception(at)
    live_slider(at, "flow.depth").set_value(30)
    rerun(at)
    assert at.query_params["depth"] == "30"
    at.select_slider(key="flow.width").set_value(64)
    live_slider(at, "flow.gain").set_value(1.25)
    at.toggle(key="flow.residual").set_value(True)
    rerun(at)
    assert (at.query_params["width"], at.query_params["gain"], at.query_params["residual"]) == \
        ("64", "1.25", "1")
    at.selectbox(key="flow.activation").set_value("elu")
    rerun(at)
    assert at.query_params["act"] == "elu" and at.query_params["alpha"] == "1"
    at.slider(key="flow.param.elu.alpha").set_value(0.5)
    rerun(at)
    assert at.query_params["alpha"] == "0.5"
    assert_url_holds_every_control(at, "flow")


# --- bad links -------------------------------------------------------------------------------

def rejects(field: urlstate.Field, raw: str) -> bool:
    try:
        field.parse(raw)
    except ValueError:
        return True
    return False


def junk_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=30),
        st.sampled_from(["", " ", "nan", "inf", "-inf", "1e309", "9" * 60, "-1", "1,5", "½",
                         "<script>alert(1)</script>", "**x**", "`x`", "[a](b)", "_x_", "# h",
                         "relu,nope", "ELU", "0x10", "yes please", "1001", "0", "x" * (MAX_RAW + 3)]),
        st.integers(-10**25, 10**25).map(str),
        st.floats().map(repr),
    )


@st.composite
def bad_link(draw, page: str):
    """(query, act the page should end on, {bad known key: field}, [junk keys])."""
    default_act = "elu" if page == "explorer" else "sigmoid"
    acts = NAMES if page == "explorer" else ("tanh", "relu", "selu")  # flow: few compiles
    act = draw(st.sampled_from([None, *acts]))
    query: dict[str, str] = {} if act is None else {"act": act}
    bad: dict[str, urlstate.Field] = {}
    fields = {f.key: f for f in page_fields(page, act)}  # a bad act: the default's fields apply
    for key in draw(st.lists(st.sampled_from(sorted(fields)), unique=True, max_size=4)):
        if key in query:
            continue
        field = fields[key]
        query[key] = draw(junk_text().filter(lambda raw, f=field: rejects(f, raw)))
        bad[key] = field
    known = {f.key for f in page_fields(page, query.get("act"))}
    junk = draw(st.lists(st.text(min_size=1, max_size=20).filter(
        lambda k: k not in known and k.lower() not in RESERVED), unique=True, max_size=3))
    for key in junk:
        query[key] = draw(junk_text())
    final_act = query.get("act") if query.get("act") in NAMES else default_act
    return query, final_act, bad, junk


def check_bad_link(at, page: str, query: dict, final_act: str, bad: dict, junk: list) -> None:
    no_exception(at)
    assert chart_specs(at), "no chart"
    problems = [k for k in query if k in bad or k in junk]  # in the link's order
    parsed, more = read_notices(at)
    assert len(parsed) == min(len(problems), MAX_NOTICES)
    assert more == max(0, len(problems) - MAX_NOTICES)
    for key, notice in zip(problems, parsed):
        assert shows(notice["param"], key), (key, notice)
        assert_neutral(notice["param"])
        if key in bad:
            assert notice["raw"].startswith("“") and notice["raw"].endswith("”"), notice
            assert shows(notice["raw"][1:-1], query[key]), (query[key], notice)
            assert_neutral(notice["raw"].strip("“”"))
            field = bad[key]
            used = field.keep_valid(query[key]) if field.kind == "choices" else field.default
            if used == field.default:  # (a list that kept names: see the xfail on its notice)
                assert notice["default"] == (field.encode(field.default) or "—")
        else:
            assert set(notice) == {"param"}, f"{key!r} is not a field, yet the notice says {notice}"
    # the controls hold the defaults for what was bad
    act_key = "explorer.activation" if page == "explorer" else "flow.activation"
    assert at.session_state[act_key] == final_act
    for key, field in bad.items():
        if field in urlstate.LESSON_FIELDS:  # not a control: a bad lesson or step opens no lesson
            assert "lesson.key" not in at.session_state and "lesson.step" not in at.session_state
            continue
        state_key = "explorer.x_range" if field.state_key in ("explorer.x_min", "explorer.x_max") \
            else field.state_key
        value = at.session_state[state_key]
        if state_key == "explorer.x_range":
            value = value[0] if key == "xmin" else value[1]
        # a list keeps the names it knows; any other bad value falls back to the default
        want = field.keep_valid(query[key]) if field.kind == "choices" else field.default
        assert value == want, (key, query[key], value)
        assert at.query_params[key] == field.encode(want)
    # and the URL is this page's, every junk key gone
    assert_url_holds_every_control(at, page)


FUZZ = settings(max_examples=30, deadline=None,  # derandomized in CI: tests/conftest.py
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(link=bad_link("explorer"))
def test_fuzzed_explorer_links(link):
    query, final_act, bad, junk = link
    event(f"problems: {sum(k in bad or k in junk for k in query)}")
    check_bad_link(open_link(query), "explorer", query, final_act, bad, junk)


@settings(FUZZ, max_examples=25)
@given(link=bad_link("flow"))
def test_fuzzed_flow_links(link):
    query, final_act, bad, junk = link
    event(f"problems: {sum(k in bad or k in junk for k in query)}")
    check_bad_link(open_link(query, page="flow"), "flow", query, final_act, bad, junk)


# --- specific nasty links ---------------------------------------------------------------------

def test_swapped_range_is_read_the_right_way_round():
    at = open_link({"xmin": "4", "xmax": "-3"})
    no_exception(at)
    assert notices(at) == []
    assert at.slider(key="explorer.x_range").value == (-3.0, 4.0)
    f = trace_named(chart_traces(at), t("chart.f"))
    assert (f.x[0], f.x[-1]) == (-3.0, 4.0)
    assert (at.query_params["xmin"], at.query_params["xmax"]) == ("-3", "4")


def test_empty_range_still_draws():
    at = open_link({"xmin": "2", "xmax": "2"})
    no_exception(at)
    f = trace_named(chart_traces(at), t("chart.f"))
    assert f.x[0] < 2.0 < f.x[-1] and np.isfinite(f.y).all()


def test_depth_the_server_cannot_afford_falls_back_with_a_warning():
    from actlib import flow

    at = open_link({"depth": "1000", "width": "1024"}, page="flow")
    no_exception(at)
    allowed = flow.affordable_depth(1024, 64)
    assert allowed < 1000
    assert t("flow.too_big", "en", depth=1000, width=1024, batch=64, allowed=allowed) in other_warnings(at)
    assert notices(at) == []  # a valid link: the page explains, the link is not blamed
    spec = chart_spec(at)
    assert spec["layout"]["xaxis"]["range"] == [0.5, allowed + 0.5]
    assert at.query_params["depth"] == "1000"  # the link keeps what was asked


def test_markdown_and_html_in_keys_and_values_are_neutralised():
    query = {"alpha": "<script>alert('x')</script>", "overlay": "**bold**,`code`",
             "<img src=x onerror=alert(1)>": "1", "**k**": "`v`", "[l](javascript:x)": "_i_",
             "probe": "# heading"}
    at = open_link(query)
    no_exception(at)
    assert live_charts(at)
    parsed, more = read_notices(at)
    assert len(parsed) == MAX_NOTICES and more == 1
    for notice in parsed:
        for part in ("param", "raw"):
            if part in notice:
                assert_neutral(notice[part].strip("“”"))
    for text in notices(at):
        assert "<" not in text and "`" not in text and "**" not in text and "](" not in text
    for key, notice in zip(query, parsed):
        assert shows(notice["param"], key), (key, notice)
    assert live_slider(at, key="param.elu.alpha").value == 1.0
    assert at.multiselect(key="explorer.overlays").value == []


def test_a_ten_kilobyte_value_and_key():
    big = "9" * 10_000
    at = open_link({"probe": big, "k" * 10_000: "1"})
    no_exception(at)
    parsed, _ = read_notices(at)
    assert parsed[0]["param"] == "probe" and parsed[0]["reason"] == t("url.reason.too_long")
    assert len(parsed[0]["raw"]) <= SHOWN_MAX + 3
    assert shows(parsed[1]["param"], "k" * 10_000)
    assert at.number_input(key="explorer.probe_x").value == 0.0
    assert "k" * 10_000 not in at.query_params


def test_repeated_keys_take_the_last_value():
    """Streamlit's st.query_params[key] is the last of repeated values."""
    at = open_link({"alpha": ["1.5", "2.5"], "overlay": ["relu", "tanh"]})
    no_exception(at)
    assert notices(at) == []
    assert live_slider(at, key="param.elu.alpha").value == 2.5
    assert at.multiselect(key="explorer.overlays").value == ["tanh"]
    assert at.query_params["alpha"] == "2.5"  # written back once


def test_parameter_of_another_activation_is_named():
    at = open_link({"act": "relu", "alpha": "0.5"})
    no_exception(at)
    parsed, _ = read_notices(at)
    assert parsed == [{"param": "alpha"}]
    assert "alpha" not in at.query_params


def test_notices_speak_the_links_language():
    at = open_link({"lang": "ja", "depth": "abc"}, page="flow")
    no_exception(at)
    parsed, _ = read_notices(at, "ja")
    assert [p["param"] for p in parsed] == ["depth"]
    assert parsed[0]["reason"] == t("url.reason.not_integer", "ja")
    assert parsed[0]["default"] == "50"


def test_a_bad_link_notice_is_shown_once():
    at = open_link({"alpha": "nope"})
    no_exception(at)
    assert len(notices(at)) == 1
    live_slider(at, key="param.elu.alpha").set_value(2.0)
    rerun(at)
    assert notices(at) == []


# --- known bugs --------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [{"view": "forward", "layer": "900"},
                                   {"depth": "1000", "width": "1024", "view": "forward", "layer": "1000"}],
                         ids=["layer900", "clamped-depth"])
def test_layer_above_depth_in_a_link(query):
    at = open_link(query, page="flow")
    no_exception(at)
    assert chart_count(at) == 2


def test_lowering_depth_below_the_inspected_layer():
    at = open_link({"view": "forward", "layer": "40"}, page="flow")
    no_exception(at)
    live_slider(at, "flow.depth").set_value(10)
    at.run()
    no_exception(at)
    assert at.slider(key="flow.layer").value <= 10


def test_learning_rate_off_the_widgets_grid():
    at = open_link({"view": "training", "lr": "0.02"}, page="flow")
    no_exception(at)
    value = at.select_slider(key="flow.learning_rate").value
    assert value == 0.02 or ([p["param"] for p in read_notices(at)[0]] == ["lr"] and value == 0.05)


def test_overlay_of_the_activation_itself():
    at = open_link({"act": "relu", "overlay": "relu,tanh"})
    no_exception(at)
    assert at.multiselect(key="explorer.overlays").value == ["tanh"]
    assert [p["param"] for p in read_notices(at)[0]] == ["overlay"]


def test_overlay_notice_names_its_default_readably():
    at = open_link({"overlay": "nope"})
    no_exception(at)
    [notice], _ = read_notices(at)
    assert notice["default"] == "—"


def test_partly_valid_list_notice_names_what_is_used():
    at = open_link({"overlay": "relu,nope"})
    no_exception(at)
    assert at.multiselect(key="explorer.overlays").value == ["relu"]
    assert at.query_params["overlay"] == "relu"
    [notice], _ = read_notices(at)
    assert notice["param"] == "overlay" and notice["default"] == "relu"


@pytest.mark.parametrize("page,key,slider,value,want", [
    ("explorer", "alpha", "param.elu.alpha", 2.0, "2"), ("flow", "depth", "flow.depth", 20, "20")])
def test_copy_link_follows_the_controls(page, key, slider, value, want):
    import urllib.parse

    at = open_link({"alpha": "2.5"} if page == "explorer" else {}, page=page)
    no_exception(at)
    live = slider.startswith("param.") or slider in ("flow.depth", "flow.gain")
    (live_slider(at, key=slider) if live else at.slider(key=slider)).set_value(value)
    rerun(at)
    assert at.query_params[key] == want
    [link] = [c.value for c in at.code]
    assert dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))[key] == want


def test_a_cut_value_ends_with_an_ellipsis():
    at = open_link({"alpha": "x" * 50})
    [notice], _ = read_notices(at)
    assert notice["raw"].strip("“”").endswith("…")

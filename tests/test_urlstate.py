"""actlib.urlstate, property-based: a shared link can hold any text at all.

For every page and every field: ``parse`` never raises, whatever the value; what it
returns is always a value the field allows (in range, one of the choices, the right
type); a bad value gives the field's default and a Problem naming the key; unknown
keys are Problems and change nothing; ``encode`` then ``parse`` gives the values back
with no Problem. ``page_fields`` depends on the ``act`` value only through the
activation's parameter fields, and every control the pages create is one of its fields
(found by reading the pages' source, so a new widget without a URL field fails here).
"""

from __future__ import annotations

import dataclasses

import ast
import math
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import actlib
from actlib import urlstate
from actlib.urlstate import (
    EXPLORER_FIELDS, FLOW_FIELDS, MAX_RAW, SHARED_FIELDS, Field, Problem, encode, page_fields,
    param_fields, parse,
)

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("explorer", "flow")
NAMES = actlib.names()
PREFIX = {"explorer": "param.", "flow": "flow.param."}
OWN = {"explorer": EXPLORER_FIELDS, "flow": FLOW_FIELDS}
REASONS = {"not_number", "not_integer", "not_bool", "out_of_range", "unknown_choice", "too_long"}

# every (page, activation, field) there is: the fields a link can hold
ALL_FIELDS = [(page, name, field) for page in PAGES for name in NAMES
              for field in page_fields(page, name)]
# distinct fields (the shared and own ones repeat for every activation)
DISTINCT = list({(page, f.key, f.state_key): (page, f) for page, _, f in ALL_FIELDS}.values())

FAST = settings(max_examples=150, deadline=None)
SLOW = settings(max_examples=60, deadline=None)


# --- what a field allows (independent of Field.parse) ------------------------------------------

def is_valid(field: Field, value) -> bool:
    if field.kind == "float":
        return (isinstance(value, float) and math.isfinite(value)
                and field.lo <= value <= field.hi)
    if field.kind == "int":
        return (isinstance(value, int) and not isinstance(value, bool)
                and field.lo <= value <= field.hi)
    if field.kind == "bool":
        return isinstance(value, bool)
    if field.kind == "choice":
        return any(value == c and type(value) is type(c) for c in field.choices)
    if field.kind == "choices":
        return (isinstance(value, list) and all(isinstance(v, str) and v in field.choices for v in value)
                and len(set(value)) == len(value))
    raise AssertionError(f"unknown kind {field.kind!r}")


def same(field: Field, a, b) -> bool:
    """Equal as the page would see them (floats to 10 significant digits: the URL's precision)."""
    if field.kind == "float":
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300)
    return a == b and type(a) is type(b)


# --- strategies ---------------------------------------------------------------------------------

NASTY = [
    "", " ", "\t", "\n", "  \u00a0 ", "nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity",
    "1e309", "-1e309", "1e-400", "1e308", "9" * 400, "-" + "9" * 400, "0x10", "1_000", "1,5",
    "1.5.2", "--1", "+-1", "1e", "e5", ".", "-", "+", "0.", ".5", "½", "١٢", "１２", "Ⅻ",
    "true", "False", "YES", "on", "2", "-1", "1.0", "0.0", "None", "null", "none", "[]", "{}",
    ",", ",,,", "relu,,tanh", "relu,relu", " relu , tanh ", "RELU", "elu\x00", "é", "😀",
    "<script>alert(1)</script>", "**x**", "`x`", "[a](javascript:x)", "%20", "%00", "\\",
    "x" * (MAX_RAW + 1), "1" * MAX_RAW, " " * (MAX_RAW + 1),
]


def numberish() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-10**40, 10**40).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(allow_nan=False, allow_infinity=False).map(lambda v: f"{v:.3f}"),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    )


def junk_text() -> st.SearchStrategy[str]:
    """Arbitrary text, biased towards what breaks parsers."""
    pad = st.sampled_from(["", " ", "\t", "\n ", "\u3000"])
    core = st.one_of(st.text(), st.text(max_size=3), st.sampled_from(NASTY), numberish(),
                     st.lists(st.sampled_from([*NAMES, "", "x", " relu", "😀"]), max_size=6).map(",".join),
                     st.text(min_size=MAX_RAW - 5, max_size=MAX_RAW + 5))
    return st.builds(lambda a, c, b: a + c + b, pad, core, pad)


def valid_value(field: Field) -> st.SearchStrategy:
    """Any value the field allows."""
    if field.kind == "float":
        return st.one_of(st.floats(field.lo, field.hi, allow_nan=False, allow_infinity=False),
                         st.sampled_from([field.lo, field.hi, field.default]))
    if field.kind == "int":
        return st.integers(int(field.lo), int(field.hi))
    if field.kind == "bool":
        return st.booleans()
    if field.kind == "choice":
        return st.sampled_from(field.choices)
    if field.kind == "choices":
        return st.lists(st.sampled_from(field.choices), unique=True, max_size=len(field.choices))
    raise AssertionError(field.kind)


@st.composite
def page_values(draw, page: str):
    """(fields, values by state key) for a random activation of ``page``, every field valid."""
    act = draw(st.sampled_from(NAMES))
    fields = page_fields(page, act)
    values = {f.state_key: draw(valid_value(f)) for f in fields}
    act_key = "explorer.activation" if page == "explorer" else "flow.activation"
    values[act_key] = act  # the parameters drawn are this activation's
    return fields, values


def field_ids(item) -> str:
    page, field = item
    return f"{page}-{field.key}"


# --- the fields themselves ------------------------------------------------------------------------

@pytest.mark.parametrize("page,field", DISTINCT, ids=map(field_ids, DISTINCT))
def test_defaults_are_valid_and_encode_back(page, field):
    assert is_valid(field, field.default), (page, field)
    values, problems = parse({field.key: field.encode(field.default)}, [field])
    # a long default (SELU's alpha 1.6732632423543772) is written to 10 digits: `same` allows that
    assert problems == [] and same(field, values[field.state_key], field.default)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("act", [None, *NAMES])
def test_page_fields_have_distinct_keys(page, act):
    """A parameter named like a control (``act``, ``width``, ``lang``) would shadow it."""
    fields = page_fields(page, act)
    keys = [f.key for f in fields]
    state_keys = [f.state_key for f in fields]
    assert len(set(keys)) == len(keys), keys
    assert len(set(state_keys)) == len(state_keys), state_keys


# --- parse never raises, always gives an allowed value -------------------------------------------

@FAST
@given(item=st.sampled_from(DISTINCT), raw=junk_text())
@example(item=DISTINCT[0], raw="x" * 10_000)
def test_any_value_parses_to_an_allowed_value(item, raw):
    page, field = item
    values, problems = parse({field.key: raw}, [field])
    assert list(values) == [field.state_key]
    value = values[field.state_key]
    assert is_valid(field, value), (field.key, raw, value)
    if problems:
        [problem] = problems
        assert isinstance(problem, Problem)
        assert (problem.key, problem.raw, problem.field) == (field.key, raw, field)
        assert problem.reason in REASONS, problem.reason
        # a bad value falls back to the default; a list keeps the names it knows
        fallback = field.keep_valid(raw) if field.kind == "choices" and len(raw) <= MAX_RAW \
            else field.default
        assert same(field, value, fallback), "a bad value falls back to the default"
        assert same(field, problem.used, fallback), "the notice names what is used"
    else:
        # an accepted value is what it says, and writes back to itself
        again, more = parse({field.key: field.encode(value)}, [field])
        assert more == [] and same(field, again[field.state_key], value), (raw, value)


@SLOW
@given(page=st.sampled_from(PAGES), act=st.one_of(st.none(), st.sampled_from(NAMES), st.text()),
       query=st.dictionaries(st.text(), junk_text(), max_size=8), data=st.data())
def test_whole_query_of_junk(page, act, query, data):
    """A whole link of junk (known keys with any value, any key): one value per known key
    present, each allowed; one Problem per bad key, in the link's order."""
    fields = page_fields(page, act)
    known = {f.key: f for f in fields}
    for key in data.draw(st.lists(st.sampled_from(sorted(known)), unique=True, max_size=6)):
        query[key] = data.draw(junk_text())
    values, problems = parse(query, fields)
    assert set(values) == {known[k].state_key for k in query if k in known}
    for key in query:
        if key in known:
            assert is_valid(known[key], values[known[key].state_key])
    assert [p.key for p in problems] == [k for k in query if any(p.key == k for p in problems)]
    for p in problems:
        if p.key in known:
            assert p.field is known[p.key] and p.reason in REASONS
            # as above: a bad value falls back to the default; a list keeps the names it knows
            fallback = p.field.keep_valid(p.raw) if p.field.kind == "choices" and len(p.raw) <= MAX_RAW \
                else p.field.default
            assert same(p.field, values[p.field.state_key], fallback), (p.key, p.raw)
            assert same(p.field, p.used, fallback), "the notice names what is used"
        else:
            assert p.field is None and p.reason == "unknown_key" and p.raw == query[p.key]
    assert {p.key for p in problems if p.field is None} == {k for k in query if k not in known}


@pytest.mark.parametrize("raw", ["x" * (MAX_RAW + 1), "1" * 10_000, " " * (MAX_RAW + 1)])
@pytest.mark.parametrize("page,field", DISTINCT, ids=map(field_ids, DISTINCT))
def test_too_long_is_rejected_unread(page, field, raw):
    values, [problem] = parse({field.key: raw}, [field])
    assert problem.reason == "too_long" and values[field.state_key] == field.default


# --- specific values each kind must accept or refuse ------------------------------------------

def _field(key: str, page: str = "explorer", act: str = "elu") -> Field:
    [field] = [f for f in page_fields(page, act) if f.key == key]
    return field


@pytest.mark.parametrize("key,page,act,raw,want", [
    ("alpha", "explorer", "elu", "2.5", 2.5),
    ("alpha", "explorer", "elu", " 2.5\n", 2.5),
    ("alpha", "explorer", "elu", "3", 3.0),
    ("alpha", "explorer", "elu", "0", 0.0),
    ("alpha", "explorer", "elu", "-0", 0.0),
    ("alpha", "explorer", "elu", "2.5e0", 2.5),
    ("xmin", "explorer", "elu", "-20", -20.0),
    ("probe", "explorer", "elu", "10000", 1e4),
    ("overlay", "explorer", "elu", "relu,tanh", ["relu", "tanh"]),
    ("overlay", "explorer", "elu", "relu,relu,tanh,", ["relu", "tanh"]),
    ("overlay", "explorer", "elu", "", []),
    ("second", "explorer", "elu", "1", True),
    ("second", "explorer", "elu", "TRUE", True),
    ("presenter", "explorer", "elu", "0", False),
    ("lang", "explorer", "elu", "ja", "ja"),
    ("act", "explorer", "elu", "selu", "selu"),
    ("depth", "flow", "tanh", "1000", 1000),
    ("depth", "flow", "tanh", "+7", 7),
    ("width", "flow", "tanh", "1024", 1024),
    ("batch", "flow", "tanh", "8", 8),
    ("seed", "flow", "tanh", "1000000", 1_000_000),
    ("view", "flow", "tanh", "training", "training"),
    ("lr", "flow", "tanh", "1", 1.0),
    ("w1", "flow", "maxout", "-2", -2.0),
])
def test_accepts(key, page, act, raw, want):
    field = _field(key, page, act)
    values, problems = parse({key: raw}, [field])
    assert problems == [] and values[field.state_key] == want
    assert type(values[field.state_key]) is type(want)


@pytest.mark.parametrize("key,page,act,raw,reason", [
    ("alpha", "explorer", "elu", "nan", "not_number"),
    ("alpha", "explorer", "elu", "inf", "not_number"),
    ("alpha", "explorer", "elu", "1e309", "not_number"),
    ("alpha", "explorer", "elu", "", "not_number"),
    ("alpha", "explorer", "elu", "   ", "not_number"),
    ("alpha", "explorer", "elu", "1,5", "not_number"),
    ("alpha", "explorer", "elu", "3.0000001", "out_of_range"),
    ("alpha", "explorer", "elu", "-1e-300", "out_of_range"),
    ("alpha", "explorer", "elu", "9" * 150, "out_of_range"),
    ("xmin", "explorer", "elu", "-20.5", "out_of_range"),
    ("probe", "explorer", "elu", "1e5", "out_of_range"),
    ("overlay", "explorer", "elu", "relu,nope", "unknown_choice"),
    ("overlay", "explorer", "elu", "RELU", "unknown_choice"),
    ("overlay", "explorer", "elu", "<script>", "unknown_choice"),
    ("act", "explorer", "elu", "ReLU", "unknown_choice"),
    ("act", "explorer", "elu", "", "unknown_choice"),
    ("lang", "explorer", "elu", "fr", "unknown_choice"),
    ("second", "explorer", "elu", "2", "not_bool"),
    ("second", "explorer", "elu", "", "not_bool"),
    ("presenter", "explorer", "elu", "maybe", "not_bool"),
    ("depth", "flow", "tanh", "1.5", "not_integer"),
    ("depth", "flow", "tanh", "50.0", "not_integer"),
    ("depth", "flow", "tanh", "1e3", "not_integer"),
    ("depth", "flow", "tanh", "0", "out_of_range"),
    ("depth", "flow", "tanh", "1001", "out_of_range"),
    ("depth", "flow", "tanh", "9" * 190, "out_of_range"),
    ("width", "flow", "tanh", "100", "unknown_choice"),
    ("width", "flow", "tanh", "128.0", "unknown_choice"),
    ("seed", "flow", "tanh", "-1", "out_of_range"),
    ("gain", "flow", "tanh", "0.05", "out_of_range"),
    ("view", "flow", "tanh", "sideways", "unknown_choice"),
    ("steps", "flow", "tanh", "5", "out_of_range"),
    ("lr", "flow", "tanh", "0", "unknown_choice"),
    ("lr", "flow", "tanh", "0.02", "unknown_choice"),  # not one the slider offers
    ("overlay", "explorer", "relu", "relu", "unknown_choice"),  # the activation itself
])
def test_refuses(key, page, act, raw, reason):
    field = _field(key, page, act)
    values, problems = parse({key: raw}, [field])
    assert [(p.key, p.raw, p.reason) for p in problems] == [(key, raw, reason)]
    # a list keeps the names it knows; everything else falls back to the default
    kept = field.keep_valid(raw) if field.kind == "choices" else field.default
    assert values[field.state_key] == kept


def test_a_list_keeps_its_known_names():
    field = _field("overlay", "explorer", "elu")
    values, problems = parse({"overlay": "relu,nope,tanh,relu"}, [field])
    assert values[field.state_key] == ["relu", "tanh"] and [p.reason for p in problems] == ["unknown_choice"]


# --- unknown keys --------------------------------------------------------------------------------

@FAST
@given(page=st.sampled_from(PAGES), data=st.data(),
       junk=st.dictionaries(st.text(), junk_text(), min_size=1, max_size=5))
def test_junk_keys_are_problems_and_change_nothing(page, data, junk):
    fields, values = data.draw(page_values(page))
    good = encode(values, fields)
    junk = {k: v for k, v in junk.items() if k not in good}
    assume(junk)
    alone, no_problems = parse(good, fields)
    assert no_problems == []
    mixed = dict(good) | junk
    with_junk, problems = parse(mixed, fields)
    assert with_junk == alone
    assert [(p.key, p.raw, p.reason, p.field) for p in problems] == \
        [(k, v, "unknown_key", None) for k, v in junk.items()]


@pytest.mark.parametrize("page", PAGES)
def test_other_pages_keys_are_unknown(page):
    """Keys of the other page are not silently read (``xmin`` means nothing on flow)."""
    other = "flow" if page == "explorer" else "explorer"
    mine = {f.key for f in page_fields(page, None)}
    theirs = {f.key for f in OWN[other]} - mine
    assert theirs, "the pages share every key?"
    _, problems = parse({k: "1" for k in theirs}, page_fields(page, None))
    assert {p.key for p in problems if p.reason == "unknown_key"} == theirs


# --- round trip ----------------------------------------------------------------------------------

@SLOW
@given(page=st.sampled_from(PAGES), data=st.data())
def test_encode_then_parse_gives_the_values_back(page, data):
    fields, values = data.draw(page_values(page))
    query = encode(values, fields)
    assert list(query) == [f.key for f in fields], "every field, in field order"
    assert all(isinstance(v, str) and len(v) <= MAX_RAW for v in query.values())
    act = query["act"]
    back, problems = parse(query, page_fields(page, act))
    assert problems == [], [(p.key, p.raw, p.reason) for p in problems]
    assert set(back) == set(values)
    for f in fields:
        assert same(f, back[f.state_key], values[f.state_key]), (f.key, values[f.state_key], query[f.key])
        assert is_valid(f, back[f.state_key])
    # and the link is stable: writing what was read gives the same link
    assert encode(back, fields) == query


@FAST
@given(item=st.sampled_from(DISTINCT), data=st.data())
def test_step_grid_values_round_trip_exactly(item, data):
    """What a slider can hold (a few decimals) comes back bit for bit."""
    page, field = item
    value = data.draw(valid_value(field))
    if field.kind == "float":
        value = min(max(round(value, 4), field.lo), field.hi)
    back, problems = parse({field.key: field.encode(value)}, [field])
    assert problems == [] and back[field.state_key] == value


# --- page_fields ---------------------------------------------------------------------------------

@FAST
@given(page=st.sampled_from(PAGES),
       act=st.one_of(st.none(), st.sampled_from(NAMES), st.text(), st.sampled_from(["ELU", " elu", "elu "])))
def test_page_fields_depend_on_act_only_through_parameters_and_overlays(page, act):
    fields = page_fields(page, act)
    fixed = [*SHARED_FIELDS, *OWN[page]]
    default_act = "elu" if page == "explorer" else "sigmoid"
    chosen = act if act in NAMES else default_act
    # the explorer offers as overlays every activation but the one shown
    expected = [dataclasses.replace(f, choices=tuple(n for n in NAMES if n != chosen))
                if f.key == "overlay" else f for f in fixed]
    assert fields[:len(fixed)] == expected
    assert fields[len(fixed):] == param_fields(PREFIX[page], chosen)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("name", NAMES)
def test_parameter_fields_match_the_registry(page, name):
    params = {f.key: f for f in page_fields(page, name)[len(SHARED_FIELDS) + len(OWN[page]):]}
    act = actlib.get(name)
    assert list(params) == [p.name for p in act.params]
    for p in act.params:
        f = params[p.name]
        assert (f.state_key, f.kind, f.default, f.lo, f.hi) == \
            (f"{PREFIX[page]}{name}.{p.name}", "float", p.default, p.min, p.max)


# --- every control the pages create has a field ---------------------------------------------------

CONTROLS = {"slider", "select_slider", "selectbox", "multiselect", "toggle", "checkbox",
            "number_input", "text_input", "radio", "segmented_control", "pills", "date_input",
            "color_picker", "text_area", "time_input", "feedback"}
SOURCES = {"app": ROOT / "app.py", "explorer": ROOT / "pages" / "activations.py",
           "flow": ROOT / "pages" / "gradient_flow.py"}


def control_keys(path: Path) -> tuple[set[str], set[str]]:
    """(constant keys, f-string key patterns with '*' for each placeholder) of every
    input widget call in ``path``. A control without a key is reported as '<no key>'."""
    constant, patterns = set(), set()
    tree = ast.parse(path.read_text())
    assigned: dict[str, list[ast.expr]] = {}  # ``key = f"..."`` then ``key=key``
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
    for node in ast.walk(tree):
        live = (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "LiveSlider")  # a live chart's slider: its key comes first
        if not live and not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                             and node.func.attr in CONTROLS):
            continue
        key = (node.args[0] if live and node.args else
               next((kw.value for kw in node.keywords if kw.arg == "key"), None))
        if key is None:
            constant.add(f"<no key> line {node.lineno}")
            continue
        if isinstance(key, ast.Name):  # the last assignment to that name above the call
            before = [v for v in assigned.get(key.id, []) if v.lineno < node.lineno]
            key = max(before, key=lambda v: v.lineno) if before else None
        for value in [key]:
            if isinstance(value, ast.Constant):
                constant.add(value.value)
            elif isinstance(value, ast.JoinedStr):
                patterns.add("".join(v.value if isinstance(v, ast.Constant) else "*" for v in value.values))
            else:
                constant.add(f"<computed key> line {node.lineno}")
    return constant, patterns


def _state_keys(page: str, act=None) -> set[str]:
    keys = {f.state_key for f in page_fields(page, act)}
    if page == "explorer":  # two URL fields, one range slider
        assert {"explorer.x_min", "explorer.x_max"} <= keys
        keys = keys - {"explorer.x_min", "explorer.x_max"} | {"explorer.x_range"}
    return keys


def test_every_control_of_the_pages_has_a_url_field():
    app_keys, app_patterns = control_keys(SOURCES["app"])
    assert app_patterns == set()
    lesson_keys = {f.state_key for f in urlstate.LESSON_FIELDS}  # the lesson bar's state, no widget
    assert app_keys == {f.state_key for f in SHARED_FIELDS} - lesson_keys
    for page in PAGES:
        keys, patterns = control_keys(SOURCES[page])
        fixed = _state_keys(page) - {f.state_key for f in param_fields(PREFIX[page], "elu" if page == "explorer" else "sigmoid")}
        assert keys == fixed - {f.state_key for f in SHARED_FIELDS}, page
        assert patterns == {PREFIX[page] + "*.*"}, page
        for name in NAMES:  # the pattern's instances: every parameter of every activation
            params = {f.state_key for f in param_fields(PREFIX[page], name)}
            assert params == {f"{PREFIX[page]}{name}.{p.name}" for p in actlib.get(name).params}
            assert params <= _state_keys(page, name)

"""Links to a typed formula: act=custom&f=<formula> plus its parameters, on both pages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actlib
from actlib.custom_examples import DEFAULT_FORMULA
from actlib.urlstate import CUSTOM, encode, formula_field, page_fields, parse

PAGES = ("explorer", "flow")
PREFIX = {"explorer": "param.", "flow": "flow.param."}
ACT_KEY = {"explorer": "explorer.activation", "flow": "flow.activation"}


@pytest.mark.parametrize("page", PAGES)
def test_link_gives_the_formulas_parameter_fields(page):
    fields = page_fields(page, CUSTOM, "where(x>0, x, alpha*expm1(x))")
    name = "custom:where(x > 0, x, alpha * expm1(x))"
    by_key = {f.key: f for f in fields}
    assert by_key["f"].state_key == f"{page}.formula_drawn"
    alpha = by_key["alpha"]
    assert (alpha.state_key, alpha.default, alpha.lo, alpha.hi) == (f"{PREFIX[page]}{name}.alpha", 1.0, -5, 5)
    assert page_fields(page, name) == fields                     # the page's own name: the same fields


@pytest.mark.parametrize("page", PAGES)
def test_round_trip(page):
    query = {"act": CUSTOM, "f": "beta * sigmoid(x) + w1", "beta": "2.5", "w1": "-0.25"}
    fields = page_fields(page, query["act"], query["f"])
    values, problems = parse(query, fields)
    assert problems == []
    name = actlib.custom(query["f"]).name
    assert values == {ACT_KEY[page]: CUSTOM, f"{page}.formula_drawn": query["f"],
                      f"{PREFIX[page]}{name}.beta": 2.5, f"{PREFIX[page]}{name}.w1": -0.25}
    assert encode(values, fields) == {k: query[k] for k in ("act", "f", "beta", "w1")}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("bad", ["x +* 2", "__import__('os')", "x" * 500, "open(x)", ""])
def test_bad_formula_falls_back_to_the_default_with_a_problem(page, bad):
    query = {"act": CUSTOM, "f": bad}
    fields = page_fields(page, CUSTOM, bad)
    values, problems = parse(query, fields)
    assert values[f"{page}.formula_drawn"] == DEFAULT_FORMULA
    [problem] = problems
    assert problem.key == "f" and problem.reason in ("bad_formula", "too_long")
    assert problem.used == DEFAULT_FORMULA
    # the parameter fields are the default formula's: what the page then draws
    assert [f.key for f in fields if f.kind == "float" and f.state_key.startswith(PREFIX[page] + "custom:")] \
        == list(actlib.custom(DEFAULT_FORMULA).param_names)


def test_a_parameter_named_like_a_page_field_gets_a_prefixed_key():
    fields = page_fields("flow", CUSTOM, "depth * x + lr")
    keys = [f.key for f in fields]
    assert "p.depth" in keys and "p.lr" in keys and keys.count("depth") == 1
    assert len(keys) == len(set(keys))


def test_a_garbled_custom_name_is_the_default_activation():
    assert page_fields("explorer", "custom:x +* 2") == page_fields("explorer", None)


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(raw=st.text(max_size=260))
def test_formula_field_never_raises_and_keeps_only_formulas(raw):
    field = formula_field("explorer")
    values, problems = parse({"f": raw}, [field])
    value = values[field.state_key]
    actlib.custom(value)                                        # whatever came out draws
    assert (problems == []) == (value == raw.strip())

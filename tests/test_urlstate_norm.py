"""The gradient page's norm choice in links, and old ``layernorm=1`` links."""

from __future__ import annotations

import pytest

from actlib import flow
from actlib.urlstate import NORM_CHOICES, encode, page_fields, parse

FIELDS = page_fields("flow", None)


def test_norm_choices_are_the_engine_s():
    assert [None if c == "none" else c for c in NORM_CHOICES] == list(flow.NORMS)


@pytest.mark.parametrize("raw", NORM_CHOICES)
def test_norm_round_trips(raw):
    values, problems = parse({"norm": raw}, FIELDS)
    assert problems == [] and values["flow.norm"] == raw
    assert encode(values, FIELDS) == {"norm": raw}


@pytest.mark.parametrize("raw, norm", [("1", "layernorm"), ("true", "layernorm"), ("0", "none"),
                                       ("off", "none")])
def test_old_layernorm_links_keep_working(raw, norm):
    values, problems = parse({"layernorm": raw, "act": "tanh"}, FIELDS)
    assert problems == [] and values == {"flow.norm": norm, "flow.activation": "tanh"}


def test_an_explicit_norm_wins_over_the_old_flag():
    values, problems = parse({"layernorm": "1", "norm": "batchnorm"}, FIELDS)
    assert problems == [] and values == {"flow.norm": "batchnorm"}


def test_a_bad_old_flag_is_a_problem_with_the_default():
    values, problems = parse({"layernorm": "maybe"}, FIELDS)
    assert values == {"flow.norm": "none"}
    assert [(p.key, p.raw, p.reason, p.used) for p in problems] == [("layernorm", "maybe", "not_bool", "none")]


def test_bad_norm_falls_back_to_none():
    values, problems = parse({"norm": "groupnorm"}, FIELDS)
    assert values == {"flow.norm": "none"} and [p.reason for p in problems] == ["unknown_choice"]


def test_the_old_flag_means_nothing_on_the_explorer():
    _, problems = parse({"layernorm": "1"}, page_fields("explorer", None))
    assert [(p.key, p.reason) for p in problems] == [("layernorm", "unknown_key")]

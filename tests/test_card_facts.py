"""Every number the cards, kink notes and guides state, checked against actlib (properties,
autodiff, the registry) or the float64 reference, in both languages.

``FACTS`` pairs a catalogue key and the fragments of its text that state a number with a
check that computes it. ``test_every_decimal_in_the_cards_is_checked`` then makes sure no
decimal number (0.399, 4.5 × 10⁻⁵, 1.6733...) appears in a card without an entry here, or in
``EXTERNAL`` (facts about other libraries' defaults, which actlib cannot compute).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import special

import actlib
from actlib import readouts
from actlib.properties import properties
from actlib.text import CATALOGUE, LANGUAGES
from reference import REFERENCE

X = np.linspace(-8.0, 8.0, 16001)


def default(name: str, param: str) -> float:
    return actlib.get(name).defaults()[param]


def d1(name: str, x: float, **params) -> float:
    return float(actlib.derivative(name)(np.array([x], np.float32), **params)[0])


def same_curve(a: str, b: str, a_params=None, b_params=None) -> bool:
    fa = np.asarray(actlib.evaluate(a, X, **(a_params or {})), np.float64)
    fb = np.asarray(actlib.evaluate(b, X, **(b_params or {})), np.float64)
    return bool(np.allclose(fa, fb, atol=1e-6))


def gelu_gap() -> tuple[float, float]:
    x = np.linspace(0.0, 10.0, 1_000_001)
    gap = np.abs(REFERENCE["gelu"].f(x) - REFERENCE["gelu_tanh"].f(x))
    return float(gap.max()), float(x[gap.argmax()])


def rounds_to(value: float, shown: float, digits: int) -> bool:
    return round(value, digits) == shown


# (key, fragments the English and Japanese text both contain, a check that must hold)
FACTS = [
    ("act.relu.cons", ["0.399"], lambda: rounds_to(properties("relu").output_mean, 0.399, 3)),
    ("act.leaky_relu.purpose", ["α = 0.01"], lambda: default("leaky_relu", "alpha") == 0.01),
    ("act.leaky_relu.cons", ["0.395", "0.399", "α = 0.01", "1/4"], lambda: (
        rounds_to(properties("leaky_relu").output_mean, 0.395, 3)
        and rounds_to(properties("relu").output_mean, 0.399, 3)
        and default("leaky_relu", "alpha") == 0.01 and properties("sigmoid").max_slope == 0.25)),
    ("act.elu.pros", ["0.161", "0.399", "αeˣ", "f(x) + α"], lambda: (
        rounds_to(properties("elu").output_mean, 0.161, 3)
        and rounds_to(properties("relu").output_mean, 0.399, 3)
        # f'(x) = f(x) + alpha for x <= 0, at several alphas and points
        and all(abs(d1("elu", x, alpha=a) - (float(actlib.evaluate("elu", np.float32(x), alpha=a)) + a)) < 1e-6
                for a in (0.5, 1.0, 2.5) for x in (-4.0, -1.0, -0.1)))),
    ("act.elu.cons", ["4.5 × 10⁻⁵", "x = −10"], lambda: rounds_to(d1("elu", -10.0) * 1e5, 4.5, 1)),
    ("act.selu.purpose", ["λ ≈ 1.0507", "α ≈ 1.6733"], lambda: (
        rounds_to(default("selu", "scale"), 1.0507, 4) and rounds_to(default("selu", "alpha"), 1.6733, 4))),
    ("act.selu.pros", ["≈ 0", "≈ 1"], lambda: (
        abs(properties("selu").output_mean) < 1e-4 and abs(properties("selu").output_std - 1) < 1e-4)),
    ("act.selu.libraries", ["1.6733", "1.0507"], lambda: (
        rounds_to(default("selu", "scale"), 1.0507, 4) and rounds_to(default("selu", "alpha"), 1.6733, 4))),
    ("act.celu.pros", ["0.161"], lambda: (
        rounds_to(properties("celu").output_mean, 0.161, 3) and same_curve("celu", "elu"))),
    ("act.sigmoid.cons", ["σ′ ≤ 1/4"], lambda: properties("sigmoid").max_slope == 0.25),
    ("act.tanh.pros", ["tanh′(0) = 1"], lambda: (
        properties("tanh").slope_at_zero == 1.0 == 4 * properties("sigmoid").max_slope)),
    ("act.relu6.pros", ["[0, 6]"], lambda: (properties("relu6").lower, properties("relu6").upper) == (0, 6)),
    ("act.maxout.purpose", ["w₂ = 0.01", "w₂ = −1"], lambda: (
        same_curve("maxout", "relu") and same_curve("maxout", "leaky_relu", {"w2": 0.01})
        and np.allclose(np.asarray(actlib.evaluate("maxout", X, w2=-1.0)), np.abs(X), atol=1e-6))),
    ("act.maxout.pros", ["w₂ = 0", "x < 0"], lambda: (
        default("maxout", "w2") == 0 and all(d1("maxout", x) == 0 for x in (-3.0, -0.5)))),
    ("act.gelu.pros", ["−0.17", "−0.75"], lambda: (
        rounds_to(properties("gelu").minimum, -0.17, 2) and rounds_to(properties("gelu").argmin, -0.75, 2))),
    ("act.silu.pros", ["−0.28", "−1.28"], lambda: (
        rounds_to(properties("silu").minimum, -0.28, 2) and rounds_to(properties("silu").argmin, -1.28, 2))),
    ("act.mish.pros", ["−0.31"], lambda: rounds_to(properties("mish").minimum, -0.31, 2)),
    ("act.gelu_tanh.pros", ["4.7 × 10⁻⁴", "±2.7"], lambda: (
        rounds_to(gelu_gap()[0] * 1e4, 4.7, 1) and rounds_to(gelu_gap()[1], 2.7, 1))),
    ("act.gelu.libraries", ["4.7 × 10⁻⁴", "±2.7"], lambda: (
        rounds_to(gelu_gap()[0] * 1e4, 4.7, 1) and rounds_to(gelu_gap()[1], 2.7, 1))),
    ("act.gelu_tanh.libraries", ["4.7 × 10⁻⁴", "±2.7"], lambda: (
        rounds_to(gelu_gap()[0] * 1e4, 4.7, 1) and rounds_to(gelu_gap()[1], 2.7, 1))),
    ("act.swish.purpose", ["β = 1", "β = 0", "x/2"], lambda: (
        same_curve("swish", "silu") and np.allclose(np.asarray(actlib.evaluate("swish", X, beta=0.0)), X / 2))),
    ("act.softmax.purpose", ["K = 2, c = 0"], lambda: same_curve("softmax", "sigmoid")),
    ("act.softmax.libraries", ["K = 2, c = 0"], lambda: (
        same_curve("softmax", "sigmoid") and float(special.softmax([3.7])[0]) == 1.0)),
    ("act.softplus.libraries", ["2.1 × 10⁻⁹", "20"], lambda: rounds_to(math.log1p(math.exp(-20)) * 1e9, 2.1, 1)),
    ("act.hard_sigmoid.cons", ["f′ = 0", "(−3, 3)"], lambda: (
        all(d1("hard_sigmoid", x) == 0 for x in (-10.0, -3.01, 3.01, 10.0))
        and all(d1("hard_sigmoid", x) > 0 for x in (-2.99, 0.0, 2.99)))),
    ("act.hard_sigmoid.libraries", ["0.2x + 0.5", "±2.5", "1/6", "±3"], lambda: (
        0.2 * 2.5 + 0.5 == 1.0 and abs(properties("hard_sigmoid").max_slope - 1 / 6) < 1e-6)),
    ("act.hard_swish.pros", ["x ≥ 3", "x ≤ −3"], lambda: (
        np.array_equal(np.asarray(actlib.evaluate("hard_swish", X[X >= 3])), X[X >= 3].astype(np.float32))
        and not np.asarray(actlib.evaluate("hard_swish", X[X <= -3])).any())),
    ("act.leaky_relu.libraries", ["0.01"], lambda: default("leaky_relu", "alpha") == 0.01),
    ("act.prelu.libraries", ["0.25", "0.01"], lambda: (
        default("prelu", "alpha") == 0.25 and default("leaky_relu", "alpha") == 0.01)),
    ("guide.depth.body", ["f′ ≤ 1/4", "(1/4)¹⁰ ≈ 9.5 × 10⁻⁷", "α = 0.01", "f′ = 1"], lambda: (
        rounds_to(properties("sigmoid").max_slope ** 10 * 1e7, 9.5, 1)
        and default("leaky_relu", "alpha") == 0.01 and d1("relu", 2.0) == 1.0)),
    ("guide.myths.body", ["α = 0.01", "N(0, 1)"], lambda: (
        default("leaky_relu", "alpha") == 0.01
        and not np.any(np.asarray(actlib.evaluate("elu", X[X != 0])) == 0)         # ELU: not sparse
        and abs(special.ndtr(0.0) - 0.5) < 1e-15)),                                # relu = 0 on half
]

# What autodiff reports at each kink, as the kink notes state: (key, fragment, name, x, params, f')
KINK_FACTS = [
    ("act.step.kink", "H′(0) = 0", "step", 0.0, {}, 0.0),
    ("act.relu.kink", "relu′(0) = 0", "relu", 0.0, {}, 0.0),
    ("act.leaky_relu.kink", "f′(0) = 1", "leaky_relu", 0.0, {}, 1.0),
    ("act.prelu.kink", "f′(0) = 1", "prelu", 0.0, {}, 1.0),
    ("act.elu.kink", "f′(0) = α", "elu", 0.0, {"alpha": 2.5}, 2.5),
    ("act.selu.kink", "f′(0) = λα", "selu", 0.0, {"alpha": 1.5, "scale": 2.0}, 3.0),
    ("act.celu.kink", "f′(0) = 1", "celu", 0.0, {"alpha": 0.3}, 1.0),
    ("act.relu6.kink", "f′(0) = f′(6) = 0", "relu6", 0.0, {}, 0.0),
    ("act.relu6.kink", "f′(0) = f′(6) = 0", "relu6", 6.0, {}, 0.0),
    ("act.maxout.kink", "f′(0) = 0", "maxout", 0.0, {}, 0.0),
    ("act.hard_sigmoid.kink", "f′(−3) = f′(3) = 0", "hard_sigmoid", -3.0, {}, 0.0),
    ("act.hard_sigmoid.kink", "f′(−3) = f′(3) = 0", "hard_sigmoid", 3.0, {}, 0.0),
    ("act.hard_swish.kink", "f′(−3) = 0", "hard_swish", -3.0, {}, 0.0),
    ("act.hard_swish.kink", "f′(3) = 1", "hard_swish", 3.0, {}, 1.0),
]

# Facts about other libraries (their defaults and thresholds): stated, not computable here.
EXTERNAL = {
    "act.leaky_relu.purpose": {"0.2", "0.3"},
    "act.leaky_relu.libraries": {"0.2", "0.3"},
    "act.hard_sigmoid.libraries": {"0.2", "0.5", "2.5"},
}

DECIMAL = re.compile(r"\d+\.\d+(?:\s*×\s*10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?")


@pytest.mark.parametrize("key, fragments, check", FACTS, ids=[f[0] for f in FACTS])
def test_card_fact(key, fragments, check):
    for lang in LANGUAGES:
        for fragment in fragments:
            assert fragment in CATALOGUE[key][lang], f"{key} [{lang}] no longer says {fragment!r}"
    assert check(), f"{key}: the computed value disagrees with {fragments}"


@pytest.mark.parametrize("key, fragment, name, x, params, slope", KINK_FACTS,
                         ids=[f"{f[0]}@{f[3]:g}" for f in KINK_FACTS])
def test_kink_note_matches_autodiff(key, fragment, name, x, params, slope):
    for lang in LANGUAGES:
        assert fragment in CATALOGUE[key][lang], (key, lang)
    assert d1(name, x, **params) == pytest.approx(slope, abs=1e-6)


def test_kink_notes_exactly_where_f_has_a_kink():
    from reference import KINKS
    with_kinks = {name for name in KINKS if name != "softsign"}      # softsign: only f'' jumps
    noted = {key.split(".")[1] for key in CATALOGUE if key.startswith("act.") and key.endswith(".kink")}
    assert noted == with_kinks
    assert readouts.kink_line("tanh", "en") == ""
    assert readouts.kink_line("relu", "ja").startswith("折れ点では")


def _card_keys():
    return [k for k in CATALOGUE if k.startswith(("act.", "guide."))]


@pytest.mark.parametrize("key", _card_keys())
def test_every_decimal_in_the_cards_is_checked(key):
    checked = {d for k, fragments, _ in FACTS if k == key for f in fragments for d in DECIMAL.findall(f)}
    allowed = checked | EXTERNAL.get(key, set())
    for lang in LANGUAGES:
        stated = set(DECIMAL.findall(CATALOGUE[key][lang]))
        assert stated <= allowed, f"{key} [{lang}] states {sorted(stated - allowed)} with no check"


@pytest.mark.parametrize("key", _card_keys())
def test_both_languages_state_the_same_decimals(key):
    en, ja = (sorted(DECIMAL.findall(CATALOGUE[key][lang])) for lang in ("en", "ja"))
    assert en == ja, key


# --- the cards agree with the computed properties -------------------------------------------

def _card(name: str, lang: str) -> str:
    return "\n".join(CATALOGUE[f"act.{name}.{part}"][lang] for part in ("purpose", "pros", "cons"))


@pytest.mark.parametrize("name", actlib.names())
def test_zero_centred_claims_agree_with_the_properties(name):
    p = properties(name)
    for line in _card(name, "en").split("\n"):
        low = line.lower()
        if "not zero-centred" in low:
            assert not p.zero_centred, line
        elif "closer to zero" in low or "closer to zero-centred" in low:
            assert p.centring in ("closer_than_relu", "no") and not p.zero_centred, line
        elif "zero-centred" in low:
            assert p.zero_centred, line
    # the Japanese card makes the same claim
    en, ja = _card(name, "en").lower(), _card(name, "ja")
    assert ("zero-centred" in en) == ("ゼロ中心" in ja), name


# (activation, the sides where its card says it saturates)
SATURATES = {"sigmoid": "both", "tanh": "both", "softsign": "both", "elu": "left", "gelu": "left",
             "mish": "left", "softplus": "left", "log_sigmoid": "right"}


@pytest.mark.parametrize("name", actlib.names())
def test_saturation_claims_agree_with_the_shading(name):
    from actlib import regions
    x = np.linspace(-20.0, 20.0, 801).astype(np.float32)
    found = regions.gradient_regions(x, np.asarray(actlib.curves(name, x)[1]), tails=regions.tails(name))
    sides = {"left": any(lo == -20.0 for lo, _ in found["saturating"]),
             "right": any(hi == 20.0 for _, hi in found["saturating"])}
    en, ja = _card(name, "en").lower(), _card(name, "ja")
    if name in SATURATES:
        want = {"both": {"left", "right"}, "left": {"left"}, "right": {"right"}}[SATURATES[name]]
        assert {side for side, shaded in sides.items() if shaded} == want
        assert ("saturat" in en or "vanish" in en or "flat" in en) and ("飽和" in ja or "消え" in ja
                                                                          or "平ら" in ja), name
    else:
        assert "no saturation" in en or not found["saturating"] or name in ("silu", "swish", "softmax",
                                                                             "gelu_tanh", "celu", "selu")


@pytest.mark.parametrize("name", ["leaky_relu", "prelu", "elu", "celu", "gelu", "mish"])
def test_dying_relu_less_likely_means_a_nonzero_slope_for_negative_inputs(name):
    en, ja = _card(name, "en"), _card(name, "ja")
    assert "Dying ReLU problem" in en and "Dying ReLU問題" in ja
    assert "no dying" not in en.lower()                        # never the absolute claim
    assert all(d1(name, x) != 0 for x in (-5.0, -1.0, -0.1))


def test_relu_and_default_maxout_do_die():
    assert d1("relu", -1.0) == 0 == d1("maxout", -1.0)
    assert "Dying ReLU問題" in _card("relu", "ja") and "f′ = 0" in _card("maxout", "en")

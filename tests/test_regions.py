"""actlib.regions: the shaded kinds (dead, saturating, small gradient) on real curves and on
hand-made ones, against closed forms and tests/reference.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

import actlib
from actlib import regions, stack
from actlib.regions import SMALL_SLOPE, Tails, gradient_regions
from actlib.text import t
from reference import REFERENCE

GRID_POINTS = 801


def shading(name: str, x_range=(-5.0, 5.0), **params) -> dict[str, list[tuple[float, float]]]:
    """What the explorer page shades: its grid, autodiff f', the cached tails."""
    x = np.linspace(*x_range, GRID_POINTS).astype(np.float32)
    first = np.asarray(actlib.curves(name, x, **params)[1])
    return gradient_regions(x, first, tails=regions.tails(name, params))


def step(x_range) -> float:
    return (x_range[1] - x_range[0]) / (GRID_POINTS - 1)


# --- the cases -----------------------------------------------------------------------

def test_leaky_relu_at_its_default_is_not_shaded_at_all():
    # slope 0.01 on the whole negative half: a straight line, no limit, and not below 0.01
    assert shading("leaky_relu") == {"dead": [], "saturating": [], "small_gradient": []}
    assert shading("leaky_relu", (-20.0, 20.0))["saturating"] == []


def test_leaky_relu_below_the_threshold_has_a_small_gradient_not_saturation():
    found = shading("leaky_relu", alpha=0.005)
    assert found["saturating"] == [] and found["dead"] == []
    [(lo, hi)] = found["small_gradient"]
    assert lo == -5.0 and hi == pytest.approx(0.0, abs=step((-5, 5)))


def test_sigmoid_saturates_in_two_tails_where_its_slope_drops_below_the_threshold():
    x_range = (-10.0, 10.0)
    found = shading("sigmoid", x_range)
    assert found["dead"] == [] and found["small_gradient"] == []
    # sigma' = s (1 - s) = SMALL_SLOPE  <=>  s = (1 - sqrt(1 - 4 SMALL_SLOPE)) / 2
    s = (1 - math.sqrt(1 - 4 * SMALL_SLOPE)) / 2
    edge = math.log((1 - s) / s)                                    # 4.5951
    (lo1, hi1), (lo2, hi2) = found["saturating"]
    assert (lo1, hi2) == (-10.0, 10.0)
    assert hi1 == pytest.approx(-edge, abs=step(x_range)) and lo2 == pytest.approx(edge, abs=step(x_range))


def test_relu_negative_half_is_dead():
    found = shading("relu")
    [(lo, hi)] = found["dead"]
    assert lo == -5.0 and 0.0 <= hi <= step((-5, 5))              # relu'(0) = 0 by JAX's convention
    assert found["saturating"] == found["small_gradient"] == []


@pytest.mark.parametrize("name, argmin", [("gelu", -0.75179), ("silu", -1.27846), ("mish", -1.19243)])
def test_the_minimum_of_gelu_silu_mish_is_not_shaded(name, argmin):
    found = shading(name)
    for kind, intervals in found.items():
        assert not any(lo <= argmin <= hi for lo, hi in intervals), (kind, intervals)
    # ...even when the chart is nothing but the band around the minimum, where |f'| < 0.01
    narrow = shading(name, (argmin - 0.01, argmin + 0.01))
    assert narrow == {"dead": [], "saturating": [], "small_gradient": []}


def test_gelu_left_tail_does_saturate():
    # GELU -> 0 as x -> -inf with |f'| -> 0: a real asymptote, unlike its minimum
    [(lo, hi)] = shading("gelu")["saturating"]
    ref = REFERENCE["gelu"].df
    assert lo == -5.0 and abs(ref(np.float64(hi - step((-5, 5))))) < SMALL_SLOPE < abs(ref(np.float64(hi + 0.05)))


def test_hard_sigmoid_flat_parts_are_dead_on_the_chart_and_on_the_card():
    found = shading("hard_sigmoid", (-20.0, 20.0))
    (lo1, hi1), (lo2, hi2) = found["dead"]
    assert lo1 == -20.0 and hi1 == pytest.approx(-3.0, abs=step((-20, 20)))
    assert lo2 == pytest.approx(3.0, abs=step((-20, 20))) and hi2 == 20.0
    assert found["saturating"] == found["small_gradient"] == []
    # the card names the same thing: f' = 0 outside (-3, 3), a dead region, in both languages
    for lang, dead_word in (("en", "dead"), ("ja", "死んだ")):
        cons = t("act.hard_sigmoid.cons", lang)
        assert "f′ = 0" in cons and dead_word in cons and "(−3, 3)" in cons, cons
        assert t("chart.dead", lang).split(":")[-1].strip() == "f′ = 0"


@pytest.mark.parametrize("name, x_range, saturating_sides", [
    ("tanh", (-5, 5), "both"), ("softsign", (-20, 20), "both"), ("elu", (-10, 10), "left"),
    ("softplus", (-10, 10), "left"), ("log_sigmoid", (-10, 10), "right"), ("silu", (-10, 10), "left"),
    ("softmax", (-10, 10), "both"),
])
def test_saturating_tails_sit_where_f_has_a_limit(name, x_range, saturating_sides):
    found = shading(name, x_range)
    touches_left = any(lo == x_range[0] for lo, _ in found["saturating"])
    touches_right = any(hi == x_range[1] for _, hi in found["saturating"])
    assert (touches_left, touches_right) == {"both": (True, True), "left": (True, False),
                                             "right": (False, True)}[saturating_sides], found
    assert found["small_gradient"] == []


# --- tails against the reference's limits ----------------------------------------------------

@pytest.mark.parametrize("name", actlib.names())
def test_tails_agree_with_the_reference(name):
    ref = REFERENCE[name].f
    far = ref(np.array([-1e8, -1e7, 1e7, 1e8]))                   # float64, far beyond the test points
    want = Tails(left=bool(abs(far[0] - far[1]) < 1e-6), right=bool(abs(far[3] - far[2]) < 1e-6))
    assert regions.tails(name) == want


def test_tails_follow_the_parameters():
    assert regions.tails("swish", {"beta": 0.0}) == Tails(False, False)      # x / 2
    assert regions.tails("swish", {"beta": 1.0}) == Tails(True, False)
    assert regions.tails("maxout", {"w1": 0.0, "b1": 0.5}) == Tails(True, True)   # a constant
    assert regions.tails_from_values([-3.0, -3.0, 1e3, 1e4]) == Tails(True, False)
    assert regions.tails_from_values([np.nan, 0.0, 1.0, 1.0]) == Tails(False, True)


def test_tails_compile_once_and_then_nothing(count_compiles):
    regions.tails("elu", {"alpha": 1.0})
    with count_compiles() as c:
        for alpha in np.linspace(0.0, 3.0, 61):
            regions.tails("elu", {"alpha": float(alpha)})
    assert c.count == 0


# --- hand-made curves ------------------------------------------------------------------------

def test_hand_made_curve_with_every_kind():
    x = np.arange(12.0)    # step 1: intervals reach half a step past their end points
    first = [0.0, 0.0, 0.5, -0.002, -0.003, 0.5, 0.001, -0.001, 0.5, 0.006, 0.003, 0.0]
    found = gradient_regions(x, first, tails=Tails(left=True, right=True))
    # x = 0..1: f' = 0 right after a jump from 0.5: dead
    assert found["dead"] == [(0.0, 1.5)]
    # x = 3..4: one sign, not in a tail: small gradient; x = 6..7 crosses zero: not shaded
    assert found["small_gradient"] == [(2.5, 4.5)]
    # x = 9..10 flattens out into the right tail; the 0 at x = 11 is its float32 underflow
    assert found["saturating"] == [(8.5, 11.0)]


def test_threshold_is_compared_in_float32_and_is_exclusive():
    x = np.arange(3.0)
    just_below = np.nextafter(np.float32(SMALL_SLOPE), np.float32(0))
    found = gradient_regions(x, np.array([SMALL_SLOPE, just_below, 1.0], np.float32), tails=Tails(False, False))
    assert found == {"dead": [], "saturating": [], "small_gradient": [(0.5, 1.5)]}


def test_edges_are_plain_floats_and_empty_input_is_fine():
    found = shading("relu")
    assert all(type(v) is float for lo_hi in found["dead"] for v in lo_hi)   # JSON-ready
    assert gradient_regions([], [], tails=Tails(True, True)) == {k: [] for k in regions.KINDS}
    assert gradient_regions([2.0], [0.0], tails=Tails(True, True))["dead"] == [(2.0, 2.0)]


def test_one_threshold_for_both_pages_stated_in_the_legend():
    assert stack.SATURATION_SLOPE is regions.SMALL_SLOPE
    from actlib import readouts
    for lang in ("en", "ja"):
        labels = readouts.region_labels(lang)
        assert set(labels) == set(regions.KINDS)
        assert all(f"{SMALL_SLOPE:g}" in labels[k] for k in ("saturating", "small_gradient"))
        # the gradient page's legend for the same count states the same number
        assert f"|f′| < {SMALL_SLOPE:g}" in t("flow.saturated", lang)


@pytest.mark.parametrize("name, params", [("gelu", {}), ("celu", {"alpha": 0.1}), ("softplus", {"beta": 10.0})])
def test_float32_underflow_in_a_saturating_tail_is_not_called_dead(name, params):
    # f' > 0 everywhere mathematically, but it rounds to 0 in float32 far left
    x = np.linspace(-20.0, 20.0, GRID_POINTS).astype(np.float32)
    first = np.asarray(actlib.curves(name, x, **params)[1])
    assert first[0] == 0                                      # the underflow is really there
    found = gradient_regions(x, first, tails=regions.tails(name, params))
    assert found["dead"] == []
    [(lo, hi)] = found["saturating"]
    assert lo == -20.0 and hi < 0


def test_true_dead_tails_stay_dead_next_to_nothing_small():
    for name in ("relu", "hard_sigmoid", "relu6", "hard_swish"):
        found = shading(name, (-20.0, 20.0))
        assert found["dead"] and found["saturating"] == [], name

"""actlib.properties: the facts the Explorer states, checked against the float64 reference."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from scipy import integrate, optimize

import actlib
from actlib.properties import (CLOSER_THAN_RELU, MOMENT_TOLERANCE, ZERO_MEAN_SHARE, Properties,
                               properties)
from reference import REFERENCE, kinks

INF = math.inf
NAMES = actlib.names()


def slider_settings(name: str) -> list[dict[str, float]]:
    """Defaults and each slider at its min and its max."""
    out: list[dict[str, float]] = [{}]
    for p in actlib.get(name).params:
        out += [{p.name: p.min}, {p.name: p.max}]
    return out


ALL = [pytest.param(n, s, id=f"{n}[{','.join(f'{k}={v:g}' for k, v in s.items()) or 'defaults'}]")
       for n in NAMES for s in slider_settings(n)]


def reference_moments(name: str, **params) -> tuple[float, float]:
    """Mean and std of f(x), x ~ N(0, 1), by scipy's adaptive quadrature in float64,
    split at the kinks (and step's jump) so each piece is smooth."""
    f = lambda x: float(REFERENCE[name].f(np.float64(x), **params))
    density = lambda x: math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    edges = [-math.inf, *sorted(kinks(name, **params)), math.inf]

    def expect(g):
        return sum(integrate.quad(lambda x: g(x) * density(x), a, b, epsabs=1e-13, epsrel=1e-12,
                                  limit=200)[0] for a, b in zip(edges[:-1], edges[1:]))

    mean = expect(f)
    return mean, math.sqrt(max(expect(lambda x: (f(x) - mean) ** 2), 0.0))


def reference_odd(name: str, **params) -> bool:
    x = np.linspace(0.0, 60.0, 6001)
    f = REFERENCE[name].f
    return bool(np.allclose(f(-x, **params), -f(x, **params), rtol=1e-12, atol=1e-12))


RELU_SHARE = 0.3989422804014327 / math.sqrt(0.5 - 0.5 / math.pi)   # E relu / sd relu, closed form


def reference_centring(name: str, **params) -> str:
    """The stated rule (Properties.centring), applied to the reference's quadrature."""
    if reference_odd(name, **params):
        return "odd"
    mean, std = reference_moments(name, **params)
    share = abs(mean) / std if std > 0 else math.inf
    if share <= ZERO_MEAN_SHARE:
        return "zero_mean"
    return "closer_than_relu" if share <= CLOSER_THAN_RELU * RELU_SHARE else "no"


def reference_zero_centred(name: str, **params) -> bool:
    return reference_centring(name, **params) in ("odd", "zero_mean")


def reference_minimum(name: str, bracket: tuple[float, float], **params) -> tuple[float, float]:
    f = lambda x: float(REFERENCE[name].f(np.float64(x), **params))
    res = optimize.minimize_scalar(f, bounds=bracket, method="bounded", options={"xatol": 1e-10})
    return res.fun, res.x


@pytest.mark.parametrize("name, params, bracket", [
    ("silu", {}, (-3, 0)), ("swish", {}, (-3, 0)), ("swish", {"beta": 0.5}, (-6, 0)),
    ("swish", {"beta": 5.0}, (-1, 0)), ("gelu", {}, (-3, 0)), ("gelu_tanh", {}, (-3, 0)),
    ("mish", {}, (-3, 0)), ("hard_swish", {}, (-3, 0)),
])
def test_minimum_matches_reference(name, params, bracket):
    p = properties(name, **params)
    value, where = reference_minimum(name, bracket, **{k: float(np.float32(v)) for k, v in params.items()})
    assert p.minimum == pytest.approx(value, abs=1e-5)
    assert p.argmin == pytest.approx(where, abs=1e-4)
    assert p.lower == p.minimum and p.lower_attained


@pytest.mark.parametrize("name, minimum, argmin", [
    ("silu", -0.27846, -1.27846), ("gelu", -0.16997, -0.75179), ("mish", -0.30884, -1.19243),
    ("hard_swish", -0.375, -1.5),
])
def test_well_known_minima(name, minimum, argmin):
    p = properties(name)
    assert p.minimum == pytest.approx(minimum, abs=1e-5) and p.argmin == pytest.approx(argmin, abs=1e-4)


def test_maxout_v_shape_minimum_is_located_off_grid():
    p = properties("maxout", w1=1.0, b1=0.37, w2=-1.0, b2=-0.3)   # kink at -0.335
    assert p.minimum == pytest.approx(0.035, abs=1e-6) and p.argmin == pytest.approx(-0.335, abs=1e-6)


@pytest.mark.parametrize("name, params", [
    ("sigmoid", {}), ("elu", {}), ("tanh", {}), ("softplus", {}), ("identity", {}),
    ("log_sigmoid", {}), ("softsign", {}), ("leaky_relu", {}), ("selu", {}), ("celu", {"alpha": 0.1}),
])
def test_no_minimum_when_unbounded_below_or_only_approached(name, params):
    p = properties(name, **params)
    assert p.minimum is None and p.argmin is None and not p.lower_attained


@pytest.mark.parametrize("name", ["relu", "step", "relu6", "hard_sigmoid"])
def test_flat_minimum_has_a_value_but_no_single_argmin(name):
    p = properties(name)
    assert p.minimum == 0.0 and p.argmin is None and p.lower_attained


@pytest.mark.parametrize("name, params, lower, upper, lower_attained, upper_attained", [
    ("sigmoid", {}, 0, 1, False, False),
    ("tanh", {}, -1, 1, False, False),
    ("relu", {}, 0, INF, True, False),
    ("elu", {}, -1, INF, False, False),
    ("elu", {"alpha": 2.5}, -2.5, INF, False, False),
    ("elu", {"alpha": 0.0}, 0, INF, True, False),
    ("celu", {"alpha": 0.1}, -0.1, INF, False, False),
    ("selu", {}, -1.0507009873554805 * 1.6732632423543772, INF, False, False),
    ("softplus", {}, 0, INF, False, False),
    ("softplus", {"beta": 0.1}, 0, INF, False, False),
    ("identity", {}, -INF, INF, False, False),
    ("leaky_relu", {}, -INF, INF, False, False),
    ("step", {}, 0, 1, True, True),
    ("relu6", {}, 0, 6, True, True),
    ("hard_sigmoid", {}, 0, 1, True, True),
    ("softsign", {}, -1, 1, False, False),
    ("log_sigmoid", {}, -INF, 0, False, False),
    ("softmax", {"classes": 10, "other_logit": 5}, 0, 1, False, False),
    ("hard_swish", {}, -0.375, INF, True, False),
    ("swish", {"beta": 0.0}, -INF, INF, False, False),
    ("maxout", {"w1": 0.0, "b1": 0.5}, 0.5, 0.5, True, True),
])
def test_output_range(name, params, lower, upper, lower_attained, upper_attained):
    p = properties(name, **params)
    assert (p.lower, p.upper) == (pytest.approx(lower, abs=1e-5), pytest.approx(upper, abs=1e-5))
    assert (p.lower_attained, p.upper_attained) == (lower_attained, upper_attained)


@pytest.mark.parametrize("name, params, zero_centred, monotonic, smooth", [
    ("sigmoid", {}, False, True, True),
    ("tanh", {}, True, True, True),
    ("relu", {}, False, True, False),
    ("leaky_relu", {}, False, True, False),
    ("leaky_relu", {"alpha": 1.0}, True, True, True),       # the identity
    ("elu", {}, False, True, True),                         # C1 (not C2) at alpha = 1
    ("elu", {"alpha": 0.5}, False, True, False),
    ("elu", {"alpha": 1.05}, False, True, False),
    ("elu", {"alpha": 0.0}, False, True, False),            # relu
    ("selu", {}, True, True, False),
    ("celu", {"alpha": 0.1}, False, True, True),
    ("celu", {"alpha": 1.55}, False, True, True),
    ("celu", {"alpha": 3.0}, False, True, True),
    ("silu", {}, False, False, True),
    ("gelu", {}, False, False, True),
    ("gelu_tanh", {}, False, False, True),
    ("mish", {}, False, False, True),
    ("swish", {"beta": 0.0}, True, True, True),             # x / 2
    ("softplus", {}, False, True, True),
    ("softsign", {}, True, True, True),                     # f'' jumps at 0, f' does not
    ("step", {}, False, True, False),
    ("relu6", {}, False, True, False),
    ("hard_sigmoid", {}, False, True, False),
    ("hard_swish", {}, False, False, False),
    ("log_sigmoid", {}, False, True, True),
    ("softmax", {}, False, True, True),
    ("identity", {}, True, True, True),
    ("maxout", {"w2": -1.0}, False, False, False),          # |x|
    ("maxout", {"w1": -1.0, "w2": -2.0}, False, True, False),  # decreasing counts as monotonic
])
def test_flags(name, params, zero_centred, monotonic, smooth):
    p = properties(name, **params)
    assert (p.zero_centred, p.monotonic, p.smooth) == (zero_centred, monotonic, smooth)


@pytest.mark.parametrize("name, params, slope", [
    ("relu", {}, 0.0), ("leaky_relu", {}, 1.0), ("elu", {"alpha": 2.0}, 2.0), ("celu", {"alpha": 0.1}, 1.0),
    ("relu6", {}, 0.0), ("step", {}, 0.0), ("maxout", {}, 0.0), ("sigmoid", {}, 0.25),
    ("softplus", {"beta": 7.0}, 0.5), ("gelu", {}, 0.5), ("mish", {}, 0.6),
])
def test_slope_at_zero_uses_jax_kink_convention(name, params, slope):
    assert properties(name, **params).slope_at_zero == pytest.approx(slope, rel=1e-6)


@pytest.mark.parametrize("name, params, slope, at", [
    ("sigmoid", {}, 0.25, 0.0), ("tanh", {}, 1.0, 0.0), ("softmax", {"classes": 6}, 0.25, math.log(5)),
    ("gelu", {}, 1.1289, math.sqrt(2)), ("silu", {}, 1.0998, 2.3994), ("elu", {"alpha": 3.0}, 3.0, 0.0),
    ("relu", {}, 1.0, None), ("identity", {}, 1.0, None), ("softplus", {}, 1.0, None),
    ("hard_sigmoid", {}, 1 / 6, None), ("step", {}, 0.0, None),
])
def test_max_slope(name, params, slope, at):
    p = properties(name, **params)
    assert p.max_slope == pytest.approx(slope, abs=1e-4)
    assert p.max_slope_at is None if at is None else p.max_slope_at == pytest.approx(at, abs=1e-4)


def test_sigmoid_max_slope_is_exactly_a_quarter_at_zero():
    p = properties("sigmoid")
    assert (p.max_slope, p.max_slope_at) == (0.25, 0.0)


@pytest.mark.parametrize("name, params", ALL)
def test_every_setting_is_finite_and_agrees_with_reference(name, params):
    p = properties(name, **params)
    assert isinstance(p, Properties) and p.name == name
    for v in (p.max_slope, p.slope_at_zero):
        assert math.isfinite(v)
    for v in (p.lower, p.upper):
        assert not math.isnan(v)
    for v in (p.minimum, p.argmin, p.max_slope_at):
        assert v is None or math.isfinite(v)
    assert p.lower <= p.upper and abs(p.slope_at_zero) <= p.max_slope * (1 + 1e-6)
    if p.minimum is not None:
        assert p.minimum == p.lower
    # The reference never leaves the stated range, never beats the stated slope,
    # and agrees about monotonicity and zero-centredness.
    ref_params = {k: float(v) for k, v in p.params}
    x = np.concatenate([np.linspace(-60, 60, 24001), [-1e4, -1e3, 1e3, 1e4]])
    f, df = REFERENCE[name].f(x, **ref_params), REFERENCE[name].df(x, **ref_params)
    tol = 1e-5 * np.maximum(1.0, np.abs(f))
    assert np.all(f >= p.lower - tol) and np.all(f <= p.upper + tol)
    assert np.abs(df).max() <= p.max_slope * (1 + 1e-5) + 1e-6
    ref_monotonic = np.all(df >= -1e-9) or np.all(df <= 1e-9)
    assert p.monotonic == bool(ref_monotonic)
    assert p.zero_centred == reference_zero_centred(name, **ref_params)


def test_unknown_name_and_parameter():
    with pytest.raises(ValueError, match="valid names"):
        properties("sigmoidal")
    with pytest.raises(ValueError, match="parameter"):
        properties("elu", beta=1.0)


def test_properties_is_frozen_and_comparable():
    p = properties("tanh")
    with pytest.raises(AttributeError):
        p.lower = 0.0
    assert p == properties("tanh", **{}) and p != properties("sigmoid")


def test_slider_sweep_compiles_nothing_and_is_fast(count_compiles):
    """The page recomputes properties on every slider release."""
    properties("swish", beta=1.0), properties("elu", alpha=1.0)   # warm: grid and Newton shapes
    with count_compiles() as c:
        start = time.perf_counter()
        for v in np.linspace(0.1, 3.0, 30):
            properties("swish", beta=v), properties("elu", alpha=v)
        per_call = (time.perf_counter() - start) / 60
    assert c.count == 0
    assert per_call < 0.1        # ~2 ms on a laptop core; generous for a shared CI machine


# --- output mean and std under N(0, 1), and zero-centring -----------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_output_moments_match_scipy_quadrature_at_the_defaults(name):
    p = properties(name)
    mean, std = reference_moments(name, **{k: float(v) for k, v in p.params})
    room = MOMENT_TOLERANCE * max(1.0, abs(mean) + std)
    assert p.output_mean == pytest.approx(mean, abs=room)
    assert p.output_std == pytest.approx(std, abs=room)


@pytest.mark.parametrize("name, params", [
    ("softplus", {"beta": 0.1}), ("elu", {"alpha": 3.0}), ("maxout", {"w1": 1.0, "b1": 0.37, "w2": -1.0, "b2": -0.3}),
    ("selu", {"scale": 2.0}), ("swish", {"beta": 5.0}), ("softmax", {"classes": 10.0, "other_logit": -5.0}),
])
def test_output_moments_match_scipy_quadrature_off_the_defaults(name, params):
    p = properties(name, **params)
    mean, std = reference_moments(name, **{k: float(v) for k, v in p.params})
    room = MOMENT_TOLERANCE * max(1.0, abs(mean) + std)
    assert (p.output_mean, p.output_std) == (pytest.approx(mean, abs=room), pytest.approx(std, abs=room))


# The issue's table (output means for N(0, 1) input) and the four it names as zero-centred.
@pytest.mark.parametrize("name, mean, centring", [
    ("relu", 0.399, "no"), ("leaky_relu", 0.395, "no"), ("prelu", 0.299, "no"), ("gelu", 0.282, "no"),
    ("mish", 0.240, "no"), ("silu", 0.207, "no"), ("swish", 0.207, "no"),
    ("elu", 0.161, "closer_than_relu"),
    ("tanh", 0.0, "odd"), ("softsign", 0.0, "odd"), ("identity", 0.0, "odd"), ("selu", 0.0, "zero_mean"),
])
def test_the_issue_table(name, mean, centring):
    p = properties(name)
    assert p.output_mean == pytest.approx(mean, abs=5e-4)
    assert p.centring == centring
    assert p.zero_centred == (name in ("tanh", "softsign", "identity", "selu"))


@pytest.mark.parametrize("name", NAMES)
def test_zero_centred_follows_the_stated_rule_for_every_activation(name):
    p = properties(name)
    assert p.centring == reference_centring(name, **{k: float(v) for k, v in p.params})
    assert p.zero_centred == (p.centring in ("odd", "zero_mean"))


def test_relu_share_constant_is_the_closed_form():
    from actlib.properties import RELU_MEAN_SHARE
    mean, std = reference_moments("relu")
    assert RELU_MEAN_SHARE == pytest.approx(mean / std, rel=1e-9) == pytest.approx(RELU_SHARE, rel=1e-12)

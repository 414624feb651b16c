"""actlib's activations and autodiff derivatives against an independent float64 reference.

Every test that evaluates on the shared grid ``X`` uses the same shape, so each
activation compiles once per derivative order for the whole module.
"""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import actlib
from actlib import autodiff
from reference import DEFAULTS, KINKS, REFERENCE, SECOND, kinks

NAMES = actlib.names()

# One grid for everything: exact multiples of 0.05 on [-50, 50] (so 0, +-3 and 6
# are on it), far points out to 1e4, tiny magnitudes down to denormals, and
# log-uniform random magnitudes (fixed seed) of both signs.
_RNG = np.random.default_rng(20261125)
_FAR = np.array([1e2, 1e3, 1e4, np.nextafter(np.float32(1e4), np.float32(0)), 3e3, 7e2, 51.0])
_TINY = np.array([1e-7, 1e-20, 1e-38, 1e-40, 1e-45])
_RANDOM = 10.0 ** _RNG.uniform(-45, 4, 1000) * _RNG.choice([-1.0, 1.0], 1000)
X = np.concatenate([np.arange(-1000, 1001) / 20.0, _FAR, -_FAR, _TINY, -_TINY,
                    np.geomspace(50, 1e4, 100), -np.geomspace(50, 1e4, 100), _RANDOM]).astype(np.float32)
# XLA on CPU flushes float32 denormals to (signed) zero, so step(-1e-40) = step(-0.0) = 1;
# the reference sees the inputs the way XLA does.
X64 = np.where(np.abs(X) < np.finfo(np.float32).tiny, np.copysign(0.0, X), X).astype(np.float64)

RTOL, ATOL = 1e-5, 1e-6
# Second derivatives: float32 1 - sigma(z) (JAX's logistic/tanh derivative rules) carries an
# absolute error of ~1e-7 that f'' multiplies by beta (softplus) or a cubic factor (gelu_tanh).
RTOL2, ATOL2 = 1e-4, 1e-5
# gelu_tanh' near |x| = 5: 1 - tanh(u)^2 with |u| ~ 8 is a few ulps of 1 in float32, times
# x * du/dx ~ 35, so its absolute error is ~2e-6 where the true slope is itself ~1e-6.
DERIVATIVE_ATOL = {"gelu_tanh": 5e-6}
SECOND_ATOL = {"gelu_tanh": 5e-5}         # the same, times another x * du/dx
# Up to XLA's flushing of denormal results to zero.
TINY = float(np.finfo(np.float32).tiny)


def settings(name: str) -> list[dict[str, float]]:
    """Defaults, each slider at its min and at its max, and every slider mid-way."""
    act = actlib.get(name)
    out: list[dict[str, float]] = [{}]
    for p in act.params:
        out += [{p.name: p.min}, {p.name: p.max}]
    if act.params:
        out.append({p.name: round((p.min + p.max) / 2 / p.step) * p.step for p in act.params})
    return out


def setting_id(params: dict) -> str:
    return ",".join(f"{k}={v:g}" for k, v in params.items()) or "defaults"


CASES = [pytest.param(n, s, id=f"{n}[{setting_id(s)}]") for n in NAMES for s in settings(n)]


def as_ref_params(name: str, params: dict) -> dict[str, float]:
    """The parameters the test sets, float32-rounded as actlib uses them, as float64 for the
    reference. The ones it leaves out the reference fills from its own documented
    defaults, never from the registry's."""
    act = actlib.get(name)
    assert set(params) <= set(act.param_names), (name, params)
    return {k: float(np.float32(v)) for k, v in params.items()}


def away_from_kinks(name: str, params: dict, x: np.ndarray, width: float = 1e-3) -> np.ndarray:
    mask = np.ones(x.shape, bool)
    for k in kinks(name, **as_ref_params(name, params)):
        mask &= np.abs(x - k) > width * max(1.0, abs(k))
    return mask


def assert_close(actual, expected, rtol=RTOL, atol=ATOL, where=None):
    actual = np.asarray(actual, np.float64)
    err = np.abs(actual - expected)
    bad = err > atol + rtol * np.abs(expected)
    bad |= np.isnan(actual) != np.isnan(expected)    # NaN > tol is False: a NaN must fail
    if where is not None:
        bad &= where
    if bad.any():
        i = np.flatnonzero(bad)[:5]
        raise AssertionError(f"{bad.sum()} points off; x={X[i]}, got {actual[i]}, want {expected[i]}")


def test_reference_covers_every_activation():
    assert set(REFERENCE) == set(NAMES)
    assert set(SECOND) <= set(NAMES) and set(KINKS) <= set(NAMES)


def test_registry_defaults_are_the_documented_ones():
    """The registry's defaults against the values tests/reference.py copied from the
    libraries' docs (PyTorch, JAX, the SELU paper)."""
    registry = {n: actlib.get(n).defaults() for n in NAMES if actlib.get(n).params}
    assert set(registry) == set(DEFAULTS)
    for name, documented in DEFAULTS.items():
        assert registry[name].keys() == documented.keys(), name
        for key, value in documented.items():
            assert registry[name][key] == pytest.approx(value, rel=1e-15, abs=0), (name, key)


@pytest.mark.parametrize("name", NAMES)
def test_reference_functions_default_to_the_documented_values(name):
    """What the tests leave out, the reference fills in with ``DEFAULTS``."""
    for fn in (REFERENCE[name].f, REFERENCE[name].df, SECOND.get(name), KINKS.get(name)):
        if fn is None or isinstance(fn, np.ufunc):     # a scipy/numpy ufunc has no parameters
            continue
        found = {p.name: p.default for p in inspect.signature(fn).parameters.values()
                 if p.default is not inspect.Parameter.empty}
        assert found == DEFAULTS.get(name, {}), (name, fn)


def test_assert_close_fails_on_nan():
    good = np.zeros(X.shape)
    with pytest.raises(AssertionError):
        assert_close(np.where(X == 0, np.nan, good), good)
    with pytest.raises(AssertionError):
        assert_close(good, np.where(X == 0, np.nan, good))
    assert_close(np.full(X.shape, np.nan), np.full(X.shape, np.nan))   # both undefined: agree


def test_grid_is_big_enough():
    assert X.size >= 1000 and np.abs(X).max() == 1e4 and {0.0, 3.0, -3.0, 6.0} <= set(X.tolist())


@pytest.mark.parametrize("name, params", CASES)
def test_value_matches_reference(name, params):
    expected = REFERENCE[name].f(X64, **as_ref_params(name, params))
    assert_close(actlib.evaluate(name, X, **params), expected)


@pytest.mark.parametrize("name, params", CASES)
def test_derivative_matches_closed_form(name, params):
    expected = REFERENCE[name].df(X64, **as_ref_params(name, params))
    got = actlib.derivative(name)(X, **params)
    assert_close(got, expected, atol=DERIVATIVE_ATOL.get(name, ATOL),
                 where=away_from_kinks(name, params, X64))


@pytest.mark.parametrize("name, params", CASES)
def test_second_derivative_matches_central_difference(name, params):
    """f'' by autodiff vs a float64 central difference of the reference f'."""
    p = as_ref_params(name, params)
    h = 1e-5 * np.maximum(1.0, np.abs(X64))
    df = REFERENCE[name].df
    expected = (df(X64 + h, **p) - df(X64 - h, **p)) / (2 * h)
    got = actlib.derivative(name, order=2)(X, **params)
    assert_close(got, expected, rtol=RTOL2, atol=SECOND_ATOL.get(name, ATOL2),
                 where=away_from_kinks(name, params, X64, 1e-2))


@pytest.mark.parametrize("name, params", [
    pytest.param(n, s, id=f"{n}[{setting_id(s)}]") for n in SECOND for s in settings(n)])
def test_second_derivative_matches_closed_form(name, params):
    expected = SECOND[name](X64, **as_ref_params(name, params))
    got = actlib.derivative(name, order=2)(X, **params)
    assert_close(got, expected, rtol=RTOL2, atol=ATOL2, where=away_from_kinks(name, params, X64))


@pytest.mark.parametrize("name, params", CASES)
def test_value_and_derivatives_finite_everywhere(name, params):
    for order in (0, 1, 2):
        out = np.asarray(actlib.derivative(name, order)(X, **params))
        assert np.isfinite(out).all(), f"order {order} not finite at x={X[~np.isfinite(out)][:5]}"
    for out in actlib.curves(name, X, **params):
        assert np.isfinite(np.asarray(out)).all()


@pytest.mark.parametrize("name", NAMES)
def test_reverse_mode_grad_equals_forward_mode_derivative(name):
    """Two routes to f': vmap(grad(scalar f)) (reverse mode) and actlib's jvp."""
    act = actlib.get(name)
    grad_of_scalar = jax.grad(lambda x, p: act.fn(x, **p))
    by_grad = jax.jit(jax.vmap(grad_of_scalar, in_axes=(0, None)))     # compiled once per name
    for params in settings(name):
        route_grad = by_grad(jnp.asarray(X), actlib.resolve_params(act, params))
        route_jvp = actlib.derivative(name)(X, **params)
        np.testing.assert_allclose(np.asarray(route_grad), np.asarray(route_jvp), rtol=1e-6, atol=1e-7)


KINK_VALUES = [
    ("relu", {}, 0.0, 0.0), ("leaky_relu", {}, 0.0, 1.0), ("leaky_relu", {"alpha": 0.3}, 0.0, 1.0),
    ("prelu", {}, 0.0, 1.0),
    ("elu", {}, 0.0, 1.0), ("elu", {"alpha": 0.5}, 0.0, 0.5), ("elu", {"alpha": 2.5}, 0.0, 2.5),
    ("celu", {}, 0.0, 1.0), ("celu", {"alpha": 0.1}, 0.0, 1.0), ("celu", {"alpha": 3.0}, 0.0, 1.0),
    ("relu6", {}, 0.0, 0.0), ("relu6", {}, 6.0, 0.0),
    ("step", {}, 0.0, 0.0), ("step", {}, -2.0, 0.0), ("step", {}, 5.0, 0.0),
    ("maxout", {}, 0.0, 0.0),
    ("hard_sigmoid", {}, -3.0, 0.0), ("hard_sigmoid", {}, 3.0, 0.0),
    ("hard_swish", {}, -3.0, 0.0), ("hard_swish", {}, 3.0, 1.0),
]


@pytest.mark.parametrize("name, params, x, slope", KINK_VALUES)
def test_documented_kink_derivatives(name, params, x, slope):
    got = float(actlib.derivative(name)(np.array([x]), **params)[0])
    assert got == pytest.approx(slope, rel=1e-6)


def test_selu_kink_is_scale_times_alpha():
    got = float(actlib.derivative("selu")(np.array([0.0]), alpha=1.5, scale=2.0)[0])
    assert got == pytest.approx(3.0, rel=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_float32_in_float32_out_any_shape(name):
    x = np.linspace(-4, 4, 60).reshape(3, 4, 5)
    for out in (actlib.evaluate(name, x), actlib.derivative(name)(x)):
        assert out.shape == (3, 4, 5) and out.dtype == jnp.float32
    assert actlib.evaluate(name, x.astype(np.float32)).dtype == jnp.float32


def test_scalars_lists_and_ints_come_back_float32():
    assert actlib.evaluate("tanh", 0.5).shape == () and actlib.evaluate("tanh", 0.5).dtype == jnp.float32
    assert actlib.evaluate("relu", [1, -2, 3]).dtype == jnp.float32
    assert all(a.dtype == jnp.float32 for a in actlib.curves("elu", np.arange(4)))


@pytest.mark.parametrize("call", [
    lambda: actlib.get("relu7"), lambda: actlib.evaluate("relu7", 1.0),
    lambda: actlib.derivative("relu7"), lambda: actlib.curves("relu7", 1.0),
    lambda: actlib.properties("relu7"),
])
def test_unknown_name_lists_valid_names(call):
    with pytest.raises(ValueError, match="relu7") as info:
        call()
    assert all(n in str(info.value) for n in NAMES)


@pytest.mark.parametrize("call", [
    lambda: actlib.evaluate("relu", 1.0, alpha=0.1), lambda: actlib.derivative("elu")(1.0, beta=1.0),
    lambda: actlib.curves("softplus", 1.0, alpha=1.0), lambda: actlib.properties("tanh", scale=2.0),
])
def test_unknown_parameter_is_rejected(call):
    with pytest.raises(ValueError, match="parameter"):
        call()


@pytest.mark.parametrize("order", [-1, 1.5, True, "1"])
def test_bad_derivative_order_is_rejected(order):
    with pytest.raises(ValueError):
        actlib.derivative("relu", order)


# Facts the teacher states in class ------------------------------------------------


def test_sigmoid_slope_peaks_at_a_quarter_at_zero():
    d = np.asarray(actlib.derivative("sigmoid")(X))
    assert d.max() == 0.25 and X[np.argmax(d)] == 0.0


def test_two_class_softmax_is_exactly_sigmoid():
    np.testing.assert_array_equal(actlib.evaluate("softmax", X, classes=2, other_logit=0),
                                  actlib.evaluate("sigmoid", X))


def test_maxout_with_small_second_slope_is_leaky_relu():
    np.testing.assert_allclose(actlib.evaluate("maxout", X, w2=0.01),
                               actlib.evaluate("leaky_relu", X, alpha=0.01), rtol=0, atol=TINY)
    nonzero = X64 != 0                    # at 0 maxout's tie goes to w2, leaky_relu's to 1
    np.testing.assert_array_equal(np.asarray(actlib.derivative("maxout")(X, w2=0.01))[nonzero],
                                  np.asarray(actlib.derivative("leaky_relu")(X, alpha=0.01))[nonzero])


def test_maxout_with_minus_one_is_abs():
    np.testing.assert_allclose(actlib.evaluate("maxout", X, w2=-1.0), np.abs(X), rtol=0, atol=TINY)


def test_swish_with_beta_one_is_silu():
    np.testing.assert_allclose(actlib.evaluate("swish", X, beta=1.0), actlib.evaluate("silu", X),
                               rtol=1e-7, atol=0)
    np.testing.assert_allclose(actlib.derivative("swish")(X, beta=1.0), actlib.derivative("silu")(X),
                               rtol=1e-6, atol=1e-7)


def test_gelu_tanh_is_close_to_gelu_but_not_equal():
    x = np.linspace(-5, 5, 1001)
    gap = np.abs(np.asarray(actlib.evaluate("gelu_tanh", x)) - np.asarray(actlib.evaluate("gelu", x)))
    assert gap.max() < 1e-3 and gap.max() > 1e-5


def test_selu_defaults_are_jax_selu():
    np.testing.assert_allclose(actlib.evaluate("selu", X), jax.nn.selu(jnp.asarray(X)), rtol=1e-7, atol=0)


# Compilation ------------------------------------------------------------------


def test_elu_alpha_sweep_compiles_nothing_new(count_compiles):
    x = np.linspace(-3, 3, 37, dtype=np.float32)      # shape (37,): used by no other test
    grad = actlib.derivative("elu")
    with count_compiles() as first:
        actlib.evaluate("elu", x, alpha=0.5), grad(x, alpha=0.5), actlib.curves("elu", x, alpha=0.5)
    assert first.count > 0                            # the counter does see compilations
    with count_compiles() as sweep:
        for alpha in np.linspace(0.0, 3.0, 30):
            actlib.evaluate("elu", x, alpha=alpha)
            grad(x, alpha=float(alpha))
            actlib.curves("elu", x, alpha=alpha)
    assert sweep.count == 0
    with count_compiles() as ints:                    # resolve_params turns ints into float32
        actlib.evaluate("elu", x, alpha=2), grad(x, alpha=1), actlib.curves("elu", x, alpha=3)
    assert ints.count == 0


def test_a_python_int_would_recompile_without_resolve_params(count_compiles):
    """The guard above matters: the raw jitted function keys its cache on weak int types."""
    x = np.linspace(-3, 3, 41, dtype=np.float32)
    raw = autodiff._compiled("elu", 0)
    raw(x, alpha=np.float32(1.0))
    with count_compiles() as c:
        raw(x, alpha=2)
    assert c.count > 0

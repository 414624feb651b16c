"""actlib.custom: the formula language, its refusals, its numbers and its cost.

References are independent of the formula path: the registry's own functions
(actlib/functions.py, jax.nn), numpy float64 closed forms, or hand-worked values.
"""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest
from scipy import special

import actlib
from actlib import flow, formulas
from actlib.custom import FormulaError, nonfinite_intervals
from actlib.formula_tree import FUNCTIONS, MAX_NODES

custom_module = importlib.import_module("actlib.custom")  # actlib.custom is the function
X = np.linspace(-8.0, 8.0, 3000).astype(np.float32)   # no kink of the registry is a grid point
TOL = 2e-5                                               # float32, relative to max(1, |value|)


def _settings(name: str) -> list[dict[str, float]]:
    """Registry defaults and two other points inside every parameter's range."""
    params = actlib.get(name).params
    if not params:
        return [{}]
    return [{p.name: p.default for p in params},
            {p.name: p.min + 0.3 * (p.max - p.min) for p in params},
            {p.name: p.min + 0.85 * (p.max - p.min) for p in params}]


EXAMPLE_CASES = [pytest.param(n, s, id=f"{n}-{i}") for n in actlib.CUSTOM_EXAMPLES
                 for i, s in enumerate(_settings(n))]


def test_catalogue_has_at_least_twelve_examples_all_of_registry_entries():
    assert len(actlib.CUSTOM_EXAMPLES) >= 12
    assert set(actlib.CUSTOM_EXAMPLES) <= set(actlib.names())


@pytest.mark.parametrize("name, params", EXAMPLE_CASES)
def test_example_reproduces_registry_f_and_two_derivatives(name, params):
    act = actlib.custom(actlib.CUSTOM_EXAMPLES[name])
    assert act.group == "custom"
    assert set(act.param_names) == set(actlib.get(name).param_names)  # the same keywords
    ours = actlib.curves(act, X, **params)
    theirs = actlib.curves(name, X, **params)
    for order, (a, b) in enumerate(zip(ours, theirs)):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        assert a.dtype == np.float64 and np.isfinite(a).all(), (name, order)
        err = np.abs(a - b) / np.maximum(1.0, np.abs(b))
        assert err.max() <= TOL, (name, order, float(err.max()), float(X[err.argmax()]))


def test_example_gelu_against_scipy_float64():
    act = actlib.custom(actlib.CUSTOM_EXAMPLES["gelu"])
    x64 = X.astype(np.float64)
    phi = np.exp(-x64 ** 2 / 2) / math.sqrt(2 * math.pi)
    f, d1, d2 = (np.asarray(v, np.float64) for v in actlib.curves(act, X))
    np.testing.assert_allclose(f, x64 * special.ndtr(x64), atol=2e-6, rtol=1e-5)
    np.testing.assert_allclose(d1, special.ndtr(x64) + x64 * phi, atol=2e-6, rtol=1e-5)
    np.testing.assert_allclose(d2, (2 - x64 ** 2) * phi, atol=2e-6, rtol=1e-5)


# --- the Activation -------------------------------------------------------------------------

def test_issue_example_end_to_end():
    act = actlib.custom("where(x > 0, x, alpha * expm1(x))")
    assert act.params == (actlib.Param("alpha", 1.0, -5.0, 5.0, 0.01, r"\alpha"),)
    x = np.array([-2.0, -0.5, 0.0, 1.5], np.float32)
    y = act(x, alpha=0.5)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, [0.5 * math.expm1(-2), 0.5 * math.expm1(-0.5), 0, 1.5], rtol=1e-6)
    d2 = actlib.derivative(act, order=2)(x, alpha=0.5)
    np.testing.assert_allclose(d2, [0.5 * math.exp(-2), 0.5 * math.exp(-0.5), 0.5, 0], rtol=1e-6)
    props = actlib.properties(act, alpha=0.5)
    assert props.lower == pytest.approx(-0.5, abs=1e-6) and props.upper == math.inf
    assert props.slope_at_zero == pytest.approx(0.5) and props.monotonic
    assert actlib.properties(act.name, alpha=0.5) == props


def test_every_other_name_is_a_sorted_parameter():
    act = actlib.custom("w2 * x + b * pi + alpha * sigmoid(x * beta)")
    assert act.param_names == ("alpha", "b", "beta", "w2")
    assert all((p.default, p.min, p.max, p.step) == (1.0, -5.0, 5.0, 0.01) for p in act.params)


def test_same_formula_however_typed_has_one_name():
    a = actlib.custom("where(x>0,x,alpha*expm1(x))")
    b = actlib.custom("  where( (x > 0), (x), ((alpha) * expm1(x)) )")
    assert a.name == b.name == "custom:where(x > 0, x, alpha * expm1(x))"
    assert actlib.get(a.name).name == a.name


def test_name_resolves_through_registry_and_bad_name_is_a_value_error():
    act = actlib.get("custom:x * sigmoid(x)")
    np.testing.assert_array_equal(act(X), actlib.get("silu")(X))
    with pytest.raises(FormulaError):
        actlib.get("custom:x +* 2")
    with pytest.raises(ValueError):
        actlib.get("no_such_activation")


def test_integer_powers_are_exact_and_signed():
    act = actlib.custom("x**3 + x**-2")
    x = np.array([-2.0, -0.5, 3.0], np.float32)
    np.testing.assert_allclose(act(x), x.astype(np.float64) ** 3 + x.astype(np.float64) ** -2,
                               rtol=1e-6)
    np.testing.assert_allclose(actlib.derivative(act)(x), 3 * x.astype(np.float64) ** 2
                               - 2 * x.astype(np.float64) ** -3, rtol=1e-6)


def test_conditions_count_as_one_or_zero_and_chains_work():
    act = actlib.custom("(0 < x < 6) + 2 * (x == 1)")
    x = np.array([-1.0, 0.0, 1.0, 3.0, 6.0, 7.0], np.float32)
    np.testing.assert_array_equal(act(x), [0, 0, 3, 1, 0, 0])


def test_constant_formula_has_the_shape_of_x_and_zero_slope():
    act = actlib.custom("alpha")
    f, d1, d2 = actlib.curves(act, X[:5], alpha=2.5)
    np.testing.assert_array_equal(f, np.full(5, 2.5, np.float32))
    np.testing.assert_array_equal(d1, np.zeros(5)); np.testing.assert_array_equal(d2, np.zeros(5))


# --- derivatives at a where: the branch taken ------------------------------------------------

@pytest.mark.parametrize("formula, d1_at_0, d2_at_0", [
    ("where(x > 0, x, alpha * expm1(x))", 2.0, 2.0),        # x > 0 is false at 0: the left branch
    ("where(x >= 0, 3 * x, -x)", 3.0, 0.0),                  # true at 0: the right branch
    ("where(x < 0, x**2, 5 * x**3)", 0.0, 0.0),
    ("where(x <= 0, sin(x), 4 * x)", 1.0, 0.0),
])
def test_derivative_at_a_where_follows_the_branch_taken(formula, d1_at_0, d2_at_0):
    act = actlib.custom(formula)
    params = {"alpha": 2.0} if act.params else {}
    zero = np.zeros(1, np.float32)
    assert float(actlib.derivative(act, 1)(zero, **params)[0]) == pytest.approx(d1_at_0)
    assert float(actlib.derivative(act, 2)(zero, **params)[0]) == pytest.approx(d2_at_0)


def test_untaken_branch_overflow_does_not_leak_into_derivatives():
    act = actlib.custom("where(x > 0, x, exp(x * 1000))")   # exp(1000 x) is inf for x > 0.09
    f, d1, d2 = (np.asarray(a) for a in actlib.curves(act, X))
    positive = X > 0
    assert np.isfinite(f).all() and (d1[positive] == 1).all() and (d2[positive] == 0).all()


# --- non-finite points --------------------------------------------------------------------------

def test_nonfinite_intervals_of_log_and_sqrt():
    x = np.linspace(-2.0, 2.0, 401).astype(np.float32)      # step 0.01: 0 is x[200]
    f, d1, _ = actlib.curves(actlib.custom("log(x)"), x)
    assert nonfinite_intervals(x, f) == [(-2.0, 0.0)]        # NaN below 0, -inf at 0
    f, d1, _ = actlib.curves(actlib.custom("sqrt(abs(x))"), x)
    assert nonfinite_intervals(x, f) == []
    assert nonfinite_intervals(x, f, d1) == [(0.0, 0.0)]     # f' = inf at the cusp only
    assert nonfinite_intervals(x, np.where((x > -1) & (x < -0.5), np.nan, x), np.where(x > 1.5, np.inf, x)) \
        == [(float(x[101]), float(x[149])), (float(x[351]), 2.0)]


def test_properties_skip_nonfinite_points():
    props = actlib.properties(actlib.custom("1 / x"))         # inf at 0 only
    assert props.upper == pytest.approx(200.0) and props.lower == pytest.approx(-200.0)
    assert math.isnan(props.slope_at_zero)
    assert props.centring == "odd" and props.zero_centred   # 1/(-x) = -1/x wherever both are finite
    assert not props.monotonic                               # falls on each side, jumps up at 0
    with pytest.raises(ValueError, match="not finite"):
        actlib.properties(actlib.custom("log(-1 - x**2)"))


# --- the gradient-flow engine and mean field take a custom activation --------------------------

def test_flow_and_mean_field_of_a_formula_equal_the_registry_entry():
    mine = flow.StackConfig(activation=actlib.custom("tanh(x)"), depth=30, width=32, batch=16)
    theirs = flow.StackConfig(activation="tanh", depth=30, width=32, batch=16)
    assert mine.activation == "custom:tanh(x)"
    np.testing.assert_allclose(flow.gradient_flow(mine).log10_grad, flow.gradient_flow(theirs).log10_grad,
                               rtol=1e-5)
    np.testing.assert_allclose(flow.mean_field(mine), flow.mean_field(theirs), rtol=1e-5)
    silu = flow.StackConfig(activation=actlib.custom("x * sigmoid(beta * x)").name,
                            params={"beta": 1.0}, depth=20, init="he")
    np.testing.assert_allclose(flow.mean_field(silu),
                               flow.mean_field(flow.StackConfig(activation="silu", depth=20, init="he")),
                               rtol=1e-5)


# --- cost: one compile per formula and shape, none for a parameter -------------------------------

def test_new_formula_compiles_once_and_parameters_never_recompile(count_compiles):
    act = actlib.custom("beta * softplus(x - gamma) + 0.125")   # a formula no other test uses
    with count_compiles() as first:
        actlib.curves(act, X, beta=1.0, gamma=0.0)
    with count_compiles() as moving:
        for value in np.linspace(-5, 5, 25):
            actlib.curves(act, X, beta=float(value), gamma=float(-value))
            actlib.curves(act.name, X, beta=float(value), gamma=0.5)
        actlib.curves(actlib.custom("beta*softplus(x-gamma)+0.125"), X, beta=2.0, gamma=1.0)
    assert first.count >= 1 and moving.count == 0


def test_caches_are_bounded():
    from actlib import autodiff

    assert custom_module._from_canonical.cache_info().maxsize == custom_module.PARSED_CACHE
    assert autodiff._custom_compiled.cache_info().maxsize == autodiff.CUSTOM_COMPILED
    assert autodiff._custom_curves.cache_info().maxsize == autodiff.CUSTOM_COMPILED
    for i in range(custom_module.PARSED_CACHE + 20):
        actlib.custom(f"x * {i}")
    assert custom_module._from_canonical.cache_info().currsize <= custom_module.PARSED_CACHE


# --- LaTeX from the tree ---------------------------------------------------------------------

@pytest.mark.parametrize("formula, latex", [
    ("where(x > 0, x, alpha * expm1(x))",
     r"\begin{cases} x & x > 0 \\ [alpha]\,\left(e^{x} - 1\right) & \text{otherwise} \end{cases}"),
    ("x * tanh(softplus(x))", r"x\,\tanh\left(\operatorname{softplus}\left(x\right)\right)"),
    ("(x + 1) / sqrt(2 * pi)", r"\frac{x + 1}{\sqrt{2\,\pi}}"),
    ("-x**2 + abs(x) * 2", r"-{x}^{2} + \left|x\right| \cdot 2"),
    ("(-x)**0.5 >= 1e-3", r"{\left(-x\right)}^{0.5} \ge 10^{-3}"),
])
def test_latex_is_rendered_from_the_tree(formula, latex):
    assert actlib.custom(formula).latex == latex


def test_latex_with_values_and_honest_derivative():
    act = actlib.custom("alpha * x + beta")
    assert formulas.function_latex(act) == r"f(x) = \alpha\,x + \beta"
    assert formulas.function_latex(act, {"alpha": 1.0, "beta": -0.5}) == "f(x) = x + (-0.5)"
    assert formulas.derivative_latex(act).startswith(r"f'(x) = \frac{d}{dx}")


def test_functions_are_the_issues_list():
    assert set(FUNCTIONS) == set("where exp expm1 log log1p sqrt abs sin cos tanh sigmoid "
                                 "softplus erf erfc min max relu".split())
    assert MAX_NODES == 64

"""actlib.flow: exact against plain autodiff, right against mean-field theory, and compiled once.

Most physics tests share one shape (width 256, batch 64, depth 60: bucket 64) so
they share compiled programs; the whole file runs in well under a minute.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from actlib import flow, get, resolve_params
from actlib import mean_field as mf
from actlib import draws, stack

WIDTH, BATCH, DEPTH = 256, 64, 60
MIDDLE = slice(12, 48)  # away from the input transient and the readout


def physics(**kw) -> flow.StackConfig:
    return flow.StackConfig(**({"depth": DEPTH, "width": WIDTH, "batch": BATCH} | kw))


def slope_down(curve: np.ndarray) -> float:
    """Change of log10 grad per layer going *down* the stack (towards the input), fitted."""
    layers = np.arange(len(curve))[MIDDLE]
    return -float(np.polyfit(layers, curve[MIDDLE], 1)[0])


# --- a second implementation: the plain autodiff of the same loss ----------------

def reference(cfg: flow.StackConfig, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """log10 RMS_n ||dL/dz_l[n]|| and log10 ||dL/dW_l||_F by jax.grad, a Python loop over layers.

    dL/dz_l is the gradient with respect to a zero added to z_l.
    """
    weights, biases, x, readout = (jnp.asarray(a, dtype) for a in flow.network(cfg))
    act = get(cfg.activation)
    act_params = {k: jnp.asarray(v, dtype) for k, v in resolve_params(act, dict(cfg.params)).items()}

    def loss(shifts, weights):
        h = x
        for l in range(cfg.depth):
            z = h @ weights[l] + biases[l] + shifts[l]
            u = act.fn(stack.layernorm(z) if cfg.norm else z, **act_params)
            h = h + u if cfg.residual else u
        return jnp.sum(h @ readout)

    g_z, g_w = jax.jit(jax.grad(loss, argnums=(0, 1)))(jnp.zeros((cfg.depth, *x.shape), dtype),
                                                       weights)
    g_z, g_w = np.asarray(g_z, np.float64), np.asarray(g_w, np.float64)
    with np.errstate(divide="ignore"):
        return (0.5 * np.log10(np.mean(np.sum(g_z ** 2, -1), -1)),
                0.5 * np.log10(np.sum(g_w ** 2, (1, 2))))


SMALL = dict(depth=8, width=32, batch=8)


@pytest.mark.parametrize("kw", [
    dict(activation="tanh", bias_std=0.3, gain=1.3),
    dict(activation="relu", init="he", residual=True, gain=0.5),
    dict(activation="gelu", norm="layernorm", residual=True),
    dict(activation="elu", params={"alpha": 0.5}, norm="layernorm", init="orthogonal"),
], ids=["tanh-bias", "relu-residual", "gelu-ln-residual", "elu-ln-orthogonal"])
def test_equals_plain_autodiff(kw):
    cfg = flow.StackConfig(**SMALL, **kw)
    res = flow.gradient_flow(cfg)
    grad, weight_grad = reference(cfg)
    np.testing.assert_allclose(res.log10_grad, grad, atol=1e-5)
    np.testing.assert_allclose(res.log10_weight_grad, weight_grad, atol=1e-5)


def test_log_space_equals_float64_autodiff_below_float32_range():
    cfg = flow.StackConfig(depth=80, width=64, batch=16, activation="sigmoid")
    res = flow.gradient_flow(cfg)
    with jax.enable_x64(True):
        grad, weight_grad = reference(cfg, np.float64)
    assert grad[0] < -45  # plain float32 (smallest normal 1e-38) would have flushed this to 0
    np.testing.assert_allclose(res.log10_grad, grad, atol=2e-4)
    np.testing.assert_allclose(res.log10_weight_grad, weight_grad, atol=2e-4)


def test_thousand_layer_sigmoid_is_exact_hundreds_of_decades_down():
    cfg = flow.StackConfig(depth=1000, width=128, batch=32, activation="sigmoid")
    res = flow.gradient_flow(cfg)
    grad = res.log10_grad
    assert grad.shape == (1000,) and np.all(np.isfinite(grad))
    assert np.all(np.isfinite(res.log10_weight_grad))
    assert grad[0] - grad[-1] < -100
    assert np.all(np.diff(grad) > 0)  # strictly smaller at every step towards the input
    theory = flow.mean_field(cfg)
    assert abs(theory[0] - grad[0]) < 0.01 * abs(grad[0])  # ~630 decades, theory within 1%


# --- physics: measured slopes against mean-field chi_1 ------------------------------

@pytest.mark.parametrize("kw, chi_expected, chi_tol", [
    (dict(activation="relu", init="he"), 1.0, 1e-3),              # critical: flat
    (dict(activation="relu", init="xavier"), 0.5, 1e-3),          # sigma_w^2 = 1: halves
    (dict(activation="sigmoid", init="xavier"), 0.056, 1e-3),     # vanishing
    (dict(activation="tanh", init="xavier", gain=2.0), 1.36, 0.01),  # sigma_w^2 = 4: exploding
    (dict(activation="tanh", norm="layernorm"), None, None),
], ids=["relu-he", "relu-xavier", "sigmoid", "tanh-gain2", "tanh-layernorm"])
def test_slope_matches_mean_field(kw, chi_expected, chi_tol):
    cfg = physics(**kw)
    theory = mf.predict(cfg.activation, {}, cfg.sigma_w2, 0.0, DEPTH, norm=cfg.norm)
    if chi_expected is not None:
        assert theory.chi_1[MIDDLE] == pytest.approx(chi_expected, abs=chi_tol)
    predicted = float(np.mean(0.5 * np.log10(theory.chi_1[MIDDLE])))
    measured = slope_down(flow.gradient_flow(cfg).log10_grad)
    assert measured == pytest.approx(predicted, abs=0.004 + 0.02 * abs(predicted))


def test_mean_field_curve_follows_measurement_and_anchor():
    cfg = physics(activation="sigmoid")
    res = flow.gradient_flow(cfg)
    anchored = flow.mean_field(cfg, anchor=res.log10_grad[-1])
    assert anchored[-1] == pytest.approx(res.log10_grad[-1])
    assert np.max(np.abs(anchored - res.log10_grad)) < 0.02 * np.ptp(res.log10_grad)
    assert flow.mean_field(cfg)[-1] == pytest.approx(res.log10_grad[-1], abs=0.05)


def test_mean_field_residual():
    assert flow.mean_field(physics(activation="relu", residual=True)) is None  # mean mode
    curve = flow.mean_field(physics(activation="tanh", residual=True, gain=0.5))
    measured = flow.gradient_flow(physics(activation="tanh", residual=True, gain=0.5)).log10_grad
    assert slope_down(measured) == pytest.approx(slope_down(curve), rel=0.1)


# --- the theory line across float32's range ----------------------------------------

@pytest.mark.parametrize("init, gain", [("xavier", 1.0), ("he", 0.5), ("he", 4.0)],
                         ids=["xavier-halves", "he-gain0.5", "he-gain4-overflows"])
def test_relu_theory_is_finite_where_q_leaves_float32(init, gain):
    """ReLU is positively homogeneous, so chi_1 = sigma_w^2 / 2 at every q (a closed form):
    the line is straight in log space although q passes 1e-38 or 3e38 within ~130 layers."""
    cfg = physics(activation="relu", init=init, gain=gain, depth=300)
    theory = mf.predict("relu", {}, cfg.sigma_w2, 0.0, 300)
    assert theory.valid and theory.clipped
    np.testing.assert_allclose(theory.chi_1, cfg.sigma_w2 / 2, rtol=1e-5)
    layers_above = np.arange(299, -1, -1)   # layer l has 300 - l layers above it
    closed = 0.5 * math.log10(0.5) + layers_above * 0.5 * math.log10(cfg.sigma_w2 / 2)
    np.testing.assert_allclose(flow.mean_field(cfg), closed, atol=1e-3)


def test_theory_follows_relu_xavier_where_the_forward_signal_underflows():
    """Depth 200: the activations shrink past float32's normal range (2^-l/2) near the top,
    and the log-space engine still measures the gradient; the theory line meets it."""
    cfg = physics(activation="relu", init="xavier", depth=200)
    measured = flow.gradient_flow(cfg).log10_grad
    assert np.isfinite(measured).all() and measured[0] < -25
    theory = flow.mean_field(cfg, anchor=measured[-1])
    assert theory[0] == pytest.approx(measured[0], rel=0.03)


def test_elu_theory_follows_its_linear_asymptote():
    """Gain 3 with He: q grows ~9x a layer and overflows; out there ELU' is 1 above 0 and
    alpha e^x -> 0 below, so E[phi'^2] -> 1/2 and chi_1 -> sigma_w^2 / 2 = 9."""
    cfg = physics(activation="elu", init="he", gain=3.0, depth=300)
    theory = mf.predict("elu", {}, cfg.sigma_w2, 0.0, 300)
    assert theory.valid and theory.clipped
    np.testing.assert_allclose(theory.chi_1[100:], 9.0, rtol=1e-4)


@pytest.mark.parametrize("formula", ["x**2", "x**3", "x + sin(x)"])
def test_theory_is_withheld_where_a_formula_has_no_asymptote(formula):
    """x**2 keeps E[phi'^2] growing with q; x + sin(x) cannot be read at q ~ 1e30 by
    100 nodes; x**3 at a tiny gain underflows E[phi'^2] itself: none is drawn wrong."""
    from actlib import custom
    gain = 0.1 if formula == "x**3" else 2.0
    cfg = physics(activation=custom(formula).name, init="xavier", gain=gain, depth=300)
    assert mf.predict(cfg.activation, {}, cfg.sigma_w2, 0.0, 300).clipped
    assert flow.mean_field(cfg) is None


# --- forward statistics -------------------------------------------------------------

def test_relu_kills_half_the_units_at_init():
    res = flow.gradient_flow(physics(activation="relu", init="he"))
    assert res.dead_fraction[0] == pytest.approx(0.5, abs=0.02)  # iid input: per entry
    # deeper, h_l has a mean, so a unit is on or off for most examples: 256 coin flips
    assert res.dead_fraction.mean() == pytest.approx(0.5, abs=0.02)
    np.testing.assert_allclose(res.dead_fraction, 0.5, atol=0.15)
    assert np.all(res.saturated_fraction >= res.dead_fraction)


def test_sigmoid_saturates_more_with_gain():
    saturated = [flow.gradient_flow(physics(activation="sigmoid", gain=g)).saturated_fraction.mean()
                 for g in (1.0, 4.0, 16.0)]
    assert saturated[0] < 0.01 < saturated[1] < saturated[2]


# --- compilation ----------------------------------------------------------------------

class CompileCounter:
    """Counts traces and backend compilations seen by jax.monitoring while active."""

    EVENTS = ("/jax/core/compile/backend_compile_duration", "/jax/core/compile/jaxpr_trace_duration")

    def __init__(self):
        self.count = 0

    def _listen(self, event, duration, **kwargs):
        self.count += event in self.EVENTS

    def __enter__(self):
        jax.monitoring.register_event_duration_secs_listener(self._listen)
        return self

    def __exit__(self, *exc):
        jax.monitoring.unregister_event_duration_listener(self._listen)


def test_depth_gain_and_sliders_compile_nothing_new():
    base = dict(width=48, batch=24, activation="softplus")  # a shape no other test uses
    with CompileCounter() as fresh:
        flow.gradient_flow(flow.StackConfig(depth=200, **base))
        flow.mean_field(flow.StackConfig(depth=200, **base))
    assert fresh.count > 0  # the counter does see compilations
    assert {stack.bucket(d) for d in range(129, 257)} == {256}
    with CompileCounter() as sweep:
        for depth in (130, 150, 175, 200, 256):
            for i, gain in enumerate((0.5, 0.8, 1.0, 1.2, 1.4)):  # 1.5+: forward overflows
                cfg = flow.StackConfig(depth=depth, gain=gain, seed=i, bias_std=0.1 * i,
                                       params={"beta": 1.0 + i}, **base)
                assert np.all(np.isfinite(flow.gradient_flow(cfg).log10_grad))
                flow.mean_field(cfg)
    assert sweep.count == 0


def test_reused_workspace_leaks_nothing_between_calls():
    shallow = flow.StackConfig(depth=130, width=48, batch=24, activation="tanh", gain=1.1)
    first = flow.gradient_flow(shallow)
    flow.gradient_flow(dataclasses.replace(shallow, depth=250, gain=2.0, seed=7))  # same bucket
    again = flow.gradient_flow(shallow)
    for name in ("log10_grad", "log10_weight_grad", "act_mean", "dead_fraction"):
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
    assert hash(shallow) == hash(dataclasses.replace(shallow)) and shallow.params == {}


def test_hash_normal_is_standard_normal_and_layers_independent():
    scipy_stats = pytest.importorskip("scipy.stats")
    key = jax.random.key(3)
    a, b = (np.asarray(draws.hash_normal(jax.random.fold_in(key, i), (512, 512))).ravel()
            for i in (0, 1))
    assert abs(a.mean()) < 0.01 and abs(a.std() - 1) < 0.01
    assert abs(scipy_stats.kurtosis(a)) < 0.05 and np.all(np.isfinite(a))
    assert scipy_stats.kstest(a, "norm").pvalue > 1e-3
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01


def test_buckets_are_powers_of_two_up_to_max_depth():
    assert [stack.bucket(d) for d in (1, 16, 17, 100, 200, 513, 1000)] == \
        [16, 16, 32, 128, 256, 1024, 1024]


# --- training -------------------------------------------------------------------------

def test_training_trace_learns_and_its_gradients_are_autodiffs():
    cfg = flow.StackConfig(depth=4, width=32, batch=16, activation="tanh", bias_std=0.1)
    lr = 0.05
    trace = flow.training_trace(cfg, steps=30, learning_rate=lr)
    assert trace.log10_grad.shape == trace.log10_weight_grad.shape == (30, 4)
    assert trace.diverged_at is None and np.all(np.isfinite(trace.log10_grad))
    assert trace.loss[-1] < 0.5 * trace.loss[0]

    weights, biases, x, readout = (jnp.asarray(a) for a in flow.network(cfg))
    target = jnp.sin(x @ _teacher(cfg))

    def loss(shifts, params):
        (w, b, r), h = params, x
        for l in range(cfg.depth):
            h = jnp.tanh(h @ w[l] + b[l] + shifts[l])
        return 0.5 * jnp.mean((h @ r - target) ** 2)

    params, grad = (weights, biases, readout), jax.jit(jax.grad(loss, argnums=(0, 1)))
    for step in range(2):  # row 0, then row 1 after one update of every parameter
        g_z, g_params = grad(jnp.zeros((cfg.depth, *x.shape)), params)
        rms = 0.5 * np.log10(np.mean(np.sum(np.asarray(g_z, np.float64) ** 2, -1), -1))
        np.testing.assert_allclose(trace.log10_grad[step], rms, atol=1e-4)
        assert trace.loss[step] == pytest.approx(float(loss(0.0 * g_z, params)), rel=1e-5)
        params = jax.tree.map(lambda p, g: p - lr * g, params, g_params)


def _teacher(cfg: flow.StackConfig) -> jax.Array:
    """The unit vector v of the toy target sin(x . v), drawn as draws.draw draws it."""
    v = jax.random.normal(jax.random.split(jax.random.key(cfg.seed), 4)[3], (cfg.width,))
    return v / jnp.linalg.norm(v)


def test_training_divergence_is_reported_not_raised():
    cfg = flow.StackConfig(depth=4, width=32, batch=16, activation="tanh", gain=4.0)
    trace = flow.training_trace(cfg, steps=32, learning_rate=10.0)  # same program as above
    assert trace.diverged_at is not None and 0 < trace.diverged_at < 32
    assert np.all(np.isnan(trace.log10_grad[trace.diverged_at + 1:]))
    assert np.all(np.isfinite(trace.loss[: trace.diverged_at]))


# --- validation -----------------------------------------------------------------------

@pytest.mark.parametrize("kw, message", [
    (dict(depth=0), "depth"), (dict(depth=1001), "depth"), (dict(depth=2.0), "depth"),
    (dict(width=0), "width"), (dict(width=1025), "width"), (dict(batch=513), "batch"),
    (dict(init="kaiming"), "init"), (dict(norm="groupnorm"), "norm"),
    (dict(activation="swishy"), "unknown activation"), (dict(params={"beta": 1.0}), "beta"),
    (dict(activation="elu", params={"alpha": math.nan}), "alpha"),
    (dict(gain=-1.0), "gain"), (dict(gain=math.inf), "gain"), (dict(bias_std=-0.1), "bias_std"),
    (dict(seed=-1), "seed"), (dict(residual="yes"), "residual"),
])
def test_config_validation(kw, message):
    with pytest.raises(ValueError, match=message):
        flow.StackConfig(**kw)


def test_config_key_is_equal_exactly_when_the_configs_are():
    """The page's caches key a config by ``key()``: two configs share a cached chart
    only when every field is the same (a gain one ulp apart is another stack)."""
    base = flow.StackConfig(depth=30, width=16, activation="prelu", params={"alpha": 0.25})
    assert base.key() == dataclasses.replace(base).key()
    in_order = flow.StackConfig(activation="selu", params={"alpha": 1.5, "scale": 1.1})
    assert in_order.key() == flow.StackConfig(activation="selu", params={"scale": 1.1, "alpha": 1.5}).key()
    changes = dict(depth=31, width=17, activation="leaky_relu", params={"alpha": 0.3}, init="he",
                   gain=math.nextafter(1.0, 2.0), bias_std=0.1, batch=65, seed=1, residual=True,
                   norm="layernorm")
    assert set(changes) == {f.name for f in dataclasses.fields(flow.StackConfig)}
    keys = {name: dataclasses.replace(base, **{name: value}).key() for name, value in changes.items()}
    assert base.key() not in keys.values() and len(set(keys.values())) == len(keys), keys


def test_training_arguments_are_validated():
    with pytest.raises(ValueError, match="steps"):
        flow.training_trace(flow.StackConfig(depth=2, width=4, batch=2), steps=0)
    with pytest.raises(ValueError, match="learning_rate"):
        flow.training_trace(flow.StackConfig(depth=2, width=4, batch=2), learning_rate=math.nan)

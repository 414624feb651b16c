"""flow.gain_sweep / flow.depth_sweep: every row is the single stack's gradient flow, and an
independent float64 autodiff of it; the sweeps compile once; the draws are reused."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from actlib import budget, draws, flow, sweeps
from actlib.presets import PRESETS
from stack_reference import log10_grads

SMALL = dict(depth=12, width=32, batch=8)  # bucket 16: every depth sweep below shares it
CASES = {
    "tanh-bias": dict(activation="tanh", bias_std=0.3),
    "relu-he-residual": dict(activation="relu", init="he", residual=True),
    "gelu-layernorm": dict(activation="gelu", norm="layernorm"),
    "elu-orthogonal": dict(activation="elu", params={"alpha": 0.5}, init="orthogonal"),
    "sigmoid-batchnorm": dict(activation="sigmoid", norm="batchnorm", bias_std=0.2),
    "relu-batchnorm-residual": dict(activation="relu", init="he", norm="batchnorm", residual=True),
}
GAINS = (0.3, 1.0, 1.7, 3.05)


@pytest.mark.parametrize("kw", CASES.values(), ids=CASES.keys())
def test_gain_sweep_rows_are_gradient_flow_and_float64_autodiff(kw):
    cfg = flow.StackConfig(**SMALL, **kw)
    sweep = flow.gain_sweep(cfg, GAINS)
    assert sweep.log10_grad.shape == sweep.theory.shape == (len(GAINS), cfg.depth)
    np.testing.assert_array_equal(sweep.values, GAINS)
    for i, gain in enumerate(GAINS):
        one = dataclasses.replace(cfg, gain=gain)
        np.testing.assert_allclose(sweep.log10_grad[i], flow.gradient_flow(one).log10_grad, atol=1e-5)
        np.testing.assert_allclose(sweep.log10_grad[i], log10_grads(one)[0], atol=1e-4)


@pytest.mark.parametrize("kw", CASES.values(), ids=CASES.keys())
def test_depth_sweep_rows_are_gradient_flow_and_float64_autodiff(kw):
    cfg = flow.StackConfig(**SMALL, **kw)
    sweep = flow.depth_sweep(cfg)
    assert sweep.log10_grad.shape == (cfg.depth, cfg.depth)
    np.testing.assert_array_equal(sweep.values, np.arange(1, cfg.depth + 1))
    for depth in range(1, cfg.depth + 1):
        row = sweep.log10_grad[depth - 1]
        assert np.all(np.isnan(row[depth:])) and not np.any(np.isnan(row[:depth]))
        one = dataclasses.replace(cfg, depth=depth)
        np.testing.assert_allclose(row[:depth], flow.gradient_flow(one).log10_grad, atol=1e-5)
        if depth in (1, 5, cfg.depth):
            np.testing.assert_allclose(row[:depth], log10_grads(one)[0], atol=1e-4)


def test_depth_sweep_of_a_deep_stack_crosses_buckets_exactly():
    """Depth 70 (bucket 128): its rows for depths 1..70 come from draws of one bucket,
    while gradient_flow at depth 10 or 40 uses buckets 16 and 64: the same layers."""
    cfg = flow.StackConfig(depth=70, width=32, batch=8, activation="tanh", gain=1.2)
    sweep = flow.depth_sweep(cfg)
    for depth in (1, 10, 40, 64, 65, 70):
        one = dataclasses.replace(cfg, depth=depth)
        np.testing.assert_allclose(sweep.log10_grad[depth - 1, :depth],
                                   flow.gradient_flow(one).log10_grad, atol=2e-5)
    np.testing.assert_allclose(sweep.log10_grad[-1], log10_grads(cfg)[0], atol=2e-4)


@pytest.mark.parametrize("kind", ["gain", "depth"])
def test_theory_rows_are_the_pages_anchored_mean_field(kind):
    for kw in (CASES["tanh-bias"], CASES["relu-he-residual"], CASES["sigmoid-batchnorm"],
               CASES["relu-batchnorm-residual"]):
        cfg = flow.StackConfig(**SMALL, **kw)
        sweep = flow.gain_sweep(cfg, GAINS) if kind == "gain" else flow.depth_sweep(cfg)
        for i in range(len(sweep)):
            one = dataclasses.replace(cfg, gain=GAINS[i]) if kind == "gain" else \
                dataclasses.replace(cfg, depth=i + 1)
            top = sweep.log10_grad[i, one.depth - 1]
            expected = flow.mean_field(one, anchor=top if np.isfinite(top) else None)
            if expected is None:
                assert not sweep.theory_available[i] and np.all(np.isnan(sweep.theory[i]))
            else:
                assert sweep.theory_available[i]
                np.testing.assert_allclose(sweep.theory[i, :one.depth], expected, atol=1e-5)  # float32 quadrature
                assert np.all(np.isnan(sweep.theory[i, one.depth:]))
    # relu residual without norm and plain batch norm have no theory; the others do
    assert not flow.gain_sweep(flow.StackConfig(**SMALL, **CASES["relu-he-residual"]),
                               GAINS).theory_available.any()


def test_verdicts_follow_the_float64_gradients():
    cfg = flow.StackConfig(depth=40, width=64, batch=16, activation="tanh")
    gains = (0.5, 1.0, 1.6, 3.0)
    sweep = flow.gain_sweep(cfg, gains)
    for i, gain in enumerate(gains):
        grad = log10_grads(dataclasses.replace(cfg, gain=gain))[0]
        exponent = grad[0] - grad[-1]
        # past gain ~1.3 tanh stacks are chaotic: float32 and float64 part ways, by < 1% here
        assert sweep.exponent[i] == pytest.approx(exponent, abs=1e-3, rel=0.01)
        expected = "vanishing" if exponent < -1 else "exploding" if exponent > 1 else "stable"
        assert sweep.verdict[i] == expected and sweep.verdict_layer[i] == 0
    assert sweep.verdict[0] == "vanishing" and sweep.verdict[-1] == "exploding"


def test_overflow_and_zero_verdicts_name_their_layers():
    relu = flow.StackConfig(depth=60, width=32, batch=8, activation="relu", init="he")
    sweep = flow.gain_sweep(relu, (1.0, 4.0))
    loud = flow.gradient_flow(dataclasses.replace(relu, gain=4.0))
    first_inf = int(np.argmax(~np.isfinite(loud.act_std))) + 1
    assert 1 < first_inf < 60  # gain 4: sigma_w^2 = 32, the forward overflows float32
    assert sweep.verdict == ("stable", "overflow") and sweep.verdict_layer[1] == first_inf
    step = flow.depth_sweep(flow.StackConfig(depth=5, width=32, batch=8, activation="step"))
    assert set(step.verdict) == {"zero"}  # phi' = 0: the gradient is exactly zero below the top
    np.testing.assert_array_equal(step.verdict_layer, np.arange(1, 6))


def test_an_underflowed_forward_signal_is_not_dead_units():
    """ReLU with Xavier halves the signal's variance a layer: by ~150 layers it is below
    float32's smallest numbers and reads exactly 0, so the measured gradient is 0, but
    the units are not dead. The verdict names the first layer whose spread reads 0."""
    cfg = flow.StackConfig(depth=300, width=64, batch=16, activation="relu", init="xavier")
    res = flow.gradient_flow(cfg)
    std = np.asarray(res.act_std)
    first_zero = int(np.flatnonzero(std == 0)[0])
    assert 100 < first_zero < 200 and 0 < std[first_zero - 1] < 1e-15
    assert (np.asarray(res.log10_grad) == -np.inf).any()
    assert sweeps.verdict(res.log10_grad, std)[:2] == ("underflow", first_zero + 1)


def test_sweeps_compile_once_per_bucket(count_compiles):
    cfg = flow.StackConfig(depth=20, width=24, batch=8, activation="softplus")  # bucket 32
    flow.gain_sweep(cfg, flow.GAIN_STEPS)
    flow.depth_sweep(cfg)
    with count_compiles() as seen:
        for i, depth in enumerate((17, 25, 32)):
            moved = dataclasses.replace(cfg, depth=depth, seed=i, bias_std=0.1 * i,
                                        params={"beta": 1.0 + i})
            flow.gain_sweep(moved, flow.GAIN_STEPS[i:])  # 79, 78, 77 gains: one padded chunk count
            flow.depth_sweep(moved)
    assert seen.count == 0


def test_sweeps_take_the_page_s_budget():
    """The defaults (every activation family, init, residual or not, either norm) and the
    presets at depth <= 100 are live; big stacks are not."""
    for activation in ("sigmoid", "tanh", "relu", "selu"):
        for init in ("xavier", "he", "lecun"):
            for residual in (False, True):
                for norm in flow.NORMS:
                    cfg = flow.StackConfig(activation=activation, init=init, residual=residual,
                                           norm=norm)
                    assert flow.sweep_affordable(cfg, "gain") and flow.sweep_affordable(cfg, "depth")
    for preset in PRESETS.values():
        for depth in (50, 100):
            cfg = flow.StackConfig(depth=depth, **{k: v for k, v in preset.items()})
            assert flow.sweep_affordable(cfg, "gain") and flow.sweep_affordable(cfg, "depth")
    assert flow.live_depth_max(flow.StackConfig()) == budget.LIVE_DEPTH_MAX == 100
    assert not flow.sweep_affordable(flow.StackConfig(depth=101), "depth")
    big = flow.StackConfig(depth=1000, width=1024, batch=512)
    assert not flow.sweep_affordable(big, "gain") and flow.live_depth_max(big) < 100
    assert budget.GAIN_STEPS[0] == 0.1 and budget.GAIN_STEPS[-1] == 4.0 and len(budget.GAIN_STEPS) == 79


def test_a_slider_move_reuses_the_draws():
    cfg = flow.StackConfig(depth=30, width=40, batch=8, seed=11)  # bucket 32
    flow.gradient_flow(cfg)
    before = dict(draws.stats)
    for change in (dict(gain=2.0), dict(bias_std=0.4), dict(activation="relu"),
                   dict(activation="elu", params={"alpha": 0.3}), dict(depth=17), dict(depth=32),
                   dict(norm="batchnorm"), dict(residual=True)):
        flow.gradient_flow(dataclasses.replace(cfg, **change))
    flow.gain_sweep(cfg, (0.5, 1.5))
    flow.depth_sweep(cfg)
    flow.preactivation_histograms(cfg, np.linspace(-3, 3, 7))
    flow.training_trace(cfg, steps=2)
    assert draws.stats["misses"] == before["misses"]
    assert draws.stats["hits"] >= before["hits"] + 12
    assert draws.stats["data_misses"] == before["data_misses"]
    flow.gradient_flow(dataclasses.replace(cfg, batch=16))  # a new batch draws only the inputs
    assert draws.stats["misses"] == before["misses"]
    assert draws.stats["data_misses"] == before["data_misses"] + 1
    flow.gradient_flow(dataclasses.replace(cfg, seed=12))  # a new seed is a new draw
    assert draws.stats["misses"] == before["misses"] + 1


def test_the_draw_cache_stays_within_its_bounds(monkeypatch):
    monkeypatch.setattr(draws, "CACHE_BYTES", 3 * 2**20)  # a small budget, same rule
    draws.clear()
    cfg = flow.StackConfig(depth=30, width=64, batch=8)  # bucket 32: 0.53 MB an entry
    assert 2**19 < draws.entry_bytes(flow._static(cfg)) < 2**20
    for seed in range(draws.CACHE_ENTRIES + 4):
        flow.gradient_flow(dataclasses.replace(cfg, seed=seed))
        assert draws.cached_bytes() <= draws.CACHE_BYTES and len(draws._cache) <= draws.CACHE_ENTRIES
    assert len(draws._cache) == 5  # the byte budget binds first: 5 x 0.53 MB
    # an entry over the whole budget is drawn for its depth only, not kept, and still right
    huge = flow.StackConfig(depth=70, width=128, batch=8, seed=3)  # bucket 128: 8.4 MB
    kept = dict(draws._cache)
    result = flow.gradient_flow(huge)
    assert dict(draws._cache).keys() == kept.keys()
    np.testing.assert_allclose(result.log10_grad, log10_grads(huge)[0], atol=2e-4)
    draws.clear()


def test_sweep_arguments_are_checked():
    cfg = flow.StackConfig(**SMALL)
    with pytest.raises(ValueError, match="gain"):
        flow.gain_sweep(cfg, (1.0, -2.0))
    with pytest.raises(ValueError, match="gains"):
        flow.gain_sweep(cfg, ())
    with pytest.raises(ValueError, match="kind"):
        flow.sweep_affordable(cfg, "width")

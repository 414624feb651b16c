"""StackConfig(norm="batchnorm"): forward, backward, histograms and training against an
independent float64 autodiff (tests/stack_reference.py), and its mean-field line."""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from actlib import flow, stack
from stack_reference import forward_stats, log10_grads

SMALL = dict(depth=8, width=32, batch=8, norm="batchnorm")


@pytest.mark.parametrize("kw", [
    dict(activation="tanh", bias_std=0.5, gain=1.3),
    dict(activation="relu", init="he", residual=True),
    dict(activation="sigmoid", init="orthogonal"),
    dict(activation="elu", params={"alpha": 0.5}, residual=True, gain=0.4),
], ids=["tanh-bias", "relu-residual", "sigmoid-orthogonal", "elu-residual"])
def test_batchnorm_flow_equals_float64_autodiff(kw):
    cfg = flow.StackConfig(**SMALL, **kw)
    res = flow.gradient_flow(cfg)
    grad, weight_grad = log10_grads(cfg)
    np.testing.assert_allclose(res.log10_grad, grad, atol=1e-4)
    np.testing.assert_allclose(res.log10_weight_grad, weight_grad, atol=1e-4)
    ref = forward_stats(cfg)
    np.testing.assert_allclose(res.act_mean, ref["act_mean"], atol=1e-5)
    np.testing.assert_allclose(res.act_std, ref["act_std"], atol=1e-5)


def test_batchnorm_backward_is_exact_beyond_float32_range():
    """BN^T couples examples whose cotangents differ by hundreds of decades: examples'
    top cotangents exp(t_n) r with t_n from -200 to +150 (1e-87 .. 1e65), through a
    residual BN stack; the log-space engine against float64 autodiff of sum_n e^{t_n} r.h[n].
    (Plain BN stacks are chaotic at init: a float32 and a float64 network part ways
    after ~40 layers, so deep exactness is checked on residual ones.)"""
    cfg = flow.StackConfig(depth=40, width=32, batch=8, activation="tanh", norm="batchnorm",
                           residual=True, bias_std=0.3)
    top_log = np.array([150.0, -200.0, 0.0, 3.0, -50.0, 80.0, -120.0, 10.0], np.float32)
    st = flow._static(cfg)
    d, depth, scale, bias_std, act_params = flow._traced(cfg)
    fwd = stack.forward(st, d.params, d.x, depth, act_params, stack.empty_saved(st, False),
                        w_scale=scale, b_scale=bias_std)
    top_dir = jnp.broadcast_to(d.readout, (cfg.batch, cfg.width))
    ours = stack.backward(st, d.params, fwd.saved, depth, top_dir, jnp.asarray(top_log),
                          w_scale=scale)
    grad, weight_grad = log10_grads(cfg, top_log=top_log.astype(np.float64))
    assert grad.max() > 60  # far past float32's 3e38
    np.testing.assert_allclose(np.asarray(ours.log10_grad)[: cfg.depth], grad, atol=1e-4)
    np.testing.assert_allclose(np.asarray(ours.log10_weight_grad)[: cfg.depth], weight_grad, atol=1e-4)


def test_deep_residual_batchnorm_stays_exact():
    cfg = flow.StackConfig(depth=450, width=32, batch=8, activation="relu", init="he",
                           norm="batchnorm", residual=True)
    res = flow.gradient_flow(cfg)
    grad, weight_grad = log10_grads(cfg)
    np.testing.assert_allclose(res.log10_grad, grad, atol=1e-4)
    # dL/dW = h^T g with sum_n g_n = 0 (BN): the ReLU stream's growing mean cancels in
    # float32 h^T g, costing a few more digits there
    np.testing.assert_allclose(res.log10_weight_grad, weight_grad, atol=1e-3)


def test_batchnorm_normalises_every_unit_over_the_batch():
    """Batch norm's input to phi has mean 0 and variance ~1 per unit across the batch,
    whatever the gain, and the histogram of a_l is the float64 one."""
    cfg = flow.StackConfig(depth=6, width=32, batch=64, activation="tanh", gain=3.0,
                           bias_std=1.0, norm="batchnorm")
    edges = np.linspace(-3.0, 3.0, 13)
    shares = flow.preactivation_histograms(cfg, edges)
    pre = forward_stats(cfg)["pre"]
    for layer in range(cfg.depth):
        a = pre[layer].reshape(cfg.batch, cfg.width)
        np.testing.assert_allclose(a.mean(0), 0.0, atol=1e-6)
        np.testing.assert_allclose(a.var(0), 1.0, atol=1e-3)  # eps = 1e-5 against var ~ gain^2
        counts, _ = np.histogram(np.clip(pre[layer], edges[0], edges[-1]), edges)
        np.testing.assert_allclose(shares[layer], counts / pre[layer].size, atol=2 / pre[layer].size)


def test_batchnorm_training_gradients_are_autodiffs():
    cfg = flow.StackConfig(depth=4, width=32, batch=16, activation="tanh", bias_std=0.1,
                           norm="batchnorm")
    lr = 0.05
    trace = flow.training_trace(cfg, steps=20, learning_rate=lr)
    assert trace.diverged_at is None and trace.loss[-1] < trace.loss[0]
    with jax.enable_x64(True):
        weights, biases, x, readout = (jnp.asarray(np.asarray(a), jnp.float64)
                                       for a in flow.network(cfg))
        key = jax.random.split(jax.random.key(cfg.seed), 4)[3]  # the target's direction
        v = np.asarray(jax.random.normal(key, (cfg.width,), jnp.float32), np.float64)
        target = jnp.sin(x @ (v / np.linalg.norm(v)))

        def loss(shifts, params):
            (w, b, r), h = params, x
            for l in range(cfg.depth):
                z = h @ w[l] + b[l] + shifts[l]
                c = z - z.mean(0)
                h = jnp.tanh(c / jnp.sqrt((c ** 2).mean(0) + 1e-5))
            return 0.5 * jnp.mean((h @ r - target) ** 2)

        params, grad = (weights, biases, readout), jax.jit(jax.grad(loss, argnums=(0, 1)))
        for step in range(2):
            g_z, g_params = grad(jnp.zeros((cfg.depth, *x.shape)), params)
            rms = 0.5 * np.log10(np.mean(np.sum(np.asarray(g_z) ** 2, -1), -1))
            np.testing.assert_allclose(trace.log10_grad[step], rms, atol=1e-4)
            assert trace.loss[step] == pytest.approx(float(loss(0.0 * g_z, params)), rel=1e-4)
            params = jax.tree.map(lambda p, g: p - lr * g, params, g_params)


MIDDLE = slice(12, 48)


def _slope_down(curve):
    layers = np.arange(len(curve))[MIDDLE]
    return -float(np.polyfit(layers, curve[MIDDLE], 1)[0])


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_batchnorm_mean_field_holds_with_shortcuts_and_is_withheld_without(activation):
    cfg = flow.StackConfig(depth=60, width=256, batch=64, activation=activation,
                           init="he" if activation == "relu" else "xavier", norm="batchnorm")
    plain = flow.gradient_flow(cfg).log10_grad
    assert _slope_down(plain) > 0.005  # BN at init: the gradient grows going down (explodes)
    assert flow.mean_field(cfg) is None  # batch coupling: the closure is not drawn
    residual = dataclasses.replace(cfg, residual=True)
    measured = flow.gradient_flow(residual).log10_grad
    theory = flow.mean_field(residual, anchor=measured[-1])
    assert _slope_down(measured) == pytest.approx(_slope_down(theory), rel=0.1)

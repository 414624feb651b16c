"""An independent float64 implementation of the flow engine's stack: plain jax.grad
through a scan over layers, with its own layer norm and batch norm.

Only the draws are shared (``flow.network``); everything else (the layers, both
norms, the loss and the reductions) is written here again.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from actlib import flow, get, resolve_params

EPS = 1e-5  # both norms, as in PyTorch


def _layer_norm(z):
    c = z - z.mean(axis=1, keepdims=True)
    return c / jnp.sqrt((c ** 2).mean(axis=1, keepdims=True) + EPS)


def _batch_norm(z):  # per unit, over the examples, biased variance, no affine
    c = z - z.mean(axis=0, keepdims=True)
    return c / jnp.sqrt((c ** 2).mean(axis=0, keepdims=True) + EPS)


NORMS = {None: lambda z: z, "layernorm": _layer_norm, "batchnorm": _batch_norm}


def log10_grads(cfg: flow.StackConfig, top_log=None) -> tuple[np.ndarray, np.ndarray]:
    """log10 RMS_n ||dL/dz_l[n]|| and log10 ||dL/dW_l||_F in float64, L = sum_n r . h_depth[n]
    (or sum_n exp(top_log[n]) r . h_depth[n])."""
    with jax.enable_x64(True):
        weights, biases, x, readout = (jnp.asarray(np.asarray(a), jnp.float64)
                                       for a in flow.network(cfg))
        act = get(cfg.activation)
        params = {k: jnp.float64(v) for k, v in resolve_params(act, dict(cfg.params)).items()}
        norm = NORMS[cfg.norm]

        def loss(shifts, weights):
            def layer(h, wbs):
                w, b, shift = wbs
                u = act.fn(norm(h @ w + b + shift), **params)
                return (h + u if cfg.residual else u), None

            h = jax.lax.scan(layer, x, (weights, biases, shifts))[0]
            return jnp.sum(weight * (h @ readout))

        weight = 1.0 if top_log is None else jnp.exp(jnp.asarray(top_log, jnp.float64))

        g_z, g_w = jax.jit(jax.grad(loss, argnums=(0, 1)))(
            jnp.zeros((cfg.depth, *x.shape), jnp.float64), weights)
        g_z, g_w = np.asarray(g_z), np.asarray(g_w)
    with np.errstate(divide="ignore"):
        return (0.5 * np.log10(np.mean(np.sum(g_z ** 2, -1), -1)),
                0.5 * np.log10(np.sum(g_w ** 2, (1, 2))))


def forward_stats(cfg: flow.StackConfig) -> dict[str, np.ndarray]:
    """Per layer, float64: mean and std of phi(a_l), and the a_l themselves (flattened)."""
    with jax.enable_x64(True):
        weights, biases, x, _ = (np.asarray(a, np.float64) for a in flow.network(cfg))
        act = get(cfg.activation)
        params = {k: np.float64(v) for k, v in resolve_params(act, dict(cfg.params)).items()}
        h, means, stds, pre = x, [], [], []
        for l in range(cfg.depth):
            a = np.asarray(NORMS[cfg.norm](jnp.asarray(h @ weights[l] + biases[l])))
            u = np.asarray(act.fn(jnp.asarray(a), **params))
            means.append(u.mean()), stds.append(u.std()), pre.append(a.ravel())
            h = h + u if cfg.residual else u
    return {"act_mean": np.array(means), "act_std": np.array(stds), "pre": pre}

"""Derivatives by JAX autodiff, compiled once per activation and order.

Parameters enter as traced float32 scalars, so a slider sweep reuses the
compiled function; only a new input shape compiles again.

Every function here takes an activation's name or the Activation itself. The
registry's entries are a fixed set and stay compiled; custom formulas
(``custom:...`` names) share a bounded LRU of :data:`CUSTOM_COMPILED` entries per cache.
"""

from __future__ import annotations

import functools
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from actlib.registry import Activation, get, is_builtin, resolve_params

CUSTOM_COMPILED = 128  # compiled custom formulas kept (per order, and for curves)


def _nth_derivative(fn: Callable, order: int) -> Callable:
    """d^n f / dx^n elementwise, by nested forward-mode jvp with a ones tangent.

    For an elementwise f the jvp with tangent 1 is exactly f'(x) at each point,
    for any input shape (the same as ``vmap(grad(f))`` over the flattened input).
    """
    for _ in range(order):
        fn = (lambda g: lambda x, **p: jax.jvp(lambda y: g(y, **p), (x,), (jnp.ones_like(x),))[1])(fn)
    return fn


def _name(act) -> str:
    return act.name if isinstance(act, Activation) else act


def _make_compiled(name: str, order: int) -> Callable:
    return jax.jit(_nth_derivative(get(name).fn, order))


_builtin_compiled = functools.lru_cache(maxsize=None)(_make_compiled)
_custom_compiled = functools.lru_cache(maxsize=CUSTOM_COMPILED)(_make_compiled)


def _compiled(name: str, order: int) -> Callable:
    return (_builtin_compiled if is_builtin(name) else _custom_compiled)(name, order)


def curves_program(fn: Callable) -> Callable:
    """(f, f', f'') of an elementwise ``fn(x, **params)``, uncompiled: jit it, or vmap
    it over a parameter first (:mod:`actlib.sweep`)."""

    def curves(x, **params):
        first = lambda y: jax.jvp(lambda z: fn(z, **params), (y,), (jnp.ones_like(y),))[1]
        value, d1 = jax.jvp(lambda z: fn(z, **params), (x,), (jnp.ones_like(x),))
        d2 = jax.jvp(first, (x,), (jnp.ones_like(x),))[1]
        return value, d1, d2

    return curves


def _make_curves(name: str) -> Callable:
    return jax.jit(curves_program(get(name).fn))


_builtin_curves = functools.lru_cache(maxsize=None)(_make_curves)
_custom_curves = functools.lru_cache(maxsize=CUSTOM_COMPILED)(_make_curves)


def _compiled_curves(name: str) -> Callable:
    return (_builtin_curves if is_builtin(name) else _custom_curves)(name)


def _as_float32(x) -> jax.Array:
    return jnp.asarray(x, dtype=jnp.float32)


def evaluate(name, x, **params) -> jax.Array:
    """f(x) for the activation ``name``; float32 in, float32 out."""
    name = _name(name)
    return _compiled(name, 0)(_as_float32(x), **resolve_params(get(name), params))


def derivative(name, order: int = 1) -> Callable:
    """The ``order``-th derivative of activation ``name``, elementwise, by autodiff.

    >>> derivative("elu")(np.array([-1.0, 1.0]), alpha=1.0)   # [e^-1, 1]
    """
    if not isinstance(order, (int, np.integer)) or isinstance(order, bool) or order < 0:
        raise ValueError(f"order must be a non-negative integer, got {order!r}")
    name = _name(name)
    act = get(name)
    compiled = _compiled(name, int(order))

    def apply(x, **params):
        return compiled(_as_float32(x), **resolve_params(act, params))

    apply.__name__ = f"{name}_d{order}"
    return apply


def curves(name, x, **params) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(f, f', f'') at x in one compiled call: what a chart redraw needs."""
    name = _name(name)
    return _compiled_curves(name)(_as_float32(x), **resolve_params(get(name), params))

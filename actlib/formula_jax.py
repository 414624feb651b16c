"""A parsed formula's JAX function: built from the tree of :mod:`actlib.formula_tree`.

Nothing is folded in Python: ``9**9**9**9`` is inf, computed by XLA, in float32.
"""

from __future__ import annotations

from typing import Callable

import jax.numpy as jnp
import numpy as np
from jax import lax

from actlib.formula_tree import FUNCTIONS, Tree

INTEGER_POW_LIMIT = 64      # x**n with a literal integer |n| <= this uses exact repeated products


def build(tree: Tree) -> Callable:
    """``fn(x, **params)``: float32, elementwise, the shape of x; conditions used as numbers
    count 1 or 0. Nothing is folded in Python: ``9**9**9**9`` is inf, computed by XLA."""

    def fn(x, **params):
        x = jnp.asarray(x, jnp.float32)
        return jnp.broadcast_to(_number(_emit(tree, x, params)), x.shape).astype(jnp.float32)

    return fn


def _number(value):
    value = jnp.asarray(value)
    return jnp.where(value, jnp.float32(1), jnp.float32(0)) if value.dtype == jnp.bool_ else value


_ARITH = {"+": jnp.add, "-": jnp.subtract, "*": jnp.multiply, "/": jnp.divide}
_CMP = {"<": jnp.less, "<=": jnp.less_equal, ">": jnp.greater, ">=": jnp.greater_equal,
        "==": jnp.equal, "!=": jnp.not_equal}


def _emit(tree: Tree, x, params: dict):
    kind = tree[0]
    if kind == "num":
        return np.float32(float(tree[1]))
    if kind == "x":
        return x
    if kind == "pi":
        return jnp.float32(np.pi)
    if kind == "param":
        return jnp.asarray(params[tree[1]], jnp.float32)
    if kind == "neg":
        return -_number(_emit(tree[1], x, params))
    if kind == "bin":
        op, left, right = tree[1:]
        a = _number(_emit(left, x, params))
        if op == "**" and right[0] == "num" and isinstance(right[1], int) \
                and abs(right[1]) <= INTEGER_POW_LIMIT:
            return lax.integer_pow(a, right[1])  # exact, and (-2)**3 = -8 rather than NaN
        b = _number(_emit(right, x, params))
        return jnp.power(a, b) if op == "**" else _ARITH[op](a, b)
    if kind == "cmp":
        values = [_number(_emit(o, x, params)) for o in tree[2]]
        result = None
        for op, a, b in zip(tree[1], values, values[1:]):
            part = _CMP[op](a, b)
            result = part if result is None else jnp.logical_and(result, part)
        return result
    name, args = tree[1], tree[2]
    if name == "where":
        cond = _emit(args[0], x, params)
        return jnp.where(cond, _number(_emit(args[1], x, params)), _number(_emit(args[2], x, params)))
    return FUNCTIONS[name][1](*(_number(_emit(a, x, params)) for a in args))

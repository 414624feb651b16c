"""One activation over a whole slider: f, f′, f″ at every step in one vectorised call.

A live slider draws a precomputed curve for every step its thumb can reach, so
the browser never evaluates a formula of its own. Those curves come from here:
``jax.vmap`` of the same autodiff program :func:`actlib.curves` runs, over the
swept parameter, with the step count padded to a fixed bucket so that moving
any slider (or sweeping another) compiles nothing new.

    >>> values = slider_values(actlib.get("elu").params[0], current=1.0)
    >>> f, df, d2f = curves_over("elu", x, "alpha", values)   # each (len(values), len(x))
"""

from __future__ import annotations

import functools
import math
from typing import Callable

import jax
import numpy as np

from actlib.autodiff import curves_program
from actlib.registry import Param, get, resolve_params

MAX_LIVE_STEPS = 101   # per slider: bounds what one redraw sends (see the README's payload figures)
STEP_BUCKET = 128      # swept values are padded to this many: one compile per activation


def slider_values(param: Param, current: float | None = None,
                  max_steps: int = MAX_LIVE_STEPS) -> np.ndarray:
    """The values a live slider offers: ``param``'s range in steps of ``param.step``,
    coarsened to a whole multiple of it when that would give more than ``max_steps``,
    plus ``current`` itself when it falls between steps (a link's or a default's value
    is shown exactly, never rounded to the grid). Sorted, float64, distinct."""
    count = int(round((param.max - param.min) / param.step))
    stride = max(1, math.ceil(count / (max_steps - 1)))
    step = param.step * stride
    grid = param.min + step * np.arange(count // stride + 1)
    grid = np.round(grid, 10)
    if grid[-1] < param.max - 1e-9:  # the range's end is always reachable
        grid = np.append(grid, param.max)
    if current is not None:
        current = param.clamp(float(current))
        if np.min(np.abs(grid - current)) > 1e-9:
            grid = np.sort(np.append(grid, current))
    return grid


def value_texts(param: Param, values) -> list[str]:
    """How the slider shows each value: the step's decimals (0.05 -> "1.00"), and four
    significant digits for a value between steps (SELU's alpha: "1.673")."""
    decimals = max(0, -math.floor(math.log10(param.step) + 1e-9)) if param.step < 1 else 0
    texts = []
    for v in values:
        on_grid = abs((v - param.min) / param.step - round((v - param.min) / param.step)) < 1e-6
        texts.append(f"{v:.{decimals}f}" if on_grid else f"{v:.4g}")
    return texts


def nearest_index(values: np.ndarray, value: float) -> int:
    return int(np.argmin(np.abs(np.asarray(values) - float(value))))


@functools.lru_cache(maxsize=256)
def _program(name: str, param: str) -> Callable:
    curves = curves_program(get(name).fn)

    def over(values, x, others):
        return jax.vmap(lambda v: curves(x, **(others | {param: v})))(values)

    return jax.jit(over)


def curves_over(name: str, x, param: str, values, **params) -> tuple[np.ndarray, ...]:
    """(f, f′, f″) of ``name`` at ``x`` for each value of ``param`` in ``values``
    (the other parameters at ``params`` or their defaults): three float32 arrays of
    shape (len(values), len(x)), row i exactly what ``actlib.curves`` gives at that value."""
    act = get(name)
    resolved = resolve_params(act, params)
    if param not in resolved:
        raise ValueError(f"{name} has no parameter {param!r}")
    values = np.asarray(values, dtype=np.float32).ravel()
    if not 1 <= values.size <= STEP_BUCKET:
        raise ValueError(f"between 1 and {STEP_BUCKET} values, got {values.size}")
    padded = np.pad(values, (0, STEP_BUCKET - values.size), mode="edge")
    others = {k: v for k, v in resolved.items() if k != param}
    out = _program(name, param)(padded, np.asarray(x, dtype=np.float32), others)
    return tuple(np.asarray(a)[: values.size] for a in out)

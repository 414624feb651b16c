"""What a lesson step's claim measures: its page state, and actlib's numbers for it.

A lesson step (:mod:`actlib.lessons`) is a query of one page; :func:`state` turns it
into every control's value exactly as the page would hold it (defaults, then the
query, through :mod:`actlib.urlstate`). The measures below compute from that state
through actlib (autodiff curves, properties, the gradient-flow engine), and the
builders make a claim, ``state -> Check``, out of a measure and its bounds.
Pure: no streamlit.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, NamedTuple

import numpy as np

from actlib import flow, urlstate
from actlib.autodiff import curves
from actlib.properties import properties

GRID_POINTS = 801  # the explorer's grid, so that a claim reads the curve the chart draws


class Check(NamedTuple):
    holds: bool
    detail: str  # the measured numbers, language-neutral ("max f′ = 0.25 < 0.2501")


# --- a step's state, and what actlib computes for it -------------------------------------------

def state(page: str, query: Mapping[str, str]) -> dict[str, Any]:
    """Every control of ``page`` (session-state keys) for a lesson step: the page's
    defaults, then the step's ``query``. A query urlstate would reject is a ValueError."""
    fields = [f for f in urlstate.page_fields(page, query.get("act"))
              if f not in urlstate.SHARED_FIELDS]
    values, problems = urlstate.parse(query, fields)
    if problems:
        raise ValueError(f"lesson step query {dict(query)}: {[(p.key, p.reason) for p in problems]}")
    return {f.state_key: f.default for f in fields} | values


def activation(values: dict[str, Any]) -> tuple[str, dict[str, float]]:
    """The activation a state shows, and its parameter values."""
    prefix = "param." if "explorer.activation" in values else "flow.param."
    name = values.get("explorer.activation", values.get("flow.activation"))
    params = {k.rsplit(".", 1)[1]: float(v) for k, v in values.items() if k.startswith(f"{prefix}{name}.")}
    return name, params


def grid(values: dict[str, Any]) -> np.ndarray:
    """The explorer's x grid for this state (float32, as the page draws it)."""
    lo, hi = sorted((values["explorer.x_min"], values["explorer.x_max"]))
    return np.linspace(lo, hi, GRID_POINTS).astype(np.float32)


def curve(values: dict[str, Any], x=None, name: str | None = None, order: int = 0) -> np.ndarray:
    """f (order 0), f′ or f″ of the state's activation (or of ``name`` at its defaults) on ``x``."""
    shown, params = activation(values)
    x = grid(values) if x is None else np.atleast_1d(np.asarray(x, dtype=np.float32))
    out = curves(shown, x, **params) if name is None else curves(name, x)
    return np.asarray(out[order], dtype=np.float64)


def props(values: dict[str, Any]):
    name, params = activation(values)
    return properties(name, **params)


def stack_config(values: dict[str, Any]) -> flow.StackConfig:
    """The gradient-flow page's network for this state (as pages/gradient_flow.py builds it)."""
    name, params = activation(values)
    return flow.StackConfig(
        depth=int(values["flow.depth"]), width=int(values["flow.width"]), activation=name,
        params=params, init=values["flow.init"], gain=float(values["flow.gain"]),
        bias_std=float(values["flow.bias"]), batch=int(values["flow.batch"]),
        seed=int(values["flow.seed"]), residual=bool(values["flow.residual"]),
        norm=None if values["flow.norm"] == "none" else values["flow.norm"])


_gradient_flow = functools.lru_cache(maxsize=8)(flow.gradient_flow)  # a claim may read it twice
_training_trace = functools.lru_cache(maxsize=8)(flow.training_trace)


def exponent(values: dict[str, Any]) -> float:
    """log10 of first-layer over last-layer gradient: the page's verdict number."""
    grad = _gradient_flow(stack_config(values)).log10_grad
    return float(grad[0] - grad[-1])


def trace(values: dict[str, Any]) -> flow.TrainingTrace:
    return _training_trace(stack_config(values), int(values["flow.steps"]),
                           float(values["flow.learning_rate"]))


# --- claim builders: each returns a predicate over a state -------------------------------------

def _check(holds, detail: str) -> Check:
    return Check(bool(holds), detail)


def measured(what: str, measure: Callable[[dict], float], lo: float = -np.inf,
             hi: float = np.inf) -> Callable[[dict], Check]:
    """Holds when lo < measure(state) < hi (or ≤ where a bound is hit exactly: use a margin)."""
    def claim(values: dict) -> Check:
        value = float(measure(values))
        bounds = " and ".join(s for s in (f"> {lo:g}" if np.isfinite(lo) else "",
                                          f"< {hi:g}" if np.isfinite(hi) else "") if s)
        return _check(lo < value < hi, f"{what} = {value:.4g} ({bounds})")
    return claim


def all_of(*claims: Callable[[dict], Check]) -> Callable[[dict], Check]:
    def claim(values: dict) -> Check:
        checks = [c(values) for c in claims]
        return _check(all(c.holds for c in checks), "; ".join(c.detail for c in checks))
    return claim


def fact(what: str, measure: Callable[[dict], Any], expected: Any) -> Callable[[dict], Check]:
    def claim(values: dict) -> Check:
        value = measure(values)
        return _check(value == expected, f"{what} = {value} (expected {expected})")
    return claim


def dead_at_end(values: dict) -> float:
    """Largest dead share of any layer at the last step (NaN if the run diverged)."""
    run = trace(values)
    return float(np.max(run.dead_fraction[-1])) if run.diverged_at is None else float("nan")


def initial_dead(values: dict) -> float:
    return float(np.max(trace(values).dead_fraction[0]))


def loss_ratio(values: dict) -> float:
    run = trace(values)
    return float(run.loss[-1] / run.loss[0]) if run.diverged_at is None else float("nan")


def on_grid(reduce: Callable[[np.ndarray, np.ndarray, dict], float]) -> Callable[[dict], float]:
    return lambda values: reduce(grid(values), curve(values), values)


def slope_at(x: float) -> Callable[[dict], float]:
    return lambda values: float(curve(values, x, order=1)[0])


def probe_slope(values: dict) -> float:
    return float(curve(values, values["explorer.probe_x"], order=1)[0])


def gap_to(name: str) -> Callable[[dict], float]:
    """max |f − g| over the view's grid, g another activation at its defaults."""
    return lambda values: float(np.max(np.abs(curve(values) - curve(values, name=name))))


def saturated_at_layer(values: dict) -> float:
    result = _gradient_flow(stack_config(values))
    return float(result.saturated_fraction[int(values["flow.layer"]) - 1])


def std_drift(values: dict) -> float:
    """Largest relative change of the activations' std across the stack."""
    stds = _gradient_flow(stack_config(values)).act_std
    return float(np.max(np.abs(stds / stds[0] - 1.0)))


def theory_gap(values: dict) -> float:
    """|theory − measured| first-layer exponent, relative to the measured one."""
    cfg = stack_config(values)
    grad = _gradient_flow(cfg).log10_grad
    theory = flow.mean_field(cfg, anchor=float(grad[-1]))
    return abs((theory[0] - theory[-1]) - (grad[0] - grad[-1])) / abs(grad[0] - grad[-1])



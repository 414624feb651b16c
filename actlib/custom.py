r"""Your own activation: a formula typed by a person, parsed safely into an :class:`Activation`.

    >>> act = custom("where(x > 0, x, alpha * expm1(x))")
    >>> act.name, act.params        # 'custom:where(x > 0, x, alpha * expm1(x))', (Param('alpha', ...),)
    >>> act(x, alpha=0.5); derivative(act, 2)(x, alpha=0.5); properties(act)

The language: numbers, ``x``, ``pi``, parameters (any other bare name), ``+ - * / **``,
unary minus, comparisons (chains such as ``0 < x < 6`` too), parentheses,
``where(cond, a, b)`` and the functions in :data:`FUNCTIONS`.

Safety by construction: the text is parsed by :func:`ast.parse` (which only
parses), and the tree is walked against a whitelist into a small tree of our own
(:mod:`actlib.formula_tree`); the JAX function is built from that tree
(:mod:`actlib.formula_jax`), its LaTeX too (:mod:`actlib.custom_latex`). Nothing
from the text is ever evaluated, executed or compiled as Python. Limits are
checked before any of that: 200 characters, 64 nodes, float32-sized constants.

An activation's name is ``custom:<canonical formula>``; :func:`actlib.get` resolves
such a name by parsing it again (a bounded LRU of :data:`PARSED_CACHE` entries), so
every name-keyed path (curves, derivative, properties, flow, mean field) takes it.
"""

from __future__ import annotations

import functools

import numpy as np

from actlib import registry
from actlib.formula_jax import build
from actlib.formula_tree import (FUNCTIONS, MAX_CHARS, MAX_NODES, FormulaError, Tree, canonical,
                                 free_names, parse_tree)
from actlib.custom_latex import latex_of
from actlib.registry import Activation, Param

__all__ = ["FUNCTIONS", "MAX_CHARS", "MAX_NODES", "PARSED_CACHE", "PREFIX", "FormulaError",
           "custom", "formula_of", "nonfinite_intervals", "is_custom"]

PREFIX = registry.CUSTOM_PREFIX
PARSED_CACHE = 256          # parsed formulas kept per process (each a few kB)
_NAME_CHARS = 8 * MAX_CHARS
PARAM_DEFAULT, PARAM_MIN, PARAM_MAX, PARAM_STEP = 1.0, -5.0, 5.0, 0.01

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
          "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"}


def _symbol(name: str) -> str:
    """A parameter's LaTeX symbol: Greek letters as such, ``w1`` as w_{1}, else upright text."""
    if name in _GREEK:
        return "\\" + name
    stem = name.rstrip("0123456789")
    if len(stem) == 1 and stem != name:
        return f"{stem}_{{{name[1:]}}}"
    if len(name) == 1:
        return name
    return r"\mathit{" + name.replace("_", r"\_") + "}"


def _activation(tree: Tree) -> Activation:
    text = canonical(tree)
    params = tuple(Param(n, PARAM_DEFAULT, PARAM_MIN, PARAM_MAX, PARAM_STEP, _symbol(n))
                   for n in sorted(free_names(tree)))
    latex = latex_of(tree)
    return Activation(
        name=PREFIX + text, fn=build(tree), group="custom", latex=latex,
        # honest: f' is not derived symbolically; the page says autodiff computes it
        latex_derivative=r"\frac{d}{dx}\left[\, " + latex + r" \,\right]",
        params=params)


@functools.lru_cache(maxsize=PARSED_CACHE)
def _from_canonical(text: str) -> Activation:
    return _activation(parse_tree(text))


def custom(text: str) -> Activation:
    """The activation the formula ``text`` describes (group "custom").

    Raises :class:`FormulaError` (a ValueError with ``.position``, a 0-based
    character offset into ``text``) when the text is not a formula of the language.
    The same formula, however spaced, gives the same name and shares its compiled code.
    """
    return _from_canonical(canonical(parse_tree(text)))


def is_custom(name: str) -> bool:
    return isinstance(name, str) and name.startswith(PREFIX)


def formula_of(name_or_act) -> str:
    """The canonical formula of a custom activation (or its name)."""
    name = getattr(name_or_act, "name", name_or_act)
    if not is_custom(name):
        raise ValueError(f"{name!r} is not a custom activation")
    return name[len(PREFIX):]


@functools.lru_cache(maxsize=PARSED_CACHE)
def _resolve(name: str) -> Activation:
    """registry.get's hook: ``custom:<text>`` names, parsed (a FormulaError is a ValueError).
    Cached by name: a redraw looks its activation up without parsing. A canonical text
    may be longer than what a person may type (spaces), never more than 64 nodes."""
    return _from_canonical(canonical(parse_tree(name[len(PREFIX):], max_chars=_NAME_CHARS)))


registry.register_resolver(PREFIX, _resolve)


def nonfinite_intervals(x, *samples) -> list[tuple[float, float]]:
    """Where any of ``samples`` (f, f', ... sampled at the increasing grid ``x``) is NaN or
    infinite: maximal runs of such grid points as (first x, last x). A single point
    gives (x, x). For the page's notice; properties skip these points."""
    x = np.asarray(x, dtype=np.float64)
    bad = np.zeros(x.shape, dtype=bool)
    for s in samples:
        bad |= ~np.isfinite(np.asarray(s, dtype=np.float64))
    if not bad.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], bad.astype(np.int8), [0]])))
    return [(float(x[s]), float(x[e - 1])) for s, e in zip(edges[0::2], edges[1::2])]

r"""LaTeX of a parsed formula, from its tree (never from the typed text).

Parameters come out as ``[name]`` slots, the registry's template convention, so
:func:`actlib.formulas.render` shows them as symbols or current values; a
parameter multiplying what follows is written ``[name]\,`` so that a factor of
exactly 1 disappears when values are shown.
"""

from __future__ import annotations

import re

from actlib.formula_tree import Tree

_ATOM, _FACTOR = 6.0, 5.5     # _FACTOR: safe as a factor, not as the base of a power
_CMP = {"<": "<", "<=": r"\le", ">": ">", ">=": r"\ge", "==": "=", "!=": r"\ne"}
_NAMED = {"log": r"\log", "sin": r"\sin", "cos": r"\cos", "tanh": r"\tanh", "sigmoid": r"\sigma",
          "softplus": r"\operatorname{softplus}", "erf": r"\operatorname{erf}",
          "erfc": r"\operatorname{erfc}", "min": r"\min", "max": r"\max"}
_EXPONENT = re.compile(r"^([0-9._]*)[eE]([-+]?[0-9_]+)$")


def latex_of(tree: Tree) -> str:
    return _latex(tree)[0]


def _number(text: str) -> str:
    text = text.replace("_", "")
    match = _EXPONENT.match(text)
    if match:
        mantissa, exponent = match.groups()
        power = rf"10^{{{int(exponent)}}}"
        return power if mantissa in ("1", "1.", "1.0") else rf"{mantissa} \times {power}"
    return text


def _paren(body: str) -> str:
    return rf"\left({body}\right)"


def _wrap(tree: Tree, least: float) -> str:
    text, prec = _latex(tree)
    return text if prec >= least else _paren(text)


def _latex(tree: Tree) -> tuple[str, float]:
    """(LaTeX, precedence): 1 comparison, 2 sum, 3 product, 4 negation, 5 power, 6 atom."""
    kind = tree[0]
    if kind == "num":
        text = _number(tree[2])
        return text, (_FACTOR if r"\times" in text else _ATOM)
    if kind == "x":
        return "x", _ATOM
    if kind == "pi":
        return r"\pi", _ATOM
    if kind == "param":
        return f"[{tree[1]}]", _ATOM
    if kind == "neg":
        return "-" + _wrap(tree[1], 4), 4
    if kind == "bin":
        return _binary(*tree[1:])
    if kind == "cmp":
        parts = [_wrap(tree[2][0], 2)]
        for op, operand in zip(tree[1], tree[2][1:]):
            parts += [_CMP[op], _wrap(operand, 2)]
        return " ".join(parts), 1
    return _call(tree[1], tree[2])


def _binary(op: str, left: Tree, right: Tree) -> tuple[str, float]:
    if op in "+-":
        return f"{_wrap(left, 2)} {op} {_wrap(right, 3)}", 2
    if op == "/":
        return rf"\frac{{{_latex(left)[0]}}}{{{_latex(right)[0]}}}", _FACTOR
    if op == "**":
        return f"{{{_wrap(left, _ATOM)}}}^{{{_latex(right)[0]}}}", 5
    a, b = _wrap(left, 3), _wrap(right, 4)
    joint = r" \cdot " if b[:1].isdigit() or b[:1] in "-[" else r"\,"  # numbers never juxtaposed
    return a + joint + b, 3


def _call(name: str, args: tuple) -> tuple[str, float]:
    inner = [_latex(a)[0] for a in args]
    if name == "where":
        return (rf"\begin{{cases}} {inner[1]} & {inner[0]} \\ {inner[2]} & \text{{otherwise}}"
                r" \end{cases}"), _FACTOR
    if name == "exp":
        return f"e^{{{inner[0]}}}", _FACTOR
    if name == "expm1":
        return f"e^{{{inner[0]}}} - 1", 2
    if name == "log1p":
        return r"\log" + _paren("1 + " + inner[0]), _FACTOR
    if name == "sqrt":
        return rf"\sqrt{{{inner[0]}}}", _FACTOR
    if name == "abs":
        return rf"\left|{inner[0]}\right|", _FACTOR
    if name == "relu":
        return r"\max" + _paren("0, " + inner[0]), _FACTOR
    return _NAMED[name] + _paren(", ".join(inner)), _FACTOR

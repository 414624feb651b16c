"""LaTeX of an activation with its parameters as symbols or as current values."""

from __future__ import annotations

import re

from actlib.registry import Activation

_SLOT = re.compile(r"\[(\w+)\](\\,)?")  # a slot, and the thin space of a product after it


def format_number(value: float, digits: int = 4) -> str:
    """A short decimal for a formula: 4 significant digits, no trailing zeros,
    negatives in parentheses so that ``[alpha]\\,x`` stays readable."""
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({text})" if value < 0 else text


def render(template: str, act: Activation, values: dict[str, float] | None = None) -> str:
    """Fill ``[param]`` slots with the parameter's symbol, or with ``values`` when given."""
    by_name = {p.name: p for p in act.params}

    def fill(match: re.Match) -> str:
        param, product = by_name[match.group(1)], match.group(2) or ""
        if values is None:
            return param.symbol + product
        value = float(values[param.name])
        if value == 1.0 and product:
            return ""  # a factor of exactly 1: "(e^x - 1)", not "1\,(e^x - 1)"
        return format_number(value) + product

    return _SLOT.sub(fill, template)


def function_latex(act: Activation, values: dict[str, float] | None = None) -> str:
    return "f(x) = " + render(act.latex, act, values)


def derivative_latex(act: Activation, values: dict[str, float] | None = None) -> str:
    return "f'(x) = " + render(act.latex_derivative, act, values)

"""Text read-outs of the explorer: the properties table and the probe line, in the
user's language (markdown strings; the page only places them)."""

from __future__ import annotations

import math

from actlib.properties import RELU_MEAN_SHARE, Properties
from actlib.registry import get
from actlib.regions import KINDS, SMALL_SLOPE
from actlib.text import has, t


def _num(v: float) -> str:
    return "∞" if v == math.inf else "−∞" if v == -math.inf else f"{v:.4g}"


def _moment(v: float) -> str:
    """Three decimals, as the moments are quoted in teaching; -0.000 shows as 0.000."""
    return f"{v:.3f}".replace("-0.000", "0.000")


def interval(p: Properties) -> str:
    """The output range in interval notation: ``[`` where the bound is attained, ``(`` where not."""
    return (("[" if p.lower_attained else "(") + _num(p.lower) + ", " + _num(p.upper)
            + ("]" if p.upper_attained else ")"))


def property_rows(p: Properties, lang: str) -> list[tuple[str, str]]:
    yes_no = {True: t("prop.yes", lang), False: t("prop.no", lang)}

    def at(value: float, where: float | None, key: str) -> str:
        # no single x when the value holds on an interval or only in a tail
        return _num(value) if where is None else t(key, lang, value=_num(value), where=_num(where))

    minimum = (t("prop.minimum_none", lang) if p.minimum is None
               else at(p.minimum, p.argmin, "prop.minimum_value"))
    return [
        (t("prop.range", lang), interval(p)),
        (t("prop.zero_centred", lang), centring(p, lang)),
        (t("prop.output_mean", lang), _moment(p.output_mean)),
        (t("prop.output_std", lang), _moment(p.output_std)),
        (t("prop.monotonic", lang), yes_no[p.monotonic]),
        (t("prop.smooth", lang), yes_no[p.smooth]),
        (t("prop.max_slope", lang), at(p.max_slope, p.max_slope_at, "prop.max_slope_value")),
        (t("prop.slope_at_zero", lang), _num(p.slope_at_zero)),
        (t("prop.minimum", lang), minimum),
    ]


def centring(p: Properties, lang: str) -> str:
    """The zero-centred verdict in words (the rule is :attr:`Properties.centring`'s)."""
    share = abs(p.output_mean) / p.output_std if p.output_std > 0 else math.inf
    return t(f"prop.centring.{p.centring}", lang, mean=_moment(p.output_mean), share=f"{share:.2f}",
             relu=f"{RELU_MEAN_SHARE:.2f}")


def region_labels(lang: str) -> dict[str, str]:
    """Legend names of the shaded region kinds, each stating the shared threshold."""
    return {kind: t(f"chart.{kind}", lang, threshold=f"{SMALL_SLOPE:g}") for kind in KINDS}


def kink_line(name: str, lang: str) -> str:
    """"At the kink: ..." for an activation with a kink, else ""."""
    key = f"act.{name}.kink"
    return t("explorer.kink", lang, note=t(key, lang)) if has(key) else ""


# The registry's LaTeX symbols as plain Unicode, for widget labels (no KaTeX there).
_SYMBOLS = {r"\alpha": "α", r"\beta": "β", r"\lambda": "λ", "w_1": "w₁", "w_2": "w₂",
            "b_1": "b₁", "b_2": "b₂"}


def param_symbol(activation: str, param: str) -> str:
    """The symbol the formulas and cards use for ``param`` (α, λ, K, c...)."""
    [p] = [p for p in get(activation).params if p.name == param]
    return _SYMBOLS.get(p.symbol, p.symbol or param)


def param_label(activation: str, param: str, lang: str) -> str:
    """A slider's visible label, symbol and name: "α (alpha)"."""
    return t("param.label", lang, symbol=param_symbol(activation, param), name=param)


def param_help(activation: str, param: str, lang: str) -> str:
    """What the parameter does, in a sentence (a slider's help text)."""
    key = f"param.{activation}.{param}"
    return t(key, lang) if has(key) else t("param.custom_help", lang, name=param)  # a typed formula's


def guide_markdown(topic: str, lang: str, *, with_title: bool = True) -> str:
    """A guide card (actlib/text/guides.py) as markdown: bold title, one bullet per line.

    >>> guide_markdown("depth", "en")      # the gradient page's "why depth multiplies f′"
    """
    bullets = "\n".join(f"- {line}" for line in t(f"guide.{topic}.body", lang).split("\n"))
    return f"**{t(f'guide.{topic}.title', lang)}**\n\n{bullets}" if with_title else bullets


def markdown_table(header: tuple[str, str], rows: list[tuple[str, str]]) -> str:
    cell = lambda text: text.replace("|", "\\|")  # a bare | would end the cell
    lines = [f"| {cell(header[0])} | {cell(header[1])} |", "|:--|:--|"]
    return "\n".join(lines + [f"| {cell(a)} | {cell(b)} |" for a, b in rows])


def probe_line(x0: float, value: float, first: float, second: float, lang: str) -> str:
    return t("probe.line", lang, x=f"{x0:.6g}", f=f"{value:.6g}", df=f"{first:.6g}",
             d2f=f"{second:.6g}")

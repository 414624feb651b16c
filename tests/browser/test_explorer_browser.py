"""The explorer page in a real browser: the chart Plotly drew, read back from the DOM,
follows the "alpha" slider and the activation picker; the KaTeX formulas and the probe
line follow too. The formulas are one ``aligned`` KaTeX block inside one markdown element,
together with the kink note and the probe line ("At x = ...: f = ..., f′ = ..., f″ = ...").

Every wait is on the page's state (chart data, formula text), never a sleep.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.plotly_js import DECODE_ARRAYS

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 90_000  # the first run imports JAX and compiles: ~5 s idle, far more on a busy CI box
RERUN_MS = 30_000
F, DF = "f(x)", "f′(x)"  # the trace names (chart.f, chart.df in English)

# The drawn chart: gd.data with Plotly's base64 typed arrays ({dtype, bdata}) decoded.
# null until Plotly has drawn at least one trace.
READ_CHART = r"""() => {
  const gd = document.querySelector('.live-plot.js-plotly-plot, [data-testid="stPlotlyChart"] .js-plotly-plot');
  if (!gd || !gd.data || !gd._fullLayout || !gd.querySelector('.scatterlayer .trace')) return null;
""" + DECODE_ARRAYS + r"""  const title = gd.layout.title;
  return {
    title: typeof title === 'string' ? title : (title && title.text) || '',
    drawn_title: (gd.querySelector('.gtitle') || {}).textContent || '',
    traces: gd.data.map(t => ({name: t.name, x: decode(t.x), y: decode(t.y)})),
  };
}"""

# Resolves once the chart's trace ``name`` is drawn with ``y`` at x = ``x0`` within ``tol``
# of ``want`` (a number). The argument is {name, x0, want, tol}.
CHART_SHOWS = "(arg) => { const chart = (" + READ_CHART + r""")();
  if (!chart) return false;
  const t = chart.traces.find(t => t.name === arg.name);
  if (!t || !t.x || !t.y) return false;
  let best = 0;
  for (let i = 1; i < t.x.length; i++)
    if (Math.abs(t.x[i] - arg.x0) < Math.abs(t.x[best] - arg.x0)) best = i;
  return Math.abs(t.y[best] - arg.want) <= arg.tol;
}"""

# Every markdown element that shows KaTeX display math: its TeX sources, the rows of
# its ``aligned`` block ("f(x) = ...", "f'(x) = ...": split at top-level ``\\`` / ``\\[4pt]``,
# not inside a nested ``cases``; the alignment mark ``&=`` checked and read as ``=``;
# whitespace runs collapsed), and its rendered text.
FORMULA_ELEMENTS = r"""() => {
  const rowsOf = (tex) => {
    const m = tex.trim().match(/^\\begin\{aligned\}([\s\S]*)\\end\{aligned\}$/);
    if (!m) return null;
    const body = m[1], rows = [], token = /\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}|\\\\(\[[^\]]*\])?/g;
    let depth = 0, start = 0, t;
    while ((t = token.exec(body)) !== null) {
      if (t[0].startsWith('\\begin')) depth++;
      else if (t[0].startsWith('\\end')) depth--;
      else if (depth === 0) { rows.push(body.slice(start, t.index)); start = token.lastIndex; }
    }
    rows.push(body.slice(start));
    return rows.map(r => {
      const row = r.trim().replace(/\s+/g, ' ');
      const a = row.match(/^(f\(x\)|f'\(x\)) &= (.*)$/);
      return a ? a[1] + ' = ' + a[2] : '!unaligned: ' + row;
    });
  };
  return [...document.querySelectorAll('[data-testid="stMarkdown"]')]
    .filter(md => md.querySelector('.katex-display'))
    .map(md => {
      const tex = [...md.querySelectorAll('.katex-mathml annotation')].map(a => a.textContent);
      const aligned = tex.map(rowsOf).filter(r => r !== null);
      return {tex, rows: aligned.length === 1 ? aligned[0] : null, text: md.innerText};
    });
}"""

# Resolves once exactly one markdown element shows an aligned block whose rows are
# ``arg`` (whitespace runs collapsed).
FORMULAS_ARE = "(want) => { const els = (" + FORMULA_ELEMENTS + r""")()
                              .filter(e => e.rows !== null);
  return els.length === 1 && els[0].rows.length === want.length
         && els[0].rows.every((r, i) => r === want[i].trim().replace(/\s+/g, ' '));
}"""

PROBE_LINE = re.compile(r"At x = (?P<x>\S+): f = (?P<f>\S+), f′ = (?P<df>\S+), f″ = (?P<d2f>\S+)$")


def read_chart(page: Page) -> dict:
    chart = page.evaluate(READ_CHART)
    assert chart is not None, "no Plotly chart drawn on the page"
    return chart


def trace(chart: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    by_name = {t["name"]: t for t in chart["traces"]}
    assert name in by_name, f"no trace {name!r}; traces: {list(by_name)}"
    t = by_name[name]
    return np.asarray(t["x"], dtype=np.float64), np.asarray(t["y"], dtype=np.float64)


def elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_prime(x, alpha):
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def assert_curves(chart: dict, f, df) -> None:
    """The chart's f and f′ traces equal ``f(x)`` and ``df(x)`` at every drawn x (float32)."""
    x, y = trace(chart, F)
    assert x.size == 301, f"f trace has {x.size} points, expected 301"
    np.testing.assert_allclose(y, f(x), rtol=2e-5, atol=2e-6, err_msg="f trace")
    x, y = trace(chart, DF)
    np.testing.assert_allclose(y, df(x), rtol=2e-5, atol=2e-6, err_msg="f′ trace")


def wait_chart_shows(page: Page, name: str, x0: float, want: float, timeout: float = RERUN_MS,
                     tol: float = 1e-4) -> None:
    try:
        page.wait_for_function(CHART_SHOWS, arg={"name": name, "x0": x0, "want": want, "tol": tol},
                               timeout=timeout)
    except Exception as error:
        chart = page.evaluate(READ_CHART)
        raise AssertionError(
            f"chart never showed {name} = {want} at x = {x0} within {timeout / 1000:.0f} s; "
            f"traces now: {[t['name'] for t in chart['traces']] if chart else 'no chart'}") from error


def formula_element(page: Page) -> dict:
    """The one markdown element with the aligned formula block: ``tex`` (its KaTeX
    sources), ``rows`` (["f(x) = ...", "f'(x) = ..."]) and ``text`` (as rendered)."""
    elements = [e for e in page.evaluate(FORMULA_ELEMENTS) if e["rows"] is not None]
    assert len(elements) == 1, f"expected one aligned formula block, found {elements}"
    return elements[0]


def wait_formulas(page: Page, *rows: str, timeout: float = RERUN_MS) -> dict:
    """Wait until the page's aligned formula block shows exactly ``rows``; return its element."""
    try:
        page.wait_for_function(FORMULAS_ARE, arg=list(rows), timeout=timeout)
    except Exception as error:
        raise AssertionError(f"formulas never showed {rows}; now: {page.evaluate(FORMULA_ELEMENTS)}") \
            from error
    return formula_element(page)


def probe_readout(element: dict) -> dict[str, float]:
    """The probe line of the formula element, parsed: {"x", "f", "df", "d2f"}."""
    found = [m for line in element["text"].splitlines() if (m := PROBE_LINE.fullmatch(line.strip()))]
    assert len(found) == 1, f"expected one probe line in {element['text']!r}"
    return {key: float(value) for key, value in found[0].groupdict().items()}


def elu_rows(shown: str) -> tuple[str, str]:
    """ELU's formula rows with alpha shown as ``shown`` ("" for a factor of 1, left out)."""
    factor = f"{shown}\\," if shown else ""
    return (rf"f(x) = \begin{{cases}} x & x > 0 \\ {factor}(e^{{x}} - 1) & x \le 0 \end{{cases}}",
            rf"f'(x) = \begin{{cases}} 1 & x > 0 \\ {factor}e^{{x}} & x \le 0 \end{{cases}}")


def open_explorer(page: Page, url: str) -> list[str]:
    """Load the default page (ELU, alpha = 1) and wait for its chart; returns the list
    that collects the page's uncaught JavaScript errors from now on."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    wait_chart_shows(page, DF, -2.0, float(elu_prime(-2.0, 1.0)), timeout=FIRST_LOAD_MS)
    return errors


def alpha_sliders(page: Page):
    """The live chart's "alpha" slider: a range input whose accessible name is the parameter's."""
    return page.get_by_role("slider", name="alpha", exact=True)


def alpha_slider(page: Page):
    slider = alpha_sliders(page)
    expect(slider).to_have_count(1)
    return slider


def plain(title: str) -> str:
    """A Plotly title without its markup (Streamlit's theme wraps it in <b>)."""
    return re.sub(r"<[^>]+>", "", title).strip()


def test_alpha_slider_redraws_chart_and_formula(page: Page, app_url: str):
    errors = open_explorer(page, app_url)
    chart = read_chart(page)
    assert plain(chart["title"]) == "ELU"
    assert_curves(chart, lambda x: elu(x, 1.0), lambda x: elu_prime(x, 1.0))
    before = trace(chart, DF)[1]

    # alpha = 1: the factor 1 is left out of the formulas
    element = wait_formulas(page, *elu_rows(""))
    assert element["text"].startswith("Formulas with the current parameters"), element["text"]
    assert "At the kink: f′(0) = α, the slope of the x ≤ 0 piece" in element["text"]
    assert probe_readout(element) == {"x": 0.0, "f": 0.0, "df": 1.0, "d2f": 1.0}

    slider = alpha_slider(page)
    slider.focus()
    # One key press, one rerun. "End" jumps to the slider's max (3.0). Back at 1.0 (the
    # browser's 1.05 - 0.05) the factor must be left out again.
    for key, alpha, shown in (("ArrowRight", 1.05, "1.05"), ("ArrowLeft", 1.0, ""),
                              ("End", 3.0, "3"), ("ArrowLeft", 2.95, "2.95")):
        slider.press(key)
        wait_chart_shows(page, DF, -2.0, float(elu_prime(-2.0, alpha)))
        wait_chart_shows(page, F, -2.0, float(elu(-2.0, alpha)))
        chart = read_chart(page)
        assert_curves(chart, lambda x: elu(x, alpha), lambda x: elu_prime(x, alpha))
        expect(slider).to_have_attribute("aria-valuetext", f"{alpha:.2f}")

        element = wait_formulas(page, *elu_rows(shown))
        # the probe line (x = 0: ELU(0) = 0, f′(0) = f″(0) = alpha) is redrawn with them
        readout = probe_readout(element)
        assert readout["x"] == 0.0 and readout["f"] == 0.0, readout
        assert readout["df"] == pytest.approx(alpha, rel=1e-6), readout
        assert readout["d2f"] == pytest.approx(alpha, rel=1e-6), readout

    assert not np.allclose(trace(read_chart(page), DF)[1], before)
    assert errors == [], f"JavaScript errors on the page: {errors}"


def test_picking_sigmoid_redraws_and_drops_alpha(page: Page, app_url: str):
    errors = open_explorer(page, app_url)
    expect(alpha_slider(page)).to_be_visible()

    picker = page.get_by_role("combobox", name="Activation function")
    picker.click()
    option = page.get_by_role("option", name=re.compile(r"·\s*Sigmoid$"))
    expect(option).to_be_visible()
    option.click()

    wait_chart_shows(page, F, 0.0, 0.5)  # ELU is 0 at 0, sigmoid 0.5
    wait_chart_shows(page, DF, 0.0, 0.25)
    chart = read_chart(page)
    assert plain(chart["title"]) == "Sigmoid"
    # while the rerun replaces the chart, the old one can linger a moment (seen under load)
    expect(page.locator(".gtitle")).to_have_count(1, timeout=15_000)
    expect(page.locator(".gtitle")).to_have_text("Sigmoid")
    assert_curves(chart, sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x)))

    expect(alpha_sliders(page)).to_have_count(0)
    expect(page.get_by_text("This function has no parameters.")).to_be_visible()
    expect(picker).to_have_value(re.compile(r"Sigmoid$"))
    element = wait_formulas(page, r"f(x) = \sigma(x) = \frac{1}{1 + e^{-x}}",
                            r"f'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)")
    assert "At the kink" not in element["text"]  # sigmoid has none
    readout = probe_readout(element)
    assert readout["x"] == 0.0 and readout["f"] == pytest.approx(0.5) and readout["df"] == pytest.approx(0.25)
    assert readout["d2f"] == pytest.approx(0.0, abs=1e-6)
    assert errors == [], f"JavaScript errors on the page: {errors}"

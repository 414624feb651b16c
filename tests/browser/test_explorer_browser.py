"""The explorer page in a real browser: the chart Plotly drew, read back from the DOM,
follows the "alpha" slider and the activation picker; the KaTeX formulas follow too.

Every wait is on the page's state (chart data, formula text), never a sleep.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 90_000  # the first run imports JAX and compiles: ~5 s idle, far more on a busy CI box
RERUN_MS = 30_000
F, DF = "f(x)", "f′(x)"  # the trace names (chart.f, chart.df in English)

# The drawn chart: gd.data with Plotly's base64 typed arrays ({dtype, bdata}) decoded.
# null until Plotly has drawn at least one trace.
READ_CHART = r"""() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  if (!gd || !gd.data || !gd._fullLayout || !gd.querySelector('.scatterlayer .trace')) return null;
  const types = {f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array,
                 i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array};
  const decode = (v) => {
    if (v == null) return null;
    if (Array.isArray(v)) return v;
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (typeof v.bdata === 'string' && types[v.dtype]) {
      const bin = atob(v.bdata), bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return Array.from(new types[v.dtype](bytes.buffer));
    }
    return null;
  };
  const title = gd.layout.title;
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

FORMULAS = """() => [...document.querySelectorAll('.katex-mathml annotation')]
                  .map(a => a.textContent)"""


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
    assert x.size == 801, f"f trace has {x.size} points, expected 801"
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


def wait_formulas(page: Page, *needles: str, timeout: float = RERUN_MS) -> list[str]:
    """Wait until the KaTeX sources on the page contain every needle; return them all."""
    try:
        page.wait_for_function(f"""(needles) => {{ const f = ({FORMULAS})();
            return needles.every(n => f.some(s => s.includes(n))); }}""",
                               arg=list(needles), timeout=timeout)
    except Exception as error:
        raise AssertionError(f"formulas never showed {needles}; now: {page.evaluate(FORMULAS)}") \
            from error
    return page.evaluate(FORMULAS)


def open_explorer(page: Page, url: str) -> list[str]:
    """Load the default page (ELU, alpha = 1) and wait for its chart; returns the list
    that collects the page's uncaught JavaScript errors from now on."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    wait_chart_shows(page, DF, -2.0, float(elu_prime(-2.0, 1.0)), timeout=FIRST_LOAD_MS)
    return errors


def alpha_sliders(page: Page):
    """The thumb(s) of the slider labelled exactly "alpha". (The thumb's accessible name
    is "alpha alpha": react-aria labels it by itself and by its group.)"""
    labelled = page.get_by_test_id("stSlider").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text("alpha", exact=True))
    return labelled.get_by_role("slider")


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

    slider = alpha_slider(page)
    slider.focus()
    # One key press, one rerun. "End" jumps to the slider's max (3.0).
    for key, alpha, shown in (("ArrowRight", 1.05, "1.05"), ("End", 3.0, "3"),
                              ("ArrowLeft", 2.95, "2.95")):
        slider.press(key)
        wait_chart_shows(page, DF, -2.0, float(elu_prime(-2.0, alpha)))
        wait_chart_shows(page, F, -2.0, float(elu(-2.0, alpha)))
        chart = read_chart(page)
        assert_curves(chart, lambda x: elu(x, alpha), lambda x: elu_prime(x, alpha))
        expect(slider).to_have_attribute("aria-valuetext", f"{alpha:.2f}")

        function_tex = rf"{shown}\,(e^{{x}} - 1)"
        derivative_tex = rf"{shown}\,e^{{x}}"
        formulas = wait_formulas(page, function_tex, derivative_tex)
        assert any(s.startswith("f(x) =") and function_tex in s for s in formulas), formulas
        assert any(s.startswith("f'(x) =") and derivative_tex in s for s in formulas), formulas

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
    expect(page.locator(".gtitle")).to_have_text("Sigmoid")
    assert_curves(chart, sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x)))

    expect(alpha_sliders(page)).to_have_count(0)
    expect(page.get_by_text("This function has no parameters.")).to_be_visible()
    expect(picker).to_have_value(re.compile(r"Sigmoid$"))
    formulas = wait_formulas(page, r"\frac{1}{1 + e^{-x}}")
    assert not any(r"\alpha" in s or "e^{x} - 1" in s for s in formulas), formulas
    assert errors == [], f"JavaScript errors on the page: {errors}"

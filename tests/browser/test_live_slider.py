"""Live sliders in a real browser: while a thumb is dragged the chart shows, at every
step it crosses, exactly that step's curve; the release commits the value.

The drag is a real pointer drag (Playwright's mouse, down, 12+ moves, up). At each
step the test reads the value beside the thumb and the trace data Plotly holds, and
compares them with an independent float64 closed form (tests/reference.py) or with
actlib's engine at that value; after release it checks the address, the formulas and
the properties table. Every wait is on page state.
"""

from __future__ import annotations

import re
import urllib.parse

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from actlib import flow
from actlib.text import t
from tests.browser.plotly_js import DECODE_ARRAYS
from tests.reference import REFERENCE

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 90_000
RERUN_MS = 30_000

# What the live chart shows now: the slider value it last painted, the number of paints,
# and its traces with the typed arrays decoded.
READ_LIVE = r"""() => {
  const root = document.querySelector('.live-root');
  const gd = root && root.querySelector('.live-plot.js-plotly-plot');
  if (!gd || !gd.data) return null;
""" + DECODE_ARRAYS + r"""  return {
    shown: root.dataset.shownValue || '', painted: +(root.dataset.painted || 0),
    traces: gd.data.map(t => ({name: t.name, x: decode(t.x), y: decode(t.y)})),
  };
}"""


def read_live(page: Page) -> dict:
    return page.evaluate(READ_LIVE)


def trace(chart: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The first trace called ``name`` (the gradient page's line; its markers share the name)."""
    found = next(tr for tr in chart["traces"] if tr["name"] == name)
    return (np.array([np.nan if v is None else v for v in found["x"]], dtype=float),
            np.array([np.nan if v is None else v for v in found["y"]], dtype=float))


def drag_steps(page: Page, name: str, fractions: list[float]):
    """Press the thumb of slider ``name`` and move it through ``fractions`` of its track,
    yielding after each move once the chart has painted the step under the thumb."""
    slider = page.get_by_role("slider", name=name, exact=True)
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    at = lambda f: box["x"] + 8 + f * (box["width"] - 16)  # the thumb's centre at each end
    page.mouse.move(at(fractions[0]), y)
    page.mouse.down()
    for f in fractions:
        page.mouse.move(at(f), y, steps=2)
        shown = slider.get_attribute("aria-valuetext")
        page.wait_for_function(
            "(v) => document.querySelector('.live-root').dataset.shownValue !== '' && "
            "Math.abs(+document.querySelector('.live-root').dataset.shownValue - v) < 1e-9",
            arg=float(shown), timeout=RERUN_MS)
        yield float(shown)
    page.mouse.up()


def shown_curve(page: Page, name: str, expected, timeout: float = RERUN_MS / 1000):
    """Trace ``name`` once the chart shows ``expected(x)`` (a paint can still be on its way
    when the address has changed), or as it is when ``timeout`` s have passed."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        chart = read_live(page)
        if chart is not None:
            x, y = trace(chart, name)
            if np.allclose(y, expected(x), rtol=2e-6, atol=2e-6) or time.monotonic() > deadline:
                return x, y
        elif time.monotonic() > deadline:
            raise AssertionError("no live chart on the page")
        time.sleep(0.1)


def query_of(page: Page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


def test_dragging_alpha_draws_every_step_from_actlib(page: Page, app_url: str):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/?act=elu")
    page.wait_for_function("() => document.querySelector('.live-root .main-svg') !== null",
                           timeout=FIRST_LOAD_MS)
    ref = REFERENCE["elu"]
    painted_before = read_live(page)["painted"]
    seen = []
    fractions = list(np.linspace(0.2, 0.8, 14))  # alpha 0.6 .. 2.4 in steps of 0.05: 14 steps apart
    for alpha in drag_steps(page, "alpha", fractions):
        chart = read_live(page)
        x, f = trace(chart, t("chart.f"))
        _, df = trace(chart, t("chart.df"))
        # float32 values of the closed form at exactly the value beside the thumb
        np.testing.assert_allclose(f, ref.f(x, alpha=alpha), rtol=2e-6, atol=2e-6)
        np.testing.assert_allclose(df, ref.df(x, alpha=alpha), rtol=2e-6, atol=2e-6)
        seen.append(alpha)
    assert len(set(seen)) >= 10, seen
    assert read_live(page)["painted"] - painted_before >= 10
    # the release commits: address, formulas and properties show the last value
    last = seen[-1]
    page.wait_for_function("(v) => new URLSearchParams(location.search).get('alpha') === v",
                           arg=f"{last:g}", timeout=RERUN_MS)
    # the formulas show alpha's value (4 significant digits), the table f'(0) = alpha
    expect(page.get_by_test_id("stMarkdownContainer").filter(has=page.locator(".katex")).first
           ).to_contain_text(f"{last:.4g}", timeout=RERUN_MS)
    expect(page.get_by_test_id("stMarkdownContainer").filter(has=page.locator("table")).first
           ).to_contain_text(f"{t('prop.slope_at_zero')}{last:.4g}", timeout=RERUN_MS)
    assert errors == []


def test_arrow_keys_step_and_commit(page: Page, app_url: str):
    page.goto(f"{app_url}/?act=elu&alpha=1")
    slider = page.get_by_role("slider", name="alpha", exact=True)
    expect(slider).to_have_attribute("aria-valuetext", "1.00", timeout=FIRST_LOAD_MS)
    slider.focus()
    for key, want in (("ArrowRight", "1.05"), ("ArrowRight", "1.10"), ("ArrowLeft", "1.05")):
        slider.press(key)
        expect(slider).to_have_attribute("aria-valuetext", want)
        page.wait_for_function("(v) => new URLSearchParams(location.search).get('alpha') === v",
                               arg=f"{float(want):g}", timeout=RERUN_MS)
        x, df = shown_curve(page, t("chart.df"), lambda x: REFERENCE["elu"].df(x, alpha=float(want)))
        np.testing.assert_allclose(df, REFERENCE["elu"].df(x, alpha=float(want)), rtol=2e-6, atol=2e-6)


SMALL = {"act": "tanh", "width": "16", "batch": "8", "depth": "20"}


def flow_config(query: dict) -> flow.StackConfig:
    return flow.StackConfig(depth=int(query["depth"]), width=int(query["width"]),
                            batch=int(query["batch"]), activation=query["act"],
                            gain=float(query.get("gain", 1.0)))


@pytest.mark.parametrize("name", ["depth", "gain"])
def test_dragging_depth_and_gain_draws_each_stack(page: Page, app_url: str, name: str):
    page.goto(f"{app_url}/gradient_flow?" + urllib.parse.urlencode(SMALL))
    page.wait_for_function("() => document.querySelector('.live-root .main-svg') !== null",
                           timeout=FIRST_LOAD_MS)
    fractions = list(np.linspace(0.05, 0.3, 12)) if name == "depth" else list(np.linspace(0.1, 0.5, 12))
    seen = []
    for value in drag_steps(page, name, fractions):
        x, y = trace(read_live(page), t("flow.measured"))
        cfg = flow_config(SMALL | {name: str(int(value)) if name == "depth" else str(value)})
        want = np.asarray(flow.gradient_flow(cfg).log10_grad, dtype=float)
        assert len(y) == cfg.depth and np.array_equal(x, np.arange(1, cfg.depth + 1))
        np.testing.assert_allclose(y, want, atol=2e-4)  # the chart rounds to 4 decimals
        seen.append(value)
    assert len(set(seen)) >= 8, seen
    want = f"{int(seen[-1])}" if name == "depth" else f"{seen[-1]:g}"
    page.wait_for_function(f"(v) => new URLSearchParams(location.search).get('{name}') === v",
                           arg=want, timeout=RERUN_MS)


def test_quick_arrow_presses_are_all_kept(page: Page, app_url: str):
    """Each press commits; reruns for the earlier presses must not pull the thumb back."""
    page.goto(f"{app_url}/?act=elu&alpha=1")
    slider = page.get_by_role("slider", name="alpha", exact=True)
    expect(slider).to_have_attribute("aria-valuetext", "1.00", timeout=FIRST_LOAD_MS)
    slider.focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")  # the focus stays on the slider across reruns
    page.wait_for_function("() => new URLSearchParams(location.search).get('alpha') === '1.3'",
                           timeout=RERUN_MS)
    expect(slider).to_have_attribute("aria-valuetext", "1.30")
    x, df = shown_curve(page, t("chart.df"), lambda x: REFERENCE["elu"].df(x, alpha=1.3))
    np.testing.assert_allclose(df, REFERENCE["elu"].df(x, alpha=1.3), rtol=2e-6, atol=2e-6)


def test_release_where_the_drag_began_brings_back_the_committed_chart(page: Page, app_url: str):
    """A drag that ends on the value it started from: the browser fires no change event and
    the server has nothing new to send. The page must still end the drag and put the
    committed figure back in place of the dragged frame (which has no Play button)."""
    page.goto(f"{app_url}/gradient_flow?" + urllib.parse.urlencode(SMALL))
    page.wait_for_function("() => document.querySelector('.live-root .main-svg') !== null",
                           timeout=FIRST_LOAD_MS)
    committed = ("() => { const root = document.querySelector('.live-root');"
                 " const gd = root.querySelector('.live-plot.js-plotly-plot');"
                 " return root.dataset.shownParam === '' && !!gd.layout.updatemenus"
                 " && gd.layout.updatemenus.length > 0; }")
    first = list(drag_steps(page, "gain", [0.2, 0.3]))[-1]
    page.wait_for_function("(v) => new URLSearchParams(location.search).get('gain') === v",
                           arg=f"{first:g}", timeout=RERUN_MS)
    page.wait_for_function(committed, timeout=RERUN_MS)
    painted = read_live(page)["painted"]
    again = list(drag_steps(page, "gain", [0.45, 0.3]))  # pressed away from the thumb: it jumps there
    assert again[0] != first and again[-1] == first, again
    page.wait_for_function(committed, timeout=RERUN_MS)
    assert read_live(page)["painted"] >= painted + 3  # two dragged frames, then the committed figure
    x, y = trace(read_live(page), t("flow.measured"))
    want = np.asarray(flow.gradient_flow(flow_config(SMALL | {"gain": str(first)})).log10_grad, dtype=float)
    np.testing.assert_allclose(y, want, atol=2e-4)


def test_a_chart_whose_script_does_not_load_says_so(page: Page, app_url: str):
    """The chart's script comes from the static folder (ui/live_chart.py): a proxy or a
    cache that fails it must leave words on the page, not a blank where the chart was."""
    page.route(re.compile(r".*/app/static/vendor/live_chart\.[0-9a-f]+\.js$"),
               lambda route: route.fulfill(status=404, body="not here"))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{app_url}/?act=elu&alpha=1")
    note = page.locator(".live-root .live-note").first
    expect(note).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(note).to_contain_text(t("chart.script_failed", "en"))
    expect(note).to_contain_text(t("chart.script_failed", "ja"))
    assert page.locator(".live-root .main-svg").count() == 0
    assert errors == []


def test_a_drag_after_a_commit_draws_with_the_committed_config(page: Page, app_url: str):
    """The sliders' listeners were made by the page's first render; a dragged frame must
    still be drawn with the chart's latest config (its download name holds alpha), or
    Plotly replots the whole chart at the drag's first step and again on release."""
    page.goto(f"{app_url}/?act=elu&alpha=1")
    slider = page.get_by_role("slider", name="alpha", exact=True)
    expect(slider).to_have_attribute("aria-valuetext", "1.00", timeout=FIRST_LOAD_MS)
    slider.press("ArrowRight")
    page.wait_for_function("() => new URLSearchParams(location.search).get('alpha') === '1.05'",
                           timeout=RERUN_MS)
    download_name = ("() => { const gd = document.querySelector('.live-root .live-plot');"
                     " return gd && gd._context && gd._context.toImageButtonOptions.filename; }")
    page.wait_for_function(f"() => ({download_name})() === 'activation_elu_alpha1.05'", timeout=RERUN_MS)
    for _ in drag_steps(page, "alpha", [0.3, 0.35, 0.4]):
        assert page.evaluate(download_name) == "activation_elu_alpha1.05"

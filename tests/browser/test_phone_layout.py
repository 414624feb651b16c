"""A class on phones: each page at phone, tablet, laptop and projector widths.

- On a 390 x 844 touch screen and at 768 x 1024, the live slider and at least 60% of
  its chart are on screen together, scrolled as a student would (tests/browser/layout_js.py).
- At 390, 768, 1280 and 1920 px, normal and presenter mode: no two of a chart's texts
  and controls overlap (axis titles, legend entries, Play/Pause, the frame slider, the
  toolbar, the title), and nothing makes the page scroll sideways.
- On the touch screen every control a finger presses is at least 44 x 44 px.
- A finger dragging the live slider paints each step it crosses (checked against the
  float64 closed form), the page does not scroll meanwhile, and the lift commits.
"""

from __future__ import annotations

import urllib.parse

import numpy as np
import pytest
from playwright.sync_api import Page

from tests.browser.layout_js import (CHART_AND_SLIDER, CHART_PARTS, OVERLAPS, SETTLED,
                                     SMALL_TARGETS, TOO_WIDE)
from tests.browser.test_live_slider import read_live, trace
from actlib.text import t
from tests.reference import REFERENCE

pytestmark = pytest.mark.browser

LOAD_MS = 120_000
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
TABLET = {"viewport": {"width": 768, "height": 1024}}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
SCREENS = {"phone": PHONE, "tablet": TABLET, "laptop": LAPTOP, "projector": PROJECTOR}

# (address, the slider that must sit beside its chart, or None for a page without one)
PAGES = {
    "explorer": ("?act=elu", "alpha"),
    "gradient": ("gradient_flow", "depth"),
    "lessons": ("lessons", None),
    "lesson_step": ("gradient_flow?lesson=depth&step=3", "depth"),
}
# more charts, checked on the phone only: the widest formulas, four sliders, overlays, the
# gradient page's other views (their charts have Play and Pause, a colour bar, long legends)
MORE = {
    "gelu_tanh": "?act=gelu_tanh&second=1",
    "hard_swish": "?act=hard_swish",
    "maxout": "?act=maxout&overlay=relu&overlay=tanh&overlay=gelu&overlay=softplus",
    "custom": "?act=custom&f=" + urllib.parse.quote("x*sigmoid(beta*x)+gamma*log(1+exp(x))"),
    "forward": "gradient_flow?view=forward",
    "training": "gradient_flow?view=training&act=relu&init=he",
}


@pytest.fixture
def screen(browser, request):
    context = browser.new_context(**SCREENS[request.param])
    page = context.new_page()
    yield page
    context.close()


def open_settled(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(SETTLED, arg=800, timeout=LOAD_MS, polling=200)


def address(app_url: str, path: str, presenter: bool = False) -> str:
    sep = "&" if "?" in path else "?"
    return f"{app_url}/{path}" + (f"{sep}presenter=1" if presenter else "")


def assert_laid_out(page: Page, touch: bool) -> None:
    overlaps = page.evaluate(OVERLAPS, CHART_PARTS)
    assert overlaps == [], overlaps
    wide = page.evaluate(TOO_WIDE)
    assert wide["scroll"] <= 0 and wide["out"] == [], wide
    if touch:
        small = page.evaluate(SMALL_TARGETS, 44)
        assert small == [], small


@pytest.mark.parametrize("screen", ["phone", "tablet"], indirect=True)
@pytest.mark.parametrize("name", list(PAGES))
def test_slider_beside_its_chart(screen: Page, app_url: str, name: str):
    path, slider = PAGES[name]
    open_settled(screen, address(app_url, path))
    assert_laid_out(screen, touch=screen.viewport_size["width"] < 640)
    if slider:
        view = screen.evaluate(CHART_AND_SLIDER, slider)
        assert view["slider_on_screen"] and view["chart"] >= 0.6, view
        # a phone: the chart first, the slider right under it
        assert view["below"] == (screen.viewport_size["width"] < 640), view


@pytest.mark.parametrize("screen", list(SCREENS), indirect=True)
@pytest.mark.parametrize("presenter", [False, True], ids=["normal", "presenter"])
def test_no_chart_text_overlaps(screen: Page, app_url: str, presenter: bool):
    for name in ("explorer", "gradient"):
        open_settled(screen, address(app_url, PAGES[name][0], presenter))
        assert_laid_out(screen, touch=screen.viewport_size["width"] < 640)


@pytest.mark.parametrize("screen", ["phone"], indirect=True)
@pytest.mark.parametrize("name", list(MORE))
def test_every_chart_fits_a_phone(screen: Page, app_url: str, name: str):
    open_settled(screen, address(app_url, MORE[name]))
    assert screen.locator(".live-plot .main-svg").count() >= 1
    assert_laid_out(screen, touch=True)


def scroll_top(page: Page) -> float:
    return page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop")


@pytest.mark.parametrize("screen", ["phone"], indirect=True)
def test_a_finger_drags_the_live_slider(screen: Page, app_url: str):
    open_settled(screen, f"{app_url}/?act=elu&alpha=1")
    view = screen.evaluate(CHART_AND_SLIDER, "alpha")  # scrolls the slider into view
    assert view["slider_on_screen"]
    slider = screen.get_by_role("slider", name="alpha", exact=True)
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    at = lambda f: box["x"] + 8 + f * (box["width"] - 16)
    top = scroll_top(screen)
    painted = read_live(screen)["painted"]
    cdp = screen.context.new_cdp_session(screen)
    touch = lambda kind, x: cdp.send("Input.dispatchTouchEvent", {
        "type": kind, "touchPoints": [] if kind == "touchEnd" else [{"x": x, "y": y}]})
    start = (1.0 - 0.0) / 3.0  # alpha 1 on 0..3: the thumb's place
    touch("touchStart", at(start))
    seen = []
    for f in np.linspace(start + 0.05, 0.8, 10):
        touch("touchMove", at(f))
        shown = float(slider.get_attribute("aria-valuetext"))
        screen.wait_for_function(
            "(v) => Math.abs(+document.querySelector('.live-root').dataset.shownValue - v) < 1e-9",
            arg=shown, timeout=30_000)
        chart = read_live(screen)
        x, values = trace(chart, t("chart.f"))
        np.testing.assert_allclose(values, REFERENCE["elu"].f(x, alpha=shown), rtol=2e-6, atol=2e-6)
        seen.append(shown)
        assert scroll_top(screen) == top  # the page holds still under the finger
    touch("touchEnd", 0)
    assert len(set(seen)) >= 8, seen
    assert read_live(screen)["painted"] - painted >= 8
    screen.wait_for_function("(v) => new URLSearchParams(location.search).get('alpha') === v",
                             arg=f"{seen[-1]:g}", timeout=30_000)

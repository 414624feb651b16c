"""A student's own activation in a real browser: pick "Your own…", type a formula, see the
chart Plotly drew equal numpy's values, drag its parameter, share the link, and open
it in a new page (a new session) that shows the same thing.

Every wait is on the page's state (chart data, URL), never a sleep. The slider is moved
with the keyboard (one press, one rerun), as in test_explorer_browser.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_explorer_browser import (
    DF, F, FIRST_LOAD_MS, RERUN_MS, read_chart, trace, wait_chart_shows)

from tests.browser.test_live_slider import drag_steps, read_live
from tests.browser.test_live_slider import trace as live_trace

pytestmark = pytest.mark.browser

FORMULA = "alpha * tanh(x) + x / 4"


def expected(x, alpha):
    return alpha * np.tanh(x) + x / 4, alpha / np.cosh(x) ** 2 + 0.25


def assert_chart(page: Page, alpha: float) -> None:
    chart = read_chart(page)
    x, y = trace(chart, F)
    f, df = expected(x, alpha)
    np.testing.assert_allclose(y, f, rtol=2e-5, atol=2e-6, err_msg="f trace")
    x, y = trace(chart, DF)
    np.testing.assert_allclose(y, df, rtol=2e-5, atol=2e-6, err_msg="f′ trace")


def alpha_slider(page: Page):
    slider = page.get_by_role("slider", name="alpha", exact=True)  # the live chart's
    expect(slider).to_have_count(1)
    return slider


def test_type_drag_share_and_reopen(browser, app_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(app_url)
    wait_chart_shows(page, F, -2.0, float(np.expm1(-2.0)), timeout=FIRST_LOAD_MS)  # ELU, alpha 1

    picker = page.get_by_role("combobox", name="Activation function")
    picker.click()
    page.get_by_role("option", name=re.compile(r"Your own…$")).click()
    box = page.get_by_test_id("stTextInputField")  # the formula box: the page's one text input
    expect(box).to_have_value("x * tanh(softplus(x))", timeout=RERUN_MS)

    box.fill(FORMULA)
    box.press("Enter")
    wait_chart_shows(page, F, 2.0, float(expected(2.0, 1.0)[0]))
    assert_chart(page, 1.0)

    # drag alpha: every step painted while the thumb moves is the formula at that value
    seen = []
    for alpha in drag_steps(page, "alpha", [0.55, 0.6, 0.65, 0.7]):
        x, y = live_trace(read_live(page), F)
        np.testing.assert_allclose(y, expected(x, alpha)[0], rtol=2e-5, atol=2e-6)
        seen.append(alpha)
    assert len(set(seen)) >= 3, seen
    # the release committed the last value; one arrow press is one step (0.1) more
    page.wait_for_function("(v) => new URLSearchParams(location.search).get('alpha') === v",
                           arg=f"{seen[-1]:g}", timeout=RERUN_MS)
    slider = alpha_slider(page)
    slider.focus()
    slider.press("ArrowRight")
    alpha = round(seen[-1] + 0.1, 10)
    wait_chart_shows(page, F, 2.0, float(expected(2.0, alpha)[0]), tol=1e-5)
    assert_chart(page, alpha)

    page.get_by_role("button", name=re.compile("Link to this view")).click()
    code = page.get_by_test_id("stPopoverBody").get_by_test_id("stCode")
    expect(code).to_contain_text(f"alpha={alpha:g}", timeout=RERUN_MS)
    link = code.inner_text().strip()
    assert "act=custom" in link and "f=alpha" in link, link

    other = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    other.goto(link)
    wait_chart_shows(other, F, 2.0, float(expected(2.0, alpha)[0]), timeout=FIRST_LOAD_MS, tol=1e-5)
    assert_chart(other, alpha)
    expect(other.get_by_test_id("stTextInputField")).to_have_value(FORMULA)
    assert errors == [], f"JavaScript errors on the page: {errors}"
    other.context.close()
    context.close()

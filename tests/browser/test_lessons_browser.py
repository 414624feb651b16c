"""A lesson in a real browser: Next and Back move between steps and pages, the arrow keys
do the same in presenter mode while no input has the focus, and the URL follows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from actlib import lessons
from actlib.text import t
from tests.browser.lesson_js import settled

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 90_000  # the first run imports JAX and compiles
RERUN_MS = 45_000       # the dying-ReLU step trains for 100 steps
LESSON = lessons.get("relu_family")


def heading(page: Page, number: int):
    return page.get_by_role("heading", name=t(LESSON.steps[number - 1].title_key), exact=True)


def on_step(page: Page, number: int, timeout: float = RERUN_MS) -> None:
    """The bar shows step ``number`` and the URL names it, on the step's page, with its view."""
    step = LESSON.steps[number - 1]
    path = "/gradient_flow" if step.page == "flow" else "/"
    expect(heading(page, number)).to_be_visible(timeout=timeout)
    page.wait_for_url(re.compile(rf"^[^?]*{re.escape(path)}\?(?=.*\blesson=relu_family\b)"
                                 rf"(?=.*\bstep={number}\b)(?=.*\bact={step.fields()['act']}\b).*$"),
                      timeout=timeout)
    # settled: the script idle and the bar's buttons in place for 700 ms running (a page's
    # first run may be followed by a rerun that briefly takes the elements away)
    page.wait_for_function(SETTLED, timeout=timeout, polling=100)


SETTLED = settled(700)


def test_next_back_and_arrow_keys_walk_the_lesson(page: Page, app_url: str):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{app_url}/?lesson=relu_family&step=1")
    on_step(page, 1, timeout=FIRST_LOAD_MS)
    bar = page.locator(".st-key-lesson_bar")

    bar.get_by_role("button", name=t("bar.next")).click()
    on_step(page, 2)  # the gradient-flow page, training view, dead units counted
    expect(page.get_by_text(re.compile(r"^By step 99, \d+% of layer 2's units are dead"))).to_be_visible()
    bar.get_by_role("button", name=t("bar.back")).click()
    on_step(page, 1)

    # presenter mode: large type in the bar, and the arrow keys
    page.goto(f"{app_url}/?lesson=relu_family&step=1&presenter=1")
    on_step(page, 1)
    narrative = bar.get_by_text(t(LESSON.steps[0].narrative_key), exact=True)
    size = narrative.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 28, size
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus: arrows are ours
    page.keyboard.press("ArrowRight")
    on_step(page, 2)
    assert "presenter=1" in page.url
    page.keyboard.press("ArrowRight")
    on_step(page, 3)
    page.keyboard.press("ArrowLeft")
    on_step(page, 2)

    # in a text input the arrows move the caret, not the lesson
    page.keyboard.press("ArrowLeft")
    on_step(page, 1)
    page.get_by_text(t("explorer.controls"), exact=True).click()  # presenter mode folds them
    probe = page.get_by_test_id("stNumberInputField")
    probe.click()
    expect(probe).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1500)  # a short hold: nothing may happen
    assert re.search(r"\bstep=1\b", page.url)
    expect(heading(page, 1)).to_be_visible()
    assert errors == []

"""The gradient-flow page in a real browser: the backward-pass animation plays in
Plotly (frames), with no rerun of the Streamlit script, and a preset changes the verdict.

No rerun is observed two ways, from the page's own state: Streamlit's
``data-test-script-state`` attribute on stApp never turns "running", and the
client sends nothing over Streamlit's websocket (every rerun request is a message
from the browser) while the animation plays. Waits are on page state, not sleeps,
except the short hold that shows Pause keeps the frame still.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from actlib.text import CATALOGUE, t
from tests.browser.plotly_js import DECODE_ARRAYS

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 90_000  # the first run imports JAX and compiles
RERUN_MS = 30_000
DEPTH = 50  # the page's default: one frame per layer

# Installed before the page's scripts: counts what the client sends over Streamlit's
# websocket and every flip of stApp's script state, from the moment ``arm`` is called,
# and samples what the chart shows every 40 ms.
#
# The chart is absent for a moment while a rerun replaces it: ``snapshot`` is then null.
# (It used to read ``gd.data`` of a null chart in the sampling timer, which threw
# "Cannot read properties of null (reading 'data')" after a preset click: the flaky
# page error of test_preset_changes_the_verdict was this instrumentation's, not the app's.)
INIT_SCRIPT = r"""
(() => {
  const W = window.__flow = {armed: false, sent: 0, runs: 0, samples: [], interrupted: 0};
  // Pause (or a new Play) interrupts a running Plotly.animate, whose promise Plotly then
  // rejects with no reason ("API call to Plotly.animate rejected"), and its updatemenu
  // button leaves it unhandled. Counted here, so that any other page error still shows.
  window.addEventListener('unhandledrejection', (e) => {
    if (e.reason === undefined) { W.interrupted += 1; e.preventDefault(); }
  });
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    send(data) { if (W.armed) W.sent += 1; return super.send(data); }
  };
""" + DECODE_ARRAYS + r"""
  W.chart = () => document.querySelector('.live-plot.js-plotly-plot, [data-testid="stPlotlyChart"] .js-plotly-plot');
  W.state = () => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state');
  W.ready = () => {
    const gd = W.chart();
    return !!(gd && gd._fullLayout && gd.querySelector('.scatterlayer .trace')
              && gd.querySelector('.updatemenu-button') && W.state() === 'notRunning');
  };
  // what the chart shows now: the line's x and y, the markers' x, the slider's step
  W.snapshot = () => {
    const gd = W.chart();
    if (!gd || !gd.data || !gd._fullLayout || !gd._fullLayout.sliders) return null;
    return {x: decode(gd.data[0].x), y: decode(gd.data[0].y), mx: decode(gd.data[1].x),
            active: gd._fullLayout.sliders[0].active};
  };
  // the animation's frames as Plotly holds them, in order: the line's x and y of each
  W.frames = () => W.chart()._transitionData._frames.map(
    f => ({name: f.name, x: decode(f.data[0].x), y: decode(f.data[0].y)}));
  W.button = (label) => [...W.chart().querySelectorAll('.updatemenu-button')]
    .find(b => b.textContent.includes(label));
  W.press = (label) => W.button(label).dispatchEvent(new MouseEvent('click', {bubbles: true}));
  // Play, then Pause as soon as the first frame shows, in the page (no round trip between)
  W.playThenPause = (play, pause, depth) => new Promise((resolve) => {
    W.press(play);
    const check = () => {
      const now = W.snapshot();
      if (now && now.x.length < depth) { W.press(pause); resolve(W.snapshot()); }
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  W.arm = () => {
    W.sent = 0; W.runs = 0; W.samples = []; W.armed = true;
    const app = document.querySelector('[data-testid="stApp"]');
    if (W.observer) W.observer.disconnect();
    W.observer = new MutationObserver(() => { if (W.state() === 'running') W.runs += 1; });
    W.observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    clearInterval(W.timer);
    W.timer = setInterval(() => { const now = W.snapshot(); if (now) W.samples.push(now); }, 40);
  };
  W.disarm = () => { W.armed = false; clearInterval(W.timer); };
})();
"""


def open_flow(page: Page, url: str) -> list[str]:
    errors: list[str] = []
    # the stack says whose code threw: the app's bundle or this file's INIT_SCRIPT
    page.on("pageerror", lambda error: errors.append(f"{error}\n{error.stack}"))
    page.add_init_script(INIT_SCRIPT)
    page.goto(url.rstrip("/") + "/gradient_flow")
    page.wait_for_function("() => window.__flow.ready()", timeout=FIRST_LOAD_MS)
    expect(page.get_by_role("heading", name=t("flow.title"))).to_be_visible()
    return errors


def frame_index(frames: list[dict], shown: dict) -> int:
    """Which of the animation's frames the chart shows; fails if it is none of them."""
    found = [i for i, f in enumerate(frames) if f["x"] == shown["x"] and f["y"] == shown["y"]]
    assert found, f"the chart shows no frame of the animation: {shown}"
    return found[-1]


def assert_frames_played_in_order(frames: list[dict], samples: list[dict]) -> None:
    """Every sample is one of the frames, the frames come in their order (never back),
    and the line, the markers and the slider agree in each."""
    played = [frame_index(frames, s) for s in samples]
    assert played == sorted(played), f"frames out of order: {played}"
    for sample, i in zip(samples, played):
        assert sample["mx"] == sample["x"], sample       # markers on every revealed layer
        assert sample["active"] == i, (sample["active"], i)  # the slider names the frame


def verdict_pattern(kind: str) -> re.Pattern:
    template = re.escape(CATALOGUE[f"verdict.{kind}"]["en"])
    template = template.replace(re.escape("{exponent}"), r"(?P<exponent>[-+]?\d+\.\d)")
    return re.compile(template.replace(re.escape("{depth}"), r"(?P<depth>\d+)"))


def verdict(page: Page) -> tuple[str, float, int]:
    texts = page.get_by_test_id("stAlert").all_inner_texts()
    found = [(kind, float(m["exponent"]), int(m["depth"])) for text in texts
             for kind in ("vanishing", "exploding", "stable")
             if (m := verdict_pattern(kind).search(text.strip()))]
    assert len(found) == 1, f"expected one verdict among the alerts {texts}"
    return found[0]


def play_button(page: Page):
    return page.locator('.live-plot .updatemenu-button').filter(
        has_text=t("flow.play"))


def test_play_animates_in_the_browser_without_a_rerun(page: Page, app_url: str):
    errors = open_flow(page, app_url)
    whole = page.evaluate("() => window.__flow.snapshot()")
    assert whole["x"] == list(range(1, DEPTH + 1)) and whole["active"] == DEPTH - 1  # whole pass
    assert all(np.isfinite(whole["y"])), whole

    # The frames: from the output layer back to the input, one layer more each, each the
    # whole pass's values for the layers it reveals; the last is the whole pass.
    frames = page.evaluate("() => window.__flow.frames()")
    assert len(frames) == DEPTH
    for k, frame in enumerate(frames, start=1):
        assert frame["name"] == str(DEPTH - k + 1)
        assert frame["x"] == whole["x"][DEPTH - k:] and frame["y"] == whole["y"][DEPTH - k:], k

    # Play: the chart steps through those frames in order, by itself, to the whole pass
    page.evaluate("() => window.__flow.arm()")
    play_button(page).click()
    page.wait_for_function(
        f"() => window.__flow.samples.some(s => s.x.length < {DEPTH})"
        f" && window.__flow.snapshot().x.length === {DEPTH}", timeout=RERUN_MS)
    # the sampler ticks every 40 ms: add the whole pass the wait above saw, so it is last
    samples = page.evaluate("() => [...window.__flow.samples, window.__flow.snapshot()]")
    start = next(i for i, s in enumerate(samples) if len(s["x"]) < DEPTH)  # before: whole pass
    assert_frames_played_in_order(frames, samples[start:])
    assert frame_index(frames, samples[-1]) == DEPTH - 1

    # Pause holds the frame (pressed in the page as soon as Play shows its first frame)
    held = page.evaluate(f"() => window.__flow.playThenPause({t('flow.play')!r}, "
                         f"{t('flow.pause')!r}, {DEPTH})")
    assert len(held["x"]) < DEPTH, "paused before the end"
    page.wait_for_timeout(600)
    assert page.evaluate("() => window.__flow.snapshot()") == held

    # Play again: replays from the output layer to the whole pass, in order
    page.evaluate("() => window.__flow.arm()")
    play_button(page).click()
    page.wait_for_function(
        f"() => window.__flow.samples.some(s => s.x.length < {DEPTH})"
        f" && window.__flow.snapshot().x.length === {DEPTH}", timeout=RERUN_MS)
    # the sampler ticks every 40 ms: add the whole pass the wait above saw, so it is last
    samples = page.evaluate("() => [...window.__flow.samples, window.__flow.snapshot()]")
    start = next(i for i, s in enumerate(samples) if len(s["x"]) < DEPTH)
    assert_frames_played_in_order(frames, samples[start:])
    assert page.evaluate("() => window.__flow.snapshot()") == whole

    page.wait_for_timeout(300)  # anything the animation might have triggered
    sent, runs, state = page.evaluate(
        "() => [window.__flow.sent, window.__flow.runs, window.__flow.state()]")
    page.evaluate("() => window.__flow.disarm()")
    assert (sent, runs, state) == (0, 0, "notRunning"), \
        f"the animation talked to the server: {sent} messages sent, {runs} script runs"
    assert errors == [], f"JavaScript errors on the page: {errors}"
    assert page.evaluate("() => window.__flow.interrupted") <= 1  # the one Pause


def test_preset_changes_the_verdict(page: Page, app_url: str):
    errors = open_flow(page, app_url)
    kind, exponent, depth = verdict(page)  # the page opens on the vanishing demonstration
    assert (kind, depth) == ("vanishing", DEPTH) and exponent < -25, (kind, exponent)
    # the verdict and the drawn chart agree: the exponent is the line's drop, first layer vs last
    y = page.evaluate("() => window.__flow.snapshot().y")
    first, last = y[0], y[-1]
    assert exponent == pytest.approx(first - last, abs=0.06)

    page.evaluate("() => window.__flow.arm()")
    page.get_by_role("button", name=t("preset.relu_he")).click()
    expect(page.get_by_test_id("stAlert").filter(has_text=re.compile(r": stable\.$"))) \
        .to_be_visible(timeout=RERUN_MS)
    page.wait_for_function("() => window.__flow.ready()", timeout=RERUN_MS)
    kind, exponent, depth = verdict(page)
    assert (kind, depth) == ("stable", DEPTH) and abs(exponent) < 1, (kind, exponent)
    y = page.evaluate("() => window.__flow.snapshot().y")
    first, last = y[0], y[-1]
    assert exponent == pytest.approx(first - last, abs=0.06)
    # a preset is a rerun, and both counters the animation test relies on see it
    sent, runs = page.evaluate("() => [window.__flow.sent, window.__flow.runs]")
    assert sent >= 1 and runs >= 1, (sent, runs)
    expect(page.get_by_role("combobox", name=t("flow.activation"))).to_have_value(
        re.compile(r"ReLU$"))
    assert errors == [], f"JavaScript errors on the page: {errors}"

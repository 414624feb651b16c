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

import pytest
from playwright.sync_api import Page, expect

from actlib.text import CATALOGUE, t

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 90_000  # the first run imports JAX and compiles
RERUN_MS = 30_000
DEPTH = 50  # the page's default: one frame per layer

# Installed before the page's scripts: counts what the client sends over Streamlit's
# websocket and every flip of stApp's script state, from the moment ``arm`` is called.
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
  W.chart = () => document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  W.state = () => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state');
  W.ready = () => {
    const gd = W.chart();
    return !!(gd && gd._fullLayout && gd.querySelector('.scatterlayer .trace')
              && gd.querySelector('.updatemenu-button') && W.state() === 'notRunning');
  };
  // what the chart shows now: layers revealed by the line and the markers, the slider's step
  W.snapshot = () => {
    const gd = W.chart();
    return [gd.data[0].x.length, gd.data[1].x.length, gd._fullLayout.sliders[0].active];
  };
  W.arm = () => {
    W.sent = 0; W.runs = 0; W.samples = []; W.armed = true;
    const app = document.querySelector('[data-testid="stApp"]');
    if (W.observer) W.observer.disconnect();
    W.observer = new MutationObserver(() => { if (W.state() === 'running') W.runs += 1; });
    W.observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    clearInterval(W.timer);
    W.timer = setInterval(() => W.samples.push([performance.now(), ...W.snapshot()]), 40);
  };
  W.disarm = () => { W.armed = false; clearInterval(W.timer); };
  W.distinct = () => new Set(W.samples.map(s => s[1])).size;
})();
"""


def open_flow(page: Page, url: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(INIT_SCRIPT)
    page.goto(url.rstrip("/") + "/gradient_flow")
    page.wait_for_function("() => window.__flow.ready()", timeout=FIRST_LOAD_MS)
    expect(page.get_by_role("heading", name=t("flow.title"))).to_be_visible()
    return errors


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
    return page.locator('[data-testid="stPlotlyChart"] .updatemenu-button').filter(
        has_text=t("flow.play"))


def test_play_animates_in_the_browser_without_a_rerun(page: Page, app_url: str):
    errors = open_flow(page, app_url)
    assert page.evaluate("() => window.__flow.snapshot()") == [DEPTH, DEPTH, DEPTH - 1]  # whole pass

    page.evaluate("() => window.__flow.arm()")
    play_button(page).click()
    # Plotly steps through the frames by itself: many distinct states within a few seconds
    page.wait_for_function("() => window.__flow.distinct() >= 6", timeout=4_000)
    samples = page.evaluate("() => window.__flow.samples")
    start = next(i for i, s in enumerate(samples) if s[1] < DEPTH)  # before the click: whole pass
    samples = samples[start:]
    revealed = [s[1] for s in samples]
    assert revealed == sorted(revealed), f"the pass runs from the output back: {revealed}"
    assert min(revealed) < 10, revealed  # it restarted from the output layer
    for _, line, markers, active in samples:  # line, markers and slider move together
        assert markers == line and active == line - 1, samples

    # Pause holds the frame
    page.locator('[data-testid="stPlotlyChart"] .updatemenu-button').filter(
        has_text=t("flow.pause")).click()
    held = page.evaluate("() => window.__flow.snapshot()")
    page.wait_for_timeout(600)
    assert page.evaluate("() => window.__flow.snapshot()") == held
    assert held[0] < DEPTH, "paused before the end"

    # Play again: replays from the output layer to the whole pass
    page.evaluate("() => window.__flow.arm()")
    play_button(page).click()
    page.wait_for_function(f"() => window.__flow.snapshot()[0] === {DEPTH}", timeout=15_000)
    states = page.evaluate("() => window.__flow.distinct()")
    assert states >= 20, f"only {states} distinct frames seen"
    assert page.evaluate("() => window.__flow.snapshot()") == [DEPTH, DEPTH, DEPTH - 1]

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
    first, last = page.evaluate("""() => { const y = window.__flow.chart().data[0].y;
                                           return [y[0], y[y.length - 1]]; }""")
    assert exponent == pytest.approx(first - last, abs=0.06)

    page.evaluate("() => window.__flow.arm()")
    page.get_by_role("button", name=t("preset.relu_he")).click()
    expect(page.get_by_test_id("stAlert").filter(has_text=re.compile(r": stable\.$"))) \
        .to_be_visible(timeout=RERUN_MS)
    page.wait_for_function("() => window.__flow.ready()", timeout=RERUN_MS)
    kind, exponent, depth = verdict(page)
    assert (kind, depth) == ("stable", DEPTH) and abs(exponent) < 1, (kind, exponent)
    first, last = page.evaluate("""() => { const y = window.__flow.chart().data[0].y;
                                           return [y[0], y[y.length - 1]]; }""")
    assert exponent == pytest.approx(first - last, abs=0.06)
    # a preset is a rerun, and both counters the animation test relies on see it
    sent, runs = page.evaluate("() => [window.__flow.sent, window.__flow.runs]")
    assert sent >= 1 and runs >= 1, (sent, runs)
    expect(page.get_by_role("combobox", name=t("flow.activation"))).to_have_value(
        re.compile(r"ReLU$"))
    assert errors == [], f"JavaScript errors on the page: {errors}"

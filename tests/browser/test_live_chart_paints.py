"""One Plotly call at a time on a live chart, the latest request drawn.

Plotly.react given a new config replots and then reacts again; two such calls in flight
on one chart undid each other's config forever and froze the tab (seen as a hang of
tests/browser/test_live_slider.py::test_quick_arrow_presses_are_all_kept, about one
run in twenty, traced to that replot loop). Here the chart's script (as the app serves
it) draws with a stand-in Plotly whose calls finish only when the test says, so the
order is fixed: three renders arrive while the first paint is still running.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from ui.live_chart import SCRIPT_ADDRESS

pytestmark = pytest.mark.browser

RENDERS = r"""async ({script, payloads}) => {
  document.body.innerHTML = '<div id="parent"><div class="live-root"><div class="live-sliders"></div>' +
    '<div class="live-plot"></div><div class="live-caption"></div><div class="live-note" hidden></div></div></div>';
  const calls = [], finish = [];
  let running = 0, most = 0;
  window.Plotly = {
    react(gd, figure) {
      running += 1; most = Math.max(most, running);
      calls.push(figure.config.toImageButtonOptions.filename);
      gd.on = gd.on || (() => {});
      return new Promise((resolve) => finish.push(() => { running -= 1; resolve(gd); }));
    },
  };
  const module = await import(script);
  const parentElement = document.getElementById('parent');
  const render = (text) => module.default(
    {parentElement, data: new TextEncoder().encode(text), setStateValue: () => {}}, async () => window.Plotly);
  const settle = () => new Promise((r) => setTimeout(r, 20));
  render(payloads[0]); await settle();   // first paint running
  render(payloads[1]); render(payloads[2]); await settle();   // both wait; the second replaces the first
  const whileFirstRan = calls.slice();
  while (finish.length) { finish.shift()(); await settle(); }
  const root = parentElement.querySelector('.live-root');
  return {whileFirstRan, calls, most, painted: +root.dataset.painted};
}"""


def payload(name: str) -> str:
    figure = {"data": [{"type": "scatter", "x": [0, 1], "y": [0, 1], "name": name}], "layout": {}}
    return json.dumps({"figure": figure, "sliders": [], "text": "", "note": "", "presenter": False,
                       "config": {"toImageButtonOptions": {"filename": name}},
                       "sliders_position": "above"})


def test_renders_during_a_paint_wait_and_only_the_latest_is_drawn(page: Page, app_url: str):
    page.goto(f"{app_url}/_stcore/health")   # any page of the app's origin
    got = page.evaluate(RENDERS, {"script": f"{app_url}/{SCRIPT_ADDRESS}",
                                  "payloads": [payload("elu_alpha_1"), payload("elu_alpha_1.05"),
                                               payload("elu_alpha_1.1")]})
    assert got["whileFirstRan"] == ["elu_alpha_1"]
    assert got["calls"] == ["elu_alpha_1", "elu_alpha_1.1"]
    assert got["most"] == 1
    assert got["painted"] == 2

"""Live drag: how the chart follows a dragged slider, against the bare page.

A real pointer drag in headless Chromium (1400x900): press the thumb, move it across
the track in 40 moves over 2 s, release. Measured in the page's own clock:

  drag -> paint  for every step the chart painted during the drag, from the ``input``
                 event of the pointer move that crossed into that step (its timeStamp)
                 to the next animation frame after Plotly drew that step's curve;
  curves         distinct curves painted while the button was down;
  committed      release -> the address bar holding the released value (the rerun
                 that commits it: formulas, properties, link).

The bare page (bench/bare_app.py: one st.slider and a two-trace chart) is dragged the
same way; st.slider sends nothing until release, so it paints nothing during the drag.
Goals (issue 7): drag -> paint p50 <= 33 ms and p95 <= 50 ms; >= 15 curves in a 2 s
drag across >= 20 steps.

    .venv/bin/python bench/bench_live_drag.py [--drags 5]

Writes bench/results/live_drag.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.browser.server import launch_chromium, start_streamlit  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results" / "live_drag.json"
VIEWPORT = {"width": 1400, "height": 900}

# Before the page's scripts: input events of range inputs (time, value), and each time a
# live chart shows a new step (the animation frame after it sets data-shown-value).
INIT_SCRIPT = r"""
(() => {
  const D = window.__drag = {inputs: [], paints: [], plots: 0, armed: false};
  document.addEventListener("input", (e) => {
    if (D.armed && e.target.type === "range")
      D.inputs.push([e.timeStamp, e.target.getAttribute("aria-valuetext") || e.target.value]);
  }, true);
  const watch = () => {
    const root = document.querySelector(".live-root");
    if (!root || root.__watched) return;
    root.__watched = true;
    new MutationObserver(() => {
      const v = root.dataset.shownValue;
      if (!D.armed || !v) return;
      requestAnimationFrame((t) => D.paints.push([t, v]));
    }).observe(root, {attributes: true, attributeFilter: ["data-shown-value"]});
  };
  setInterval(watch, 100);
  D.arm = () => { D.inputs = []; D.paints = []; D.armed = true; };
})();
"""


def drag(page, name: str, start: float, end: float, moves: int = 40, seconds: float = 2.0) -> dict:
    slider = page.get_by_role("slider", name=name, exact=True).or_(
        page.get_by_test_id("stSlider").get_by_role("slider")).first
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    at = lambda f: box["x"] + 8 + f * (box["width"] - 16)
    page.mouse.move(at(start), y)
    page.mouse.down()
    page.evaluate("() => window.__drag.arm()")
    for i in range(1, moves + 1):
        page.mouse.move(at(start + (end - start) * i / moves), y)
        time.sleep(seconds / moves)
    record = page.evaluate("() => ({inputs: window.__drag.inputs, paints: window.__drag.paints})")
    released = time.perf_counter()
    page.mouse.up()
    value = slider.get_attribute("aria-valuetext") or slider.get_attribute("aria-valuenow")
    committed = None
    if value is not None:
        try:
            page.wait_for_function(
                f"(v) => Math.abs(+new URLSearchParams(location.search).get('{name}') - v) < 1e-9",
                arg=float(value), timeout=60_000)
            committed = 1000 * (time.perf_counter() - released)
        except Exception:  # the bare page keeps no address
            committed = None
    first_input = {}
    for t, v in record["inputs"]:
        first_input.setdefault(str(float(v)) if _number(v) else v, t)
    latencies = [t - first_input[key] for t, v in record["paints"]
                 if (key := str(float(v))) in first_input and t >= first_input[key]]
    return {"steps_crossed": len({v for _, v in record["inputs"]}),
            "curves": len({v for _, v in record["paints"]}), "paint_ms": latencies,
            "committed_ms": committed}


def _number(v) -> bool:
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False


def run_app(browser, script: str, path: str, name: str, span: tuple[float, float], drags: int) -> list[dict]:
    with start_streamlit(script) as server:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        page.goto(server.url + path)
        page.wait_for_function("() => document.querySelector('.js-plotly-plot .main-svg')", timeout=120_000)
        time.sleep(2)
        out = []
        for i in range(drags + 1):  # the first drag warms up
            lo, hi = span if i % 2 == 0 else span[::-1]
            result = drag(page, name, lo, hi)
            if i:
                out.append(result)
            page.wait_for_function("() => document.querySelector('[data-testid=\"stApp\"]')"
                                   "?.getAttribute('data-test-script-state') === 'notRunning'", timeout=60_000)
            time.sleep(1)
        context.close()
    return out


def summary(runs: list[dict]) -> dict:
    paints = np.array([ms for r in runs for ms in r["paint_ms"]], dtype=float)
    committed = [r["committed_ms"] for r in runs if r["committed_ms"] is not None]
    return {"drags": len(runs), "steps_crossed_min": min(r["steps_crossed"] for r in runs),
            "curves_min": min(r["curves"] for r in runs),
            "curves_median": float(np.median([r["curves"] for r in runs])),
            "paint_ms_p50": float(np.percentile(paints, 50)) if paints.size else None,
            "paint_ms_p95": float(np.percentile(paints, 95)) if paints.size else None,
            "committed_ms_median": float(np.median(committed)) if committed else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drags", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    cases = {  # (script, path, slider, track span): each drag crosses 20+ steps
        "bare (st.slider)": ("bench/bare_app.py", "/", "alpha", (0.3, 0.7)),
        "explorer alpha (ELU)": ("app.py", "/?act=elu", "alpha", (0.2, 0.7)),
        "explorer w1 (maxout)": ("app.py", "/?act=maxout", "w1", (0.3, 0.7)),
        "gradient page depth": ("app.py", "/gradient_flow", "depth", (0.05, 0.45)),
        "gradient page gain": ("app.py", "/gradient_flow", "gain", (0.05, 0.45)),
    }
    result = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for label, (script, path, name, span) in cases.items():
            result[label] = summary(run_app(browser, script, path, name, span, args.drags))
        browser.close()
    print(f"live drag, {args.drags} drags of 2 s per case (40 pointer moves each), headless Chromium")
    print(f"{'case':24} {'steps':>6} {'curves':>7} {'paint p50':>10} {'p95':>7} {'release->commit':>16}")
    for label, s in result.items():
        fmt = lambda v: "-" if v is None else f"{v:.0f}"
        print(f"{label:24} {s['steps_crossed_min']:>6} {s['curves_min']:>7} {fmt(s['paint_ms_p50']):>10}"
              f" {fmt(s['paint_ms_p95']):>7} {fmt(s['committed_ms_median']):>16}")
    print("goal: paint p50 <= 33 ms, p95 <= 50 ms; >= 15 curves per 2 s drag (steps: fewest crossed, "
          "curves: fewest painted, over the drags)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

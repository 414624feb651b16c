"""Slider-to-redraw latency: the explorer (app.py, ELU, "alpha" slider) against a
bare page holding only a slider and a two-trace chart (bench/bare_app.py).

Both apps run in one go, each its own ``streamlit run`` from the repo root (so both
read .streamlit/config.toml), each open in headless Chromium at 1400x900. After a
warm-up, one key press on the slider per repetition, the two apps alternating.

What is timed, in the page's own clock (performance.now):
  key      the keydown event reaching the page (capture listener on document);
  redraw   the first ``plotly_afterplot`` of a chart whose data differ from before
           the press (Streamlit remounts the chart on a new spec, so the listener
           is attached to every chart div as Plotly initialises it);
  settled  the last such ``plotly_afterplot`` of that rerun (Plotly draws, then
           resizes to the column);
  script   the rerun as the page sees it: stApp's data-test-script-state going
           "running" and back to "notRunning";
  messages Streamlit's websocket messages per rerun, and the largest one's size
           (the chart's spec).
The headline is key -> redraw. Goal: median(real) / median(bare) <= 1.25.

    .venv/bin/python bench/bench_slider_redraw.py [--reps 30] [--warmup 5]

Writes bench/results/slider_redraw.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.browser.server import launch_chromium, start_streamlit  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results" / "slider_redraw.json"
GOAL_RATIO = 1.25
VIEWPORT = {"width": 1400, "height": 900}

# Installed before any page script runs. Plotly.js initialises a chart div with
# ``gd.on = emitter.on.bind(emitter)``; an accessor on the prototype sees that
# assignment, keeps the function as an own property and subscribes to
# plotly_afterplot there and then, so a freshly mounted chart's first draw is caught.
INIT_SCRIPT = r"""
(() => {
  const B = window.__bench = {armed: false, before: null, key: null, plots: [], script: []};
  B.fingerprint = (gd) => {
    const full = gd && gd._fullData;
    if (!full) return null;
    return full.filter(t => t.y && t.y.length > 100)
               .map(t => [t.y[0], t.y[t.y.length >> 1], t.y[t.y.length - 1]].join(","))
               .join("|") || null;
  };
  B.current = () => B.fingerprint(document.querySelector(".js-plotly-plot"));
  B.arm = () => {
    B.before = B.current(); B.key = null; B.plots = []; B.script = []; B.armed = true;
    B.messages = 0; B.largest = 0;
    const app = document.querySelector('[data-testid="stApp"]');
    if (B.observer) B.observer.disconnect();
    B.observer = new MutationObserver((records) => {
      if (!B.armed) return;
      const t = performance.now();  // several flips can land in one callback
      records.forEach((r, i) => B.script.push(
        [t, i + 1 < records.length ? records[i + 1].oldValue
                                   : app.getAttribute("data-test-script-state")]));
    });
    B.observer.observe(app, {attributes: true, attributeOldValue: true,
                             attributeFilter: ["data-test-script-state"]});
    return B.before;
  };
  B.redrawn = () => B.plots.length > 0;
  B.idle = () => document.querySelector('[data-testid="stApp"]')
                   ?.getAttribute("data-test-script-state") === "notRunning";
  B.result = () => {
    B.armed = false;
    const running = B.script.find(([, s]) => s === "running");
    const done = B.script.filter(([, s]) => s === "notRunning").pop();
    return {key: B.key, redraw: B.plots.length ? B.plots[0] : null,
            settled: B.plots.length ? B.plots[B.plots.length - 1] : null,
            n_plots: B.plots.length, script_start: running ? running[0] : null,
            script_end: done ? done[0] : null, before: B.before, after: B.current(),
            messages: B.messages, largest: B.largest};
  };
  // Streamlit's messages while armed: how many, and the largest (the chart's spec).
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        if (!B.armed || B.key === null) return;
        B.messages += 1;
        B.largest = Math.max(B.largest, e.data.byteLength ?? e.data.size ?? e.data.length ?? 0);
      });
    }
  };
  document.addEventListener("keydown", (e) => {
    if (B.armed && B.key === null) B.key = performance.now();
  }, true);
  const onAfterplot = (gd) => () => {
    const t = performance.now();
    if (!B.armed || B.key === null || !gd.isConnected) return;
    const fp = B.fingerprint(gd);
    if (fp !== null && fp !== B.before) B.plots.push(t);
  };
  Object.defineProperty(HTMLElement.prototype, "on", {
    configurable: true,
    get() { return undefined; },
    set(fn) {
      Object.defineProperty(this, "on", {value: fn, writable: true, configurable: true,
                                         enumerable: true});
      // Plotly assigns gd.on before it adds the js-plotly-plot class: any element.
      if (typeof fn === "function") {
        try { fn("plotly_afterplot", onAfterplot(this)); } catch (e) { /* not Plotly's */ }
      }
    },
  });
})();
"""


class App:
    def __init__(self, label: str, script: str, browser, port: int | None = None):
        self.label = label
        self.server = start_streamlit(script, port)
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(INIT_SCRIPT)
        self.page = self.context.new_page()
        self.samples: list[dict] = []
        self.presses = 0

    def open(self) -> float:
        start = time.perf_counter()
        self.page.goto(self.server.url)
        self.page.wait_for_function("() => window.__bench.current() !== null", timeout=120_000)
        self.wait_idle()
        self.slider = self.page.get_by_role("slider", name="alpha")
        self.slider.focus()
        return time.perf_counter() - start

    def wait_idle(self) -> None:
        self.page.wait_for_function("() => window.__bench.idle()", timeout=30_000)

    def press_and_measure(self) -> dict:
        # 10 steps right, 10 left, ...: alpha stays in 1.0..1.5 and every press moves it.
        key = "ArrowRight" if (self.presses // 10) % 2 == 0 else "ArrowLeft"
        self.presses += 1
        self.slider.focus()
        self.page.evaluate("() => window.__bench.arm()")
        self.slider.press(key)
        self.page.wait_for_function("() => window.__bench.redrawn()", timeout=30_000)
        self.wait_idle()
        time.sleep(0.3)  # trailing resize draws land in the same record
        self.wait_idle()
        r = self.page.evaluate("() => window.__bench.result()")
        sample = {"key": key, "redraw_ms": r["redraw"] - r["key"],
                  "settled_ms": r["settled"] - r["key"], "n_plots": r["n_plots"],
                  "messages": r["messages"], "largest_message_bytes": r["largest"]}
        if r["script_start"] is not None:
            sample["key_to_script_start_ms"] = r["script_start"] - r["key"]
        if r["script_start"] is not None and r["script_end"] is not None:
            sample["script_ms"] = r["script_end"] - r["script_start"]
        return sample

    def close(self) -> None:
        self.context.close()
        self.server.stop()


def summarize(values: list[float]) -> dict:
    a = np.asarray(values, dtype=float)
    if not a.size:
        return {}
    return {"median": float(np.median(a)), "p90": float(np.percentile(a, 90)),
            "min": float(a.min()), "max": float(a.max()), "n": int(a.size)}


def run(reps: int, warmup: int) -> dict:
    from playwright.sync_api import sync_playwright

    apps: list[App] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for label, script in (("bare", "bench/bare_app.py"), ("real", "app.py")):
                apps.append(App(label, script, browser))
            first_load = {app.label: app.open() for app in apps}
            for i in range(warmup + reps):
                order = apps if i % 2 == 0 else apps[::-1]  # alternate who goes first
                for app in order:
                    sample = app.press_and_measure()
                    if i >= warmup:
                        app.samples.append(sample)
        finally:
            for app in apps:
                app.close()
            browser.close()

    result = {"reps": reps, "warmup": warmup, "goal_ratio": GOAL_RATIO,
              "first_load_s": first_load, "host": platform.node(),
              "python": platform.python_version(), "apps": {}}
    for app in apps:
        metrics = {}
        for name in ("redraw_ms", "settled_ms", "key_to_script_start_ms", "script_ms",
                     "messages", "largest_message_bytes"):
            metrics[name] = summarize([s[name] for s in app.samples if name in s])
        result["apps"][app.label] = {"summary": metrics, "samples": app.samples}
    bare, real = (result["apps"][k]["summary"]["redraw_ms"] for k in ("bare", "real"))
    result["ratio_median"] = real["median"] / bare["median"]
    result["ratio_p90"] = real["p90"] / bare["p90"]
    result["ok"] = result["ratio_median"] <= GOAL_RATIO
    return result


def report(result: dict) -> str:
    lines = [f"slider -> chart redraw, {result['reps']} presses per app "
             f"(+{result['warmup']} warm-up), interleaved; times in ms from keydown"]
    header = f"{'':6}{'metric':24}{'median':>9}{'p90':>9}{'min':>9}{'max':>9}"
    lines.append(header)
    for label in ("bare", "real"):
        for name, s in result["apps"][label]["summary"].items():
            if s:
                lines.append(f"{label:6}{name:24}{s['median']:9.1f}{s['p90']:9.1f}"
                             f"{s['min']:9.1f}{s['max']:9.1f}")
    verdict = "OK" if result["ok"] else "OVER GOAL"
    lines.append(f"ratio real/bare: median {result['ratio_median']:.2f}, "
                 f"p90 {result['ratio_p90']:.2f}  (goal median <= {result['goal_ratio']}: {verdict})")
    lines.append(f"first load (s): " + ", ".join(f"{k} {v:.1f}" for k, v in
                                                  result["first_load_s"].items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = run(args.reps, args.warmup)
    print(report(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

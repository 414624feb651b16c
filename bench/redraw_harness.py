"""The harness both redraw benchmarks share: a Streamlit app in headless Chromium,
instrumented to time one slider key press to the chart's redraw, plus the CPU the
press cost the server process and the browser's main thread.

Used by bench_slider_redraw.py (explorer) and bench_flow_redraw.py (gradient flow),
each against the same bare page (bench/bare_app.py), interleaved in one run.
"""

from __future__ import annotations

import os
import platform
import time

import numpy as np

from tests.browser.server import start_streamlit

VIEWPORT = {"width": 1400, "height": 900}

# Installed before any page script runs. Times keydown -> Streamlit script state -> the
# first plotly_afterplot whose data differ from before the press (the fingerprint: every
# trace's length and three y values, so short traces such as one point per layer count).
# Plotly.js initialises a chart div with ``gd.on = emitter.on.bind(emitter)``; an
# accessor on the prototype sees that assignment and subscribes there and then, so a
# freshly mounted chart's first draw is caught.
INIT_SCRIPT = r"""
(() => {
  const B = window.__bench = {armed: false, before: null, key: null, plots: [], script: []};
  B.fingerprint = (gd) => {
    const full = gd && gd._fullData;
    if (!full || !full.length) return null;
    return full.map(t => {
      const y = t.y || [];
      return [y.length, y[0], y[y.length >> 1], y[y.length - 1]].join(",");
    }).join("|");
  };
  B.current = () => B.fingerprint(document.querySelector(".js-plotly-plot"));
  B.arm = () => {
    B.before = B.current(); B.key = null; B.plots = []; B.script = []; B.armed = true;
    B.messages = 0; B.largest = 0;
    const app = document.querySelector('[data-testid="stApp"]');
    if (B.observer) B.observer.disconnect();
    B.observer = new MutationObserver((records) => {
      if (!B.armed) return;
      const t = performance.now();
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
      if (typeof fn === "function") {
        try { fn("plotly_afterplot", onAfterplot(this)); } catch (e) { /* not Plotly's */ }
      }
    },
  });
})();
"""


def process_cpu_ns(pid: int) -> int:
    """CPU time so far of every thread of process ``pid`` (Linux), in ns; -1 elsewhere."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass  # a thread that just ended
    except FileNotFoundError:
        return -1
    return total


class App:
    def __init__(self, label: str, script: str, path: str, slider: str, browser):
        self.label, self.path, self.slider_name = label, path, slider
        self.server = start_streamlit(script)
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(INIT_SCRIPT)
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self.samples: list[dict] = []
        self.presses = 0

    def open(self) -> float:
        start = time.perf_counter()
        self.page.goto(self.server.url + self.path)
        self.page.wait_for_function("() => window.__bench.current() !== null", timeout=120_000)
        self.wait_idle()
        self.slider = self.page.get_by_role("slider", name=self.slider_name)
        self.slider.focus()
        return time.perf_counter() - start

    def wait_idle(self) -> None:
        self.page.wait_for_function("() => window.__bench.idle()", timeout=60_000)

    def next_key(self) -> str:
        return "ArrowRight"

    def cpu(self) -> tuple[int, float]:
        """(server process CPU ns, browser main-thread CPU s) so far."""
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        thread = next(m["value"] for m in metrics if m["name"] == "ThreadTime")
        return process_cpu_ns(self.server.process.pid), thread

    def press_and_measure(self) -> dict:
        key = self.next_key()
        self.presses += 1
        self.slider.focus()
        self.page.evaluate("() => window.__bench.arm()")
        server0, browser0 = self.cpu()
        self.slider.press(key)
        self.page.wait_for_function("() => window.__bench.redrawn()", timeout=60_000)
        self.wait_idle()
        time.sleep(0.3)  # trailing resize draws land in the same record
        self.wait_idle()
        server1, browser1 = self.cpu()
        r = self.page.evaluate("() => window.__bench.result()")
        sample = {"key": key, "value": self.slider.get_attribute("aria-valuetext"),
                  "redraw_ms": r["redraw"] - r["key"], "settled_ms": r["settled"] - r["key"],
                  "n_plots": r["n_plots"], "messages": r["messages"],
                  "largest_message_bytes": r["largest"],
                  "browser_cpu_ms": 1000 * (browser1 - browser0)}
        if server0 >= 0 and server1 >= 0:
            sample["server_cpu_ms"] = (server1 - server0) / 1e6
        if r["script_start"] is not None:
            sample["key_to_script_start_ms"] = r["script_start"] - r["key"]
        if r["script_start"] is not None and r["script_end"] is not None:
            sample["script_ms"] = r["script_end"] - r["script_start"]
            sample["script_end_to_redraw_ms"] = r["redraw"] - r["script_end"]
        return sample

    def close(self) -> None:
        self.context.close()
        self.server.stop()


class BackAndForth(App):
    def next_key(self) -> str:  # 10 right, 10 left: the slider stays in a small range
        return "ArrowRight" if (self.presses // 10) % 2 == 0 else "ArrowLeft"


METRICS = ("redraw_ms", "settled_ms", "key_to_script_start_ms", "script_ms",
           "script_end_to_redraw_ms", "server_cpu_ms", "browser_cpu_ms", "messages",
           "largest_message_bytes")


def summarize(values: list[float]) -> dict:
    a = np.asarray(values, dtype=float)
    if not a.size:
        return {}
    return {"median": float(np.median(a)), "p90": float(np.percentile(a, 90)),
            "min": float(a.min()), "max": float(a.max()), "n": int(a.size)}


def interleave(apps: list[App], reps: int, warmup: int) -> dict[str, float]:
    """Open every app, then ``warmup + reps`` presses each, alternating who goes first;
    keeps the timed samples on each app. Returns the first-load times (s)."""
    first_load = {app.label: app.open() for app in apps}
    for i in range(warmup + reps):
        for app in (apps if i % 2 == 0 else apps[::-1]):
            sample = app.press_and_measure()
            if i >= warmup:
                app.samples.append(sample)
    return first_load


def summarize_apps(apps: list[App], goal_ratio: float, **extra) -> dict:
    """Per-app summaries of every metric, and the real/bare redraw ratios."""
    result = {"goal_ratio": goal_ratio, "host": platform.node(),
              "python": platform.python_version(), **extra, "apps": {}}
    for app in apps:
        metrics = {name: summarize([s[name] for s in app.samples if name in s]) for name in METRICS}
        result["apps"][app.label] = {"summary": metrics, "samples": app.samples}
    bare, real = (result["apps"][k]["summary"]["redraw_ms"] for k in ("bare", "real"))
    result["ratio_median"] = real["median"] / bare["median"]
    result["ratio_p90"] = real["p90"] / bare["p90"]
    result["ok"] = result["ratio_median"] <= goal_ratio
    return result


def report_lines(result: dict, title: str) -> list[str]:
    lines = [title, f"{'':6}{'metric':26}{'median':>9}{'p90':>9}{'min':>9}{'max':>9}"]
    for label in ("bare", "real"):
        for name, s in result["apps"][label]["summary"].items():
            if s:
                lines.append(f"{label:6}{name:26}{s['median']:9.1f}{s['p90']:9.1f}"
                             f"{s['min']:9.1f}{s['max']:9.1f}")
    verdict = "OK" if result["ok"] else "OVER GOAL"
    lines.append(f"ratio real/bare: median {result['ratio_median']:.2f}, "
                 f"p90 {result['ratio_p90']:.2f}  (goal median <= {result['goal_ratio']}: {verdict})")
    lines.append("first load (s): " + ", ".join(f"{k} {v:.1f}" for k, v in
                                                 result["first_load_s"].items()))
    return lines

"""Server start -> first chart in Chromium: the app's two pages against the bare page
(bench/bare_app.py), every server started the same way, ``python -m ui.launch`` (what
``make run`` calls), on a first start (an empty JAX cache folder) and on a restart
(the folder the first start filled).

One measurement: Chromium is already open (the teacher's browser); the clock starts
when the server process is started; as soon as it answers /_stcore/health the page is
opened; the clock stops when the page shows a Plotly chart with its traces drawn and
the script has finished (stApp's data-test-script-state "notRunning"). Before a
restart the first server is left running until its warm-up has finished (as a server
that has been up a while), then stopped. The bare page starts with ``--no-warm-up``:
it has nothing to compile.

Each repetition runs every (page, start) pair, the order rotating between
repetitions. Goal: median(page) / median(bare) <= 1.2 for each page and each start.

    .venv/bin/python bench/bench_first_chart.py [--reps 3] [--before]

``--before``: the app as it started before ui/launch.py's warm start (no warm-up, an
empty JAX cache on every start), for an A/B of the change on the same machine.

Writes bench/results/first_chart.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.server import StreamlitServer, launch_chromium  # noqa: E402

GOAL = 1.2
TIMEOUT_MS = 120_000
PAGES = {"explorer": ("app.py", ""), "flow": ("app.py", "/gradient_flow"), "bare": ("bench/bare_app.py", "")}
CHART_SHOWN = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot, .live-plot.js-plotly-plot');
  const state = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state');
  return !!(gd && gd._fullData && gd._fullData.length && gd.querySelector('.scatterlayer .trace, .heatmaplayer image'))
         && state === 'notRunning';
}"""


class LaunchedServer(StreamlitServer):
    """``python -m ui.launch run SCRIPT ...`` with its own JAX cache folder."""

    def __init__(self, script: str, cache: Path, warm: bool):
        super().__init__(script, timeout=120.0)
        self.cache, self.warm = cache, warm

    def launcher(self) -> list[str]:
        return [sys.executable, "-m", "ui.launch", *([] if self.warm else ["--no-warm-up"])]

    def launch_env(self) -> dict[str, str]:
        return {"ACTLAB_JAX_CACHE": str(self.cache)}

    def wait_warm(self, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while self.warm and "warm-up:" not in self.log() and time.monotonic() < deadline:
            time.sleep(0.5)


def first_chart(browser, page_name: str, cache: Path, before: bool = False) -> tuple[float, LaunchedServer]:
    script, path = PAGES[page_name]
    server = LaunchedServer(script, cache, warm=page_name != "bare" and not before)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    start = time.perf_counter()
    server.start()  # returns once /_stcore/health answers
    page.goto(server.url + path)
    page.wait_for_function(CHART_SHOWN, timeout=TIMEOUT_MS, polling=50)
    seconds = time.perf_counter() - start
    context.close()
    return seconds, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--before", action="store_true", help="no warm-up, no persistent cache")
    args = parser.parse_args()
    times: dict[str, list[float]] = {f"{p} {s}": [] for p in PAGES for s in ("first", "restart")}
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = launch_chromium(playwright)
        names = list(PAGES)
        for rep in range(args.reps):
            order = names[rep % len(names):] + names[:rep % len(names)]
            for page_name in order:
                cache = Path(tmp) / f"{page_name}-{rep}"  # empty: a first start
                seconds, server = first_chart(browser, page_name, cache, args.before)
                times[f"{page_name} first"].append(seconds)
                server.wait_warm()
                server.stop()
                if args.before:  # nothing kept: a restart compiles everything again
                    cache = Path(tmp) / f"{page_name}-{rep}-restart"
                seconds, server = first_chart(browser, page_name, cache, args.before)
                times[f"{page_name} restart"].append(seconds)
                server.stop()
                print(f"rep {rep + 1}: {page_name}: first {times[f'{page_name} first'][-1]:.2f} s, "
                      f"restart {seconds:.2f} s", flush=True)
        browser.close()

    med = {k: statistics.median(v) for k, v in times.items()}
    result = {"goal_ratio": GOAL, "reps": args.reps, "before": args.before, "seconds": times, "median_s": med, "ratio": {}}
    print(f"\nserver start -> first chart, median of {args.reps} (s), ratio vs the bare page:")
    for page_name in ("explorer", "flow"):
        for start in ("first", "restart"):
            ratio = med[f"{page_name} {start}"] / med[f"bare {start}"]
            result["ratio"][f"{page_name} {start}"] = ratio
            print(f"  {page_name:8s} {start:7s} {med[f'{page_name} {start}']:6.2f} s  "
                  f"bare {med[f'bare {start}']:5.2f} s  ratio {ratio:4.2f}x "
                  f"({'meets' if ratio <= GOAL else 'misses'} the {GOAL}x goal)")
    out = ROOT / "bench" / "results" / ("first_chart_before.json" if args.before else "first_chart.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

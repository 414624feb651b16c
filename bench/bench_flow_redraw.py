"""Depth-slider-to-redraw latency of the gradient-flow page (app.py at /gradient_flow,
default settings, "Depth" slider) against the same bare page as the explorer's bench
(bench/bare_app.py: one slider, one two-trace chart).

Both apps run in one go, each its own ``streamlit run`` from the repo root (so both
read .streamlit/config.toml), each open in headless Chromium at 1400x900. One key
press per repetition, the two apps alternating which goes first; every press is one
rerun.

Depth: the page opens at 50 (the 64-layer bucket, compiled on load). The warm-up
presses ArrowRight past 64, so the first crossing into the 128-layer bucket (a
compile) happens there; every timed press then moves one layer deeper inside that
bucket: a fresh configuration each time (no st.cache_data hit), nothing compiled.
The bare page's "alpha" goes 10 steps right, 10 left, as in bench_slider_redraw.py.

What is timed, in the page's own clock (performance.now), as in bench_slider_redraw.py:
  key      the keydown reaching the page;
  redraw   the first ``plotly_afterplot`` of a chart whose data differ from before
           the press (the fingerprint: every trace's length and a few y values);
  settled  the last such ``plotly_afterplot`` of that rerun;
  script   stApp's data-test-script-state "running" -> "notRunning";
  messages Streamlit's websocket messages per rerun and the largest one's size.
The headline is key -> redraw. Goal: median(real) / median(bare) <= 1.5.

Where the time goes, as CPU time per press (robust to a busy machine, where wall
times stretch): ``server_cpu_ms``, every thread of the ``streamlit run`` process
(/proc/<pid>/task/*/schedstat), and ``browser_cpu_ms``, the page's main thread in
Chromium (CDP Performance.getMetrics "ThreadTime": script, style, layout, paint).

    .venv/bin/python bench/bench_flow_redraw.py [--reps 30] [--warmup 15] [--app app.py]

``--app`` runs another entry file in place of app.py (a copy of the app with a
changed page, to measure a change before making it); the server's cwd stays the
repo root, so .streamlit/config.toml still applies.

Writes bench/results/flow_redraw.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from redraw_harness import App, BackAndForth, interleave, report_lines, summarize_apps  # noqa: E402
from tests.browser.server import launch_chromium  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results" / "flow_redraw.json"
GOAL_RATIO = 1.5
WARMUP = 15
START_DEPTH = 50          # the page's default
BUCKET = (65, 128)        # the depth bucket every timed press stays in


def run(reps: int, warmup: int, app_script: str = "app.py") -> dict:
    from playwright.sync_api import sync_playwright

    first_timed, last_timed = START_DEPTH + warmup + 1, START_DEPTH + warmup + reps
    if not (BUCKET[0] <= first_timed and last_timed <= BUCKET[1]):
        raise SystemExit(f"timed depths {first_timed}..{last_timed} leave the bucket "
                         f"{BUCKET[0]}..{BUCKET[1]}: use --warmup >= {BUCKET[0] - START_DEPTH - 1} "
                         f"and warmup + reps <= {BUCKET[1] - START_DEPTH}")
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        apps: list[App] = []
        try:
            apps.append(BackAndForth("bare", "bench/bare_app.py", "/", "alpha", browser))
            apps.append(App("real", app_script, "/gradient_flow", "Depth", browser))  # always deeper
            first_load = interleave(apps, reps, warmup)
        finally:
            for app in apps:
                app.close()
            browser.close()

    real_values = [int(s["value"]) for s in apps[1].samples]
    assert real_values == list(range(first_timed, last_timed + 1)), real_values
    return summarize_apps(apps, GOAL_RATIO, reps=reps, warmup=warmup, app=app_script,
                          timed_depths=[first_timed, last_timed], first_load_s=first_load)


def report(result: dict) -> str:
    lo, hi = result["timed_depths"]
    return "\n".join(report_lines(result, (
        f"depth slider -> chart redraw, {result['reps']} presses per app "
        f"(+{result['warmup']} warm-up), interleaved; depth {lo}..{hi}; times in ms from keydown")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--app", default="app.py", help="entry file of the real app")
    args = parser.parse_args(argv)
    result = run(args.reps, args.warmup, args.app)
    print(report(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from redraw_harness import App, BackAndForth, interleave, report_lines, summarize_apps  # noqa: E402
from tests.browser.server import launch_chromium  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results" / "slider_redraw.json"
GOAL_RATIO = 1.25
WARMUP = 5


def run(reps: int, warmup: int) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        apps: list[App] = []
        try:  # alpha goes 10 steps right, 10 left on both: it stays in 1.0..1.5
            apps.append(BackAndForth("bare", "bench/bare_app.py", "/", "alpha", browser))
            apps.append(BackAndForth("real", "app.py", "/", "alpha", browser))
            first_load = interleave(apps, reps, warmup)
        finally:
            for app in apps:
                app.close()
            browser.close()
    return summarize_apps(apps, GOAL_RATIO, reps=reps, warmup=warmup, first_load_s=first_load)


def report(result: dict) -> str:
    return "\n".join(report_lines(result, (
        f"slider -> chart redraw, {result['reps']} presses per app "
        f"(+{result['warmup']} warm-up), interleaved; times in ms from keydown")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=WARMUP)
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

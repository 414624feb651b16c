"""One screenshot per lesson step, from a running server, with Playwright and the system Chromium.

    .venv/bin/streamlit run app.py --server.port 8501 &
    .venv/bin/python docs/make_screenshots.py --url http://localhost:8501 --out docs/lessons

Writes ``<out>/<lesson>_<step>.png`` (add ``--lang ja`` or ``--presenter``); ``--only KEY``
limits it to one lesson. ``--phone`` instead shoots both pages as a 390 x 844 touch
screen sees them, scrolled to the live slider under its chart (``<out>/phone_*.png``). Each step is opened from its own lesson link, and the shot is
taken once the script has settled with the step's title on screen.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actlib import lessons  # noqa: E402
from actlib.text import t  # noqa: E402
from tests.browser.lesson_js import settled  # noqa: E402

SETTLED = settled(1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8501")
    parser.add_argument("--out", default=str(ROOT / "docs" / "lessons"))
    parser.add_argument("--lang", default="en", choices=("en", "ja"))
    parser.add_argument("--presenter", action="store_true")
    parser.add_argument("--only", choices=[lesson.key for lesson in lessons.LESSONS])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--phone", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.phone:
        return phone_shots(args, out)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium,
                                             args=["--no-sandbox", "--disable-gpu"])
        # tall: the app scrolls inside its own container, so a full-page shot is the viewport
        context = browser.new_context(viewport={"width": 1400, "height": 2200}, device_scale_factor=1)
        page = context.new_page()
        for lesson in lessons.LESSONS:
            if args.only and lesson.key != args.only:
                continue
            for number, step in enumerate(lesson.steps, start=1):
                query = {"lesson": lesson.key, "step": str(number), "lang": args.lang}
                if args.presenter:
                    query["presenter"] = "1"
                path = "gradient_flow" if step.page == "flow" else ""
                page.goto(f"{args.url.rstrip('/')}/{path}?{urllib.parse.urlencode(query)}")
                page.get_by_role("heading", name=t(step.title_key, args.lang), exact=True) \
                    .wait_for(timeout=120_000)
                page.wait_for_function(SETTLED, timeout=120_000, polling=200)
                target = out / f"{lesson.key}_{number}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
        browser.close()


PHONE_SHOTS = {"phone_explorer": ("?act=elu", "alpha"), "phone_gradient_flow": ("gradient_flow", "depth")}


def phone_shots(args, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.layout_js import CHART_AND_SLIDER, SETTLED as LAID_OUT

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        for name, (path, slider) in PHONE_SHOTS.items():
            sep = "&" if "?" in path else "?"
            page.goto(f"{args.url.rstrip('/')}/{path}{sep}lang={args.lang}")
            page.wait_for_function(LAID_OUT, arg=1000, timeout=120_000, polling=200)
            page.evaluate(CHART_AND_SLIDER, slider)  # the slider at the foot of the screen
            target = out / f"{name}{'_ja' if args.lang == 'ja' else ''}.png"
            page.screenshot(path=str(target))
            print(target)
        browser.close()


if __name__ == "__main__":
    main()

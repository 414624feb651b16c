""""Follow the teacher": the load of a lesson, for bench/load/run_load.py --scenario burst.

The teacher shares one lesson link; ``--sessions`` students open it within
``--open-within`` s (2), all on the same page. Then the teacher changes a value and
says so, and every student sets the same value within ``--follow-within`` s (1) of
the others; ``--steps`` such changes, ``--pause`` s apart. Done once for each page
(explorer, gradient page), on one server: a warm one (run_load's warm-up first), or
``--via-nginx N``: N processes behind nginx (school/serve.py), each student with its
own cookie, as browsers behind one school address.

Links and steps: the explorer opens ``act=elu&alpha=1&xmin=-4&xmax=4`` and follows
alpha; the gradient page opens the ``sigmoid_xavier`` preset's link
(actlib.warmup.preset_query) and follows Gain, then Depth within the 64-layer bucket.
(Lessons from actlib/lessons.py will replace these links.) Reported per page: p50 / p95
/ max of opening the link, and of following (each rerun's latency), errors, exceptions.
Goals (the issue): follow p95 <= 300 ms on the explorer, <= 600 ms on the gradient page.
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.parse
import urllib.request

from actlib.warmup import preset_query
from bench.load.client import StreamlitClient, exception_text

GOALS_MS = {"explorer": 300.0, "gradient_flow": 600.0}
LINKS = {"explorer": {"act": "elu", "alpha": "1", "xmin": "-4", "xmax": "4"},
         "gradient_flow": preset_query("sigmoid_xavier")}
STEPS = {"explorer": [("param.elu.alpha", a) for a in (1.5, 2.0, 0.5, 0.25, 1.0, 2.5, 3.0, 1.2)],
         "gradient_flow": [("flow.gain", g) for g in (1.5, 2.0, 0.5, 1.0)]
                          + [("flow.depth", d) for d in (60, 40, 64, 33)]}


def stats(values: list[float]) -> dict:
    import numpy as np

    if not values:
        return {"n": 0}
    v = np.asarray(values, dtype=float)
    return {"n": int(v.size), "p50": round(float(np.percentile(v, 50)), 1),
            "p95": round(float(np.percentile(v, 95)), 1), "max": round(float(v.max()), 1)}


def student_cookies(port: int, count: int) -> list[str | None]:
    """One nginx cookie per student (a first page load each), as separate browsers get."""
    cookies = []
    for _ in range(count):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            found = [h.split(";")[0] for h in response.headers.get_all("Set-Cookie") or []
                     if h.startswith("actlab_student=")]
        cookies.append(found[0] if found else None)
    return cookies


async def one_page(page: str, port: int, args, rng: random.Random, cookies: list[str | None]) -> dict:
    path = "" if page == "explorer" else "gradient_flow"
    query = urllib.parse.urlencode(LINKS[page])
    opens, follows, errors, exceptions = [], [], [], []
    by_step: dict[str, list[float]] = {}  # which change is slow: a new gain, a new depth
    clients: list[StreamlitClient | None] = [None] * args.sessions

    async def open_one(i: int) -> None:
        await asyncio.sleep(rng.uniform(0, args.open_within))
        headers = {"Cookie": cookies[i]} if cookies[i] else None
        client = StreamlitClient(port, path, query_string=query, timeout=args.timeout, headers=headers)
        try:
            await client.connect()
            run = await client.open()
            opens.append(1e3 * run.latency_s)
            exceptions.extend(exception_text(e)[:500] for e in run.exceptions)
            clients[i] = client
        except Exception as error:  # noqa: BLE001
            errors.append(f"open: {error!r}"[:300])
            await client.close()

    await asyncio.gather(*(open_one(i) for i in range(args.sessions)))

    async def follow(client: StreamlitClient, key: str, value) -> None:
        await asyncio.sleep(rng.uniform(0, args.follow_within))
        try:
            run = await client.set_value(key, value)
            follows.append(1e3 * run.latency_s)
            by_step.setdefault(f"{key.split('.')[-1]}={value}", []).append(1e3 * run.latency_s)
            exceptions.extend(exception_text(e)[:500] for e in run.exceptions)
            if not run.ok:
                errors.append(f"{key}={value}: {run.status_name}")
        except Exception as error:  # noqa: BLE001
            errors.append(f"{key}={value}: {error!r}"[:300])

    try:
        for key, value in STEPS[page][:args.steps]:
            await asyncio.sleep(args.pause)
            await asyncio.gather(*(follow(c, key, value) for c in clients if c is not None))
    finally:
        await asyncio.gather(*(c.close() for c in clients if c is not None))
    follow_stats = stats(follows)
    return {"open_ms": stats(opens), "follow_ms": follow_stats,
            "follow_p95_by_step_ms": {k: stats(v).get("p95") for k, v in by_step.items()},
            "errors": len(errors),
            "error_samples": errors[:5], "exceptions": len(exceptions), "exception_samples": exceptions[:3],
            "goal_follow_p95_ms": GOALS_MS[page],
            "goal_met": follow_stats.get("p95", float("inf")) <= GOALS_MS[page] and not errors and not exceptions}


async def run_burst(port: int, args, nginx: bool) -> dict:
    rng = random.Random(args.seed)
    out = {}
    for page in ("explorer", "gradient_flow"):
        cookies = student_cookies(port, args.sessions) if nginx else [None] * args.sessions
        start = time.perf_counter()
        out[page] = await one_page(page, port, args, rng, cookies)
        out[page]["seconds"] = round(time.perf_counter() - start, 1)
    return out


def summary(pages: dict) -> str:
    lines = []
    for page, r in pages.items():
        lines.append(f"  {page:13s} open p50 {r['open_ms'].get('p50')} / p95 {r['open_ms'].get('p95')} ms; "
                     f"follow p50 {r['follow_ms'].get('p50')} / p95 {r['follow_ms'].get('p95')} / "
                     f"max {r['follow_ms'].get('max')} ms (n {r['follow_ms'].get('n')}, goal p95 <= "
                     f"{r['goal_follow_p95_ms']:.0f}: {'met' if r['goal_met'] else 'NOT met'}); "
                     f"errors {r['errors']}, exceptions {r['exceptions']}\n"
                     f"    follow p95 by step (ms): {r.get('follow_p95_by_step_ms')}")
    return "\n".join(lines)

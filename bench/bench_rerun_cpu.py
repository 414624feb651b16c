"""Server CPU of one full explorer (or gradient-page) rerun, beside the bare one-slider page's.

    .venv/bin/python bench/bench_rerun_cpu.py [--reruns 300]

One websocket session per server (bench/load/client.py, no browser), each rerun a
full-page run (no fragment) that moves alpha to the next of a few values, as a page
load or a link does. Both servers run through bench/load/serve_instrumented.py, so
each run's script-thread CPU is logged; the whole process's CPU (every thread: the
event loop's protobuf and websocket work too) comes from /proc. Printed: per rerun,
the median script-thread CPU and the process CPU, for the app and the bare page,
and their ratios. The two run one after the other in the same invocation, so the
ratio is the figure to compare across machines.

    --against REV   also measure the app as it was at REV (a git worktree in a temp dir,
                    the same Python), in the same run: "before" and "after" on one machine,
                    each twice (now, before, before, now) and averaged
    --fragment      fragment reruns (what a slider's release sends) instead of full ones
    --page gradient_flow   rerun the gradient page (gain over four stacks, each computed
                    once, in the warm-up) instead of the explorer

For the issue's baseline (the commit before the warm-start work began):
``--against f534b58^``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.load.client import StreamlitClient  # noqa: E402
from bench.load.run_load import InstrumentedServer, cpu_seconds  # noqa: E402

ALPHAS = (0.5, 1.0, 1.5, 2.0)  # on both sliders' grids
# (path, slider key, values it cycles through); the first warm-up cycle computes each stack
PAGES = {"explorer": ("", "param.elu.alpha", ALPHAS),
         "gradient_flow": ("gradient_flow", "flow.gain", (0.9, 1.0, 1.1, 1.2))}
WARMUP = 24


async def measure(port: int, page: str, key: str, values: tuple, reruns: int, pid: int,
                  fragment: bool) -> dict:
    async with StreamlitClient(port, page=page, timeout=120) as client:
        first = await client.open()
        if first.status_name == "FINISHED_EARLY_FOR_RERUN":  # a first run can hand over to a rerun
            first = await client.rerun()
        if not first.ok:
            raise RuntimeError(f"page did not load: {first.status_name}")
        for i in range(WARMUP):
            await client.set_value(key, values[i % len(values)], fragment=fragment)
        cpu0, wall, messages = cpu_seconds(pid), [], []
        for i in range(reruns):
            run = await client.set_value(key, values[i % len(values)], fragment=fragment)
            if not run.ok or run.exceptions:
                raise RuntimeError(f"rerun {i} failed: {run.status_name} {run.exceptions[:1]}")
            wall.append(run.latency_s * 1e3)
            messages.append(run.messages)
        cpu1 = cpu_seconds(pid)
    return {"process_cpu_ms_per_rerun": 1e3 * (cpu1 - cpu0) / reruns,
            "latency_ms_p50": statistics.median(wall), "messages_per_rerun": statistics.mean(messages)}


def script_cpu(runlog: Path, reruns: int, fragment: bool) -> float:
    runs = [json.loads(line) for line in runlog.read_text().splitlines() if line.strip()]
    timed = [r["cpu_ms"] for r in runs if "cpu_ms" in r and bool(r.get("fragment")) == fragment][-reruns:]
    return statistics.median(timed)


def one(app: str, page: str, key: str, values: tuple, reruns: int, *, root: Path = REPO_ROOT,
        fragment: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        runlog = Path(tmp) / "runs.jsonl"
        server = InstrumentedServer(app, runlog=runlog, cwd=root, timeout=120)
        with server.start():
            out = asyncio.run(measure(server.port, page, key, values, reruns, server.process.pid, fragment))
        out["script_cpu_ms_p50"] = script_cpu(runlog, reruns, fragment)
    return {k: round(v, 2) for k, v in out.items()}


def at_revision(rev: str, into: Path) -> Path:
    """A checkout of ``rev`` (git worktree, removed by the caller's temp dir)."""
    subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "add", "--detach", "-f", str(into), rev],
                   check=True, capture_output=True)
    return into


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reruns", type=int, default=300)
    ap.add_argument("--against", metavar="REV", help="also measure the app at this git revision")
    ap.add_argument("--fragment", action="store_true", help="fragment reruns, not full ones")
    ap.add_argument("--page", choices=sorted(PAGES), default="explorer",
                    help="the app's page to rerun (the bare page is the reference either way)")
    args = ap.parse_args(argv)
    page = PAGES[args.page]
    if not args.against:
        results = {"app": one("app.py", *page, args.reruns, fragment=args.fragment)}
    else:
        # In the order app, before, before, app (each a server of its own), each side the
        # mean of its two: whichever ran first measured ~12% more (the same commit
        # against itself, one run each), and this order cancels that and any drift.
        with tempfile.TemporaryDirectory() as tmp:
            root = at_revision(args.against, Path(tmp) / "before")
            try:
                runs = {"app": [], f"app@{args.against}": []}
                for side in ("app", f"app@{args.against}", f"app@{args.against}", "app"):
                    runs[side].append(one("app.py", *page, args.reruns, fragment=args.fragment,
                                          root=REPO_ROOT if side == "app" else root))
            finally:
                subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "remove", "--force", str(root)],
                               capture_output=True)
        results = {side: {k: round(statistics.mean(r[k] for r in pair), 2) for k in pair[0]}
                   for side, pair in runs.items()}
    results["bare"] = one("bench/bare_app.py", "", "alpha", ALPHAS, args.reruns, fragment=False)
    print(json.dumps(results, indent=1))
    app, bare = results["app"], results["bare"]
    for k in ("script_cpu_ms_p50", "process_cpu_ms_per_rerun"):
        line = f"{k}: app {app[k]} ms, bare {bare[k]} ms: {app[k] / bare[k]:.2f}x"
        if args.against:
            before = results[f"app@{args.against}"][k]
            line += f"; app@{args.against} {before} ms: now {app[k] / before:.2f}x of it"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A whole class on one server: N simulated students move sliders on both pages.

One ``streamlit run app.py`` (repo root as cwd, a free port, file watcher off); a
warm-up session on each page (the explorer's sliders once each; on the gradient
page one Depth per depth bucket, so every compiled program exists before timing);
then ``--sessions`` students, each its own websocket session (bench/load/client.py,
which speaks Streamlit's protocol as the browser does), half on the explorer and
half on the gradient page. Each student thinks (uniform ``--think`` seconds), then
drags one slider to a nearby value, and waits for the rerun to finish:

  explorer  alpha (50 %), x range (25 %), probe x (25 %): fragment reruns, as the
            browser sends them (these widgets live in an @st.fragment);
  gradient  Depth (50 %) and Gain (50 %), every other control at its default
            (width 128, batch 64, tanh, Xavier): full reruns, or fragment reruns
            when the page puts its controls in a fragment (it does since 53770d9).

A drag moves a slider by 1 step up to ``--jump`` of its range (reflected at the
ends), so Depth wanders over 1..1000 in time. It stops after ``--reruns`` reruns
in all (or ``--max-seconds``, whichever first) and always stops the server.

Measured: rerun latency (rerun_script sent -> script_finished received) per page
and per slider (gradient page: also by the depth it ran at): p50/p95/p99/max;
reruns/s; exception elements; errors and timeouts; the server's RSS (psutil if
installed, else /proc/PID/status) every ``--sample`` seconds at start, after
warm-up, with every session open, at the end; its linear slope against reruns
over the second half; server and client CPU time, the whole machine's CPU use and
the load average (the machine may be shared: the load generator runs on it too).

The server is started with ``make run``'s environment (:data:`AS_MAKE_RUN`) through
bench/load/serve_instrumented.py (``--no-instrument`` for a plain ``streamlit run``),
which adds one line per script run: the run's wall
time, its thread's CPU time, its time runnable without a CPU (schedstat), the
rest (asleep: the GIL, XLA's threads, locks) and how long the BackMsg waited
before the run began; from those, how many runs were in flight at once.
Diagnosis switches: ``--pages explorer|gradient_flow`` (everyone on one page),
``--depth-start uniform`` (a workload that does not drift), ``--serialize-flow``
(one actlib.flow computation at a time, patched in; the app is untouched),
``--switch-interval``, ``--server-env KEY=VALUE``.

    .venv/bin/python bench/load/run_load.py --sessions 40 --reruns 2000
    .venv/bin/python bench/load/run_load.py --sessions 5 --reruns 100     # quick check
    .venv/bin/python bench/load/run_load.py --scenario burst --sessions 40 [--via-nginx 2]

``--scenario burst``: "follow the teacher" (bench/load/burst.py): every student opens
one lesson link within 2 s, then follows the teacher's values within 1 s of the others.

Writes bench/results/load.json (``--out``). Goals (the issue): p95 <= 500 ms on
the explorer, <= 1.5 s on the gradient page, no exceptions, memory flat (second-half
growth within ``--flat-pct`` %, default 5).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.load.client import StreamlitClient, exception_text, slider_values  # noqa: E402
from tests.browser.server import StreamlitServer  # noqa: E402
from ui import launch  # noqa: E402  (no JAX in it)

GOALS_MS = {"explorer": 500.0, "gradient_flow": 1500.0}  # the free-play goals
PAGES = {"explorer": "", "gradient_flow": "gradient_flow"}
# (widget key, weight): keys, not labels, so the language does not matter
MOVES = {
    "explorer": (("param.elu.alpha", 0.5), ("explorer.x_range", 0.25), ("explorer.probe_x", 0.25)),
    "gradient_flow": (("flow.depth", 0.5), ("flow.gain", 0.5)),
}
DEPTH_WARMUP = (8, 24, 50, 100, 200, 400, 800, 1000)  # one per bucket (16 ... 1024)
HERE = Path(__file__).resolve().parent


# The server's environment as `make run` and `make school` set it: without it, glibc gives
# every session's script thread a malloc arena of its own and the RSS climbs for reasons a
# classroom server never sees (measured: +10-19 % over the second half of 2,000 reruns
# without it, +3.4 % with it).
AS_MAKE_RUN = launch.SERVER_ENV


class InstrumentedServer(StreamlitServer):
    """tests/browser/server.py's server, started through serve_instrumented.py: the
    same ``streamlit run`` plus a JSON line per script run in ``runlog``."""

    def __init__(self, *args, runlog: Path, env: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.runlog = runlog
        self.env = {**AS_MAKE_RUN, **(env or {})}

    def launcher(self) -> list[str]:
        return [sys.executable, str(HERE / "serve_instrumented.py")]

    def launch_env(self) -> dict[str, str]:
        return {"ACTLAB_RUNLOG": str(self.runlog), **self.env}


class LaunchedServer(StreamlitServer):
    """The server as `make run` starts it: ui/launch.py (JAX cache, warm-up thread)."""

    def launcher(self) -> list[str]:
        return [sys.executable, "-m", "ui.launch"]

    def launch_env(self) -> dict[str, str]:
        return dict(AS_MAKE_RUN)


# -- server process figures ---------------------------------------------------------------

def rss_mb(pid: int) -> float | None:
    try:
        import psutil  # optional
        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def threads_of(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def thread_cpu_seconds(pid: int, tid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def thread_runqueue_wait(pid: int, tid: int) -> float | None:
    """Seconds a thread has spent runnable but without a CPU (Linux schedstat)."""
    try:
        return int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    try:
        v = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return float(sum(v) - idle), float(sum(v))
    except (OSError, ValueError, IndexError):
        return None


def app_version() -> dict:
    """The commit under test, and which tracked files differ from it (the working tree is what runs)."""
    git = lambda *a: subprocess.run(["git", *a], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10).stdout
    try:
        return {"commit": git("rev-parse", "HEAD").strip(),
                "modified": [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines()]}
    except (OSError, subprocess.SubprocessError):
        return {}


def loadavg() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


# -- the run ----------------------------------------------------------------------------

@dataclass
class Sample:
    t: float
    rss_mb: float | None
    reruns: int
    server_cpu_s: float | None
    threads: int | None
    phase: str


@dataclass
class Record:
    page: str
    widget: str
    latency_ms: float
    t: float          # seconds since the measured phase began (at send)
    fragment: bool
    depth: int | None  # gradient page: the depth the rerun ran at
    status: str
    exceptions: int
    bytes: int
    student: int


@dataclass
class State:
    target: int
    deadline: float
    started: int = 0
    records: list[Record] = field(default_factory=list)
    opens: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    exceptions: list[dict] = field(default_factory=list)
    t0: float = 0.0
    t0_mono: float = 0.0
    ready: int = 0    # students that opened their session (or gave up)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    go: asyncio.Event = field(default_factory=asyncio.Event)

    def claim(self) -> bool:
        if self.started >= self.target or time.monotonic() >= self.deadline or self.stop.is_set():
            return False
        self.started += 1
        return True


def next_value(client: StreamlitClient, key: str, rng: random.Random, jump: float):
    """A drag from the current value: 1 step up to ``jump`` of the range, reflected."""
    w = client.widget(key)
    current = client.value(key)
    if w.kind == "number_input":  # the probe: a typed value, as a student would
        return round(rng.uniform(-4.0, 4.0), 1)
    grid = slider_values(w)
    span = max(1, int(round(jump * (len(grid) - 1))))

    def move(value):
        i = min(range(len(grid)), key=lambda k: abs(grid[k] - value))
        j = i + rng.choice((-1, 1)) * rng.randint(1, span)
        if j < 0 or j >= len(grid):
            j = i - (j - i)  # reflect at the end
        return grid[max(0, min(len(grid) - 1, j))]

    if isinstance(current, tuple):  # a range slider: move one end, keep lo < hi
        lo, hi = current
        if rng.random() < 0.5:
            lo = move(lo)
        else:
            hi = move(hi)
        lo, hi = sorted((lo, hi))
        if lo == hi:
            hi = grid[min(len(grid) - 1, grid.index(hi) + 1)] if hi in grid else hi + (w.step or 1)
        return (lo, hi)
    return move(current)


async def open_session(page: str, port: int, state: State, args, what: str) -> StreamlitClient | None:
    """A fresh session on ``page`` (a new tab, or a reload); None when it cannot open."""
    for _ in range(3):
        client = StreamlitClient(port, PAGES[page], timeout=args.timeout)
        try:
            t = time.perf_counter()
            run = await client.open()
            state.opens.append({"page": page, "latency_ms": 1e3 * (time.perf_counter() - t),
                                "status": run.status_name, "exceptions": len(run.exceptions), "what": what})
            for e in run.exceptions:
                state.exceptions.append({"page": page, "widget": what, "text": exception_text(e)[:2000]})
            return client
        except Exception as exc:  # noqa: BLE001
            state.errors.append({"page": page, "widget": what, "error": repr(exc)[:300]})
            await client.close()
            if time.monotonic() >= state.deadline or state.stop.is_set():
                return None
            await asyncio.sleep(1.0)
    return None


async def student(i: int, page: str, port: int, state: State, args, rng: random.Random) -> None:
    keys = [k for k, _ in MOVES[page]]
    weights = [wt for _, wt in MOVES[page]]
    await asyncio.sleep(args.ramp * i / max(1, args.sessions))
    client = await open_session(page, port, state, args, "(open)")
    if client is not None and page == "gradient_flow" and args.depth_start == "uniform":
        try:  # not measured: it places the student
            await client.set_value("flow.depth", rng.randint(1, 1000))
        except Exception as exc:  # noqa: BLE001
            state.errors.append({"page": page, "widget": "(depth start)", "error": repr(exc)[:300]})
    state.ready += 1
    if client is None:
        return
    try:
        await state.go.wait()
        while True:
            await asyncio.sleep(rng.uniform(*args.think))
            if not state.claim():
                return
            key = rng.choices(keys, weights)[0]
            try:
                value = next_value(client, key, rng, args.jump)
                sent = time.perf_counter() - state.t0
                run = await client.set_value(key, value, fragment=not args.full_reruns)
            except Exception as exc:  # noqa: BLE001  (ProtocolError, a closed socket, ...)
                state.errors.append({"page": page, "widget": key, "error": repr(exc)[:300],
                                     "t": round(time.perf_counter() - state.t0, 2)})
                await client.close()  # start over with a fresh session, as a reload would
                client = await open_session(page, port, state, args, "(reopen)")
                if client is None:
                    return
                continue
            depth = int(client.value("flow.depth")) if page == "gradient_flow" else None
            state.records.append(Record(page, key, 1e3 * run.latency_s, sent, bool(run.fragment_id), depth,
                                        run.status_name, len(run.exceptions), run.bytes, i))
            for e in run.exceptions:
                state.exceptions.append({"page": page, "widget": key, "value": str(value),
                                         "text": exception_text(e)[:2000]})
    finally:
        if client is not None:
            await client.close()


async def sampler(pid: int, state: State, samples: list[Sample], every: float, phase: list[str]) -> None:
    while not state.stop.is_set():
        samples.append(Sample(round(time.monotonic() - state.t0_mono, 2), rss_mb(pid), len(state.records),
                              cpu_seconds(pid), threads_of(pid), phase[0]))
        try:
            await asyncio.wait_for(state.stop.wait(), every)
        except asyncio.TimeoutError:
            pass


async def warm_up(port: int, timeout: float) -> dict:
    """One session per page; every slider the students touch, once; every depth bucket."""
    out = {}
    t = time.perf_counter()
    async with StreamlitClient(port, "", timeout=timeout) as c:
        runs = [await c.open()]
        for key, value in (("param.elu.alpha", 1.5), ("explorer.x_range", (-4.0, 5.0)),
                           ("explorer.probe_x", 1.0), ("param.elu.alpha", 1.0)):
            runs.append(await c.set_value(key, value))
        out["explorer"] = {"runs_ms": [round(1e3 * r.latency_s, 1) for r in runs],
                           "exceptions": sum(len(r.exceptions) for r in runs),
                           "page_script_hash": c.page_script_hash}
    async with StreamlitClient(port, "gradient_flow", timeout=max(timeout, 120)) as c:
        runs = [await c.open()]
        for d in DEPTH_WARMUP:
            runs.append(await c.set_value("flow.depth", d))
        for g in (1.5, 1.0):
            runs.append(await c.set_value("flow.gain", g))
        runs.append(await c.set_value("flow.depth", 50))
        out["gradient_flow"] = {"runs_ms": [round(1e3 * r.latency_s, 1) for r in runs],
                                "depths": list(DEPTH_WARMUP),
                                "exceptions": sum(len(r.exceptions) for r in runs)}
        out["gradient_flow"]["page_script_hash"] = c.page_script_hash
    out["seconds"] = round(time.perf_counter() - t, 2)
    return out


def stats_ms(values) -> dict:
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return {"n": 0}
    return {"n": int(v.size), "mean": round(float(v.mean()), 1),
            **{f"p{q}": round(float(np.percentile(v, q)), 1) for q in (50, 90, 95, 99)},
            "max": round(float(v.max()), 1), "min": round(float(v.min()), 1)}


def memory_report(samples: list[Sample], total: int, flat_pct: float) -> dict:
    measured = [s for s in samples if s.phase == "measure" and s.rss_mb is not None]
    first = lambda phase: next((s.rss_mb for s in samples if s.phase == phase and s.rss_mb), None)
    out = {"start_mb": first("start"), "after_warmup_mb": first("warmed"),
           "all_sessions_open_mb": first("opened"),
           "max_mb": round(max((s.rss_mb for s in samples if s.rss_mb), default=0), 1)}
    if measured:
        out["measure_start_mb"] = round(measured[0].rss_mb, 1)
        out["end_mb"] = round(measured[-1].rss_mb, 1)
    half = [s for s in measured if s.reruns >= total / 2]
    if len(half) >= 3 and half[-1].reruns > half[0].reruns:
        x = np.array([s.reruns for s in half], dtype=float)
        y = np.array([s.rss_mb for s in half], dtype=float)
        slope = float(np.polyfit(x, y, 1)[0])  # MB per rerun
        growth = slope * (x[-1] - x[0])
        mid = float(y.mean())
        out.update({"second_half_slope_mb_per_1000_reruns": round(1e3 * slope, 2),
                    "second_half_growth_mb": round(growth, 1),
                    "second_half_growth_pct": round(100 * growth / mid, 2),
                    "second_half_first_last_mb": [round(float(y[0]), 1), round(float(y[-1]), 1)],
                    "flat": bool(abs(100 * growth / mid) <= flat_pct)})
    else:
        out["flat"] = None
    quarter = lambda k: [s.rss_mb for s in measured if (k - 1) * total / 4 <= s.reruns < k * total / 4 + (k == 4)]
    q3, q4 = quarter(3), quarter(4)
    if q3 and q4:  # robust to the swings of concurrent buffers
        out["median_q3_q4_mb"] = [round(float(np.median(q3)), 1), round(float(np.median(q4)), 1)]
    return out


async def main_async(args) -> dict:
    extra = ("--server.fileWatcherType", "none")  # StreamlitServer's default file_watcher
    runlog = Path(tempfile.mkstemp(prefix="actlab-runs-", suffix=".jsonl")[1])
    if args.instrument:
        env = dict(kv.split("=", 1) for kv in args.server_env)
        if args.switch_interval:
            env["ACTLAB_SWITCH_INTERVAL"] = str(args.switch_interval)
        if args.serialize_flow:
            env["ACTLAB_SERIALIZE_FLOW"] = "1"
        server = InstrumentedServer("app.py", cwd=REPO_ROOT, timeout=90, file_watcher="none", runlog=runlog,
                                    env=env)
    else:
        server = StreamlitServer("app.py", cwd=REPO_ROOT, timeout=90, file_watcher="none")
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
               "loadavg_before": loadavg(), "app": app_version()}
    samples: list[Sample] = []
    phase = ["start"]
    hard_deadline = time.monotonic() + args.max_seconds
    state = State(target=args.reruns, deadline=hard_deadline)
    state.t0_mono = time.monotonic()
    result: dict = {"config": {**vars(args), "think": list(args.think), "server_args": list(extra)},
                    "machine": machine}
    server.start()
    pid = server.process.pid
    client_cpu0 = time.process_time()
    samp = asyncio.create_task(sampler(pid, state, samples, args.sample, phase))
    try:
        await asyncio.sleep(0.2)
        phase[0] = "warm"
        result["warmup"] = await asyncio.wait_for(warm_up(server.port, args.timeout),
                                                  max(1.0, hard_deadline - time.monotonic()))
        print(f"warm-up done in {result['warmup']['seconds']} s: explorer runs "
              f"{result['warmup']['explorer']['runs_ms']} ms; gradient page "
              f"{result['warmup']['gradient_flow']['runs_ms']} ms", flush=True)
        samples.append(Sample(round(time.monotonic() - state.t0_mono, 2), rss_mb(pid), 0,
                              cpu_seconds(pid), threads_of(pid), "warmed"))
        rng = random.Random(args.seed)
        pages = (["explorer" if i % 2 == 0 else "gradient_flow" for i in range(args.sessions)]
                 if args.pages == "split" else [args.pages] * args.sessions)
        phase[0] = "open"
        tasks = [asyncio.create_task(student(i, p, server.port, state, args, random.Random(rng.random())))
                 for i, p in enumerate(pages)]
        # every session open (or given up), then the clock starts
        while state.ready < args.sessions and time.monotonic() < hard_deadline:
            await asyncio.sleep(0.1)
        if state.ready < args.sessions:
            state.errors.append({"page": "-", "widget": "(open)", "error": "not every session opened in time"})
        samples.append(Sample(round(time.monotonic() - state.t0_mono, 2), rss_mb(pid), 0,
                              cpu_seconds(pid), threads_of(pid), "opened"))
        state.t0 = time.perf_counter()
        measure_t0 = time.monotonic()
        cpu_measure0 = cpu_seconds(pid)
        main_thread0 = thread_cpu_seconds(pid, pid)
        main_wait0 = thread_runqueue_wait(pid, pid)
        wall_measure0 = time.time()
        machine0 = machine_cpu()
        client_measure0 = time.process_time()
        phase[0] = "measure"
        state.go.set()
        print(f"{args.sessions} sessions open; measuring up to {args.reruns} reruns ...", flush=True)
        last_print = time.monotonic()
        while not all(t.done() for t in tasks):
            await asyncio.sleep(0.5)
            if time.monotonic() >= hard_deadline + args.timeout:
                state.stop.set()
                for t in tasks:
                    t.cancel()
                break
            if time.monotonic() - last_print > 15:
                last_print = time.monotonic()
                lat = [r.latency_ms for r in state.records[-200:]]
                print(f"  {len(state.records)} reruns, {time.monotonic() - measure_t0:.0f} s, "
                      f"last-200 p95 {np.percentile(lat, 95) if lat else float('nan'):.0f} ms, "
                      f"RSS {rss_mb(pid) or float('nan'):.0f} MB, load {loadavg()}", flush=True)
        await asyncio.gather(*tasks, return_exceptions=True)
        measure_s = time.monotonic() - measure_t0
        server_cpu = (cpu_seconds(pid) or 0) - (cpu_measure0 or 0)
        main_thread_cpu = (thread_cpu_seconds(pid, pid) or 0) - (main_thread0 or 0)
        main_wait = (thread_runqueue_wait(pid, pid) or 0) - (main_wait0 or 0)
        wall_measure1 = time.time()
        machine1 = machine_cpu()
        machine_busy = (round(100 * (machine1[0] - machine0[0]) / max(1.0, machine1[1] - machine0[1]), 1)
                        if machine0 and machine1 else None)
        client_cpu = time.process_time() - client_measure0
        phase[0] = "end"
        samples.append(Sample(round(time.monotonic() - state.t0_mono, 2), rss_mb(pid), len(state.records),
                              cpu_seconds(pid), threads_of(pid), "measure"))
        machine["loadavg_after"] = loadavg()
        # sessions closed: what the server gives back
        await asyncio.sleep(3.0)
        after_close = rss_mb(pid)
    finally:
        state.stop.set()
        await asyncio.gather(samp, return_exceptions=True)
        log = server.log()
        server.stop()
    server_runs, deliveries = [], []
    if args.instrument:
        try:
            logged = [json.loads(line) for line in runlog.read_text().splitlines() if line.strip()]
            server_runs = [r for r in logged if "wall_ms" in r]
            deliveries = [r for r in logged if "delivery_ms" in r]
        finally:
            runlog.unlink(missing_ok=True)
    hashes = {result["warmup"][p].get("page_script_hash"): p for p in PAGES} if "warmup" in result else {}
    measured_runs = [r for r in server_runs if wall_measure0 <= r["t"] <= wall_measure1 + 1]

    records = state.records
    pages_out = {}
    for page in PAGES:
        rs = [r for r in records if r.page == page]
        pages_out[page] = {
            "latency_ms": stats_ms([r.latency_ms for r in rs]),
            "by_widget": {k: stats_ms([r.latency_ms for r in rs if r.widget == k]) for k, _ in MOVES[page]},
            "fragment_reruns": sum(r.fragment for r in rs),
            "reruns_per_s": round(len(rs) / measure_s, 2) if measure_s else None,
            "exceptions": sum(r.exceptions for r in rs),
            "bad_status": sum(r.status not in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
                              for r in rs),
            "mean_bytes": round(float(np.mean([r.bytes for r in rs])), 0) if rs else None,
            "goal_p95_ms": GOALS_MS[page],
        }
        # the first and second halves of the run: does latency drift?
        half = len(rs) // 2
        pages_out[page]["p95_first_half_ms"] = stats_ms([r.latency_ms for r in rs[:half]]).get("p95")
        pages_out[page]["p95_second_half_ms"] = stats_ms([r.latency_ms for r in rs[half:]]).get("p95")
        if page == "gradient_flow":  # the cost grows with depth: latency by the depth it ran at
            bands = ((1, 64), (65, 128), (129, 256), (257, 512), (513, 1000))
            pages_out[page]["by_depth"] = {
                f"{lo}-{hi}": stats_ms([r.latency_ms for r in rs if r.depth is not None and lo <= r.depth <= hi])
                for lo, hi in bands}
    memory = memory_report(samples, len(records), args.flat_pct)
    memory["after_sessions_closed_mb"] = round(after_close, 1) if after_close else None
    opened = next((s.rss_mb for s in samples if s.phase == "opened"), None)
    warm = next((s.rss_mb for s in samples if s.phase == "warmed"), None)
    if opened and warm:
        memory["per_session_mb"] = round((opened - warm) / max(1, args.sessions), 2)
    server_side = {}
    spans = [(r["t"] - r["wall_ms"] / 1e3, r["t"], hashes.get(r["page"])) for r in measured_runs]
    for page in PAGES:
        rs = [r for r in measured_runs if hashes.get(r["page"]) == page]
        # at each run's start, how many runs of this page (itself included) and of any page were in flight
        mine = [(a, b) for a, b, p in spans if p == page]
        same = [sum(1 for a2, b2 in mine if a2 <= a < b2) for a, b in mine]
        every = [sum(1 for a2, b2, _ in spans if a2 <= a < b2) for a, b in mine]
        if rs:
            server_side[page] = {
                "runs": len(rs), "wall_ms": stats_ms([r["wall_ms"] for r in rs]),
                "script_thread_cpu_ms": stats_ms([r["cpu_ms"] for r in rs]),
                "runqueue_wait_ms": stats_ms([r.get("rq_wait_ms", 0) for r in rs]),
                "slept_ms": stats_ms([r["wall_ms"] - r["cpu_ms"] - r.get("rq_wait_ms", 0) for r in rs]),
                "queued_before_start_ms": stats_ms([r["queue_ms"] for r in rs if r.get("queue_ms") is not None]),
                "delivery_ms": stats_ms([d["delivery_ms"] for d in deliveries
                                         if hashes.get(d["page"]) == page and wall_measure0 <= d["t"] <= wall_measure1 + 1]),
                "in_flight_same_page": {"mean": round(float(np.mean(same)), 2), "p95": float(np.percentile(same, 95)),
                                        "max": int(max(same))},
                "in_flight_all": {"mean": round(float(np.mean(every)), 2), "p95": float(np.percentile(every, 95))},
                "script_thread_cpu_s_total": round(sum(r["cpu_ms"] for r in rs) / 1e3, 1)}
    errors_timeouts = len(state.errors)
    log_tracebacks = log.count("Traceback")
    result.update({
        "pages": pages_out,
        "opens": {p: stats_ms([o["latency_ms"] for o in state.opens if o["page"] == p]) for p in PAGES},
        "reruns": len(records),
        "measure_seconds": round(measure_s, 1),
        "reruns_per_s": round(len(records) / measure_s, 2) if measure_s else None,
        "exceptions": len(state.exceptions),
        "exception_samples": state.exceptions[:10],
        "errors": errors_timeouts,
        "error_samples": state.errors[:10],
        "server_log_tracebacks": log_tracebacks,
        "server_log_tail": log[-3000:] if log_tracebacks else "",
        "server_side": server_side,
        "cpu": {"server_cpu_s": round(server_cpu, 1), "server_cores_busy": round(server_cpu / measure_s, 2),
                "server_cpu_ms_per_rerun": round(1e3 * server_cpu / max(1, len(records)), 1),
                "event_loop_thread_cpu_s": round(main_thread_cpu, 1),
                "event_loop_thread_runqueue_wait_s": round(main_wait, 1),
                "machine_busy_pct": machine_busy,
                "script_threads_cpu_s": round(sum(r["cpu_ms"] for r in measured_runs) / 1e3, 1),
                "client_cpu_s": round(client_cpu, 1), "client_cores_busy": round(client_cpu / measure_s, 2),
                "max_threads": max((s.threads or 0 for s in samples), default=None)},
        "memory": memory,
        "server_runs_columns": ["end_t_s", "page", "wall_ms", "cpu_ms", "rq_wait_ms", "queue_ms"],
        "server_runs": [[round(r["t"] - wall_measure0, 3), (hashes.get(r["page"]) or "?")[0], r["wall_ms"], r["cpu_ms"],
                         r.get("rq_wait_ms"), r.get("queue_ms")] for r in measured_runs],
        "rss_samples": [[s.t, round(s.rss_mb, 1) if s.rss_mb else None, s.reruns, s.phase] for s in samples],
        "records_columns": ["page", "widget", "latency_ms", "t_s", "student", "depth"],
        "records": [[r.page[0], r.widget, round(r.latency_ms, 1), round(r.t, 2), r.student, r.depth]
                    for r in records],
    })
    p95_ok = lambda page: (None if not pages_out[page]["latency_ms"].get("n")
                           else pages_out[page]["latency_ms"]["p95"] <= GOALS_MS[page])
    result["goals"] = {
        "explorer_p95_ok": p95_ok("explorer"),
        "gradient_p95_ok": p95_ok("gradient_flow"),
        "no_exceptions": len(state.exceptions) == 0 and log_tracebacks == 0,
        "no_errors": errors_timeouts == 0,
        "memory_flat": memory.get("flat"),
        "reached_target": len(records) >= args.reruns,
    }
    return result


def summary(r: dict) -> str:
    lines = [f"Load: {r['config']['sessions']} sessions, {r['reruns']} reruns in {r['measure_seconds']} s "
             f"({r['reruns_per_s']} reruns/s); think {r['config']['think']} s; cpus {r['machine']['cpus']}; "
             f"load avg before {r['machine']['loadavg_before']} after {r['machine'].get('loadavg_after')}"]
    for page, p in r["pages"].items():
        lat = p["latency_ms"]
        if not lat.get("n"):
            lines.append(f"  {page:14s} no reruns")
            continue
        ok = "OK " if lat["p95"] <= p["goal_p95_ms"] else "MISS"
        lines.append(f"  {page:14s} n={lat['n']:5d}  p50 {lat['p50']:7.1f}  p95 {lat['p95']:7.1f}  "
                     f"p99 {lat['p99']:7.1f}  max {lat['max']:7.1f} ms   goal p95 <= {p['goal_p95_ms']:.0f} ms: {ok}"
                     f"   ({p['reruns_per_s']} /s, fragment reruns {p['fragment_reruns']})")
        for k, s in p["by_widget"].items():
            if s.get("n"):
                lines.append(f"      {k:20s} n={s['n']:5d}  p50 {s['p50']:7.1f}  p95 {s['p95']:7.1f}  max {s['max']:7.1f}")
        for band, s in p.get("by_depth", {}).items():
            if s.get("n"):
                lines.append(f"      depth {band:13s} n={s['n']:5d}  p50 {s['p50']:7.1f}  p95 {s['p95']:7.1f}  "
                             f"max {s['max']:7.1f}")
    m = r["memory"]
    lines.append(f"  opens (first run of each session): " + ", ".join(
        f"{p} p50 {s.get('p50')} p95 {s.get('p95')} max {s.get('max')} ms" for p, s in r["opens"].items()))
    lines.append(f"  exceptions {r['exceptions']} (server log tracebacks {r['server_log_tracebacks']}); "
                 f"errors/timeouts {r['errors']}")
    rnd = lambda v: v and round(v, 1)
    lines.append(f"  RSS MB: start {rnd(m.get('start_mb'))}, after warm-up {rnd(m.get('after_warmup_mb'))}, "
                 f"all sessions open {rnd(m.get('all_sessions_open_mb'))} (per session "
                 f"{m.get('per_session_mb')}), end {m.get('end_mb')}, max {m.get('max_mb')}, after close "
                 f"{m.get('after_sessions_closed_mb')}; second half: {m.get('second_half_first_last_mb')} "
                 f"slope {m.get('second_half_slope_mb_per_1000_reruns')} MB/1000 reruns, growth "
                 f"{m.get('second_half_growth_pct')} % -> flat: {m.get('flat')}; median RSS 3rd/4th quarter "
                 f"{m.get('median_q3_q4_mb')}")
    c = r["cpu"]
    other = round(c['server_cpu_s'] - c['script_threads_cpu_s'] - c['event_loop_thread_cpu_s'], 1)
    lines.append(f"  CPU: machine {c['machine_busy_pct']} % busy (all tenants); server {c['server_cores_busy']} cores "
                 f"= {c['server_cpu_s']} s ({c['server_cpu_ms_per_rerun']} ms per rerun): script threads "
                 f"{c['script_threads_cpu_s']} s, event-loop thread {c['event_loop_thread_cpu_s']} s (runnable "
                 f"without a CPU {c['event_loop_thread_runqueue_wait_s']} s), other threads (XLA, ...) {other} s; "
                 f"load generator {c['client_cores_busy']} cores; server threads max {c['max_threads']}")
    for page, s in r.get("server_side", {}).items():
        w, cp, rq, sl, q = (s["wall_ms"], s["script_thread_cpu_ms"], s["runqueue_wait_ms"], s["slept_ms"],
                            s["queued_before_start_ms"])
        lines.append(f"  server side {page:14s} runs {s['runs']:5d}: wall p50 {w['p50']:7.1f} p95 {w['p95']:7.1f}; "
                     f"CPU mean {cp['mean']:6.1f}; no-CPU wait mean {rq['mean']:6.1f} p95 {rq['p95']:6.1f}; "
                     f"slept (GIL/XLA/locks) mean {sl['mean']:6.1f} p95 {sl['p95']:6.1f}; queued before start "
                     f"p50 {q.get('p50')} p95 {q.get('p95')} ms; its messages out after the run (Streamlit's "
                     f"event loop) p50 {s.get('delivery_ms', {}).get('p50')} p95 {s.get('delivery_ms', {}).get('p95')} ms; "
                     f"runs in flight at start: this page mean "
                     f"{s['in_flight_same_page']['mean']} p95 {s['in_flight_same_page']['p95']:.0f} max "
                     f"{s['in_flight_same_page']['max']}, all pages mean {s['in_flight_all']['mean']}")
    g = r["goals"]
    lines.append("  GOALS: " + ", ".join(f"{k}={'yes' if v else ('n/a' if v is None else 'NO')}" for k, v in g.items()))
    return "\n".join(lines)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=40)
    ap.add_argument("--reruns", type=int, default=2000, help="reruns in all (measured phase)")
    ap.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"),
                    help="think time between moves, seconds (uniform)")
    ap.add_argument("--jump", type=float, default=0.1, help="largest drag, as a share of the slider's range")
    ap.add_argument("--ramp", type=float, default=5.0, help="seconds over which the sessions open")
    ap.add_argument("--timeout", type=float, default=60.0, help="per rerun, seconds")
    ap.add_argument("--max-seconds", type=float, default=1200.0, help="hard limit for the whole run")
    ap.add_argument("--sample", type=float, default=2.0, help="RSS sampling interval, seconds")
    ap.add_argument("--flat-pct", type=float, default=5.0, help="'flat' = second-half RSS growth within this %%")
    ap.add_argument("--full-reruns", action="store_true",
                    help="send explorer moves as full reruns (no fragment_id), for comparison")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pages", choices=("split", "explorer", "gradient_flow"), default="split",
                    help="half the students on each page (default), or all on one")
    ap.add_argument("--depth-start", choices=("default", "uniform"), default="default",
                    help="gradient students start at the default depth (50), or each at a uniform random "
                         "depth 1..1000 (the random walk's steady state: a workload that does not drift)")
    ap.add_argument("--switch-interval", type=float, default=None,
                    help="sys.setswitchinterval for the server (diagnosis; Python's default 0.005)")
    ap.add_argument("--serialize-flow", action="store_true",
                    help="experiment: the server runs one actlib.flow computation at a time (a process-wide "
                         "lock, patched in by serve_instrumented.py; the app's files are untouched)")
    ap.add_argument("--server-env", nargs="*", default=[], metavar="KEY=VALUE",
                    help="extra environment for the server (diagnosis, e.g. MALLOC_ARENA_MAX=2)")
    ap.add_argument("--no-instrument", dest="instrument", action="store_false",
                    help="plain `streamlit run` (no per-run timing line from serve_instrumented.py)")
    ap.add_argument("--scenario", choices=("free", "burst"), default="free",
                    help="free play (above), or 'follow the teacher' (bench/load/burst.py)")
    ap.add_argument("--open-within", type=float, default=2.0, help="burst: every student opens the link within")
    ap.add_argument("--follow-within", type=float, default=1.0, help="burst: every student follows within")
    ap.add_argument("--steps", type=int, default=8, help="burst: the teacher's changes per page")
    ap.add_argument("--pause", type=float, default=2.0, help="burst: seconds between the teacher's changes")
    ap.add_argument("--via-nginx", type=int, default=0, metavar="N",
                    help="burst: N app processes behind nginx (school/serve.py) instead of one server")
    ap.add_argument("--out", default=None, help="default bench/results/load.json (burst: load_burst.json)")
    args = ap.parse_args(argv)
    if args.via_nginx and args.scenario != "burst":  # it was once taken silently, and measured one server
        ap.error("--via-nginx applies to --scenario burst only")
    return args


async def burst_async(args) -> dict:
    """--scenario burst: a warm server (or --via-nginx N of them), then bench/load/burst.py."""
    from bench.load import burst
    from school.serve import School, free_port

    result: dict = {"config": {k: v for k, v in vars(args).items() if k != "think"},
                    "machine": {"cpus": os.cpu_count(), "loadavg_before": loadavg(), "app": app_version()}}
    async def warmed(logs) -> None:  # the launcher's warm-up (presets included) has finished
        while not all("warm-up:" in log() for log in logs):
            await asyncio.sleep(0.5)

    if args.via_nginx:
        with School(args.via_nginx, free_port(), host="127.0.0.1") as school:
            await warmed([lambda a=a: school.log(f"app-{a.split(':')[1]}.log") for a in school.apps])
            # app.py's first run in each process (see warm_up), straight to the process
            result["warmup"] = [await warm_up(int(a.split(":")[1]), args.timeout) for a in school.apps]
            result["pages"] = await burst.run_burst(school.port, args, nginx=True)
    else:
        with LaunchedServer("app.py", cwd=REPO_ROOT, timeout=90, file_watcher="none") as server:
            await warmed([server.log])
            result["warmup"] = await warm_up(server.port, args.timeout)
            result["pages"] = await burst.run_burst(server.port, args, nginx=False)
    result["machine"]["loadavg_after"] = loadavg()
    result["goals"] = {page: r["goal_met"] for page, r in result["pages"].items()}
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    args.think = tuple(args.think)
    if args.scenario == "burst":
        result = asyncio.run(burst_async(args))
        out = Path(args.out or REPO_ROOT / "bench" / "results" / "load_burst.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1, default=str))
        from bench.load.burst import summary as burst_summary

        where = f"{args.via_nginx} processes behind nginx" if args.via_nginx else "one server"
        print(f"Follow the teacher: {args.sessions} sessions on {where}, open within {args.open_within} s, "
              f"follow within {args.follow_within} s; load avg {result['machine']['loadavg_before']} -> "
              f"{result['machine']['loadavg_after']}\n" + burst_summary(result["pages"]))
        print(f"wrote {out}")
        return 0 if all(result["goals"].values()) else 1
    try:
        result = asyncio.run(asyncio.wait_for(main_async(args), args.max_seconds + 2 * args.timeout + 60))
    except asyncio.TimeoutError:
        print("hard timeout: the run did not finish", file=sys.stderr)
        return 2
    out = Path(args.out or REPO_ROOT / "bench" / "results" / "load.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, default=str))
    print(summary(result))
    print(f"wrote {out}")
    return 0 if all(v is not False for v in result["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

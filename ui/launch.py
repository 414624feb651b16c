"""Start the app warm: ``python -m ui.launch [--no-warm-up] SCRIPT [streamlit options]``.

What ``make run`` and ``make school`` call instead of ``streamlit run``. In this one
process it

1. points JAX at a persistent compilation cache (``.cache/jax`` unless
   ``ACTLAB_JAX_CACHE`` names another folder), through JAX's environment variables,
   so they hold before anything imports JAX: a restarted server loads what it
   compiled before instead of compiling it again;
2. starts a background thread that, once the server listens, imports the library and
   compiles what the pages will ask for (``actlib.warmup.WARM_LINKS``): the two pages'
   defaults, then the presets, the lessons and the rest, each when neither a visitor's
   script nor another process on the machine is busy (:func:`wait_until_quiet`);
3. runs Streamlit's own command line, ``streamlit run SCRIPT ...``, in the main thread,
   with ui/failover.py installed (a student moved here from a dead process keeps working).

Why a launcher rather than work in app.py: app.py runs only once a browser opens a
session, too late for the first visitor; here the compiling starts with the process,
while Streamlit is still starting and the browser is still loading the page's
JavaScript, and the script's first run finds the programs compiled (or waits for the
one being compiled, instead of compiling it a second time).
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = REPO_ROOT / ".cache" / "jax"
# What a server process must start with (the allocator reads it before Python runs, so
# a launcher cannot set it for itself): `make run` sets the same, and the Makefile says why.
# school/serve.py's processes and the load benches start theirs with it.
SERVER_ENV = {"MALLOC_ARENA_MAX": "2"}


def cache_env(directory: os.PathLike | str) -> dict[str, str]:
    """JAX's settings for a persistent cache in ``directory``, as environment variables.
    The thresholds are lowered so the app's small programs (most compile in well under
    JAX's default 1 s minimum) are written too."""
    return {"JAX_COMPILATION_CACHE_DIR": str(Path(directory).resolve()),
            "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
            "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0"}


def machine_busy_seconds() -> float | None:
    """CPU seconds every process on this machine has used since boot (Linux's /proc/stat:
    all but idle and I/O wait), or None where there is no /proc/stat."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = sum(fields[3:5])   # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")   # user .. steal; guest is in user


def wait_until_quiet(busy_share: float = 0.2, machine_share: float = 0.5, window: float = 0.1,
                     patience: float = 30.0, machine: Callable[[], float | None] = machine_busy_seconds) -> None:
    """Wait (at most ``patience`` s) until, over ``window`` s, the process's other threads
    used less than ``busy_share`` of a core and the machine's other processes less than
    ``machine_share``: a visitor's script run goes first, and so does a browser on the same
    machine (the teacher's laptop: drawing the first page is a core's work for seconds).
    The warm-up takes the idle moments in between."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        process, own, total = time.process_time(), time.thread_time(), machine()
        time.sleep(window)
        used = time.process_time() - process
        others = used - (time.thread_time() - own)
        after = machine()
        elsewhere = 0.0 if total is None or after is None else after - total - used
        if others < busy_share * window and elsewhere < machine_share * window:
            return


def port_of(argv: list[str]) -> int:
    """The port ``streamlit run`` will listen on, from its options (default 8501)."""
    for i, arg in enumerate(argv):
        if arg == "--server.port" and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--server.port="):
            return int(arg.split("=", 1)[1])
    return int(os.environ.get("STREAMLIT_SERVER_PORT", 8501))


def wait_until_listening(port: int, patience: float = 20.0) -> None:
    """Wait (at most ``patience`` s) until something accepts connections on ``port``."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)


def _warm_up(port: int) -> None:
    # JAX's import (~1 s of Python, holding the GIL) waits until the server listens:
    # started together, it delayed the server's health answer from ~0.8 s to ~2.5 s
    # (measured in Chromium); started now, it runs while the browser loads the page.
    wait_until_listening(port)
    start = time.perf_counter()
    from actlib import warmup  # imports JAX: here, not in the thread that starts the server

    # Each page state when nothing else is busy. A visitor who comes first computes their
    # own page (the warm-up would only compute it a second time beside them, sharing the
    # GIL), and then the warm-up finds it done; the flow page's defaults alone are ~4 s of
    # CPU from a full cache, which took a core from the browser drawing the first chart.
    warmup.warm_up(before=wait_until_quiet)
    print(f"warm-up: {len(warmup.WARM_LINKS)} page states compiled in "
          f"{time.perf_counter() - start:.1f} s", flush=True)


def main(argv: list[str]) -> int:
    warm = "--no-warm-up" not in argv
    argv = [a for a in argv if a != "--no-warm-up"]
    if argv[:1] == ["run"]:  # also takes `streamlit run`'s own form: ui.launch run SCRIPT ...
        argv = argv[1:]
    if not argv or argv[0].startswith("-"):
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    cache = Path(os.environ.get("ACTLAB_JAX_CACHE", DEFAULT_CACHE))
    cache.mkdir(parents=True, exist_ok=True)
    os.environ.update(cache_env(cache))
    if warm:
        threading.Thread(target=_warm_up, args=(port_of(argv),), name="actlab-warm-up",
                         daemon=True).start()
    from streamlit.web import cli

    from ui import failover

    failover.install()  # a student sent here by nginx from a dead process keeps working
    cli.main(args=["run", *argv], prog_name="streamlit")  # exits with Streamlit's status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""``streamlit ...`` with one measuring hook: every script run, as the server sees it.

    ACTLAB_RUNLOG=/tmp/runs.jsonl python bench/load/serve_instrumented.py run app.py --server.port 8501

The same CLI as ``python -m streamlit`` (so app.py stays the main script and its
pages resolve as usual). Around ``ScriptRunner._run_script`` it records, per run,
one JSON line: ``t`` (epoch s at the end), ``wall_ms`` (the run from start to
finish in the script thread), ``cpu_ms`` (that thread's CPU time meanwhile:
Python under the GIL plus native code it ran itself; XLA's own worker threads are
not in it), ``fragment`` (a fragment rerun) and ``page`` (the page's script hash).
Also, per script run, a line with ``delivery_ms``: from that run's end to its
``script_finished`` message being handed to the websocket (Streamlit's event loop
sending the run's messages), with ``t`` and ``page``.
``rq_wait_ms`` (Linux schedstat: time the thread was runnable but had no CPU:
starved by other threads or processes), ``queue_ms`` (from the ``rerun_script``
BackMsg reaching the session to the run starting; null when unknown).
``wall_ms - cpu_ms - rq_wait_ms`` is time the run slept: waiting for the GIL,
for XLA's worker threads, for locks. Used by bench/load/run_load.py; nothing in
the app changes. Experiments, by environment: ``ACTLAB_SWITCH_INTERVAL`` (seconds, for
sys.setswitchinterval); ``ACTLAB_SERIALIZE_FLOW=1`` (a process-wide lock around
actlib.flow's computations: what one lock in the library would do);
``ACTLAB_MEMLOG=PATH`` (every 5 s a JSON line of what the process holds: JAX's live
arrays and their MB, the draws cache, the compiled stack programs; beside the RSS, it
tells live data from allocator growth).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

from streamlit.runtime import app_session, runtime
from streamlit.runtime.scriptrunner import script_runner

_LOG = os.environ.get("ACTLAB_RUNLOG")
_lock = threading.Lock()
_original = script_runner.ScriptRunner._run_script
_original_backmsg = app_session.AppSession.handle_backmsg
_original_send = runtime.Runtime._send_message
_arrived: dict[str, float] = {}  # session id -> when its last rerun_script came in
_ended: dict[str, tuple[float, str]] = {}  # session id -> (when its last run ended, its page)


def _schedstat() -> tuple[int, int]:
    """(ns on a CPU, ns runnable but waiting for one) of the calling thread."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            run, wait, _ = f.read().split()
        return int(run), int(wait)
    except (OSError, ValueError):
        return 0, 0


def _handle_backmsg(self, msg):
    if msg.WhichOneof("type") == "rerun_script":
        _arrived[self.id] = time.perf_counter()
    return _original_backmsg(self, msg)


def _run_script(self, rerun_data):
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    arrived = _arrived.pop(self._session_id, None)
    _, wait0 = _schedstat()
    try:
        return _original(self, rerun_data)
    finally:
        _, wait1 = _schedstat()
        record = {"t": round(time.time(), 4), "wall_ms": round(1e3 * (time.perf_counter() - wall0), 2),
                  "cpu_ms": round(1e3 * (time.thread_time() - cpu0), 2),
                  "rq_wait_ms": round((wait1 - wait0) / 1e6, 2),
                  "queue_ms": round(1e3 * (wall0 - arrived), 2) if arrived is not None else None,
                  "fragment": bool(rerun_data.fragment_id or getattr(rerun_data, "fragment_id_queue", None)),
                  "page": getattr(self._pages_manager, "current_page_script_hash", "")}
        _ended[self._session_id] = (time.perf_counter(), record["page"])
        _write(record)


def _write(record: dict) -> None:
    if _LOG:
        with _lock, open(_LOG, "a") as f:
            f.write(json.dumps(record) + "\n")


def _send_message(self, session_info, msg):
    if msg.WhichOneof("type") == "script_finished":
        ended = _ended.pop(session_info.session.id, None)
        if ended is not None:
            _write({"t": round(time.time(), 4), "delivery_ms": round(1e3 * (time.perf_counter() - ended[0]), 2),
                    "page": ended[1]})
    return _original_send(self, session_info, msg)


if os.environ.get("ACTLAB_SERIALIZE_FLOW"):
    # Experiment (nothing in the app changes): one gradient-page computation at a time,
    # process-wide. Tells what a lock in actlib.flow would do under a class's load.
    import functools
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from actlib import flow as _flow

    _flow_lock = threading.RLock()

    def _serialized(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _flow_lock:
                return fn(*args, **kwargs)
        return wrapper

    for _name in ("gradient_flow", "mean_field", "preactivation_histograms", "training_trace"):
        setattr(_flow, _name, _serialized(getattr(_flow, _name)))

if os.environ.get("ACTLAB_SWITCH_INTERVAL"):  # diagnosis: how much is GIL hand-over?
    sys.setswitchinterval(float(os.environ["ACTLAB_SWITCH_INTERVAL"]))


def _memlog(path: str) -> None:
    """Every 5 s, one JSON line: what this process holds where (diagnosis of RSS growth)."""
    while True:
        time.sleep(5)
        row = {"t": time.time()}
        try:
            import jax
            from actlib import draws, flow
            arrays = jax.live_arrays()
            row.update(live_arrays=len(arrays), live_array_mb=sum(a.nbytes for a in arrays) / 2**20,
                       draws_mb=draws.cached_bytes() / 2**20,
                       flow_programs=flow._flow_program.cache_info().currsize,
                       weight_programs=draws._weights_program.cache_info().currsize)
            del arrays  # not held across the sleep: with it kept, the count grew sample after sample
        except Exception as error:  # noqa: BLE001
            row["error"] = repr(error)
        with open(path, "a") as f:
            f.write(json.dumps(row) + "\n")


if os.environ.get("ACTLAB_MEMLOG"):  # diagnosis: which holdings grow with the RSS
    threading.Thread(target=_memlog, args=(os.environ["ACTLAB_MEMLOG"],), daemon=True).start()
script_runner.ScriptRunner._run_script = _run_script
app_session.AppSession.handle_backmsg = _handle_backmsg
runtime.Runtime._send_message = _send_message

if __name__ == "__main__":
    from streamlit.web import cli

    sys.argv[0] = "streamlit"
    sys.exit(cli.main())

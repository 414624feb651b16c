"""The warm-up (actlib/warmup.py, started by ui/launch.py): it compiles what the pages
then use, so after it the default pages and every preset compile nothing.

The compile count is taken in a fresh Python process (nothing compiled by other tests),
with JAX's own compile events, around real AppTest runs of app.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from actlib import urlstate, warmup
from actlib.presets import PRESETS

ROOT = Path(__file__).resolve().parent.parent


def test_shapes_are_the_pages_shapes():
    from actlib import live
    from ui import flow_view  # importing defines its caches; nothing runs Streamlit

    assert warmup.EXPLORER_GRID_POINTS == live.CURVE_POINTS  # the grid live.explorer_grid makes
    assert "live.explorer_grid(" in (ROOT / "ui" / "explorer_view.py").read_text()
    np.testing.assert_array_equal(flow_view.HISTOGRAM_EDGES, warmup.HISTOGRAM_EDGES)
    source = (ROOT / "pages" / "gradient_flow.py").read_text()
    assert f"HISTOGRAM_EDGES[-1], {warmup.SLOPE_GRID_POINTS}, dtype=np.float32)" in source


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_preset_link_is_the_preset(name):
    """The state a preset's warm-up link opens is the one the preset button sets."""
    preset = PRESETS[name]
    state = warmup.page_state(warmup.WarmLink("flow", warmup.preset_query(name)))
    assert (state["flow.activation"], state["flow.init"], state["flow.gain"], state["flow.bias"],
            state["flow.residual"], state["flow.norm"]) == (
        preset["activation"], preset["init"], preset["gain"], preset["bias_std"],
        preset["residual"], preset["norm"] or "none")
    cfg = warmup.flow_config(state)
    assert (cfg.depth, cfg.width, cfg.batch, cfg.seed) == tuple(
        f.default for f in urlstate.FLOW_FIELDS if f.key in ("depth", "width", "batch", "seed"))


def test_warm_links_come_most_urgent_first():
    labels = [link.label for link in warmup.WARM_LINKS]
    assert labels[:2] == ["explorer default", "flow default"]
    assert labels[2:2 + len(PRESETS)] == [f"preset {n}" for n in PRESETS]


def test_a_failing_link_is_skipped_not_raised(capsys):
    seen = []
    warmup.warm_up([warmup.WarmLink("nowhere", label="broken"),          # no such page
                    warmup.WarmLink("explorer", {"act": "relu"}, label="good")],
                   report=lambda link, seconds: seen.append(link.label))
    assert seen == ["good"] and "warm-up: broken failed" in capsys.readouterr().out


# Runs in a fresh interpreter: counts XLA compiles around AppTest runs.
CHILD = r"""
import json, sys
import jax.monitoring
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
from streamlit.testing.v1 import AppTest
from apptest_helpers import APP, TIMEOUT
from streamlit.runtime.pages_manager import PagesManager
from actlib import warmup
from actlib.presets import PRESETS

original = PagesManager.__init__
def init(self, *a, **k):
    original(self, *a, **k)
    PagesManager.uses_pages_directory = False
PagesManager.__init__ = init

count = [0]
jax.monitoring.register_event_duration_secs_listener(
    lambda event, duration, **_: count.__setitem__(0, count[0] + (event == "/jax/core/compile/backend_compile_duration")))

def compiles(fn):
    before = count[0]
    fn()
    return count[0] - before

def session(query=None, flow=False):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if flow:
        at.switch_page("pages/gradient_flow.py")
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at

out = {}
out["warm-up"] = compiles(lambda: warmup.warm_up(warmup.WARM_LINKS[:2 + len(PRESETS)]))
out["explorer"] = compiles(lambda: session())
at = [None]
out["flow"] = compiles(lambda: at.__setitem__(0, session(flow=True)))
for name in PRESETS:
    def click(name=name):
        at[0].button(key="preset." + name).click().run()
        assert not at[0].exception, [e.message for e in at[0].exception]
    out["preset " + name] = compiles(click)
out["unwarmed flow page"] = compiles(lambda: session({"width": "32"}, flow=True))
print("RESULT " + json.dumps(out))
"""


def test_after_the_warm_up_the_pages_and_presets_compile_nothing():
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAX_")}  # no disk cache
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    counts = json.loads(lines[-1].removeprefix("RESULT "))
    assert counts.pop("unwarmed flow page") > 0 and counts.pop("warm-up") > 0  # the counter counts
    assert counts == {key: 0 for key in counts}, counts


def test_the_warm_up_waits_for_the_port_streamlit_is_given(monkeypatch):
    from ui import launch

    monkeypatch.delenv("STREAMLIT_SERVER_PORT", raising=False)
    assert launch.port_of(["app.py", "--server.port", "8765", "--server.headless", "true"]) == 8765
    assert launch.port_of(["app.py", "--server.port=9001"]) == 9001
    assert launch.port_of(["app.py"]) == 8501  # Streamlit's own default
    monkeypatch.setenv("STREAMLIT_SERVER_PORT", "8600")
    assert launch.port_of(["app.py"]) == 8600
    # something listening: the wait ends at once; nothing: it gives up after its patience
    import socket
    import time

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        start = time.monotonic()
        launch.wait_until_listening(server.getsockname()[1], patience=5)
        assert time.monotonic() - start < 1
        port = server.getsockname()[1]
    start = time.monotonic()
    launch.wait_until_listening(port, patience=0.3)
    assert 0.25 < time.monotonic() - start < 3


def test_the_warm_up_waits_while_another_thread_or_process_is_busy():
    """wait_until_quiet: a busy thread of the server (a visitor's script) or a busy process
    elsewhere on the machine (a browser drawing the first page) holds the warm-up back until
    its patience runs out; with both quiet it goes at once."""
    import threading
    import time

    from ui import launch

    def waited(**kwargs) -> float:
        start = time.monotonic()
        launch.wait_until_quiet(patience=0.6, **kwargs)
        return time.monotonic() - start

    never_busy = lambda: 0.0  # noqa: E731 - a machine where nothing else runs
    assert waited(machine=never_busy) < 0.6 and waited(machine=lambda: None) < 0.6

    stop = threading.Event()

    def spin():
        while not stop.is_set():
            pass

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        assert waited(machine=never_busy) >= 0.6
    finally:
        stop.set()
        spinner.join()

    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        assert launch.machine_busy_seconds() is not None   # Linux, where the tests run
        assert waited() >= 0.6
    finally:
        busy.kill()
        busy.wait()

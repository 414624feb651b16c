"""The load benchmark's websocket client (bench/load/client.py) against the real app.

One ``streamlit run app.py`` (tests/browser/server.py); the client opens the explorer,
moves "alpha" (a fragment rerun, as the browser sends it) and checks that the chart
that comes back draws f′ for the new alpha; then one rerun on the gradient page's
"Depth" slider. No run may carry an exception element. About 10-20 s.
"""

from __future__ import annotations

import asyncio
import threading
import base64
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from actlib.text import t  # noqa: E402
from bench.load.client import StreamlitClient, exception_text  # noqa: E402
from tests.browser.server import start_streamlit  # noqa: E402

F, DF = t("chart.f"), t("chart.df")


def unpack(values) -> np.ndarray:
    """A Plotly array: a plain list, or the typed-array form {"dtype", "bdata"}."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]).newbyteorder("<"))
    return np.asarray(values, dtype=float)


def trace(spec: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    for tr in spec["data"]:
        if tr.get("name") == name:
            return unpack(tr["x"]), unpack(tr["y"])
    raise AssertionError(f"no trace {name!r} in {[tr.get('name') for tr in spec['data']]}")


def assert_clean(run, what: str) -> None:
    assert not run.exceptions, f"{what}: " + "\n".join(exception_text(e) for e in run.exceptions)
    assert run.ok, f"{what}: script finished with {run.status_name}"


@pytest.fixture(scope="module")
def server():
    srv = start_streamlit("app.py", timeout=45)
    try:
        yield srv
    finally:
        srv.stop()


async def explorer_alpha(port: int) -> None:
    async with StreamlitClient(port, "", timeout=40) as client:
        assert_clean(await client.open(), "explorer, first run")
        alpha = client.widget("alpha")
        assert alpha.kind == "live_slider" and alpha.fragment_id, "alpha lives in the explorer's fragment"
        assert client.value("alpha") == pytest.approx(1.0)
        x0, df0 = trace(client.plotly_spec("explorer_chart"), DF)

        run = await client.set_value("alpha", 1.5)
        assert_clean(run, "explorer, alpha = 1.5")
        assert run.fragment_id == alpha.fragment_id
        assert run.status_name == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"
        charts = run.of_kind("bidi_component")
        assert charts, "the fragment rerun sent a new chart"
        x, df = trace(client.plotly_spec("explorer_chart"), DF)
        np.testing.assert_array_equal(x, x0)
        left = x < -0.05  # ELU: f'(x) = alpha * exp(x) for x < 0, 1 beyond
        np.testing.assert_allclose(df[left], 1.5 * np.exp(x[left].astype(np.float64)), rtol=1e-4)
        np.testing.assert_allclose(df0[left], 1.0 * np.exp(x[left].astype(np.float64)), rtol=1e-4)
        _, f = trace(client.plotly_spec("explorer_chart"), F)
        np.testing.assert_allclose(f[left], 1.5 * np.expm1(x[left].astype(np.float64)), rtol=1e-4, atol=1e-6)
        assert "alpha=1.5" in client.query_string  # the app wrote its link; the client follows it
        assert client.value("alpha") == pytest.approx(1.5)
        assert run.latency_s > 0
        assert client.exceptions_total == 0


async def flow_depth(port: int) -> None:
    async with StreamlitClient(port, "gradient_flow", timeout=40) as client:
        assert_clean(await client.open(), "gradient page, first run")
        depth = client.widget("depth")
        assert client.value("depth") == 50
        assert client.value("Width") == "128"  # select sliders keep their option labels

        run = await client.set_value("depth", 30)  # a fragment rerun if the slider sits in one
        assert_clean(run, "gradient page, depth = 30")
        assert run.fragment_id == depth.fragment_id
        assert run.status_name == ("FINISHED_FRAGMENT_RUN_SUCCESSFULLY" if depth.fragment_id
                                   else "FINISHED_SUCCESSFULLY")
        spec = client.plotly_spec("flow_chart")
        measured = spec["data"][0]
        assert list(measured["x"])[-1] == 30 and len(measured["y"]) == 30
        assert "depth=30" in client.query_string and "width=128" in client.query_string
        assert client.exceptions_total == 0



def run_in_own_loop(coroutine) -> None:
    """asyncio.run in a thread of its own: Playwright's sync API (the browser tests in the
    same session) keeps an event loop running in the main thread."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the test's thread
            failure.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]

def test_explorer_alpha_slider_over_websocket(server):
    run_in_own_loop(explorer_alpha(server.port))


def test_gradient_page_depth_over_websocket(server):
    run_in_own_loop(flow_depth(server.port))

"""Shared fixtures. Keep this small: test modules import ``reference`` directly."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

import jax.monitoring
import pytest
from hypothesis import settings

# CI runs Hypothesis derandomized: each test's examples come from a seed derived from the
# test itself, so a red CI run is red again on rerun. Locally the draws stay random (and
# the example database replays a failure). Loaded here, before any test module builds
# its own settings on top of the profile.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
HYPOTHESIS_PROFILE = "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"
settings.load_profile(HYPOTHESIS_PROFILE)


def pytest_report_header(config) -> str:
    current = settings.default
    seed = config.getoption("hypothesis_seed", None)
    origin = ("derived from each test's name (derandomize=True)" if current.derandomize
              else f"{seed} (--hypothesis-seed)" if seed is not None else "random per run")
    return f"hypothesis: profile {HYPOTHESIS_PROFILE!r}, seed {origin}"

_BACKEND_COMPILE = "/jax/core/compile/backend_compile_duration"


class CompileCounter:
    """How many XLA compilations happened while the counter was open."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, event: str, duration: float, **_) -> None:
        if event == _BACKEND_COMPILE:
            self.count += 1


@pytest.fixture
def count_compiles():
    """``with count_compiles() as c: ...`` then ``c.count``: XLA compilations inside the block."""

    @contextlib.contextmanager
    def counting() -> Iterator[CompileCounter]:
        counter = CompileCounter()
        jax.monitoring.register_event_duration_secs_listener(counter)
        try:
            yield counter
        finally:
            jax.monitoring.unregister_event_duration_listener(counter)

    return counting


@pytest.fixture(scope="session")
def browser():
    """The system Chromium through Playwright's sync API, one for the whole session: a
    second sync Playwright in the same process fails ("Sync API inside the asyncio loop")."""
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from tests.browser.server import launch_chromium, missing_chromium_message

    message = missing_chromium_message()
    if message:
        pytest.fail(message, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()

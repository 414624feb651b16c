"""Shared fixtures. Keep this small: test modules import ``reference`` directly."""

from __future__ import annotations

import contextlib
from typing import Iterator

import jax.monitoring
import pytest

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

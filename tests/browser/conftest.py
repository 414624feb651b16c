"""Fixtures for end-to-end tests in headless Chromium (mark them ``@pytest.mark.browser``).

``streamlit_server``: one ``streamlit run app.py`` for the whole session (repo root as
cwd, a free port), stopped at the end. ``browser`` (tests/conftest.py, shared with tests/test_school.py): the system Chromium
through Playwright's sync API. ``page``: a fresh 1400x900 context per test, so every test
gets its own Streamlit session. A missing /usr/bin/chromium is an error, not a skip:
CI installs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser.server import (  # noqa: E402
    ServerError, start_streamlit)

VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def streamlit_server():
    """The real app, served for the session. ``.url`` is its address."""
    try:
        server = start_streamlit("app.py")
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_url(streamlit_server) -> str:
    return streamlit_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    # the page's own complaints, printed at teardown: pytest shows them beside a failure
    said = []
    page.on("console", lambda m: said.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: said.append(f"page error: {error}"))
    yield page
    print("\n".join(said[-40:]))
    context.close()

"""Start and stop a Streamlit server, and launch the system Chromium, for browser
tests and benchmarks. Stdlib and Playwright only; no pytest here, so that
``bench/`` can import it too::

    from tests.browser.server import start_streamlit, launch_chromium
    with start_streamlit("app.py") as server:
        page.goto(server.url)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# Debian's chromium; CI installs it with apt. Playwright's own browsers are never downloaded.
CHROMIUM = os.environ.get("ACTLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


class ServerError(RuntimeError):
    """The Streamlit server did not come up; the message carries its log."""


def free_port() -> int:
    """A TCP port that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """One ``streamlit run`` child process. Use as a context manager, or call
    :meth:`start` and :meth:`stop`."""

    def __init__(self, app_path: str | os.PathLike, port: int | None = None, *,
                 cwd: str | os.PathLike = REPO_ROOT, extra_args: tuple[str, ...] = (),
                 file_watcher: str = "none", timeout: float = 60.0):
        self.app_path = str(app_path)
        self.port = port or free_port()
        self.cwd = Path(cwd)
        self.extra_args = tuple(extra_args)
        # "none": a test or bench must not rerun because someone saved a file in the
        # tree, and the default watcher walks the whole repo, .venv included.
        self.file_watcher = file_watcher
        self.timeout = timeout
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    def launcher(self) -> list[str]:
        """The command before ``run APP ...``; a subclass may wrap Streamlit."""
        return [sys.executable, "-m", "streamlit"]

    def launch_env(self) -> dict[str, str]:
        """Extra environment for the server process."""
        return {}

    def log(self) -> str:
        """Everything the server has written to stdout and stderr so far."""
        if self._log is None:
            return ""
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")

    def start(self) -> "StreamlitServer":
        if self.process is not None and self.process.poll() is None:
            return self  # already running (start_streamlit() then ``with``)
        self._log = tempfile.NamedTemporaryFile(
            "w+", prefix=f"streamlit-{self.port}-", suffix=".log", delete=False)
        cmd = [*self.launcher(), "run", self.app_path,
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", self.file_watcher, *self.extra_args]
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.launch_env())
        self.process = subprocess.Popen(cmd, cwd=self.cwd, stdout=self._log,
                                        stderr=subprocess.STDOUT, env=env)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.timeout
        health = f"{self.url}/_stcore/health"
        while True:
            code = self.process.poll()
            if code is not None:
                raise ServerError(f"streamlit run {self.app_path} exited with code {code} "
                                  f"before answering {health}.\n--- server log ---\n{self.log()}")
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise ServerError(f"streamlit run {self.app_path} did not answer {health} "
                                  f"within {self.timeout:.0f} s.\n--- server log ---\n{self.log()}")
            time.sleep(0.25)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            try:
                os.unlink(self._log.name)
            except OSError:
                pass
            self._log = None

    def __enter__(self) -> "StreamlitServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def start_streamlit(app_path: str | os.PathLike, port: int | None = None, **kwargs) -> StreamlitServer:
    """Start ``streamlit run app_path`` (cwd = repo root, so .streamlit/config.toml
    applies) and return once it answers ``/_stcore/health``. Raises
    :class:`ServerError` with the server's log otherwise. Call ``.stop()`` after,
    or use the returned object in a ``with`` block (it is already started)."""
    server = StreamlitServer(app_path, port, **kwargs)
    server.start()
    return server


def missing_chromium_message() -> str | None:
    """None when the system Chromium is there, else what to do about it."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (f"Chromium not found at {CHROMIUM}. Browser tests use the system Chromium "
            "(Debian: `sudo apt-get install chromium`; or set ACTLAB_CHROMIUM to its path). "
            "Playwright's bundled browsers are not used.")


def launch_chromium(playwright, **kwargs):
    """Launch the system Chromium headless through a Playwright (sync) instance."""
    message = missing_chromium_message()
    if message:
        raise RuntimeError(message)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True, **kwargs)

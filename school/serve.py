"""Serve a school: N app processes behind Debian's nginx, on one port.

    python -m school.serve --processes 2 --port 8501        # what `make school N=2` runs
    python -m school.serve --processes 0 --upstream 10.0.0.11:8501 --upstream 10.0.0.12:8501

Each app process is ``python -m ui.launch app.py`` (warm start, shared JAX cache) on
a free local port. nginx runs unprivileged from a temporary folder holding its whole
configuration (school/nginx.conf.template filled in): sticky sessions by a cookie the
first page load sets (not by address: a class shares one NAT address), websocket
upgrade for Streamlit's /_stcore/stream, fail-over to the next process when one dies.
``--upstream`` adds app processes on other machines: one upstream line per host.
Ctrl-C (or SIGTERM) stops nginx and the processes it started.
"""

from __future__ import annotations

import argparse
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from ui import launch  # the app processes' environment (no JAX in it)

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = os.environ.get("ACTLAB_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_config(upstreams: list[str], listen: str, folder: Path, template: str | None = None) -> str:
    """nginx.conf for app processes at ``upstreams`` ("host:port" each), listening on
    ``listen`` ("8501", "127.0.0.1:8501"), every file nginx writes under ``folder``."""
    if not upstreams:
        raise ValueError("no app process to send students to")
    lines = "\n".join(f"        server {u} max_fails=1 fail_timeout=10s;" for u in upstreams)
    # run as root (a CI container), nginx would hand its workers to "nobody"; keep the
    # invoking user, who owns the folder
    user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.geteuid() == 0 else ""
    text = TEMPLATE.read_text() if template is None else template
    for name, value in {"@UPSTREAMS@": lines, "@LISTEN@": listen, "@DIR@": str(folder),
                        "@USER@": user}.items():
        text = text.replace(name, value)
    return text


def wait_http(url: str, process: subprocess.Popen | None, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer {url} within {timeout:.0f} s")
        time.sleep(0.2)


class School:
    """The app processes and nginx; a context manager. ``url`` is the students' address,
    ``apps`` the local processes by "127.0.0.1:port"."""

    def __init__(self, processes: int = 2, port: int = 8501, *, host: str = "0.0.0.0",
                 upstreams: tuple[str, ...] = (), app: str = "app.py", timeout: float = 120.0):
        self.count, self.port, self.host = processes, port, host
        self.extra_upstreams, self.app, self.timeout = tuple(upstreams), app, timeout
        self.apps: dict[str, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self.folder: Path | None = None
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        self.url = f"http://{shown}:{port}"

    def log(self, name: str) -> str:
        """A log from the run folder: "error.log", "access.log", "app-<port>.log"."""
        path = None if self.folder is None else self.folder / name
        return path.read_text(errors="replace") if path is not None and path.exists() else ""

    def start(self) -> "School":
        self.folder = Path(tempfile.mkdtemp(prefix="actlab-school-"))
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / "tmp" / sub).mkdir(parents=True)
        secret = secrets.token_hex(16)  # one cookie secret: any process accepts any student's XSRF cookie
        try:
            for _ in range(self.count):
                self._start_app(free_port(), secret)
            for address, process in self.apps.items():
                wait_http(f"http://{address}/_stcore/health", process, self.timeout, f"app {address}")
            config = self.folder / "nginx.conf"
            config.write_text(render_config([*self.apps, *self.extra_upstreams],
                                            f"{self.host}:{self.port}", self.folder))
            self.nginx = subprocess.Popen(
                [NGINX, "-p", str(self.folder), "-c", str(config), "-e", str(self.folder / "error.log")],
                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            wait_http(f"{self.url}/_stcore/health", self.nginx, 30, "nginx")
        except BaseException:
            self.stop()
            raise
        return self

    def _start_app(self, port: int, secret: str) -> None:
        address = f"127.0.0.1:{port}"
        log = open(self.folder / f"app-{port}.log", "w")
        self.apps[address] = subprocess.Popen(
            [sys.executable, "-m", "ui.launch", self.app, "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**launch.SERVER_ENV, **os.environ, "PYTHONUNBUFFERED": "1",
                 "STREAMLIT_SERVER_COOKIE_SECRET": secret})
        log.close()  # the child has its own copy

    def stop(self) -> None:
        for process in [self.nginx, *self.apps.values()]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [self.nginx, *self.apps.values()]:
            if process is not None:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
        self.nginx = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> "School":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="app processes on this machine")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8501)))
    parser.add_argument("--host", default="0.0.0.0", help="the address nginx listens on")
    parser.add_argument("--upstream", action="append", default=[], metavar="HOST:PORT",
                        help="an app process on another machine (repeat per host)")
    args = parser.parse_args(argv)
    school = School(args.processes, args.port, host=args.host, upstreams=tuple(args.upstream))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with school:
        print(f"Activation Lab for a school: {school.url} -> {', '.join([*school.apps, *args.upstream])}"
              f"\n(logs and nginx.conf in {school.folder}; Ctrl-C stops)", flush=True)
        try:
            while school.nginx.poll() is None:  # a dead app process: nginx sends its students on
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

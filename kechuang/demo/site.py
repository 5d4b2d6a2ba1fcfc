"""A throw-away demo site on a free loopback port, for `make fuzz` and `make loadtest`.

`DemoSite` loads the Qingtian demo into a SQLite database in a temporary directory (or copies
one already loaded), serves it with gunicorn on 127.0.0.1 and, when asked, runs a task worker
beside it. Leaving the `with` block stops every process it started and removes the directory.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(var_dir: Path, **overrides: str) -> dict[str, str]:
    """The site's environment: its own var dir and secret, the report's date, no throttling
    (a tool sends far more requests a minute than a person) and errors-only logging."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        KECHUANG_VAR_DIR=str(var_dir),
        KECHUANG_TODAY="2023-06-30",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        API_THROTTLE_ANON="1000000/min",
        API_THROTTLE_USER="1000000/min",
        API_THROTTLE_TOKEN="1000000/min",
        LOGIN_FAILURE_LIMIT="1000000",
        LOGIN_ADDRESS_FAILURE_LIMIT="1000000",
        LOG_LEVEL="ERROR",
    )
    env.update(overrides)
    return env


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class DemoSite:
    """The demo served by gunicorn (`workers` processes, `threads` each) on a free port."""

    def __init__(
        self,
        *,
        workers: int = 2,
        threads: int = 1,
        task_worker: bool = False,
        database: Path | None = None,
        gunicorn_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        prefix: str = "kechuang-site-",
    ):
        self.workers, self.threads, self.task_worker = workers, threads, task_worker
        self.database, self.gunicorn_args = database, gunicorn_args
        self.overrides, self.prefix = env or {}, prefix
        self.processes: list[subprocess.Popen] = []
        self.base = ""

    def __enter__(self) -> DemoSite:
        # A terminated run still stops its processes and removes its directory.
        signal.signal(signal.SIGTERM, _interrupt)
        self.var_dir = Path(tempfile.mkdtemp(prefix=self.prefix))
        self.env = environment(self.var_dir, **self.overrides)
        try:
            self._load()
            port = free_port()
            self.base = f"http://127.0.0.1:{port}"
            self._start(
                "-m",
                "gunicorn",
                "kechuang.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--timeout",
                "120",
                "--log-level",
                "warning",
                *self.gunicorn_args,
            )
            if self.task_worker:
                self._start("-m", "kechuang", "db_worker", "--no-startup-delay", "--no-reload")
            wait_for(f"{self.base}/healthz")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        shutil.rmtree(self.var_dir, ignore_errors=True)

    def _load(self) -> None:
        if self.database is not None:
            shutil.copyfile(self.database, self.var_dir / "kechuang.sqlite3")
            self._run("-m", "kechuang", "migrate", "--verbosity", "0")
            return
        print("载入演示数据……", flush=True)
        self._run("-m", "kechuang", "demo", "--no-serve")

    def _run(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, *args], env=self.env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )

    def _start(self, *args: str) -> None:
        self.processes.append(
            subprocess.Popen(
                [sys.executable, *args], env=self.env, cwd=ROOT, start_new_session=True
            )
        )

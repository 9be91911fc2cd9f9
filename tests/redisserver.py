"""A real redis-server on a free loopback port, and `listen worker` processes, for the queue tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def wait_for(predicate, timeout: float = 90, every: float = 0.2):
    """Poll until predicate() returns something true, and return it; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """Start, stop and restart a throwaway redis-server in a folder (no persistence unless aof)."""

    def __init__(self, folder: Path, aof: bool = False):
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server, or `make test`)")
        self.folder = folder
        self.aof = aof  # append-only file on, as the README asks of production Redis: a restart keeps the queue
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes" if self.aof else "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url).flushall()


def start_worker(redis_url: str, cache_dir: Path, *extra: str, heartbeat_s: float | None = None,
                 log: Path | None = None, name: str = "", env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a `listen worker` (or, for a short heartbeat, the same worker through Python) in a child process."""
    env = {**os.environ, "LISTEN_REDIS_URL": redis_url, "LISTEN_CACHE_DIR": str(cache_dir), "LISTEN_JOBS": "1",
           **(env or {})}
    if heartbeat_s is None:
        command = [sys.executable, "-m", "listen", "worker", *extra]
    else:
        code = ("import sys; from listen.config import Settings; from listen.queue.worker import run_worker; "
                f"sys.exit(run_worker(Settings.from_env(), name={name or None!r}, heartbeat_s={heartbeat_s}))")
        command = [sys.executable, "-c", code]
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
    return subprocess.Popen(command, env=env, stdout=out, stderr=out, start_new_session=True)


def stop_worker(process: subprocess.Popen) -> None:
    """Stop a worker and its engine processes."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # engines left behind by a killed worker
    except ProcessLookupError:
        pass

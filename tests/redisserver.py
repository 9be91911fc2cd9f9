"""`listen worker` processes for the queue tests, and the real redis-server they share (support/redis.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import support.redis
from listen.config import Settings
from listen.queue.client import BACKOFF_S, RenderQueue
from listen.reading.plaintext import from_text
from listen.render.renderer import Renderer


def wait_for(predicate, timeout: float = 90, every: float = 0.2):
    """Poll until predicate() returns something true, and return it; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out")


class RedisServer(support.redis.RedisServer):
    """support.redis.RedisServer, skipping the test where redis-server is not installed."""

    def __init__(self, folder: Path, aof: bool = False):
        try:
            super().__init__(folder, aof)
        except support.redis.RedisMissing as exc:
            pytest.skip(str(exc))


def start_worker(
    redis_url: str,
    cache_dir: Path,
    *extra: str,
    heartbeat_s: float | None = None,
    log: Path | None = None,
    name: str = "",
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """Start a `listen worker` (or, for a short heartbeat, the same worker through Python) in a child process."""
    env = {
        **os.environ,
        "LISTEN_REDIS_URL": redis_url,
        "LISTEN_CACHE_DIR": str(cache_dir),
        "LISTEN_JOBS": "1",
        **(env or {}),
    }
    if heartbeat_s is None:
        command = [sys.executable, "-m", "listen", "worker", *extra]
    else:
        code = (
            "import sys; from listen.config import Settings; from listen.queue.worker import run_worker; "
            f"sys.exit(run_worker(Settings.from_env(), name={name or None!r}, heartbeat_s={heartbeat_s}))"
        )
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
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # engines left behind by a killed worker


def enqueue(settings: Settings, text: str, backoff: tuple[int, ...] = BACKOFF_S) -> tuple[RenderQueue, str]:
    """Put an article on the queue as a web process does (retried after `backoff`); return the queue and its key."""
    queue = RenderQueue(settings, backoff=backoff)
    plan = Renderer(settings).plan(article := from_text(text))
    assert queue.submit(
        plan.key,
        article,
        settings,
        plan.script.title,
        len(plan.script.sentences),
        sum(len(s.chunks) for s in plan.script.sentences),
    )
    return queue, plan.key

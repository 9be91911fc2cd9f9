"""A throwaway redis-server on a free loopback port, for the queue and stats tests and the benchmarks.

In: a folder for its files (and whether to keep an append-only file). Out: a running server at
`url`, which can be flushed, stopped and started again on the same port.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from support.ports import free_port


class RedisMissing(RuntimeError):
    """redis-server is not installed."""


class RedisServer:
    """Start, stop and restart a throwaway redis-server in a folder (no persistence unless aof)."""

    def __init__(self, folder: Path, aof: bool = False, password: str = "", user: str = ""):
        if shutil.which("redis-server") is None:
            raise RedisMissing("redis-server is not installed (apt-get install redis-server, or `make test`)")
        self.folder = folder
        self.aof = (
            aof  # append-only file on, as the README asks of production Redis: a restart keeps the queue
        )
        self.port = free_port()
        # With a password, clients must authenticate: as the default user (`requirepass`), or as
        # an ACL user of that name with every right on every key and channel.
        self.user, self.password = user, password
        self.auth = []
        if password and user:
            self.auth = [
                "--user",
                "default",
                "off",
                "--user",
                user,
                "on",
                f">{password}",
                "~*",
                "&*",
                "+@all",
            ]
        elif password:
            self.auth = ["--requirepass", password]
        credentials = f"{user}:{password}@" if password else ""
        self.url = f"redis://{credentials}127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> RedisServer:
        """Start the server and return once it answers PING."""
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes" if self.aof else "no",
                "--dir",
                str(self.folder),
                *self.auth,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith((b"+PONG", b"-NOAUTH")):  # up, and asking for a password
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

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

"""A free TCP port on the loopback interface, for servers the tests and benchmarks start."""

from __future__ import annotations

import socket


def free_port() -> int:
    """Return a port nothing on 127.0.0.1 listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

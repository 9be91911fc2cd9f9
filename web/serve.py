"""Serve the app with waitress (a production WSGI server), not Flask's development server."""

from __future__ import annotations

import errno
import logging
import signal
import socket
from typing import Any

from waitress import create_server

from listen.config import Settings
from listen.errors import SystemProblemError

from . import close_app, create_app
from .streams import REQUEST_THREADS


def serve(settings: Settings) -> None:
    """Boot the engine workers, start the sample render, and serve until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = _Deferred()
    # Streams of partial audio hold a thread each while an article renders.
    # Threads: a request's thread waits on waitress's main loop to flush its response, so
    # throughput grows with threads (measured with wrk, 50 connections of Range requests:
    # 8 threads ~200 req/s, 32 ~630). Keep-alive clients each hold a connection: allow
    # many (waitress's default 100 makes the 101st wait), on poll() rather than select().
    # Bind before booting engines and rendering the sample: a port in use is said at once.
    try:
        server = create_server(
            app,
            host=settings.service.host,
            port=settings.service.port,
            threads=REQUEST_THREADS,  # web/streams.py caps the streams that hold one
            ident="listen",
            connection_limit=1000,
            asyncore_use_poll=True,
            # Leave X-Forwarded-For and Forwarded to the app: web/clients.py believes them from
            # LISTEN_TRUSTED_PROXIES alone (waitress would drop them, or trust one proxy's count).
            clear_untrusted_proxy_headers=False,
        )
    except OSError as exc:
        raise _bind_error(exc, settings.service.host, settings.service.port) from None
    host = f"[{settings.service.host}]" if ":" in settings.service.host else settings.service.host
    # A service manager stops us with SIGTERM: shut down as cleanly as on Ctrl+C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        app.app = create_app(settings)
        print(f"listen is serving on http://{host}:{server.effective_port}/  (Ctrl+C stops it)", flush=True)
        service = settings.service
        if service.host in ("0.0.0.0", "::") and not (service.public_url or service.allowed_hosts):
            # Other machines reach us by a name or address we cannot guess; their Host would get 400.
            print(
                "listen: serving on every address, but answering only Host "
                f"{host}:{service.port} and loopback names; set LISTEN_PUBLIC_URL (or LISTEN_ALLOWED_HOSTS) "
                "to the name clients use",
                flush=True,
            )
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if app.app is not None:
            close_app(app.app)


class _Deferred:
    """A WSGI app that forwards to the real one, made once the port is ours."""

    def __init__(self) -> None:
        self.app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


def _bind_error(exc: OSError, host: str, port: int) -> SystemProblemError:
    """Say why we cannot listen on host:port, and what to do instead."""
    if exc.errno == errno.EADDRINUSE:
        return SystemProblemError(
            f"Port {port} on {host} is in use (another `listen serve`?); choose another "
            f"with --port {port + 1 if port < 65535 else 8000} or PORT=..., or stop "
            "the program using it."
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return SystemProblemError(
            f"Port {port} needs administrator rights; choose a port from 1024 up "
            "with --port, such as --port 8000."
        )
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return SystemProblemError(
            f"{host} is not an address of this machine; use --host 127.0.0.1 (this "
            "machine only) or --host 0.0.0.0 (every network)."
        )
    return SystemProblemError(
        f"Cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --host or --port."
    )

"""Serve the app with waitress (a production WSGI server), not Flask's development server."""

from __future__ import annotations

import logging
import signal

from waitress import create_server

from listen.config import Settings

from . import close_app, create_app


def serve(settings: Settings) -> None:
    """Boot the engine workers, start the sample render, and serve until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    # Streams of partial audio hold a thread each while an article renders.
    # Threads: a request's thread waits on waitress's main loop to flush its response, so
    # throughput grows with threads (measured with wrk, 50 connections of Range requests:
    # 8 threads ~200 req/s, 32 ~630). Keep-alive clients each hold a connection: allow
    # many (waitress's default 100 makes the 101st wait), on poll() rather than select().
    server = create_server(app, host=settings.service.host, port=settings.service.port, threads=32, ident="listen",
                           connection_limit=1000, asyncore_use_poll=True)
    host = f"[{settings.service.host}]" if ":" in settings.service.host else settings.service.host
    print(f"listen is serving on http://{host}:{server.effective_port}/  (Ctrl+C stops it)", flush=True)
    service = settings.service
    if service.host in ("0.0.0.0", "::") and not (service.public_url or service.allowed_hosts):
        # Other machines reach us by a name or address we cannot guess; their Host would get 400.
        print("listen: serving on every address, but answering only Host "
              f"{host}:{service.port} and loopback names; set LISTEN_PUBLIC_URL (or LISTEN_ALLOWED_HOSTS) "
              "to the name clients use", flush=True)
    # A service manager stops us with SIGTERM: shut down as cleanly as on Ctrl+C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        close_app(app)

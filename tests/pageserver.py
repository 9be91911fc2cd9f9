"""A local HTTP server that serves saved pages to the fetching tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """One canned response."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    # Leave out Content-Length, so the client must stream to the end of the connection.
    stream: bool = False


class PageServer:
    """Serve canned routes on 127.0.0.1 at a free port, recording the requests it gets."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append({"path": self.path, **{k: v for k, v in self.headers.items()}})
                route = server.routes.get(self.path, Route(b"not found", 404, {"Content-Type": "text/plain"}))
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in route.headers and not route.stream:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: object) -> None:
                pass  # keep test output quiet

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def add(
        self, path: str, body: bytes | str, status: int = 200, stream: bool = False, **headers: str
    ) -> None:
        """Serve `body` at `path`; header names use underscores for dashes."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        merged = {"Content-Type": "text/html; charset=utf-8"}
        merged.update({k.replace("_", "-"): v for k, v in headers.items()})
        self.routes[path] = Route(data, status, merged, stream)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.add(path, b"", status, Location=location)

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

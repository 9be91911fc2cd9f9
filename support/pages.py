"""Local HTTP servers on loopback for the fetching tests and the benchmarks.

PageServer serves canned pages (body, status, headers) and records the requests it gets;
DripServer sends its answer one byte at a time, as a slow or hostile site would.
"""

from __future__ import annotations

import socket
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
            def do_GET(self) -> None:  # http.server's naming
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


class DripServer:
    """A page server on loopback that sends its answer one byte every `every_s` seconds."""

    HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: " + b"x" * 400 + b"\r\n\r\n"
    BODY = b"One slow sentence after another. " * 20

    def __init__(self, where: str = "body", every_s: float = 0.5, head: bytes = HEAD, body: bytes = BODY):
        # In the headers, the whole answer drips; in the body, the headers come at once.
        self.at_once, self.drip = (b"", head + body) if where == "headers" else (head, body)
        self.every_s = every_s
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str = "/slow") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(self.at_once)
                for byte in self.drip:
                    if self.stopped.wait(self.every_s):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()

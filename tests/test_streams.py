"""Streams of an article's audio while it renders hold a request thread each: a few clients reading
slowly can never take the server. Each test provokes it for real, on waitress with its production
thread count, with sockets that read a byte at a time.

The rendering articles are queued with no queue worker, so they render never and their streams
wait for ever: the worst case. The deadlines are generous (a busy machine passes); without the caps
the other requests never answer at all.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import article_text, post_ready, running_app, serving
from redisserver import wait_for

from web import manager_of
from web.streams import ALL_STREAMS, PER_CLIENT, REQUEST_THREADS

DEADLINE_S = 60.0  # a request that has not answered by then never will: the server is stuck


class SlowReader:
    """A client that asks for a stream and then reads its answer a byte at a time, when it reads at all."""

    def __init__(self, port: int, path: str, forwarded_for: str | None = None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
        headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        if forwarded_for:
            headers += f"X-Forwarded-For: {forwarded_for}\r\n"
        self.sock.sendall((headers + "\r\n").encode())

    def status_line(self) -> bytes:
        line = b""
        while not line.endswith(b"\r\n"):
            byte = self.sock.recv(1)
            if not byte:
                break
            line += byte
        return line

    def close(self) -> None:
        self.sock.close()


def answered(readers: list[SlowReader], count: int) -> list[SlowReader]:
    """The readers that have an answer waiting, once there are `count` of them."""
    ready, _, _ = select.select([r.sock for r in readers], [], [], 0)
    return [r for r in readers if r.sock in ready] if len(ready) == count else []


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE_S)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextmanager
def queued_server(cache, redis_url: str, redis_server) -> Iterator[tuple[object, int]]:
    """A real server enqueueing into Redis (no worker), trusting loopback as its proxy; its streams ended after."""
    with (
        running_app(cache, redis_url=redis_url, trusted_proxies="127.0.0.1") as app,
        serving(app, threads=REQUEST_THREADS) as port,
    ):
        try:
            yield app, port
        finally:
            redis_server.flush()  # the queue forgets its jobs: the streams waiting on them end
            wait_for(lambda: app.extensions["listen_streams"].held == 0, timeout=DEADLINE_S)


def rendering_articles(port: int, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE_S)
        conn.request(
            "POST",
            "/api/v1/articles",
            body=json.dumps({"text": article_text(3)}),
            headers={"Content-Type": "application/json"},
        )
        answer = json.loads(conn.getresponse().read())
        conn.close()
        assert answer["status"] == "rendering", answer
        ids.append(answer["id"])
    return ids


@pytest.mark.slow
def test_forty_slow_readers_of_rendering_audio_leave_status_pages_voices_and_ready_audio_answering(
    tmp_path, redis_url, redis_server
):
    cache = tmp_path / "cache"
    with running_app(cache) as app:  # rendered in this process: ready in the shared cache
        ready = post_ready(app.test_client(), app, text=article_text(2))["id"]
    with queued_server(cache, redis_url, redis_server) as (app, port):
        articles = rendering_articles(port, 4)
        slots = app.extensions["listen_streams"]
        readers = [
            SlowReader(port, f"/api/v1/articles/{articles[n % 4]}/audio.mp3", forwarded_for=f"198.51.100.{n}")
            for n in range(40)
        ]
        try:
            wait_for(lambda: slots.held + slots.refused == 40, timeout=DEADLINE_S)
            assert slots.held == ALL_STREAMS
            for _ in range(3):
                for path in (
                    f"/api/v1/articles/{articles[0]}",
                    f"/a/{articles[0]}",
                    "/",
                    "/api/v1/voices",
                    f"/api/v1/articles/{ready}",
                    f"/a/{ready}",
                ):
                    status, _ = get(port, path)
                    assert status == 200, path
                status, audio = get(port, f"/api/v1/articles/{ready}/audio.mp3")
                assert status == 200
                assert audio[:3] == b"ID3"
                status, part = get(port, f"/api/v1/articles/{ready}/audio.mp3", {"Range": "bytes=100-199"})
                assert (status, part) == (206, audio[100:200])
            # The readers past the cap were told at once; the streams taken are still held.
            told = wait_for(lambda: answered(readers, 40 - ALL_STREAMS), timeout=DEADLINE_S)
            assert all(b" 503 " in reader.status_line() for reader in told)
            assert slots.held == ALL_STREAMS
        finally:
            for reader in readers:
                reader.close()


@pytest.mark.slow
def test_one_client_holds_at_most_two_streams_of_rendering_audio(tmp_path, redis_url, redis_server):
    with queued_server(tmp_path / "cache", redis_url, redis_server) as (app, port):
        (article,) = rendering_articles(port, 1)
        slots = app.extensions["listen_streams"]
        path = f"/api/v1/articles/{article}/audio.mp3"
        readers = [SlowReader(port, path, forwarded_for="203.0.113.9") for _ in range(5)]
        try:
            wait_for(lambda: slots.held + slots.refused == 5, timeout=DEADLINE_S)
            assert slots.held == PER_CLIENT
            # Another client (a forwarded address our proxy vouches for) still gets its stream.
            other = SlowReader(port, path, forwarded_for="203.0.113.10")
            wait_for(lambda: slots.held == PER_CLIENT + 1, timeout=DEADLINE_S)
            other.close()
        finally:
            for reader in readers:
                reader.close()


class StalledReader:
    """A client that asks for a range of finished audio and never reads it (a tiny receive window)."""

    def __init__(self, port: int, path: str):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect(("127.0.0.1", port))
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nRange: bytes=0-\r\n\r\n".encode()
        )


@pytest.mark.slow
def test_clients_that_never_read_a_range_of_finished_audio_hold_no_request_thread(tmp_path):
    with running_app(tmp_path / "cache") as app:
        # Read slowly, for more audio than the socket buffers between us hold (about 3 MB on loopback).
        ready = post_ready(app.test_client(), app, text=article_text(150), rate=80)["id"]
        assert manager_of(app).get(ready).rendition.mp3.stat().st_size > 4_000_000
        # Two threads, and a small buffer: each stalled range would hold a thread once it fills.
        with serving(app, threads=2, outbuf_high_watermark=64 * 1024) as port:
            stalled = [StalledReader(port, f"/api/v1/articles/{ready}/audio.mp3") for _ in range(4)]
            try:
                for path in ("/api/v1/voices", f"/api/v1/articles/{ready}", "/"):
                    status, _ = get(port, path)
                    assert status == 200, path
            finally:
                for reader in stalled:
                    reader.sock.close()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["HEAD", "GET"])
def test_a_stream_of_rendering_audio_gives_its_place_back_when_it_ends(tmp_path, method):
    with running_app(tmp_path / "cache", engine_workers=1) as app:
        client = app.test_client()
        key = client.post("/api/v1/articles", json={"text": article_text(80)}).json["id"]
        response = client.open(f"/api/v1/articles/{key}/audio.mp3", method=method, buffered=False)
        assert response.headers["X-Listen-Status"] == "rendering"
        assert app.extensions["listen_streams"].held == 1
        response.close()  # read or not: a server closes every response it is given
        assert app.extensions["listen_streams"].held == 0

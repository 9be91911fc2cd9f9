"""Load a real `listen serve` on loopback: many clients reading cached audio, a burst of new articles,
slow readers of audio still rendering.

    .venv/bin/python bench/load_bench.py [--clients 200] [--requests 5] [--articles 20] [--queue]
                                         [--readers 40] [--phases ranges,burst,slow-readers]

1. 200 concurrent clients each make a few Range requests for a cached MP3: errors and
   p50/p99 latency. 2. 20 new articles posted at once: every one must complete, none lost.
3. (issue 25, item 1) 40 clients, each its own address behind a trusted proxy (the server
   trusts loopback and reads X-Forwarded-For), open the audio of a long article that is still
   rendering and read it a byte a second; meanwhile status, pages, voices and finished audio
   are asked for in turn: their p50/p99 latency and timeouts (target p99 under 100 ms).
Figures are set against the naive pipeline (espeak-ng -w + ffmpeg) timed in the same run.
With --queue the server enqueues into a throwaway redis-server and two `listen worker`
processes render. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT, SEED, naive_seconds, stop  # bench/ is on sys.path when run as a script
from web_bench import request, start_server, wait_until_ready

from support.ports import free_port
from support.redis import RedisServer

DEADLINE_S = 600  # no phase may run longer than this
READER_TIMEOUT_S = 15  # a request among slow readers that takes longer has timed out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def range_client(
    port: int,
    path: str,
    size: int,
    requests: int,
    latencies: list[float],
    errors: list[str],
    start: threading.Barrier,
) -> None:
    """Make a few Range requests on one keep-alive connection, checking every answer."""
    rng = random.Random()
    start.wait()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for _ in range(requests):
            a = rng.randrange(0, size - 1)
            b = min(size - 1, a + rng.randrange(1, 64 * 1024))
            t = time.perf_counter()
            conn.request("GET", path, headers={"Range": f"bytes={a}-{b}"})
            response = conn.getresponse()
            body = response.read()
            latencies.append(time.perf_counter() - t)
            if (
                response.status != 206
                or len(body) != b - a + 1
                or response.getheader("Content-Range") != f"bytes {a}-{b}/{size}"
            ):
                errors.append(f"{response.status} {len(body)} for bytes={a}-{b}")
    except (OSError, http.client.HTTPException) as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def cached_ranges(port: int, key: str, clients: int, requests: int) -> None:
    path = f"/api/v1/articles/{key}/audio.mp3"
    status, data = request(port, "GET", path)
    assert status == 200, status
    latencies: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(clients)
    threads = [
        threading.Thread(
            target=range_client,
            args=(port, path, len(data), requests, latencies, errors, barrier),
            daemon=True,
        )
        for _ in range(clients)
    ]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE_S)
    wall = time.perf_counter() - began
    done = len(latencies)
    print(
        f"{clients} clients x {requests} Range requests on a cached {len(data) / 1000:.0f} kB MP3: "
        f"{done} answered in {wall:.2f} s ({done / wall:.0f} req/s), {len(errors)} errors, "
        f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms"
    )
    for e in errors[:5]:
        print(f"  error: {e}")
    return None


def burst(port: int, articles: int, naive: float, tmp: Path) -> None:
    """Post distinct articles at once, then poll until each is ready or failed (bounded)."""
    paragraphs = [p for p in SEED.read_text("utf-8").split("\n\n") if len(p) > 200][:2]
    texts = [
        f"Load Test Article Number {n}\n\n" + "\n\n".join(paragraphs) + f"\n\nThis is article {n}.\n"
        for n in range(articles)
    ]
    one = tmp / "burst-article.txt"
    one.write_text(texts[0], "utf-8")
    naive_all = articles * statistics.median(naive_seconds(one, tmp) for _ in range(3))
    ids: list[str | None] = [None] * articles
    statuses: list[int] = [0] * articles
    barrier = threading.Barrier(articles)

    def post(n: int) -> None:
        barrier.wait()
        # Its own rate changes every chunk's key: each article renders from scratch.
        status, data = request(port, "POST", "/api/v1/articles", {"text": texts[n], "rate": 150 + n})
        statuses[n] = status
        if status in (200, 202):
            ids[n] = json.loads(data)["id"]

    began = time.perf_counter()
    threads = [threading.Thread(target=post, args=(n,), daemon=True) for n in range(articles)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    accepted = sum(1 for i in ids if i)
    state: dict[str, str] = {}
    while time.perf_counter() - began < DEADLINE_S:
        for key in {i for i in ids if i and state.get(i) not in ("ready", "failed")}:
            status, data = request(port, "GET", f"/api/v1/articles/{key}")
            state[key] = json.loads(data)["status"] if status == 200 else f"http {status}"
            if state[key] not in ("ready", "rendering"):
                print(f"  {key[:12]}: {state[key]}: {data[:300]!r}")
        if all(state.get(i) in ("ready", "failed") for i in ids if i):
            break
        time.sleep(0.5)
    wall = time.perf_counter() - began
    ready = sum(1 for i in ids if i and state.get(i) == "ready")
    print(
        f"{articles} new articles posted at once: {accepted} accepted (statuses {sorted(set(statuses))}), "
        f"{ready} completed, {articles - ready} lost or failed, all done in {wall:.1f} s "
        f"= {wall / naive_all:.2f}x the naive pipeline run on each of them in turn ({naive_all:.1f} s)"
    )


class SlowReader:
    """A client that opens a stream and reads it a byte a second, from its own address behind the proxy."""

    def __init__(self, port: int, path: str, address: str):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Forwarded-For: {address}\r\n\r\n".encode()
        )
        self.first = b""
        self.closed = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while not self.closed:
                byte = self.sock.recv(1)
                if not byte:
                    return
                if len(self.first) < 16:
                    self.first += byte
                time.sleep(1)
        except OSError:
            return

    def close(self) -> None:
        self.closed = True
        self.sock.close()


def time_requests(port: int, paths: list[str], seconds: float) -> tuple[list[float], int, int]:
    """Ask for each path in turn for `seconds`: the latencies, the timeouts and the errors."""
    latencies: list[float] = []
    timeouts = errors = 0
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        path = paths[n % len(paths)]
        n += 1
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=READER_TIMEOUT_S)
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Range": "bytes=0-65535"} if path.endswith(".mp3") else {})
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - began)
            errors += response.status not in (200, 206)
        except TimeoutError:
            timeouts += 1
        except (OSError, http.client.HTTPException):
            errors += 1
        finally:
            conn.close()
        time.sleep(0.05)
    return latencies, timeouts, errors


def describe(latencies: list[float], timeouts: int, errors: int) -> str:
    if not latencies:
        return f"none answered, {timeouts} timed out after {READER_TIMEOUT_S:.0f} s"
    return (
        f"{len(latencies)} answered, {timeouts} timed out after {READER_TIMEOUT_S:.0f} s, {errors} errors; "
        f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms"
    )


def slow_readers(port: int, ready: str, readers: int, seconds: float) -> None:
    """Hold `readers` slow streams of a rendering article's audio; time other requests meanwhile."""
    # Every sentence its own (a repeated one would come from the cache): minutes of rendering.
    long_text = "A Long Article Read Slowly\n\n" + "\n\n".join(
        " ".join(
            f"In paragraph {p}, sentence {n} says the council met {p * 10 + n} times this year."
            for n in range(6)
        )
        for p in range(100)
    )
    _status, data = request(port, "POST", "/api/v1/articles", {"text": long_text})
    key = json.loads(data)["id"]
    paths = [
        f"/api/v1/articles/{key}?since=999",  # as a polling player asks: what it lacks
        f"/a/{ready}",
        "/api/v1/voices",
        f"/api/v1/articles/{ready}",
        f"/api/v1/articles/{ready}/audio.mp3",
    ]
    # The same requests while the article renders, first with no reader: what the machine gives.
    alone = time_requests(port, paths, seconds / 2)
    held = [
        SlowReader(port, f"/api/v1/articles/{key}/audio.mp3", f"198.51.100.{n + 1}") for n in range(readers)
    ]
    time.sleep(2)  # let every stream reach the server
    among = time_requests(port, paths, seconds)
    told = sum(1 for r in held if b" 503 " in r.first)
    for r in held:
        r.close()
    latencies, timeouts, _ = among
    met = latencies and not timeouts and percentile(latencies, 0.99) < 0.1
    print(f"status, page, voices and finished audio while a long article renders: {describe(*alone)}")
    print(
        f"  the same with {readers} slow readers (a byte a second, each its own client) of its audio, "
        f"{told} of them told 503 at once: {describe(*among)} (target p99 < 100 ms: {'ok' if met else 'MISSED'})"
    )


def main() -> int:
    # These figures are espeak-ng's against the naive espeak-ng pipeline: pin the engine
    # (bench/piper_bench.py measures the neural one against naive Piper).
    os.environ.setdefault("LISTEN_ENGINE", "pyttsx3")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=5, help="Range requests per client")
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--queue", action="store_true", help="render on two queue workers through Redis")
    parser.add_argument("--readers", type=int, default=40, help="slow readers of a rendering article")
    parser.add_argument("--seconds", type=float, default=30, help="how long the slow readers hold on")
    parser.add_argument("--phases", default="ranges,burst,slow-readers")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmpdir:
        tmp = Path(tmpdir)
        naive = statistics.median(naive_seconds(SEED, tmp) for _ in range(3))
        print(f"naive pipeline (espeak-ng -w + ffmpeg 64k), seed article: {naive:.3f} s")
        children: list[subprocess.Popen] = []  # queue workers
        redis = None
        if args.queue:
            if not shutil.which("redis-server"):
                print("redis-server is not installed; run without --queue")
                return 1
            redis = RedisServer(tmp).start()
            os.environ["LISTEN_REDIS_URL"] = redis.url
            for _ in range(2):
                children.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "listen",
                            "worker",
                            "--jobs",
                            "1",
                            "--cache-dir",
                            str(tmp / "cache"),
                        ],
                        cwd=ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                )
        port = free_port()
        # Loopback is the proxy: each slow reader names its own client in X-Forwarded-For.
        server = start_server(port, tmp / "cache", LISTEN_TRUSTED_PROXIES="127.0.0.1")
        try:
            sample = wait_until_ready(port, SEED.read_text("utf-8"))
            if "ranges" in phases:
                cached_ranges(port, sample, args.clients, args.requests)
            if "burst" in phases:
                burst(port, args.articles, naive, tmp)
            if "slow-readers" in phases:
                slow_readers(port, sample, args.readers, args.seconds)
        finally:
            stop(server)
            for child in children:  # workers (with their engines) first, then Redis
                os.killpg(child.pid, signal.SIGTERM)
                try:
                    child.wait(15)
                except subprocess.TimeoutExpired:
                    child.kill()
            if redis is not None:
                redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

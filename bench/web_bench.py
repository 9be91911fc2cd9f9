"""Time the web side against the naive pipeline, through a real `listen serve` on loopback.

    .venv/bin/python bench/web_bench.py [--runs 3]

Prints: the naive full render (espeak-ng -w of the seed text, then ffmpeg to a 64 kb/s MP3),
then POST -> first audio bytes for a never-seen article (target at most 0.1x naive), and a
cached audio GET (target at most 0.02x naive). A fresh cache is used for every run of the bench.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import SEED, naive_seconds, start_server, stop  # bench/ is on sys.path when run as a script

from support.ports import free_port


def request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def first_audio_bytes(port: int, text: str, rate: int) -> tuple[float, float, int]:
    """POST a new article and read its audio: seconds to the first bytes, to the end, and bytes read."""
    start = time.perf_counter()
    status, data = request(port, "POST", "/api/v1/articles", {"text": text, "rate": rate})
    assert status == 202, (status, data[:200])
    key = json.loads(data)["id"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", f"/api/v1/articles/{key}/audio.mp3")
    response = conn.getresponse()
    first = response.read1(65536)
    first_s = time.perf_counter() - start
    assert response.status == 200, response.status
    assert first, response.status
    total = len(first) + len(response.read())
    conn.close()
    return first_s, time.perf_counter() - start, total


def wait_until_ready(port: int, text: str, timeout: float = 300) -> str:
    """Post an article until the server says it is ready (the sample renders at start-up)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status, data = request(port, "POST", "/api/v1/articles", {"text": text})
        if status == 200:
            return json.loads(data)["id"]
        time.sleep(0.2)
    raise TimeoutError("the article never became ready")


def main() -> int:
    # These figures are espeak-ng's against the naive espeak-ng pipeline: pin the engine
    # (bench/piper_bench.py measures the neural one against naive Piper).
    os.environ.setdefault("LISTEN_ENGINE", "pyttsx3")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = SEED.read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        naive = statistics.median(naive_seconds(SEED, tmp) for _ in range(args.runs))
        print(f"naive pipeline (espeak-ng -w + ffmpeg 64k), seed article: {naive:.3f} s")

        port = free_port()
        server = start_server(port, tmp / "cache")
        try:
            booted = time.perf_counter()
            sample = wait_until_ready(port, text)  # the server renders the sample (this seed) at start-up
            print(f"server up; sample article ready {time.perf_counter() - booted:.1f} s after start")

            # A different rate changes every chunk key: a never-seen article, rendered from scratch.
            firsts, fulls = [], []
            for n in range(args.runs):
                first_s, full_s, size = first_audio_bytes(port, text, rate=175 + 5 * n)
                firsts.append(first_s)
                fulls.append(full_s)
                print(
                    f"  cold run {n + 1}: first audio bytes {first_s * 1000:.0f} ms, whole stream "
                    f"{full_s:.2f} s ({size / 1000:.0f} kB)"
                )
            first = statistics.median(firsts)
            print(
                f"POST -> first audio bytes (never-seen article): {first * 1000:.0f} ms = {first / naive:.3f}x naive "
                f"(target <= 0.1x: {'ok' if first <= 0.1 * naive else 'MISSED'})"
            )
            print(
                f"POST -> whole streamed MP3: {statistics.median(fulls):.2f} s = "
                f"{statistics.median(fulls) / naive:.2f}x naive"
            )

            cached = []
            for _ in range(20):
                start = time.perf_counter()
                status, data = request(port, "GET", f"/api/v1/articles/{sample}/audio.mp3")
                cached.append(time.perf_counter() - start)
                assert status == 200
                assert len(data) > 10_000
            hot = statistics.median(cached)
            print(
                f"cached audio GET ({len(data) / 1000:.0f} kB, median of 20): {hot * 1000:.1f} ms = "
                f"{hot / naive:.4f}x naive (target <= 0.02x: {'ok' if hot <= 0.02 * naive else 'MISSED'})"
            )
        finally:
            stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())

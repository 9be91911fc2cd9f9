"""Faults against a real `listen serve` on loopback: huge posts, slow pages, damaged audio.

    .venv/bin/python bench/fault_bench.py

1. (issue 15, item 1) Posts of ~1.9 MB (prose, one long word, emoji): how long the POST
   takes to answer, and the latency of GET /api/v1/voices made while the article is planned.
2. (item 5) 40 posts of a URL that drips a byte a second: how many are taken and how
   many refused with 503 + Retry-After, and the latency of audio, page and status
   requests meanwhile; how long until a drip is cut off.
3. (item 3) A finished MP3 damaged on disk (bytes flipped, then truncated): what the next
   GETs answer, and whether a damaged byte is ever served.
4. (issue 25, item 9; `--items stop`) SIGTERM to `listen serve` while it renders a long article
   with the real engine: how long until the process has exited, and what the cache holds then
   (chunks kept, partial files, the rendition).

Parts 1 and 2 run the server with a throwaway redis-server and no queue worker, so a
planned article is enqueued and not rendered (the bench measures reading and planning
alone); part 3 runs it in one process. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import SEED, start_server, stop  # bench/ is on sys.path when run as a script

from support.pages import DripServer
from support.ports import free_port
from support.redis import RedisServer

PHASE_S = 120  # no loop runs longer than this
PLANNING_S = 90  # how long to watch one huge post being planned


def call(
    port: int, method: str, path: str, body: dict | None = None, headers: dict | None = None
) -> tuple[int, dict[str, str], bytes, float]:
    """One request: status, headers, body and seconds taken."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PHASE_S)
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    sent = {"Content-Type": "application/json"} if data else {}
    start = time.perf_counter()
    conn.request(method, path, body=data, headers={**sent, **(headers or {})})
    response = conn.getresponse()
    content = response.read()
    took = time.perf_counter() - start
    conn.close()
    return response.status, dict(response.getheaders()), content, took


def ready_article(port: int, text: str) -> str:
    """Post an article and wait until it is ready; return its id."""
    _status, _, body, _ = call(port, "POST", "/api/v1/articles", {"text": text})
    key = json.loads(body)["id"]
    end = time.monotonic() + PHASE_S
    while time.monotonic() < end:
        data = json.loads(call(port, "GET", f"/api/v1/articles/{key}")[2])
        if data["status"] == "ready":
            return data["id"]
        time.sleep(0.2)
    raise TimeoutError("the article never became ready")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def latencies(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"{len(values)} requests, p50 {ms(statistics.median(values))}, p99 {ms(p99)}, max {ms(ordered[-1])}"
    )


# -- part 1 ------------------------------------------------------------------------------------------


def big_texts() -> dict[str, str]:
    sentence = "On 3 March 2024 Dr. Smith of St. Mary's paid $2.50 for 12 km of U.S. road (about 7.5 mi). "
    return {
        "1.9 MB of prose": "A Very Long Article\n\n" + sentence * (1_900_000 // len(sentence)),
        "1.9 MB single word": "a" * 1_900_000,
        "470,000 emoji": "\U0001f600" * 470_000,
    }


def huge_posts(port: int) -> None:
    for name, text in big_texts().items():
        status, _, body, took = call(port, "POST", "/api/v1/articles", {"text": text})
        key = json.loads(body).get("id", "")
        gets: list[float] = []
        planned_after = None
        began = time.monotonic()
        while time.monotonic() - began < PLANNING_S:
            gets.append(call(port, "GET", "/api/v1/voices")[3])
            time.sleep(0.01)
            if len(gets) % 10 == 0:
                shown = json.loads(call(port, "GET", f"/api/v1/articles/{key}")[2])
                if shown.get("id") != key or shown.get("status") == "failed":
                    planned_after = time.monotonic() - began
                    break
        waited = time.monotonic() - began
        planned = (
            f"planned in {planned_after:.1f} s"
            if planned_after is not None
            else f"still planning when the GETs stopped, {waited:.1f} s after the POST"
        )
        print(
            f"  {name}: POST answered {status} in {ms(took)}; {planned}; GET /api/v1/voices meanwhile: "
            f"{latencies(gets)}"
        )


# -- part 2 ------------------------------------------------------------------------------------------


def slow_pages(port: int, ready: str) -> None:
    # The whole answer, headers and all, one byte a second.
    drip = DripServer(
        "headers",
        every_s=1.0,
        head=b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
        body=b"<p>slow</p>" * 100,
    )
    try:
        answers: list[tuple[int, dict[str, str], bytes, float]] = []
        for n in range(40):
            answers.append(
                call(port, "POST", "/api/v1/articles", {"url": f"http://127.0.0.1:{drip.port}/{n}"})
            )
        taken = [json.loads(a[2])["id"] for a in answers if a[0] == 202]
        refused = [a for a in answers if a[0] == 503]
        retry = sorted({a[1].get("Retry-After", "none") for a in refused})
        print(
            f"  40 posts of a drip URL: {len(taken)} taken (202), {len(refused)} refused with 503 "
            f"(Retry-After {', '.join(retry) or '-'}), others {len(answers) - len(taken) - len(refused)}; "
            f"POSTs answered in at most {ms(max(a[3] for a in answers))}"
        )
        audio, pages, status = [], [], []
        for _ in range(30):
            audio.append(
                call(port, "GET", f"/api/v1/articles/{ready}/audio.mp3", headers={"Range": "bytes=0-65535"})[
                    3
                ]
            )
            pages.append(call(port, "GET", f"/a/{ready}")[3])
            status.append(call(port, "GET", f"/api/v1/articles/{taken[0]}")[3])
        print(f"  meanwhile, Range GETs of a ready MP3: {latencies(audio)}")
        print(f"  meanwhile, article pages: {latencies(pages)}")
        print(f"  meanwhile, status of a drip post: {latencies(status)}")
        began = time.monotonic()
        error = ""
        while time.monotonic() - began < PHASE_S:
            shown = json.loads(call(port, "GET", f"/api/v1/articles/{taken[0]}")[2])
            if shown["status"] == "failed":
                error = shown.get("error", "")
                break
            time.sleep(0.5)
        print(
            f"  the first drip post failed {time.monotonic() - began:.1f} s after the figures above: {error!r}"
        )
    finally:
        drip.close()


# -- part 3 ------------------------------------------------------------------------------------------


def damaged_audio(port: int, cache: Path, text: str) -> None:
    key = ready_article(port, text)
    path = f"/api/v1/articles/{key}/audio.mp3"
    good = call(port, "GET", path)[2]
    mp3 = cache / "renditions" / key[:2] / f"{key}.mp3"
    damaged_served = 0
    for name in ("64 bytes flipped", "truncated to a third"):
        raw = bytearray(mp3.read_bytes())
        if name.startswith("64"):
            middle = len(raw) // 2
            raw[middle : middle + 64] = bytes(b ^ 0xFF for b in raw[middle : middle + 64])
        else:
            raw = raw[: len(raw) // 3]
        mp3.write_bytes(bytes(raw))
        status, headers, body, took = call(port, "GET", path)
        ok = body in (good, good[good.find(b"\xff\xf3") :])
        damaged_served += body == bytes(raw)
        status2, _, body2, took2 = call(port, "GET", path)
        print(
            f"  {name}: next GET {status} ({headers.get('Cache-Control')}) in {ms(took)}, "
            f"{len(body):,} bytes, {'the new render' if ok else 'NOT the good audio'}; "
            f"then {status2} in {ms(took2)}, {'identical to the original' if body2 == good else 'DIFFERENT'}"
        )
    print(f"  damaged bytes served: {damaged_served} of 2 GETs")


def stop_mid_render(tmp: Path) -> None:
    cache, port = tmp / "stop-cache", free_port()
    text = SEED.read_text("utf-8")  # about 1,100 words: minutes of rendering
    server = start_server(port, cache, LISTEN_JOBS="2")
    try:
        key = call(port, "POST", "/api/v1/articles", {"text": text})[2]
        key = json.loads(key)["id"]
        deadline = time.monotonic() + PHASE_S
        while time.monotonic() < deadline:
            info = json.loads(call(port, "GET", f"/api/v1/articles/{key}")[2])
            if info.get("progress", 0) > 0.1:
                break
            time.sleep(0.2)
        began = time.perf_counter()
        server.terminate()
        server.wait(PHASE_S)
        took = time.perf_counter() - began
    finally:
        if server.poll() is None:
            server.kill()
    chunks = len(list((cache / "chunks").rglob("*.flac")))
    partial = [p.name for p in (cache / "tmp").iterdir()]
    finished = (cache / "renditions" / key[:2] / f"{key}.mp3").exists()
    print(
        f"  SIGTERM at {info.get('progress', 0):.0%} of the render: exited in {ms(took)} (code {server.returncode}); "
        f"{chunks} chunks kept, {len(partial)} files in tmp/, rendition {'finished' if finished else 'not finished'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items",
        default="1,3,5",
        help="which of issue 15's items to run (default 1,3,5), and stop (issue 25's SIGTERM)",
    )
    items = set(parser.parse_args().items.split(","))
    redis_server = shutil.which("redis-server")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        cache = tmp / "cache"
        text = (
            "A Damaged Article\n\nIts first paragraph has two sentences. Here is the second one.\n\n"
            "The last paragraph is short. It ends now.\n"
        )

        if "stop" in items:
            print("issue 25 item 9: SIGTERM to listen serve during a long render (real engine)")
            stop_mid_render(tmp)
            if items == {"stop"}:
                return 0
        port = free_port()
        server = start_server(port, cache)
        try:
            if "3" in items:
                print("item 3: a damaged rendition (one process)")
                damaged_audio(port, cache, text)
            ready = ready_article(port, text)
        finally:
            stop(server)

        if redis_server is None:
            print("items 1 and 5 skipped: redis-server is not installed")
            return 0
        redis = RedisServer(tmp).start()
        port = free_port()
        server = start_server(
            port,
            cache,
            LISTEN_REDIS_URL=redis.url,
            LISTEN_ALLOW_PRIVATE_HOSTS="1",
            LISTEN_FETCH_DEADLINE_S="20",
            LISTEN_INTAKE_TIMEOUT_S="60",
        )
        try:
            if "1" in items:
                print("item 1: huge posts (planned in the intake pool; enqueued, not rendered)")
                huge_posts(port)
            if "5" in items:
                print("item 5: slow pages (intake pool of 2 processes, 16 posts in hand at most)")
                slow_pages(port, ready)
        finally:
            stop(server)
            redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

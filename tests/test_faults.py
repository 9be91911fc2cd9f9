"""Faults, each provoked for real: dead workers and engines, a full disk, a Redis restart.

Truncated or corrupt cache entries are re-rendered, never served: see tests/test_render.py
(test_a_truncated_cached_chunk_is_rendered_again_not_served, ..._piece_..., and
test_a_corrupt_cached_rendition_is_rendered_again_not_served); the queue's side of it is below.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import article_text as unique_article
from conftest import running_app, tmpfs
from redisserver import enqueue, start_worker, stop_worker, wait_for

from listen.audio.flac import decode_chunk
from listen.audio.mp3 import id3_size
from listen.cache.store import unseal
from listen.config import Settings
from listen.errors import CacheError, ListenError
from listen.queue.client import QUEUED, READY, RENDERING
from listen.reading.plaintext import from_text
from listen.render.renderer import Renderer
from web import manager_of


def article_text(sentences: int) -> str:
    # Longer sentences: a render lasts long enough to be interrupted.
    return unique_article(sentences, "Fault sentence {i} of article {n} says a little more than needed.")


# -- queue workers ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_worker_killed_mid_render_has_its_job_completed_by_another(redis_url, tmp_path):
    cache = tmp_path / "cache"
    settings = Settings.of(cache_dir=cache, engine_workers=1, redis_url=redis_url)
    first = start_worker(redis_url, cache, heartbeat_s=1, name="first", log=tmp_path / "first.log")
    second = None
    try:
        # Retried at once: a retry after a backoff waits for RQ's scheduler, and the killed worker's
        # scheduler holds its lock for a minute after it dies (tests/test_redis_outage.py waits
        # that minute, and sees another worker's scheduler take over and run the retries).
        queue, key = enqueue(settings, article_text(12), backoff=(0,))
        info = wait_for(
            lambda: (i := queue.status(key))["status"] == RENDERING and i.get("done", 0) >= 1 and i
        )
        assert info["done"] < info["total"], "the kill must land mid-render"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        # With no worker left, the job is not "rendering" for ever: its try is failed and retried.
        retried = wait_for(
            lambda: "queued again" in ((i := queue.status(key)).get("error") or "") and i, timeout=60
        )
        assert retried["status"] == QUEUED
        assert "try 2 of 4" in retried["error"]
        second = start_worker(redis_url, cache, heartbeat_s=1, name="second", log=tmp_path / "second.log")
        # Watching the job (as a web process does) puts it back on the queue once the heartbeats stop.
        wait_for(lambda: queue.status(key)["status"] == READY, timeout=120)
        assert queue._fetch(key).worker_name == "second"
        assert Renderer(settings).cache.get_rendition(key) is not None
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)


@pytest.fixture
def queued_app(redis_url, tmp_path):
    """A web app that enqueues on the test's Redis, and one `listen worker` sharing its cache."""
    cache = tmp_path / "cache"
    with running_app(cache, engine_workers=1, redis_url=redis_url) as app:
        worker = start_worker(redis_url, cache, log=tmp_path / "worker.log")
        try:
            yield app, worker
        finally:
            stop_worker(worker)


@pytest.mark.slow
def test_workers_and_web_processes_reconnect_after_a_redis_restart(redis_server, queued_app):
    app, worker = queued_app
    client = app.test_client()
    key = client.post("/api/v1/articles", json={"text": article_text(1)}).json["id"]
    assert manager_of(app).get(key).wait(90)
    redis_server.stop()
    assert client.post("/api/v1/articles", json={"text": article_text(1)}).status_code == 503
    redis_server.start()
    response = client.post("/api/v1/articles", json={"text": article_text(1)})
    assert response.status_code == 202, response.json
    job = manager_of(app).get(response.json["id"])
    assert job.wait(90), job.error
    assert job.status == READY, job.error
    assert worker.poll() is None


@pytest.mark.slow
def test_a_damaged_rendition_in_the_shared_cache_is_not_served_and_a_new_post_renders_it(queued_app):
    app, _ = queued_app
    client = app.test_client()
    text = article_text(1)
    key = client.post("/api/v1/articles", json={"text": text}).json["id"]
    job = manager_of(app).get(key)
    assert job.wait(90)
    assert job.status == READY
    mp3 = job.rendition.mp3
    good = mp3.read_bytes()
    mp3.write_bytes(good[:500])
    # This web process knows what the rendition was made of: a worker renders it again, and
    # the listener gets the stream of it meanwhile, never the damaged file.
    audio = client.get(f"/api/v1/articles/{key}/audio.mp3")
    assert audio.status_code == 200
    assert audio.headers["Cache-Control"] == "no-store"
    assert audio.data in (good, good[id3_size(good) :])  # the stream starts in the new file if it is done
    job = manager_of(app).get(key)
    assert job.wait(90)
    assert job.status == READY
    assert client.get(f"/api/v1/articles/{key}/audio.mp3").data == good
    # Damaged again, and posted again: rendered again.
    mp3.write_bytes(good[:500])
    assert client.post("/api/v1/articles", json={"text": text}).status_code in (200, 202)
    job = manager_of(app).get(key)
    assert job.wait(90)
    assert job.status == READY
    assert client.get(f"/api/v1/articles/{key}/audio.mp3").data == good


# -- damaged renditions in one process -------------------------------------------------------------


def flip_bytes(path: Path) -> None:
    """Flip a run of bytes in the middle of a file, keeping its size."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


@pytest.mark.parametrize("damage", [flip_bytes, truncate], ids=["flipped", "truncated"])
@pytest.mark.slow
def test_a_damaged_rendition_is_never_served_and_is_rendered_again(damage, tmp_path):
    with running_app(tmp_path / "cache") as app:
        client = app.test_client()
        key = client.post("/api/v1/articles", json={"text": article_text(3)}).json["id"]
        job = manager_of(app).get(key)
        assert job.wait(120), job.error
        assert job.status == READY, job.error
        good = job.rendition.mp3.read_bytes()
        url = f"/api/v1/articles/{key}/audio.mp3"
        assert client.get(url).data == good
        damage(job.rendition.mp3)
        damaged = job.rendition.mp3.read_bytes()
        # A Range request as a player resumes, then a whole GET: each gets the stream of the
        # new render (never the damaged bytes, never a year of caching), or 503 with Retry-After.
        for headers in ({"Range": "bytes=0-"}, {}):
            response = client.get(url, headers=headers)
            assert response.status_code in (200, 503)
            if response.status_code == 503:
                assert int(response.headers["Retry-After"]) > 0
            else:  # the new render's stream: its frames, or the whole new file once it is done
                assert response.data != damaged
                assert response.data in (good, good[id3_size(good) :])
        job = manager_of(app).get(key)
        assert job.wait(120), job.error
        assert job.status == READY, job.error
        served = client.get(url)
        assert served.status_code == 200
        assert served.data == good
        assert client.get(url, headers={"Range": "bytes=0-99"}).data == good[:100]


def zero_keeping_times(path: Path) -> None:
    """Zero 2,000 bytes in the middle, then put the file's times back (as `touch -r` does, or as a
    file system that keeps times to the second shows a write made in the same second)."""
    before = path.stat()
    with open(path, "r+b") as f:
        f.seek(before.st_size // 2)
        f.write(b"\0" * 2000)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.slow
def test_a_rendition_zeroed_in_the_middle_with_its_times_kept_is_never_served(tmp_path):
    with running_app(tmp_path / "cache") as app:
        client = app.test_client()
        key = client.post("/api/v1/articles", json={"text": article_text(6)}).json["id"]
        job = manager_of(app).get(key)
        assert job.wait(120), job.error
        url = f"/api/v1/articles/{key}/audio.mp3"
        good = client.get(url).data
        zero_keeping_times(job.rendition.mp3)
        damaged = job.rendition.mp3.read_bytes()
        assert damaged != good
        response = client.get(url)
        assert response.data != damaged
        assert response.status_code in (200, 503)
        job = manager_of(app).get(key)
        assert job.wait(120), job.error
        assert client.get(url).data == good


@pytest.mark.slow
def test_after_a_restart_a_damaged_rendition_is_not_served_and_is_rendered_again(tmp_path):
    cache, text = tmp_path / "cache", article_text(2)
    with running_app(cache) as app:
        key = app.test_client().post("/api/v1/articles", json={"text": text}).json["id"]
        job = manager_of(app).get(key)
        assert job.wait(120), job.error
        assert job.status == READY, job.error
        mp3, good = job.rendition.mp3, job.rendition.mp3.read_bytes()
    flip_bytes(mp3)
    damaged = mp3.read_bytes()
    with running_app(cache) as app:
        client = app.test_client()
        # Checked against its digest before this process serves it first: not served, rendered
        # again from the article the cache kept, the listener getting the new render's stream.
        response = client.get(f"/api/v1/articles/{key}/audio.mp3")
        assert response.status_code in (200, 503)
        if response.status_code == 200:
            assert response.headers["Cache-Control"] == "no-store"
            assert response.data != damaged
            assert response.data in (good, good[id3_size(good) :])
        job = manager_of(app).get(key)
        assert job.wait(120), job.error
        assert job.status == READY, job.error
        assert client.get(f"/api/v1/articles/{key}/audio.mp3").data == good
    flip_bytes(mp3)
    with running_app(cache) as app:  # and posting the article again renders it too
        client = app.test_client()
        assert client.post("/api/v1/articles", json={"text": text}).json["id"] == key
        job = manager_of(app).get(key)
        assert job.wait(120)
        assert job.status == READY
        assert client.get(f"/api/v1/articles/{key}/audio.mp3").data == good


# -- engines and disks ----------------------------------------------------------------------------


def test_an_engine_process_killed_mid_render_has_its_chunks_retried(tmp_path):
    """A real engine, killed by pid while it renders (tests/test_workers.py covers a job that kills itself)."""
    renderer = Renderer(Settings.of(cache_dir=tmp_path / "cache", engine_workers=1))
    killed: list[int] = []

    def kill_the_engine(progress) -> None:
        if not killed:  # the first piece is in; the only engine is now rendering the next one
            process = renderer.pool.slots[0].process
            killed.append(process.pid)
            os.kill(process.pid, signal.SIGKILL)

    try:
        renderer.start()
        rendition = renderer.render(from_text(article_text(8)), progress=kill_the_engine)
        assert killed
        assert renderer.pool.slots[0].process.pid != killed[0]
        assert len(rendition.timings["sentences"]) == 9
        assert rendition.engine_calls > rendition.chunks_rendered, "the killed piece was tried again"
    finally:
        renderer.close()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 200 KB tmpfs for the cache: a few seconds of audio fill it."""
    with tmpfs(tmp_path / "tiny", "200k") as mount:
        yield mount


def render_on_a_full_disk(cache: Path) -> ListenError:
    # A short engine timeout: a full disk can make the engine hang rather than fail (see below).
    renderer = Renderer(Settings.of(cache_dir=cache, engine_workers=1, chunk_timeout_s=3))
    try:
        with pytest.raises(ListenError) as caught:
            renderer.render(from_text(article_text(6)))
    finally:
        renderer.close()
    return caught.value


def test_a_full_disk_fails_the_render_and_leaves_no_corrupt_entry(tiny_disk):
    render_on_a_full_disk(tiny_disk)
    for path in (tiny_disk / "chunks").rglob("*.flac"):
        assert decode_chunk(path.read_bytes()) is not None, f"corrupt chunk left behind: {path}"
    for path in (tiny_disk / "pieces").rglob("*.piece"):
        assert unseal(path.read_bytes()) is not None, f"corrupt piece left behind: {path}"
    assert not list((tiny_disk / "renditions").rglob("*.mp3"))
    assert not [p for p in (tiny_disk / "tmp").iterdir() if p.suffix == ".mp3"], "partial MP3s left behind"


def test_a_full_disk_gives_a_cache_error_that_says_the_disk_is_full(tiny_disk):
    error = render_on_a_full_disk(tiny_disk)
    assert isinstance(error, CacheError), f"{type(error).__name__}: {error.message}"
    assert "full" in error.message
    assert "prune" in error.message


@pytest.mark.slow
def test_on_a_full_disk_the_web_job_fails_saying_so_and_leaves_nothing_behind(tiny_disk):
    with running_app(tiny_disk, engine_workers=1, chunk_timeout_s=3) as app:
        client = app.test_client()
        posted = client.post("/api/v1/articles", json={"text": article_text(8)})
        key = posted.json["id"]
        job = manager_of(app).get(key)
        assert job.wait(120)
        assert job.status == "failed"
        error = client.get(f"/api/v1/articles/{key}").json["error"]
        assert "disk" in error, error
        assert "full" in error, error
        assert str(tiny_disk) not in error, "no server paths"
        assert "/" not in error.replace("/api", ""), "no server paths"
        audio = client.get(f"/api/v1/articles/{key}/audio.mp3")
        assert audio.status_code != 200
        assert audio.json["error"]["message"] == error
        assert not list((tiny_disk / "renditions").rglob("*.mp3")), "an unsealed MP3 left behind"
        assert [p.name for p in (tiny_disk / "tmp").iterdir()] == [], "partial files of the failed render"


def fill(disk: Path) -> None:
    """Fill a file system to the last byte."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass  # full
    finally:
        os.close(fd)


@pytest.mark.slow
def test_an_audio_get_while_a_render_fails_is_never_200_with_no_bytes(tiny_disk):
    with running_app(tiny_disk, engine_workers=1, chunk_timeout_s=3) as app:
        fill(tiny_disk)  # not even the headline's audio fits: the render fails before any byte
        client = app.test_client()
        key = client.post("/api/v1/articles", json={"text": article_text(8)}).json["id"]
        audio = client.get(f"/api/v1/articles/{key}/audio.mp3")  # asked at once, while it renders
        assert audio.status_code != 200, f"{len(audio.data)} bytes with a 200"
        assert "full" in audio.json["error"]["message"]


# -- processes that stop, and never outlive their parent ----------------------------------------------


def children_of() -> dict[int, list[int]]:
    """Every live process's children, from /proc (zombies left out: they are dead)."""
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def descendants(pid: int) -> set[int]:
    tree, found, todo = children_of(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_a_worker_killed_with_sigkill_leaves_no_scheduler_fork_server_or_engine_running(redis_url, tmp_path):
    worker = start_worker(redis_url, tmp_path / "cache", log=tmp_path / "worker.log")
    try:
        # Its RQ scheduler (a fork), the engine workers' fork server, and an engine worker forked from that.
        grandchildren = lambda: {p for c in descendants(worker.pid) for p in descendants(c)}  # noqa: E731
        wait_for(lambda: len(descendants(worker.pid)) >= 2 and grandchildren(), timeout=120)
        left = descendants(worker.pid)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        wait_for(lambda: not [p for p in left if alive(p)], timeout=30)
    finally:
        stop_worker(worker)


@pytest.mark.slow
def test_sigterm_stops_serve_mid_render_within_ten_seconds_keeping_finished_chunks_and_no_partial_files(
    tmp_path,
):
    from support.ports import free_port

    cache, port = tmp_path / "cache", free_port()
    env = {
        **os.environ,
        "LISTEN_CACHE_DIR": str(cache),
        "LISTEN_JOBS": "1",
        # A long render: a quarter of a second a chunk. The one it stops is the sample article's, which
        # `serve` starts rendering with a fresh cache (some 70 chunks): an article posted now would wait
        # behind it, and the stop is the same for any render.
        "LISTEN_FAKE_ENGINE_SECONDS_PER_CHUNK": "0.25",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "listen", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        assert b"serving" in server.stdout.readline()
        wait_for(lambda: list((cache / "chunks").rglob("*.flac")))  # its first chunk is done
        server.send_signal(signal.SIGTERM)
        assert server.wait(10) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
    assert list((cache / "chunks").rglob("*.flac")), "the finished chunks stay cached"
    assert not list((cache / "renditions").rglob("*.mp3")), "the render did not finish"
    assert [p.name for p in (cache / "tmp").iterdir()] == [], "no partial files"


# -- Redis away for a moment, as the web process sees it ----------------------------------------------


@pytest.mark.slow
def test_while_redis_is_down_the_api_answers_503_with_retry_after_and_never_names_redis(
    redis_server, redis_url, tmp_path
):
    with running_app(tmp_path / "cache", engine_workers=1, redis_url=redis_url, start_workers=False) as app:
        client = app.test_client()
        redis_server.stop()
        try:
            for response in (
                client.post("/api/v1/articles", json={"text": article_text(1)}),
                client.get(f"/api/v1/articles/{'a' * 64}"),
            ):
                assert response.status_code == 503
                assert int(response.headers["Retry-After"]) > 0
                said = response.get_data(as_text=True)
                assert "127.0.0.1" not in said
                assert str(redis_server.port) not in said
                assert "redis://" not in said
        finally:
            redis_server.start()


class HeldPage:
    """A page on loopback that answers only once the test lets it (its request is seen first)."""

    def __init__(self, body: str):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from threading import Event, Thread

        self.asked, self.let_go = Event(), Event()
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page.asked.set()
                page.let_go.wait(60)
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/story.html"
        Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.let_go.set()
        self.httpd.shutdown()


STORY = """<!doctype html><html><head><title>Quay lights go out | Lowtown Courier</title></head><body>
<article><h1>Quay lights go out</h1><p>The lights on the quay go out at ten from Friday.</p>
<p>The council says it saves money and keeps the night sky dark.</p></article></body></html>"""


@pytest.mark.slow
def test_an_article_planned_while_redis_restarts_waits_for_it_and_is_rendered_not_failed(
    redis_server, redis_url, tmp_path
):
    cache = tmp_path / "cache"
    page = HeldPage(STORY)
    with running_app(
        cache, engine_workers=1, redis_url=redis_url, allow_private_hosts=True, intake_wait_ms=0
    ) as app:
        worker = start_worker(redis_url, cache, log=tmp_path / "worker.log")
        try:
            posted = app.test_client().post("/api/v1/articles", json={"url": page.url})
            assert posted.status_code == 202, posted.json
            job = manager_of(app).get(posted.json["id"])
            assert page.asked.wait(120)
            redis_server.stop()  # the article is planned, and queued, while Redis restarts
            page.let_go.set()
            wait_for(lambda: job.error and "waits" in job.error, timeout=120)
            assert job.status != "failed"
            redis_server.start()
            assert job.wait(180), job.error
            assert job.status == READY, job.error
        finally:
            page.close()
            stop_worker(worker)

"""Faults, each provoked for real: dead workers and engines, a full disk, a Redis restart.

Truncated or corrupt cache entries are re-rendered, never served: see tests/test_render.py
(test_a_truncated_cached_chunk_is_rendered_again_not_served, ..._piece_..., and
test_a_corrupt_cached_rendition_is_rendered_again_not_served); the queue's side of it is below.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from conftest import article_text as unique_article
from conftest import running_app
from redisserver import start_worker, stop_worker, wait_for

from listen.cache import decode_wav, unseal
from listen.config import Settings
from listen.errors import CacheError, ListenError
from listen.plaintext import from_text
from listen.render import Renderer
from listen.render_queue import READY, RENDERING, RenderQueue
from web import manager_of


def article_text(sentences: int) -> str:
    # Longer sentences: a render lasts long enough to be interrupted.
    return unique_article(sentences, "Fault sentence {i} of article {n} says a little more than needed.")


def enqueue(settings: Settings, sentences: int) -> tuple[RenderQueue, str]:
    queue = RenderQueue(settings)
    plan = Renderer(settings).plan(article := from_text(article_text(sentences)))
    assert queue.submit(plan.key, article, settings, plan.script.title, len(plan.script.sentences),
                        sum(len(s.chunks) for s in plan.script.sentences))
    return queue, plan.key


# -- queue workers ------------------------------------------------------------------------------


def test_a_worker_killed_mid_render_has_its_job_completed_by_another(redis_url, tmp_path):
    cache = tmp_path / "cache"
    settings = Settings.of(cache_dir=cache, engine_workers=1, redis_url=redis_url)
    first = start_worker(redis_url, cache, heartbeat_s=1, name="first", log=tmp_path / "first.log")
    second = None
    try:
        queue, key = enqueue(settings, 12)
        info = wait_for(lambda: (i := queue.status(key))["status"] == RENDERING and i.get("done", 0) >= 1 and i)
        assert info["done"] < info["total"], "the kill must land mid-render"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
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
    assert job.wait(90) and job.status == READY, job.error
    assert worker.poll() is None


def test_a_damaged_rendition_in_the_shared_cache_is_not_served_and_a_new_post_renders_it(queued_app):
    app, _ = queued_app
    client = app.test_client()
    text = article_text(1)
    key = client.post("/api/v1/articles", json={"text": text}).json["id"]
    job = manager_of(app).get(key)
    assert job.wait(90) and job.status == READY
    mp3 = job.rendition.mp3
    mp3.write_bytes(mp3.read_bytes()[:500])
    audio = client.get(f"/api/v1/articles/{key}/audio.mp3")
    assert audio.status_code == 409 and "post the article again" in audio.json["error"]["message"]
    assert client.post("/api/v1/articles", json={"text": text}).status_code == 202
    job = manager_of(app).get(key)
    assert job.wait(90) and job.status == READY
    assert len(client.get(f"/api/v1/articles/{key}/audio.mp3").data) > 500


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
        assert killed and renderer.pool.slots[0].process.pid != killed[0]
        assert len(rendition.timings["sentences"]) == 9
        assert rendition.engine_calls > rendition.chunks_rendered, "the killed piece was tried again"
    finally:
        renderer.close()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 200 KB tmpfs for the cache: a few seconds of audio fill it."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


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
    for path in (tiny_disk / "chunks").rglob("*.wav"):
        assert decode_wav(path.read_bytes()) is not None, f"corrupt chunk left behind: {path}"
    for path in (tiny_disk / "pieces").rglob("*.piece"):
        assert unseal(path.read_bytes()) is not None, f"corrupt piece left behind: {path}"
    assert not list((tiny_disk / "renditions").rglob("*.mp3"))
    assert not [p for p in (tiny_disk / "tmp").iterdir() if p.suffix == ".mp3"], "partial MP3s left behind"


def test_a_full_disk_gives_a_cache_error_that_says_the_disk_is_full(tiny_disk):
    error = render_on_a_full_disk(tiny_disk)
    assert isinstance(error, CacheError), f"{type(error).__name__}: {error.message}"
    assert "full" in error.message and "prune" in error.message

"""Rendering through Redis and `listen worker`: enqueue, single-flight, bounded queue, retries, batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import article_text
from redisserver import start_worker, stop_worker, wait_for

from listen.config import Settings
from listen.queue.client import FAILED, READY, RenderQueue
from listen.reading.plaintext import from_text
from listen.render.renderer import Renderer
from web import close_app, create_app, manager_of


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def worker(redis_url, cache, tmp_path):
    process = start_worker(redis_url, cache, log=tmp_path / "worker.log")
    yield process
    stop_worker(process)


@pytest.fixture
def impatient_worker(redis_url, cache, tmp_path):
    """A worker whose engine timeout is far too short for any sentence: every try fails as a broken engine would."""
    process = start_worker(
        redis_url, cache, log=tmp_path / "worker.log", env={"LISTEN_CHUNK_TIMEOUT_S": "0.001"}
    )
    yield process
    stop_worker(process)


def queued_app(redis_url: str, cache: Path, **settings):
    return create_app(
        Settings.of(cache_dir=cache, engine_workers=1, redis_url=redis_url, intake_wait_ms=30000, **settings),
        render_sample=False,
    )


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "listen", *args], capture_output=True, timeout=300, env={**os.environ, **env}
    )


@pytest.mark.slow
def test_the_web_app_enqueues_and_a_worker_renders_what_any_web_process_can_then_report(
    redis_url, cache, worker
):
    app, other = queued_app(redis_url, cache), queued_app(redis_url, cache)
    try:
        response = app.test_client().post("/api/v1/articles", json={"text": article_text(3)})
        assert response.status_code == 202
        key = response.json["id"]
        assert manager_of(app).base._pool is None, "the web process must not boot engines of its own"
        # Another web process knows the job from Redis alone.
        client = other.test_client()
        assert client.get(f"/api/v1/articles/{key}").json["status"] in ("rendering", "ready")
        data = wait_for(lambda: (d := client.get(f"/api/v1/articles/{key}").json)["status"] == "ready" and d)
        assert data["progress"] == 1.0
        assert len(data["sentences"]) == 4  # the headline and three sentences
        audio = client.get(f"/api/v1/articles/{key}/audio.mp3", headers={"Range": "bytes=0-99"})
        assert audio.status_code == 206
        assert len(audio.data) == 100
    finally:
        close_app(app)
        close_app(other)


@pytest.mark.slow
def test_a_keyed_servers_article_is_rendered_by_a_worker_under_its_keyed_id(redis_url, cache, worker):
    app = queued_app(redis_url, cache, api_keys="k")
    try:
        client = app.test_client()
        response = client.post("/api/v1/articles", json={"text": article_text(2)}, headers={"X-API-Key": "k"})
        assert response.status_code == 202
        key = response.json["id"]
        data = wait_for(
            lambda: (d := client.get(f"/api/v1/articles/{key}").json)["status"] in ("ready", "failed") and d
        )
        assert data["status"] == "ready", data
        assert client.get(f"/api/v1/articles/{key}/timings.json").json["id"] == key
    finally:
        close_app(app)


@pytest.mark.slow
def test_a_queued_article_streams_its_audio_through_the_web_process(redis_url, cache, worker):
    app = queued_app(redis_url, cache)
    try:
        client = app.test_client()
        key = client.post("/api/v1/articles", json={"text": article_text(4)}).json["id"]
        body = client.get(f"/api/v1/articles/{key}/audio.mp3").data  # follows the render to its end
        final = manager_of(app).get(key)
        assert final.status == READY
        assert len(body) > 1000
        assert body[-200:] == final.rendition.mp3.read_bytes()[-200:]
    finally:
        close_app(app)


@pytest.mark.slow
def test_identical_posts_from_two_web_processes_make_one_job(redis_url, cache):
    app, other = queued_app(redis_url, cache), queued_app(redis_url, cache)
    try:
        text = article_text()
        first = app.test_client().post("/api/v1/articles", json={"text": text})
        second = other.test_client().post("/api/v1/articles", json={"text": text})
        assert first.json["id"] == second.json["id"]
        assert manager_of(app).renders_started + manager_of(other).renders_started == 1
        assert manager_of(app).queue.length == 1
    finally:
        close_app(app)
        close_app(other)


@pytest.mark.slow
def test_a_full_queue_answers_503_with_retry_after(redis_url, cache):
    app = queued_app(redis_url, cache, queue_limit=2)
    try:
        client = app.test_client()
        for _ in range(2):
            assert client.post("/api/v1/articles", json={"text": article_text()}).status_code == 202
        response = client.post("/api/v1/articles", json={"text": article_text()})
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert response.json["error"]["code"] == "busy"
    finally:
        close_app(app)


@pytest.mark.slow
def test_a_job_that_keeps_failing_is_retried_with_backoff_then_parked_with_its_error(
    redis_url, cache, impatient_worker
):
    settings = Settings.of(cache_dir=cache, engine_workers=1, redis_url=redis_url)
    queue = RenderQueue(settings, retries=2, backoff=(1,))
    plan = Renderer(settings).plan(article := from_text(article_text(1)))
    assert queue.submit(plan.key, article, settings, plan.script.title, 2, 2)
    info = wait_for(lambda: (i := queue.status(plan.key))["status"] == FAILED and i, timeout=120)
    assert info["tries"] == 3, "the first try and two retries"
    assert "after 2 tries" in info["error"]
    assert "sentence" in info["error"]
    assert plan.key in queue.queue.failed_job_registry.get_job_ids()
    # Posting a parked job again starts it afresh.
    assert queue.submit(plan.key, article, settings, plan.script.title, 2, 2) is True
    assert queue.status(plan.key)["status"] in ("queued", "rendering")


@pytest.mark.slow
def test_batch_queue_waits_for_the_workers_and_writes_every_output(redis_url, cache, worker, tmp_path):
    inputs = []
    for n in range(3):
        path = tmp_path / f"article-{n}.txt"
        path.write_text(article_text())
        inputs.append(str(path))
    env = {"LISTEN_REDIS_URL": redis_url}
    result = run_cli(
        "batch", *inputs, "-o", str(tmp_path / "out"), "--queue", "--cache-dir", str(cache), env=env
    )
    assert result.returncode == 0, result.stderr.decode()
    assert b"3 rendered by workers" in result.stderr
    for n in range(3):
        timings = json.loads((tmp_path / "out" / f"article-{n}.json").read_text())
        assert timings["duration_ms"] > 1000
        assert (tmp_path / "out" / f"article-{n}.mp3").stat().st_size > 1000


def test_batch_no_wait_enqueues_and_returns_with_a_summary(redis_url, cache, tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(article_text())
    env = {"LISTEN_REDIS_URL": redis_url}
    result = run_cli(
        "batch",
        str(path),
        "-o",
        str(tmp_path / "out"),
        "--queue",
        "--no-wait",
        "--cache-dir",
        str(cache),
        env=env,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert b"1 queued" in result.stderr
    assert b"1 jobs waiting" in result.stderr


def test_batch_queue_without_redis_says_what_to_set(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(article_text())
    result = run_cli("batch", str(path), "-o", str(tmp_path / "out"), "--queue", env={"LISTEN_REDIS_URL": ""})
    assert result.returncode != 0
    assert b"LISTEN_REDIS_URL" in result.stderr


def run_burst_worker(redis_url: str, cache: Path) -> subprocess.CompletedProcess:
    """Run `listen worker --burst` in a process of its own until the queue is empty."""
    # Its own process: its engine workers' fork server must not outlive it in this one.
    code = (
        "import sys; from listen.config import Settings; from listen.queue.worker import run_worker; "
        "sys.exit(run_worker(Settings.from_env(), burst=True))"
    )
    env = {**os.environ, "LISTEN_REDIS_URL": redis_url, "LISTEN_CACHE_DIR": str(cache), "LISTEN_JOBS": "1"}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=300)


def raw_queue(redis_url: str):
    """The `listen` queue as anyone who can write to Redis sees it, without listen's client."""
    import rq
    from rq.serializers import JSONSerializer

    from listen.queue.client import QUEUE_NAME, connect

    return rq.Queue(QUEUE_NAME, connection=connect(redis_url), serializer=JSONSerializer)


@pytest.mark.slow
def test_a_job_queued_under_the_previous_releases_module_path_is_rendered_by_a_burst_worker(redis_url, cache):
    # Jobs name their function; those a release before the packages by stage queued name
    # listen.queue_worker.render_job, a module that is gone. They must still render.
    from listen.queue.payload import payload

    settings = Settings.of(cache_dir=cache, engine_workers=1, redis_url=redis_url, engine="pyttsx3")
    article = from_text(article_text(1))
    key = Renderer(settings).plan(article).key
    job = raw_queue(redis_url).enqueue_call(
        "listen.queue_worker.render_job", args=(payload(article, settings),), job_id=key
    )
    worker = run_burst_worker(redis_url, cache)
    assert worker.returncode == 0, worker.stderr.decode()
    job.refresh()
    assert job.get_status(refresh=True) == "finished", job.exc_info
    assert job.return_value() == {"id": key}
    assert Renderer(settings).cache.get_rendition(key) is not None


@pytest.mark.slow  # over 1.5 s: make test-fast stays under a minute
@pytest.mark.parametrize("function", ["os.system", "subprocess.getoutput"])
def test_a_worker_refuses_and_logs_a_job_that_names_a_function_of_someone_elses(
    redis_url, cache, tmp_path, function
):
    # Whoever can write to Redis could queue a job naming any importable function; RQ would run it.
    planted = tmp_path / "planted"
    job = raw_queue(redis_url).enqueue_call(function, args=(f"touch {planted}",))
    worker = run_burst_worker(redis_url, cache)
    assert worker.returncode == 0, worker.stderr.decode()
    assert not planted.exists(), f"the worker ran {function}"
    job.refresh()
    assert job.get_status(refresh=True) == "failed"
    assert "not one of listen's job functions" in job.latest_result().exc_string
    assert f"Refused job {job.id}" in worker.stderr.decode()


@pytest.mark.slow
def test_a_worker_refuses_a_listen_job_that_asks_for_a_callback(redis_url, cache, tmp_path):
    from rq import Callback

    from listen.queue.payload import payload

    settings = Settings.of(cache_dir=cache, engine_workers=1, redis_url=redis_url, engine="pyttsx3")
    article = from_text(article_text(1))
    job = raw_queue(redis_url).enqueue_call(
        "listen.queue.worker.render_job",
        args=(payload(article, settings),),
        job_id=Renderer(settings).plan(article).key,
        on_success=Callback("os.getcwd"),
    )
    worker = run_burst_worker(redis_url, cache)
    assert worker.returncode == 0, worker.stderr.decode()
    assert "asks for the callback 'os.getcwd'" in worker.stderr.decode()
    assert job.get_status(refresh=True) == "failed"


@pytest.mark.slow
@pytest.mark.parametrize("user", ["", "listen"], ids=["password", "acl-user"])
def test_the_queue_works_with_a_redis_that_requires_a_password_or_an_acl_user(tmp_path, user):
    from support.redis import RedisServer

    (tmp_path / "redis").mkdir()
    with RedisServer(tmp_path / "redis", password="s3cret-pass", user=user) as server:
        import redis

        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=server.port).ping()  # no password, no queue
        cache = tmp_path / "cache"
        settings = Settings.of(cache_dir=cache, engine_workers=1, redis_url=server.url, engine="pyttsx3")
        article = from_text(article_text(1))
        plan = Renderer(settings).plan(article)
        queue = RenderQueue(settings)
        assert queue.submit(plan.key, article, settings, plan.script.title, 1, 1)
        worker = run_burst_worker(server.url, cache)
        assert worker.returncode == 0, worker.stderr.decode()
        assert queue.status(plan.key)["status"] == READY
        queue.close()


def test_a_payload_decodes_to_the_article_and_render_settings_it_encoded(tmp_path):
    from listen.queue.payload import article_from_payload, payload, settings_from_payload

    lexicon = tmp_path / "cache" / "lexicons" / "mine.yaml"
    sent = Settings.of(cache_dir=tmp_path / "cache", rate=200, engine="pyttsx3", lexicon=lexicon)
    article = from_text(article_text(2))
    data = json.loads(json.dumps(payload(article, sent)))  # as it travels: JSON
    assert (
        data["render"]["lexicon"] == "@cache/lexicons/mine.yaml"
    )  # the worker may mount the cache elsewhere
    local = Settings.of(cache_dir=tmp_path / "elsewhere", engine_workers=3)
    got = settings_from_payload(data["render"], local)
    assert (
        got.render
        == Settings.of(
            rate=200, engine="pyttsx3", lexicon=tmp_path / "elsewhere" / "lexicons" / "mine.yaml"
        ).render
    )
    assert got.service == local.service
    assert article_from_payload(data) == article

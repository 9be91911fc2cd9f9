"""Withdrawing articles (DELETE stops a render at the next chunk, keeping what is cached; a ready
article answers 410 Gone), and a keyed server's private articles: a feed per key, /s/ gated."""

from __future__ import annotations

import threading

import pytest
from conftest import article_text, running_app

from listen.config import Settings
from support.pages import PageServer
from web import close_app, create_app, manager_of
from web.job import Job

feedparser = pytest.importorskip("feedparser")


def long_article() -> str:
    """An article of many paragraphs: many pieces, so a render can be stopped between them."""
    return article_text(1) + "\n".join(
        f"\nParagraph {p} tells its part of the story. It has a second sentence too." for p in range(40)
    )


def ready(app, key: str) -> Job:
    job = manager_of(app).get(key)
    assert job.wait(90), job.error
    assert job.status == "ready", job.error
    return job


def chunk_files(cache) -> set[str]:
    return {p.name for p in (cache / "chunks").rglob("*.flac")}


@pytest.fixture
def held_after_first_piece(monkeypatch):
    """Hold every render after its first piece until the test lets go (so a DELETE lands mid-render)."""
    first_piece, let_go = threading.Event(), threading.Event()
    on_progress = Job.on_progress

    def holding(job: Job, progress) -> None:
        on_progress(job, progress)
        first_piece.set()
        let_go.wait(30)

    monkeypatch.setattr(Job, "on_progress", holding)
    yield first_piece, let_go
    let_go.set()


@pytest.mark.slow
def test_deleting_a_rendering_article_stops_it_and_keeps_what_is_cached(tmp_path, held_after_first_piece):
    first_piece, let_go = held_after_first_piece
    cache = tmp_path / "cache"
    with running_app(cache, engine_workers=1) as app:
        client = app.test_client()
        text = long_article()
        key = client.post("/api/v1/articles", json={"text": text}).json["id"]
        job = manager_of(app).get(key)
        assert first_piece.wait(60)
        deleted = client.delete(f"/api/v1/articles/{key}")
        let_go.set()
        assert deleted.status_code == 200, deleted.json
        assert deleted.json == {"id": key, "status": "withdrawn", "stopped": True}
        assert job.wait(60)
        assert job.status == "failed"
        assert "withdrawn" in job.error
        total = job.total
        assert 0 < job.done < total, "stopped mid-render"
        kept = chunk_files(cache)
        assert kept, "the chunks it finished stay cached"
        assert not list((cache / "tmp").iterdir()), "no partial files"
        assert not list((cache / "renditions").rglob("*.mp3"))
        for path in ("", "/audio.mp3", "/timings.json", "/captions.vtt"):
            gone = client.get(f"/api/v1/articles/{key}{path}")
            assert gone.status_code == 410, path
            assert gone.json["error"]["code"] == "gone"
        assert client.get(f"/a/{key}").status_code == 410
        assert client.get(f"/embed/{key}").status_code == 410
        # Posted again, it comes back, from what was cached: only the rest is rendered.
        again = client.post("/api/v1/articles", json={"text": text})
        assert again.json["id"] == key
        job = ready(app, key)
        assert kept < chunk_files(cache)
        assert job.engine_calls < len(chunk_files(cache))


@pytest.mark.slow
def test_while_rendering_the_status_gives_the_expected_length_and_once_ready_the_real_one(
    tmp_path, held_after_first_piece
):
    first_piece, let_go = held_after_first_piece
    with running_app(tmp_path / "cache", engine_workers=1) as app:
        client = app.test_client()
        key = client.post("/api/v1/articles", json={"text": long_article()}).json["id"]
        assert first_piece.wait(60)
        rendering = client.get(f"/api/v1/articles/{key}").json
        let_go.set()
        assert rendering["status"] == "rendering"
        expected = rendering["expected_ms"]
        assert expected > 10 * rendering["duration_ms"] > 0, (
            "the whole article's length, not what is rendered so far"
        )
        ready(app, key)
        done = client.get(f"/api/v1/articles/{key}").json
        assert "expected_ms" not in done, "once ready, the real duration is the length"
        assert 0.7 < expected / done["duration_ms"] < 1.3


@pytest.mark.slow
def test_deleting_a_ready_article_withdraws_its_pages_audio_and_feed_episode(tmp_path):
    with running_app(tmp_path / "cache") as app:
        client = app.test_client()
        text = article_text(2)
        key = client.post("/api/v1/articles", json={"text": text}).json["id"]
        ready(app, key)
        assert len(feedparser.parse(client.get("/feed.xml").data).entries) == 1
        deleted = client.delete(f"/api/v1/articles/{key}")
        assert deleted.status_code == 200
        assert deleted.json["stopped"] is False
        for path in (
            f"/api/v1/articles/{key}",
            f"/api/v1/articles/{key}/audio.mp3",
            f"/api/v1/articles/{key}/timings.json",
            f"/api/v1/articles/{key}/captions.vtt",
            f"/a/{key}",
            f"/embed/{key}",
        ):
            assert client.get(path).status_code == 410, path
        assert "Withdrawn" in client.get(f"/a/{key}").get_data(as_text=True)
        assert feedparser.parse(client.get("/feed.xml").data).entries == []
        assert client.delete(f"/api/v1/articles/{key}").status_code == 410
    with running_app(tmp_path / "cache") as app:  # for every process, after a restart too
        client = app.test_client()
        assert client.get(f"/api/v1/articles/{key}/audio.mp3").status_code == 410
        assert client.post("/api/v1/articles", json={"text": text}).json["id"] == key
        ready(app, key)
        assert client.get(f"/api/v1/articles/{key}/audio.mp3").status_code == 200


# -- a keyed server ---------------------------------------------------------------------------------


ALPHA, BETA = {"X-API-Key": "alpha-key"}, {"X-API-Key": "beta-key"}


@pytest.fixture
def keyed(tmp_path):
    app = create_app(
        Settings.of(
            cache_dir=tmp_path / "cache",
            engine_workers=1,
            api_keys="alpha-key, beta-key",
            allow_private_hosts=True,
            intake_wait_ms=30000,
        ),
        render_sample=False,
    )
    yield app
    close_app(app)


def test_with_keys_only_the_key_that_created_an_article_may_withdraw_it(keyed):
    client = keyed.test_client()
    key = client.post("/api/v1/articles", json={"text": article_text(1)}, headers=ALPHA).json["id"]
    ready(keyed, key)
    assert client.delete(f"/api/v1/articles/{key}").status_code == 401
    refused = client.delete(f"/api/v1/articles/{key}", headers=BETA)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "not_yours"
    assert client.get(f"/api/v1/articles/{key}").status_code == 200
    assert client.delete(f"/api/v1/articles/{key}", headers=ALPHA).status_code == 200
    assert client.get(f"/api/v1/articles/{key}").status_code == 410


PAGE = """<!doctype html><html><head><title>Harbour works begin | Lowtown Courier</title></head><body>
<article><h1>Harbour works begin</h1>
<p>Work on the harbour wall begins on Monday and lasts until the spring.</p>
<p>The ferry keeps its timetable while the work goes on.</p></article></body></html>"""


@pytest.mark.slow
def test_with_keys_each_key_has_a_private_feed_and_the_public_one_lists_nothing(keyed):
    client = keyed.test_client()
    with PageServer() as site:
        site.add("/harbour.html", PAGE)
        url = site.url("/harbour.html")
        alphas = client.post("/api/v1/articles", json={"url": url}, headers=ALPHA).json["id"]
        betas = client.post("/api/v1/articles", json={"text": article_text(1)}, headers=BETA).json["id"]
        ready(keyed, alphas)
        ready(keyed, betas)
    public = client.get("/feed.xml")
    assert public.status_code == 200
    assert feedparser.parse(public.data).entries == []
    assert b"Harbour" not in public.data
    assert client.get("/api/v1/feed").status_code == 401
    feed_url = client.get("/api/v1/feed", headers=ALPHA).json["feed_url"]
    assert "token=" in feed_url
    assert feed_url != client.get("/api/v1/feed", headers=BETA).json["feed_url"]
    private = feedparser.parse(client.get(feed_url).data)
    assert [e.title for e in private.entries] == ["Harbour works begin"]
    assert feedparser.parse(client.get("/feed.xml?token=" + "0" * 64).data).entries == []
    # Its source's stable address (anyone can work it out from the URL) needs the key or the token.
    audio = private.entries[0].enclosures[0].href
    sid = audio.split("/s/")[1].split("/")[0]
    assert client.get(f"/s/{sid}").status_code == 401
    assert client.get(f"/s/{sid}/audio.mp3").status_code == 401
    assert client.get(f"/s/{sid}", headers=BETA).status_code == 404
    assert client.get(f"/s/{sid}", headers=ALPHA).status_code == 302
    assert client.get(audio.replace("http://localhost", "")).status_code == 200


@pytest.mark.slow
def test_deleting_an_article_a_queue_worker_renders_stops_it_on_the_worker(redis_url, tmp_path):
    from redisserver import start_worker, stop_worker, wait_for

    cache = tmp_path / "cache"
    with running_app(cache, engine_workers=1, redis_url=redis_url) as app:
        worker = start_worker(
            redis_url,
            cache,
            heartbeat_s=1,
            log=tmp_path / "worker.log",
            env={"LISTEN_FAKE_ENGINE_SECONDS_PER_CHUNK": "0.2"},
        )
        try:
            client = app.test_client()
            key = client.post("/api/v1/articles", json={"text": long_article()}).json["id"]
            wait_for(lambda: client.get(f"/api/v1/articles/{key}").json.get("progress", 0) > 0, timeout=120)
            deleted = client.delete(f"/api/v1/articles/{key}")
            assert deleted.json == {"id": key, "status": "withdrawn", "stopped": True}
            queue = manager_of(app).queue
            wait_for(lambda: queue.status(key)["status"] == "failed", timeout=60)
            assert client.get(f"/api/v1/articles/{key}/audio.mp3").status_code == 410
            assert not (cache / "renditions" / key[:2] / f"{key}.mp3").exists()
            assert chunk_files(cache), "the chunks it finished stay cached"
            assert worker.poll() is None, "the worker goes on to the next job"
        finally:
            stop_worker(worker)

"""Webhooks, delivered to a real local receiver: the body, the signature, retries, a receiver that is down."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from listen.config import Settings
from listen.errors import SettingsError
from listen.publish.webhooks import Dispatcher, event, sign
from tests.conftest import article_text
from web import close_app, create_app, manager_of

SECRET = "a-long-random-shared-secret"
FAST = "0.2,0.2,0.3,0.3,0.4"  # the same six tries as in production, with short waits


class Receiver:
    """A publisher's endpoint on 127.0.0.1: records every POST and answers the statuses it is given."""

    def __init__(self, statuses: list[int] | None = None, port: int = 0):
        self.statuses = list(statuses or [])
        self.posts: list[dict] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.arrived:  # recorded before answering, so the sender never outruns the record
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.posts.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": body,
                            "at": time.monotonic(),
                            "status": status,
                        }
                    )
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/listen"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def wait_for(self, count: int, timeout: float = 60) -> list[dict]:
        end = time.monotonic() + timeout
        with self.arrived:
            while len(self.posts) < count and time.monotonic() < end:
                self.arrived.wait(0.1)
        return self.posts

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def verify(post: dict) -> dict:
    """What a receiver must do: recompute the HMAC of the exact body and compare in constant time."""
    expected = "sha256=" + hmac.new(SECRET.encode(), post["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(post["headers"]["X-Listen-Signature"], expected)
    return json.loads(post["body"])


def make_app(tmp_path, **settings):
    defaults = {
        "cache_dir": tmp_path / "cache",
        "engine_workers": 2,
        "webhook_secret": SECRET,
        "webhook_retry_s": FAST,
        "allow_private_hosts": True,
        "intake_wait_ms": 30000,
    }  # posts answer with the rendition's id
    return create_app(Settings.of(**{**defaults, **settings}), render_sample=False)


@pytest.mark.slow
def test_a_ready_article_is_posted_to_the_webhook_signed_with_the_secret(tmp_path, receiver):
    app = make_app(tmp_path, webhook_url=receiver.url)
    try:
        client = app.test_client()
        made = client.post("/api/v1/articles", json={"text": article_text(2)}).json
        (post,) = receiver.wait_for(1)
        data = verify(post)
        assert post["path"] == "/hooks/listen"
        assert post["headers"]["Content-Type"] == "application/json"
        assert data["event"] == "article.ready"
        assert data["id"] == made["id"]
        assert data["status"] == "ready"
        assert data["error"] is None
        job = manager_of(app).get(made["id"])
        assert data["duration"] == pytest.approx(job.duration_ms / 1000)
        assert data["audio_url"] == made["audio_url"]
        assert client.get(data["audio_url"].replace("http://localhost", "")).status_code == 200
        # A forged or altered body does not verify.
        forged = dict(post, body=post["body"].replace(b'"ready"', b'"failed"'))
        with pytest.raises(AssertionError):
            verify(forged)
    finally:
        close_app(app)


@pytest.mark.slow
def test_a_webhook_that_fails_is_retried_with_growing_waits_under_one_delivery_id(tmp_path):
    receiver = Receiver(statuses=[500, 503, 502])
    app = make_app(tmp_path, webhook_url=receiver.url)
    try:
        app.test_client().post("/api/v1/articles", json={"text": article_text(1)})
        posts = receiver.wait_for(4)
        time.sleep(1.0)
        assert [p["status"] for p in posts] == [500, 503, 502, 200]  # and no more once it succeeded
        assert len({p["headers"]["X-Listen-Delivery"] for p in posts}) == 1
        assert len({p["body"] for p in posts}) == 1
        gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(posts)]
        assert gaps[0] >= 0.18
        assert gaps[1] >= 0.18
        assert gaps[2] >= 0.28
    finally:
        close_app(app)
        receiver.close()


@pytest.mark.slow
def test_a_receiver_that_is_down_gets_the_event_once_it_is_back(tmp_path):
    with socket.socket() as s:  # a free port with nobody listening on it yet
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = make_app(
        tmp_path, webhook_url=f"http://127.0.0.1:{port}/hooks/listen", webhook_retry_s="0.5,0.5,0.5,1,1"
    )
    receiver = None
    try:
        made = app.test_client().post("/api/v1/articles", json={"text": article_text(1)}).json
        assert manager_of(app).get(made["id"]).wait(60)
        time.sleep(1.2)  # the first tries meet a closed port
        receiver = Receiver(port=port)
        (post,) = receiver.wait_for(1, timeout=10)
        assert verify(post)["id"] == made["id"]
    finally:
        close_app(app)
        if receiver:
            receiver.close()


def test_a_receiver_that_never_answers_well_gets_six_tries_then_is_given_up():
    receiver = Receiver(statuses=[500] * 10)
    try:
        settings = Settings.of(
            webhook_secret=SECRET, webhook_retry_s="0.05,0.05,0.05,0.05,0.05", allow_private_hosts=True
        )
        thread = Dispatcher(settings.service).deliver(receiver.url, {"event": "article.ready", "id": "x"})
        thread.join(10)
        assert not thread.is_alive()
        assert len(receiver.posts) == 6
    finally:
        receiver.close()


def test_the_default_schedule_is_at_least_five_tries_over_about_ten_minutes():
    from listen.publish.webhooks import retry_delays

    delays = retry_delays(Settings().service)
    assert len(delays) + 1 >= 5
    assert 8 * 60 <= sum(delays) <= 12 * 60
    assert delays == sorted(delays)


@pytest.mark.slow
def test_an_api_keys_own_webhook_gets_that_keys_articles(tmp_path, receiver):
    other = Receiver()
    app = make_app(
        tmp_path, webhook_url=other.url, api_keys=f"server-key, publisher-key webhook={receiver.url}"
    )
    try:
        client = app.test_client()
        made = client.post(
            "/api/v1/articles",
            json={"text": article_text(1)},
            headers={"Authorization": "Bearer publisher-key"},
        ).json
        (post,) = receiver.wait_for(1)
        assert verify(post)["id"] == made["id"]
        time.sleep(0.5)
        assert other.posts == []
    finally:
        close_app(app)
        other.close()


@pytest.mark.slow
def test_a_save_in_the_editor_tells_the_keys_webhook_which_article_the_edit_replaced(tmp_path, receiver):
    key = {"Authorization": "Bearer publisher-key"}
    app = make_app(tmp_path, api_keys=f"publisher-key webhook={receiver.url}")
    try:
        client = app.test_client()
        text = article_text(3)
        made = client.post(
            "/api/v1/articles", json={"text": text, "source": "https://news.example/ferry"}, headers=key
        ).json
        assert verify(receiver.wait_for(1)[0])["event"] == "article.ready"
        saved = client.put(f"/api/v1/articles/{made['id']}/script", json={"skip": [2]}, headers=key).json
        assert saved["id"] != made["id"]
        post = receiver.wait_for(2)[1]
        data = verify(post)  # signed like every other event
        assert post["headers"]["X-Listen-Event"] == "article.replaced"
        assert data["event"] == "article.replaced"
        assert data["previous_id"] == made["id"]
        assert data["id"] == saved["id"]
        assert data["status"] == "ready"
        assert data["audio_url"] == saved["audio_url"]
        assert data["duration"] == pytest.approx(manager_of(app).get(saved["id"]).duration_ms / 1000)
        # Saving the same choices again makes no new version: nothing is replaced.
        again = client.put(f"/api/v1/articles/{saved['id']}/script", json={"skip": [2]}, headers=key).json
        assert again["id"] == saved["id"]
        time.sleep(0.5)
        assert len(receiver.posts) == 2
    finally:
        close_app(app)


def test_an_edits_events_name_the_article_it_replaces():
    ready = event({"id": "new", "status": "ready", "duration_ms": 1500}, "http://h/a.mp3", replaces="old")
    assert ready["event"] == "article.replaced"
    assert (ready["id"], ready["previous_id"], ready["duration"]) == ("new", "old", 1.5)
    failed = event({"id": "new", "status": "failed", "error": "No room."}, "http://h/a.mp3", replaces="old")
    assert failed["event"] == "article.failed"  # the old version stands
    assert failed["previous_id"] == "old"
    assert "previous_id" not in event({"id": "a", "status": "ready"}, "http://h/a.mp3")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"webhook_url": "http://127.0.0.1:9/hook", "webhook_secret": SECRET}, "loopback address"),
        ({"webhook_url": "http://10.1.2.3/hook", "webhook_secret": SECRET}, "private"),
        (
            {
                "webhook_url": "http://169.254.169.254/latest",
                "webhook_secret": SECRET,
                "allow_private_hosts": True,
            },
            "link-local",
        ),
        ({"webhook_url": "ftp://example.com/hook", "webhook_secret": SECRET}, "only http and https"),
        ({"webhook_url": "https://example.com/hook"}, "LISTEN_WEBHOOK_SECRET"),
        ({"api_keys": "k1 webhook=http://192.168.1.5/hook", "webhook_secret": SECRET}, "private"),
        (
            {"webhook_url": "https://example.com/hook", "webhook_secret": SECRET, "webhook_retry_s": "soon"},
            "LISTEN_WEBHOOK_RETRY_S",
        ),
    ],
)
def test_a_webhook_we_would_not_deliver_to_stops_the_server_with_a_clear_error(tmp_path, settings, message):
    with pytest.raises(SettingsError, match=message):
        create_app(
            Settings.of(cache_dir=tmp_path, engine_workers=1, **settings),
            start_workers=False,
            render_sample=False,
        )


def test_a_failed_article_event_carries_the_error_and_no_audio():
    body = event(
        {"id": "abc", "status": "failed", "error": "The engine failed on sentence 3.", "duration_ms": 0},
        "http://h/a.mp3",
    )
    assert body == {
        "event": "article.failed",
        "id": "abc",
        "status": "failed",
        "audio_url": None,
        "duration": None,
        "error": "The engine failed on sentence 3.",
    }
    assert sign(b"{}", "k") == "sha256=" + hmac.new(b"k", b"{}", hashlib.sha256).hexdigest()


@contextlib.contextmanager
def scaled_out(tmp_path, worker_retry_s: str, **app_settings):
    """A web app and one queue worker on a real Redis, sharing a cache; the worker sends the webhooks."""
    from tests.redisserver import RedisServer, start_worker, stop_worker

    (tmp_path / "redis").mkdir()
    redis = RedisServer(tmp_path / "redis").start()
    cache = tmp_path / "shared-cache"
    worker = start_worker(
        redis.url,
        cache,
        env={
            "LISTEN_WEBHOOK_SECRET": SECRET,
            "LISTEN_ALLOW_PRIVATE_HOSTS": "1",
            "LISTEN_WEBHOOK_RETRY_S": worker_retry_s,
        },
    )
    app = make_app(tmp_path, cache_dir=cache, redis_url=redis.url, **app_settings)
    try:
        yield app
    finally:
        close_app(app)
        stop_worker(worker)
        redis.stop()


@pytest.mark.redis
@pytest.mark.slow
def test_scaled_out_the_queue_worker_delivers_and_retries_the_webhook(tmp_path, receiver):
    receiver.statuses = [503]  # the first try fails: the queue tries again
    with scaled_out(tmp_path, "2,2,2,2,2", webhook_url=receiver.url, webhook_retry_s="1,1,1,1,1") as app:
        made = app.test_client().post("/api/v1/articles", json={"text": article_text(2)}).json
        posts = receiver.wait_for(2, timeout=120)
        assert [p["status"] for p in posts] == [503, 200]
        assert posts[0]["headers"]["X-Listen-Delivery"] == posts[1]["headers"]["X-Listen-Delivery"]
        data = verify(posts[1])
        assert data["id"] == made["id"]
        assert data["status"] == "ready"
        assert data["duration"] > 0
        assert data["audio_url"] == made["audio_url"]
        assert posts[1]["at"] - posts[0]["at"] >= 1  # RQ schedules in whole seconds: 2 s is 1 to 2 s


@pytest.mark.redis
@pytest.mark.slow
def test_scaled_out_an_editors_save_is_told_as_article_replaced_by_the_queue_worker(tmp_path, receiver):
    key = {"Authorization": "Bearer publisher-key"}
    with scaled_out(tmp_path, FAST, api_keys=f"publisher-key webhook={receiver.url}") as app:
        client = app.test_client()
        made = client.post("/api/v1/articles", json={"text": article_text(3)}, headers=key).json
        assert verify(receiver.wait_for(1, timeout=120)[0])["event"] == "article.ready"
        saved = client.put(f"/api/v1/articles/{made['id']}/script", json={"skip": [2]}, headers=key).json
        data = verify(receiver.wait_for(2, timeout=120)[1])
        assert data["event"] == "article.replaced"
        assert (data["id"], data["previous_id"]) == (saved["id"], made["id"])
        assert data["audio_url"] == saved["audio_url"]

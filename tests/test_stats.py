"""Listening stats: beacons in, daily counts out; nothing about the listener is kept."""

from __future__ import annotations

import json
import threading

import pytest

from listen.config import Settings
from listen.errors import InputError
from listen.publish.stats import RedisStats, SQLiteStats, metric_of, summary
from tests.conftest import article_text
from tests.redisserver import RedisServer
from web import manager_of

AGENT = "UniqueListenerAgent/7.3"
ADDRESS = "203.0.113.77"


@pytest.fixture
def make(make_app):
    return make_app


def ready_article(app) -> str:
    key = app.test_client().post("/api/v1/articles", json={"text": article_text(2)}).json["id"]
    assert manager_of(app).get(key).wait(60)
    return key


def beacon(client, key: str, body, address: str = ADDRESS, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        f"/api/v1/articles/{key}/beacon",
        data=data,
        content_type="text/plain;charset=UTF-8",
        headers={"User-Agent": AGENT, **headers},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.mark.slow
def test_beacons_become_daily_counts_per_article(make):
    app = make()
    client = app.test_client()
    key = ready_article(app)
    for body in (
        {"event": "play"},
        {"event": "play"},
        {"event": "speed", "value": 1.5},
        {"event": "heard", "value": 25},
        {"event": "heard", "value": 50},
        {"event": "heard", "value": 100},
    ):
        response = beacon(client, key, body)
        assert response.status_code == 204
        assert "Set-Cookie" not in response.headers
    data = client.get(f"/api/v1/articles/{key}/stats").json
    (day,) = data["days"]
    assert day["plays"] == 2
    assert day["heard"] == {"25": 1, "50": 1, "75": 0, "100": 1}
    assert day["speeds"] == {"1.5": 1}
    assert day["completion"] == 0.5
    assert data["totals"]["plays"] == 2


@pytest.mark.slow
def test_nothing_about_the_listener_is_stored(make, tmp_path):
    app = make()
    key = ready_article(app)
    for _ in range(3):
        beacon(app.test_client(), key, {"event": "play"}, Referer="https://reader.example/private/page")
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache").glob("stats.sqlite3*"))
    assert stored  # the counts are there...
    for trace in (ADDRESS, AGENT, "reader.example"):
        assert trace.encode() not in stored  # ...and no address, browser or page
    import sqlite3

    columns = [
        row[1]
        for row in sqlite3.connect(tmp_path / "cache" / "stats.sqlite3").execute("PRAGMA table_info(counts)")
    ]
    assert columns == ["article", "day", "metric", "n"]


@pytest.mark.parametrize("header", [{"DNT": "1"}, {"Sec-GPC": "1"}])
@pytest.mark.slow
def test_do_not_track_and_global_privacy_control_are_honoured(make, header):
    app = make()
    key = ready_article(app)
    assert beacon(app.test_client(), key, {"event": "play"}, **header).status_code == 204
    assert app.test_client().get(f"/api/v1/articles/{key}/stats").json["days"] == []


@pytest.mark.slow
def test_stats_off_counts_nothing_and_the_players_send_nothing(make):
    app = make(stats=False)
    client = app.test_client()
    key = ready_article(app)
    assert beacon(client, key, {"event": "play"}).status_code == 204
    response = client.get(f"/api/v1/articles/{key}/stats")
    assert response.status_code == 400
    assert "LISTEN_STATS=off" in response.json["error"]["message"]
    for path in (f"/a/{key}", f"/embed/{key}", "/"):
        assert "data-stats" not in client.get(path).get_data(as_text=True)
    assert Settings.from_env({"LISTEN_STATS": "off"}).service.stats is False


@pytest.mark.slow
def test_players_are_marked_to_send_beacons_when_stats_are_on(make):
    app = make()
    key = ready_article(app)
    for path in (f"/a/{key}", f"/embed/{key}", f"/embed/{key}?layout=bar"):
        assert "data-stats" in app.test_client().get(path).get_data(as_text=True)


# Each refused shape of beacon, against one article (rendering one per shape cost 5 s each).
REFUSED = [
    '{"event": "click"}',
    '{"event": "heard", "value": 33}',
    '{"event": "speed", "value": 9}',
    '{"event": "heard", "value": true}',
    "not json",
    "[]",
]


@pytest.mark.slow
def test_a_beacon_we_do_not_count_is_refused_or_reduced_to_its_counter(make):
    app = make()
    key = ready_article(app)
    client = app.test_client()
    for body in REFUSED:
        response = beacon(client, key, body)
        assert response.status_code == 400, body
        assert response.json["error"]["message"], body
    # Extra fields are dropped, never stored.
    assert beacon(client, key, '{"event": "play", "ip": 1}').status_code == 204


def test_a_beacon_for_an_unknown_article_is_a_404(make):
    app = make()
    assert beacon(app.test_client(), "a" * 64, {"event": "play"}).status_code == 404
    assert beacon(app.test_client(), "../etc", {"event": "play"}).status_code == 404


@pytest.mark.slow
def test_with_api_keys_stats_need_a_secret_key(make):
    app = make(api_keys="secret-1, pub-1 origin=https://news.example")
    client = app.test_client()
    key = client.post(
        "/api/v1/articles", json={"text": article_text(1)}, headers={"X-API-Key": "secret-1"}
    ).json["id"]
    assert manager_of(app).get(key).wait(60)
    beacon(client, key, {"event": "play"})  # listeners need no key
    assert client.get(f"/api/v1/articles/{key}/stats").status_code == 401
    assert client.get(f"/api/v1/articles/{key}/stats", headers={"X-API-Key": "pub-1"}).status_code == 401
    assert (
        client.get(f"/api/v1/articles/{key}/stats", headers={"X-API-Key": "secret-1"}).json["totals"]["plays"]
        == 1
    )
    assert client.get("/stats").status_code == 401
    page = client.get("/stats?key=secret-1")
    assert page.status_code == 200
    assert "1 plays" in page.get_data(as_text=True)


@pytest.mark.slow
def test_the_stats_page_charts_plays_and_completion_per_day(make):
    app = make()
    client = app.test_client()
    key = ready_article(app)
    store = app.extensions["listen_stats"]
    for day, plays, done in (("2026-11-27", 4, 1), ("2026-11-28", 2, 2)):
        for _ in range(plays):
            store.add(key, "play", day)
        for _ in range(done):
            store.add(key, "heard100", day)
    page = client.get("/stats").get_data(as_text=True)
    assert "6 plays" in page
    assert "3 heard to the end (50%)" in page
    assert page.count('class="plays"') == 2
    assert page.count('class="done"') == 2
    assert "2026-11-27: 4 plays, 1 to the end" in page


def test_counts_add_up_under_concurrent_beacons(tmp_path):
    store = SQLiteStats(tmp_path / "stats.sqlite3")
    threads = [
        threading.Thread(target=lambda: [store.add("k", "play", "2026-11-29") for _ in range(200)])
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.daily("k") == {"2026-11-29": {"play": 800}}


@pytest.mark.redis
def test_counts_are_kept_in_redis_when_scaled_out(tmp_path):
    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis").start()
    try:
        store = RedisStats(server.url)
        for metric in ("play", "play", "heard25", "speed1.25"):
            store.add("k1", metric, "2026-11-29")
        store.add("k1", "play", "2026-11-30")
        store.add("k2", "play", "2026-11-30")
        assert store.daily("k1") == {
            "2026-11-29": {"play": 2, "heard25": 1, "speed1.25": 1},
            "2026-11-30": {"play": 1},
        }
        assert store.totals()["k1"]["play"] == 3
        assert store.totals()["k2"] == {"play": 1}
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("beacon_body", "metric"),
    [
        ({"event": "play"}, "play"),
        ({"event": "heard", "value": 75}, "heard75"),
        ({"event": "speed", "value": 2}, "speed2"),
        ({"event": "speed", "value": 0.75}, "speed0.75"),
    ],
)
def test_each_beacon_names_one_counter(beacon_body, metric):
    assert metric_of(beacon_body) == metric
    with pytest.raises(InputError):
        metric_of({"event": "speed", "value": 1.1})


@pytest.mark.redis
def test_a_stats_store_that_fails_says_stats_are_away_for_now(tmp_path):
    from listen.errors import StatsUnavailableError

    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis").start()
    store = RedisStats(server.url)
    store.add("k1", "play")
    server.stop()  # Redis goes away under the store
    for call in (lambda: store.add("k1", "play"), lambda: store.daily("k1"), store.totals):
        with pytest.raises(StatsUnavailableError, match="try again in a minute"):
            call()
    (tmp_path / "stats.sqlite3").mkdir()  # a folder where the database should be
    with pytest.raises(StatsUnavailableError):
        SQLiteStats(tmp_path / "stats.sqlite3")


@pytest.mark.slow
@pytest.mark.redis
def test_beacons_and_stats_answer_503_with_retry_after_when_their_store_fails(make, tmp_path):
    app = make()
    client = app.test_client()
    key = ready_article(app)
    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis").start()
    server.stop()
    app.extensions["listen_stats"] = RedisStats(server.url)  # a store whose Redis is down
    for response in (beacon(client, key, {"event": "play"}), client.get(f"/api/v1/articles/{key}/stats")):
        assert response.status_code == 503, response.data[:200]
        assert response.headers["Retry-After"]
        assert response.json["error"]["code"] == "stats_unavailable"
        assert "redis" not in response.json["error"]["message"].lower()  # the operator's hint goes to the log


@pytest.mark.slow
def test_beacons_are_limited_per_client_and_article(make):
    app = make()
    client = app.test_client()
    key = ready_article(app)
    answers = [beacon(client, key, {"event": "play"}, address="198.51.100.1") for _ in range(21)]
    assert [a.status_code for a in answers] == [204] * 20 + [429]
    assert "beacons" in answers[-1].json["error"]["message"], "the refusal says what was refused"
    assert (
        beacon(client, key, {"event": "play"}, address="198.51.100.2").status_code == 204
    )  # another listener
    assert client.get(f"/api/v1/articles/{key}/stats").json["totals"]["plays"] == 21


def test_one_client_cannot_send_more_than_its_share_of_beacons(make):
    app = make()
    client = app.test_client()
    # Unknown articles too: a client cannot spread its beacons over ids to go unlimited.
    statuses = [
        beacon(client, f"{n:064x}", {"event": "play"}, address="198.51.100.3").status_code
        for n in range(7)
        for _ in range(20)
    ]
    assert set(statuses[:120]) == {404}
    assert set(statuses[120:]) == {429}
    assert (
        beacon(client, f"{8:064x}", {"event": "play"}, address="198.51.100.4").status_code == 404
    )  # another client


def test_completion_never_exceeds_one_whatever_the_beacons_say():
    days = summary({"2026-12-01": {"play": 1, "heard100": 5}, "2026-12-02": {"heard100": 2}})
    assert [d["completion"] for d in days["days"]] == [1.0, 0.0]
    assert days["totals"]["completion"] == 1.0

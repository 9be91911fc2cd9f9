"""Refresh on edit: a URL article fetched again with a conditional GET; only what changed is rendered;
stable per-source URLs follow the newest rendition while old ones keep working."""

from __future__ import annotations

import pytest
from conftest import running_app

from listen.config import Settings
from support.pages import DripServer, PageServer
from web import close_app, create_app, manager_of

feedparser = pytest.importorskip("feedparser")

PAGE = """<!doctype html><html><head><title>Ferry timetable changes | Lowtown Courier</title></head><body>
<article><h1>Ferry timetable changes</h1>
<p>The ferry to the island will run every forty minutes from next week. The first boat leaves at seven.</p>
<p>{middle}</p>
<p>Tickets can be bought on board or at the harbour office. Prices stay the same until April.</p>
</article></body></html>"""
FIRST = "The council says the change saves money without cutting any sailings."
EDITED = "The council says the change saves money and adds two evening sailings."


@pytest.fixture
def app(tmp_path):
    app = create_app(
        Settings.of(
            cache_dir=tmp_path / "cache", engine_workers=2, allow_private_hosts=True, intake_wait_ms=30000
        ),
        render_sample=False,
    )  # posts answer with the rendition's id
    yield app
    close_app(app)


def ready(app, key: str):
    job = manager_of(app).get(key)
    assert job.wait(90), job.error
    assert job.status == "ready", job.error
    return job


@pytest.mark.slow
def test_an_edited_page_renders_only_its_changed_sentence_and_the_stable_url_follows(app):
    client = app.test_client()
    with PageServer() as site:
        site.add(
            "/ferry.html",
            PAGE.format(middle=FIRST),
            ETag='"v1"',
            Last_Modified="Mon, 02 Nov 2026 08:00:00 GMT",
        )
        url = site.url("/ferry.html")
        made = client.post("/api/v1/articles", json={"url": url}).json
        old = ready(app, made["id"])
        # Unchanged: the page is asked for with its validators and answers 304; nothing is rendered.
        site.add("/ferry.html", b"", status=304)
        same = client.post(f"/api/v1/articles/{old.id}/refresh")
        assert same.status_code == 200
        assert same.json["changed"] is False
        assert same.json["id"] == old.id
        assert site.requests[-1]["If-None-Match"] == '"v1"'
        assert site.requests[-1]["If-Modified-Since"] == "Mon, 02 Nov 2026 08:00:00 GMT"
        # Edited: one sentence differs, and only that sentence goes to the engine.
        site.add("/ferry.html", PAGE.format(middle=EDITED), ETag='"v2"')
        edited = client.post(f"/api/v1/articles/{old.id}/refresh")
        assert edited.status_code in (200, 202)
        assert edited.json["changed"] is True
        assert edited.json["previous_id"] == old.id
        assert edited.json["id"] != old.id
        new = ready(app, edited.json["id"])
        assert new.engine_calls == 1
        assert any(s["text"] == EDITED for s in new.sentences)
        # A later refresh asks with the new ETag.
        site.add("/ferry.html", b"", status=304)
        assert client.post(f"/api/v1/articles/{old.id}/refresh").json["id"] == new.id
        assert site.requests[-1]["If-None-Match"] == '"v2"'
    # The stable URLs name the newest rendition; the old rendition's URLs still work.
    stable = client.get(edited.json["stable_audio_url"].replace("http://localhost", ""))
    assert stable.status_code == 200
    assert stable.data == new.rendition.mp3.read_bytes()
    assert stable.headers["ETag"] == f'"{new.id}"'
    assert stable.headers["Cache-Control"] == "no-cache"
    share = client.get(edited.json["stable_page_url"].replace("http://localhost", ""))
    assert share.status_code == 302
    assert share.headers["Location"].endswith(f"/a/{new.id}")
    assert client.get(f"/api/v1/articles/{old.id}/audio.mp3").data == old.rendition.mp3.read_bytes()
    assert client.get(f"/a/{old.id}").status_code == 200
    # The feed has one episode for the source, at the stable address, with the new audio's length.
    (entry,) = feedparser.parse(client.get("/feed.xml").data).entries
    assert entry.enclosures[0].href == edited.json["stable_audio_url"]
    assert int(entry.enclosures[0].length) == new.rendition.mp3.stat().st_size


@pytest.mark.slow
def test_refreshing_an_article_made_from_text_says_to_post_the_new_text(app):
    client = app.test_client()
    key = client.post(
        "/api/v1/articles", json={"text": "Made From Text\n\nThere is no page to fetch again."}
    ).json["id"]
    ready(app, key)
    response = client.post(f"/api/v1/articles/{key}/refresh")
    assert response.status_code == 400
    assert "not made from a URL" in response.json["error"]["message"]
    assert client.post("/api/v1/articles/" + "0" * 64 + "/refresh").status_code == 404


@pytest.mark.slow
def test_a_page_that_is_gone_when_refreshed_leaves_the_article_as_it_was(app):
    client = app.test_client()
    with PageServer() as site:
        site.add("/ferry.html", PAGE.format(middle=FIRST))
        made = client.post("/api/v1/articles", json={"url": site.url("/ferry.html")}).json
        ready(app, made["id"])
        site.add("/ferry.html", b"gone", status=410)
        response = client.post(f"/api/v1/articles/{made['id']}/refresh")
    assert response.status_code >= 400
    assert "410" in response.json["error"]["message"]
    assert client.get(f"/api/v1/articles/{made['id']}").json["status"] == "ready"


@pytest.mark.slow
def test_batch_refresh_asks_each_page_whether_it_changed_and_re_renders_only_changed_ones(
    tmp_path, monkeypatch
):
    from tests.conftest import run_cli

    monkeypatch.setenv("LISTEN_ALLOW_PRIVATE_HOSTS", "1")
    out, cache = tmp_path / "out", str(tmp_path / "cache")
    with PageServer() as site:
        site.add("/ferry.html", PAGE.format(middle=FIRST), ETag='"v1"')
        url = site.url("/ferry.html")
        assert run_cli("batch", url, "-o", str(out), "--cache-dir", cache).returncode == 0
        mp3 = out / "ferry.mp3"
        first = mp3.read_bytes()
        site.add("/ferry.html", b"", status=304)
        unchanged = run_cli("batch", url, "-o", str(out), "--cache-dir", cache, "--refresh")
        assert unchanged.returncode == 0, unchanged.stderr
        assert site.requests[-1]["If-None-Match"] == '"v1"'
        assert mp3.read_bytes() == first
        site.add("/ferry.html", PAGE.format(middle=EDITED), ETag='"v2"')
        edited = run_cli("batch", url, "-o", str(out), "--cache-dir", cache, "--refresh")
        assert edited.returncode == 0, edited.stderr
    assert mp3.read_bytes() != first
    assert EDITED in (out / "ferry.json").read_text()


# -- issue 25, item 2: a refresh goes through the same doors as a post ----------------------------


@pytest.fixture
def drip():
    server = DripServer(every_s=0)
    yield server
    server.close()


def made_from(app, url: str, **headers) -> str:
    """Post a URL article and wait until it is ready; return its rendition id."""
    posted = app.test_client().post("/api/v1/articles", json={"url": url}, headers=headers)
    assert posted.status_code in (200, 202), posted.json
    return ready(app, posted.json["id"]).id


@pytest.mark.slow
def test_a_refresh_is_fetched_in_the_intake_pool_and_answers_before_the_page_does(drip, tmp_path):
    with running_app(
        tmp_path / "cache", intake_wait_ms=0, allow_private_hosts=True, fetch_deadline_s=5
    ) as app:
        client = app.test_client()
        old = made_from(app, drip.url())
        drip.every_s = 0.5  # now the page drips: reading it takes past the fetch deadline
        refreshed = client.post(f"/api/v1/articles/{old}/refresh")
        assert refreshed.status_code == 202
        assert refreshed.json["changed"] is None  # not known yet
        assert refreshed.json["previous_id"] == old
        job = manager_of(app).get(refreshed.json["id"])
        assert job.wait(60)
        assert job.status == "failed"
        assert "within 5 s" in job.error
        assert client.get(f"/api/v1/articles/{old}").json["status"] == "ready"


@pytest.mark.slow
def test_an_unchanged_page_refreshed_after_the_answer_leads_to_the_rendition_it_had(tmp_path):
    with (
        running_app(tmp_path / "cache", intake_wait_ms=0, allow_private_hosts=True) as app,
        PageServer() as site,
    ):
        site.add("/ferry.html", PAGE.format(middle=FIRST), ETag='"v1"')
        old = made_from(app, site.url("/ferry.html"))
        site.add("/ferry.html", b"", status=304)
        refreshed = app.test_client().post(f"/api/v1/articles/{old}/refresh")
        assert refreshed.status_code in (200, 202)
        job = manager_of(app).get(refreshed.json["id"])
        assert job.wait(60)
        assert app.test_client().get(f"/api/v1/articles/{refreshed.json['id']}").json["id"] == old


@pytest.mark.slow
def test_refreshes_draw_on_the_same_rate_limit_as_posts(tmp_path):
    with (
        running_app(tmp_path / "cache", allow_private_hosts=True, rate_limit="3/minute") as app,
        PageServer() as site,
    ):
        client = app.test_client()
        site.add("/ferry.html", PAGE.format(middle=FIRST), ETag='"v1"')
        old = made_from(app, site.url("/ferry.html"))
        site.add("/ferry.html", b"", status=304)
        statuses = [client.post(f"/api/v1/articles/{old}/refresh").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        fetched = len(site.requests)
        assert client.post("/api/v1/articles", json={"text": "Ferry News\n\nA new post."}).status_code == 429
        assert len(site.requests) == fetched  # a refused refresh fetched nothing


@pytest.mark.slow
def test_a_refresh_from_a_page_of_a_site_that_may_not_post_is_refused_unfetched(tmp_path):
    with (
        running_app(
            tmp_path / "cache",
            allow_private_hosts=True,
            embed_origins="https://news.example",
            api_keys="secret-key, public-key origin=https://news.example",
        ) as app,
        PageServer() as site,
    ):
        client = app.test_client()
        site.add("/ferry.html", PAGE.format(middle=FIRST), ETag='"v1"')
        old = made_from(app, site.url("/ferry.html"), **{"X-API-Key": "secret-key"})
        fetched = len(site.requests)
        for origin in ("https://forged.example", "https://elsewhere.example"):
            refused = client.post(
                f"/api/v1/articles/{old}/refresh", headers={"X-API-Key": "public-key", "Origin": origin}
            )
            assert refused.status_code == 403
            assert refused.json["error"]["code"] == "origin_not_allowed"
        assert len(site.requests) == fetched
        site.add("/ferry.html", b"", status=304)
        allowed = client.post(
            f"/api/v1/articles/{old}/refresh",
            headers={"X-API-Key": "public-key", "Origin": "https://news.example"},
        )
        assert allowed.status_code == 200
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://news.example"

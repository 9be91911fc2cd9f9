"""The podcast feed, from the web app (/feed.xml) and from `listen feed DIR`, read by the real feedparser."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import urllib.request
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from listen.config import Settings
from listen.publish import podcast
from support.pages import PageServer
from tests.conftest import article_text, run_cli
from web import close_app, create_app, manager_of

feedparser = pytest.importorskip("feedparser")

PODCAST = "{https://podcastindex.org/namespace/1.0}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
STORY_PAGE = """<!doctype html><html><head><title>Bridge reopens | Lowtown Courier</title></head><body>
<article><h1>Bridge reopens</h1><p>The bridge over the river reopened on Monday after six weeks of repairs.</p>
<p>{second}</p></article></body></html>"""


def podcast_tags(xml: bytes) -> list[dict[str, dict[str, str]]]:
    """The Podcasting 2.0 tags of each item, as feedparser leaves their attributes out."""
    items = ET.fromstring(xml).iter("item")
    return [
        {
            "transcript": item.find(PODCAST + "transcript").attrib,
            "chapters": item.find(PODCAST + "chapters").attrib,
        }
        for item in items
    ]


def check_episodes(parsed, xml: bytes, get) -> None:
    """Every item is complete, and every URL it names answers with what it says."""
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    for entry, tags in zip(parsed.entries, podcast_tags(xml), strict=True):
        assert entry.title
        assert entry.id.startswith("listen:")
        assert entry.guidislink is False
        (enclosure,) = entry.enclosures
        assert enclosure.type == "audio/mpeg"
        status, _headers, body = get(enclosure.href)
        assert status == 200
        assert body[:3] == b"ID3"
        assert len(body) == int(enclosure.length)
        assert int(entry.itunes_duration) > 0
        status, _headers, body = get(tags["transcript"]["url"])
        assert status == 200
        assert tags["transcript"]["type"] == "text/vtt"
        assert body.startswith(b"WEBVTT")
        status, _headers, body = get(tags["chapters"]["url"])
        assert status == 200
        assert tags["chapters"]["type"] == "application/json+chapters"
        chapters = json.loads(body)["chapters"]
        starts = [c["startTime"] for c in chapters]
        assert starts[0] == 0
        assert starts == sorted(starts)
        assert all(c["title"] for c in chapters)
        assert starts[-1] < int(entry.itunes_duration)


# -- the web app's feed --------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path):
    app = create_app(
        Settings.of(
            cache_dir=tmp_path / "cache",
            engine_workers=2,
            allow_private_hosts=True,
            feed_title="Lowtown Courier audio",
            feed_image="https://courier.example/cover.png",
        ),
        render_sample=False,
    )
    yield app
    close_app(app)


def post_ready(app, **body) -> str:
    response = app.test_client().post("/api/v1/articles", json=body)
    assert response.status_code in (200, 202), response.json
    job = manager_of(app).get(response.json["id"])
    assert job.wait(90), job.error
    assert job.status == "ready", job.error
    return job.id


def client_get(client):
    def get(url: str):
        response = client.get(url.replace("http://localhost", ""))
        return response.status_code, response.headers, response.get_data()

    return get


@pytest.mark.slow
def test_the_feed_lists_every_article_newest_first_with_working_enclosures_transcripts_and_chapters(app):
    first = post_ready(app, text=article_text(3))
    second = post_ready(
        app, text="Second Headline\n\nOne paragraph here. It has two sentences.\n\nAnd another paragraph."
    )
    client = app.test_client()
    response = client.get("/feed.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/rss+xml"
    parsed = feedparser.parse(response.data)
    assert parsed.feed.title == "Lowtown Courier audio"
    assert parsed.feed.image.href == "https://courier.example/cover.png"
    assert [e.enclosures[0].href.split("/")[-2] for e in parsed.entries] == [second, first]
    assert parsed.entries[0].title == "Second Headline"
    check_episodes(parsed, response.data, client_get(client))
    chapters = json.loads(client.get(f"/api/v1/articles/{second}/chapters.json").data)["chapters"]
    assert len(chapters) == 3  # the headline, then the two paragraphs


@pytest.mark.slow
def test_a_re_rendered_source_keeps_its_guid_and_the_feed_points_at_its_newest_rendition(app):
    with PageServer() as site:
        site.add("/bridge.html", STORY_PAGE.format(second="Traffic is light."))
        url = site.url("/bridge.html")
        old = post_ready(app, url=url)
        before = feedparser.parse(app.test_client().get("/feed.xml").data).entries
        site.add(
            "/bridge.html", STORY_PAGE.format(second="Traffic was light in the morning but heavy by five.")
        )
        new = post_ready(app, url=url)
    assert new != old
    after = feedparser.parse(app.test_client().get("/feed.xml").data).entries
    assert len(before) == len(after) == 1
    assert after[0].id == before[0].id
    # The enclosure is the source's stable address, which now serves the new rendition.
    assert after[0].enclosures[0].href == before[0].enclosures[0].href
    assert "/s/" in after[0].enclosures[0].href
    served = app.test_client().get(after[0].enclosures[0].href.replace("http://localhost", ""))
    assert served.headers["ETag"] == f'"{new}"'
    assert len(served.data) == int(after[0].enclosures[0].length)
    assert after[0].link == url


def test_each_episode_carries_its_own_language_and_the_channel_the_most_common():
    def episode(n: int, language: str) -> podcast.Episode:
        return podcast.Episode(
            f"g{n}",
            f"T{n}",
            f"https://x/{n}.mp3",
            1,
            1,
            1.0 + n,
            "https://x/t.vtt",
            "https://x/c.json",
            language=language,
        )

    xml = podcast.rss(
        [episode(1, "pt"), episode(2, "en"), episode(3, "pt")],
        title="T",
        link="https://x/",
        feed_url="https://x/f.xml",
        language="pt",
    )
    parsed = feedparser.parse(xml)
    assert parsed.feed.language == "pt"
    assert [e.get("language") for e in parsed.entries] == ["pt", "en", "pt"]


def test_a_server_with_no_cover_image_leaves_itunes_image_out(tmp_path):
    app = create_app(
        Settings.of(cache_dir=tmp_path / "cache", engine_workers=1), start_workers=False, render_sample=False
    )
    xml = app.test_client().get("/feed.xml").data
    assert ET.fromstring(xml).find(f"channel/{ITUNES}image") is None
    assert feedparser.parse(xml).entries == []


# -- `listen feed DIR` ---------------------------------------------------------------------------


@pytest.fixture
def folder_server(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def url_get(url: str):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status, resp.headers, resp.read()


@pytest.mark.slow
def test_listen_feed_writes_a_feed_for_a_batch_folder_that_podcast_apps_can_read(tmp_path, folder_server):
    out, base = folder_server
    cache = str(tmp_path / "cache")
    (tmp_path / "harbour.txt").write_text(
        "Harbour Wall Repaired\n\nThe wall was repaired. Boats moor again.\n"
    )
    (tmp_path / "market.txt").write_text(article_text(2))
    batch = run_cli(
        "batch",
        str(tmp_path / "harbour.txt"),
        str(tmp_path / "market.txt"),
        "-o",
        str(out),
        "--cache-dir",
        cache,
        "--jobs",
        "2",
    )
    assert batch.returncode == 0, batch.stderr
    made = run_cli("feed", str(out), "-o", str(out / "feed.xml"), "--base-url", base, "--title", "Courier")
    assert made.returncode == 0, made.stderr
    xml = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(url_get(base + "feed.xml")[2])
    assert parsed.feed.title == "Courier"
    assert len(parsed.entries) == 2
    check_episodes(parsed, xml, url_get)
    guid = next(e.id for e in parsed.entries if e.title == "Harbour Wall Repaired")
    # Edit the article and render the folder again: the same source keeps its guid.
    (tmp_path / "harbour.txt").write_text(
        "Harbour Wall Repaired\n\nThe wall was repaired on Friday. Boats moor again.\n"
    )
    assert (
        run_cli("batch", str(tmp_path / "harbour.txt"), "-o", str(out), "--cache-dir", cache).returncode == 0
    )
    assert run_cli("feed", str(out), "--base-url", base).returncode == 0
    again = feedparser.parse((out / "feed.xml").read_bytes())
    assert next(e.id for e in again.entries if e.title == "Harbour Wall Repaired") == guid
    assert "Friday" in next(e.description for e in again.entries if e.id == guid)


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("empty", ["--base-url", "https://example.com/audio/"], "No renditions in"),
        ("mp3 only", ["--base-url", "https://example.com/audio/"], "No renditions in"),
        ("empty", ["--base-url", "example.com/audio"], "--base-url must be"),
        ("missing", ["--base-url", "https://example.com/audio/"], "is not a folder"),
    ],
)
def test_listen_feed_explains_a_folder_it_cannot_make_a_feed_of(tmp_path, setup, args, message):
    folder = tmp_path / "out"
    if setup != "missing":
        folder.mkdir()
    if setup == "mp3 only":
        (folder / "stray.mp3").write_bytes(b"ID3not really")
    result = run_cli("feed", str(folder), *args)
    assert result.returncode != 0
    assert message in result.stderr.decode()
    assert not (folder / "feed.xml").exists()
    assert Path(folder).exists() == (setup != "missing")


@pytest.mark.slow  # over 1.5 s: make test-fast stays under a minute
def test_control_characters_in_an_article_never_reach_the_feed(app):
    # One such character in one title made /feed.xml unreadable for every subscriber.
    post_ready(
        app, text="Bell\x07 and Escape\x1b Headline\n\nThe first sentence is here.\x0b It goes on\x85."
    )
    xml = app.test_client().get("/feed.xml").data
    ET.fromstring(xml)  # well-formed XML, or this raises
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title == "Bell and Escape Headline"


def test_an_article_keeps_no_control_characters_whatever_reads_it():
    from listen.article import Article

    article = Article(
        paragraphs=["One\x00 two\ttabbed."],
        title="A\x7f title\u0090",
        byline="By\x1f Ann",
        extra={"url": "x\x01"},
    )
    assert article.paragraphs == ["One two\ttabbed."]
    assert (article.title, article.byline, article.extra["url"]) == ("A title", "By Ann", "x")

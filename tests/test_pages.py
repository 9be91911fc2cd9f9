"""The HTML side through Flask's test client: pages, embed, oEmbed, widget.js, escaping, headers."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import post_ready

from listen.config import Settings
from web import close_app, create_app, manager_of
from web.pages import STATIC

EVIL_TEXT = (
    '<script>alert("title")</script> Evil Headline\n\n'
    "<img src=x onerror=alert(1)> This body sentence tries to run code. "
    'So does <script>document.title="pwned"</script> this one.\n'
)


@pytest.fixture(scope="module")
def evil(app):
    """The id of a finished article whose text is full of markup."""
    return post_ready(app.test_client(), app, text=EVIL_TEXT)["id"]


def test_the_page_lists_voices_and_carries_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "gmw/en-us" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.slow
def test_the_page_offers_the_sample_article_once_it_is_ready(tmp_path):
    app = create_app(Settings.of(cache_dir=tmp_path, engine_workers=2))
    try:
        key = app.extensions["listen_sample_id"]
        assert key
        assert manager_of(app).get(key).wait(120)
        page = app.test_client().get("/").get_data(as_text=True)
        assert f'data-article-id="{key}"' in page
    finally:
        close_app(app)


@pytest.mark.slow
def test_article_text_is_escaped_on_the_article_page(client, evil):
    page = client.get(f"/a/{evil}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<script>document" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in page  # the title, shown as text
    # Apart from our own module script and JSON data blocks, no script tags at all.
    scripts = re.findall(r"<script[^>]*>", page)
    assert all('type="module"' in s or 'type="application/json"' in s for s in scripts)


def test_article_text_is_escaped_in_the_embed(client, evil):
    page = client.get(f"/embed/{evil}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<img src=x" not in page


def test_the_article_page_has_oembed_discovery_and_open_graph_audio(client, evil):
    page = client.get(f"/a/{evil}").get_data(as_text=True)
    discovery = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert discovery
    oembed_url = html.unescape(discovery.group(1))
    assert client.get(oembed_url).json["type"] == "rich"
    assert f'property="og:audio" content="http://localhost/api/v1/articles/{evil}/audio.mp3"' in page


def test_the_embed_can_be_framed_by_any_site(client, evil):
    response = client.get(f"/embed/{evil}")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


def test_other_pages_cannot_be_framed_by_other_sites(client, evil):
    assert client.get(f"/a/{evil}").headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_embed_takes_a_valid_accent_colour_and_mode(client, evil):
    page = client.get(f"/embed/{evil}?accent=FF8800&mode=dark").get_data(as_text=True)
    assert "#ff8800" in page
    assert "theme-dark" in page


def test_the_embed_ignores_an_accent_that_is_not_a_colour(client, evil):
    page = client.get(
        f"/embed/{evil}", query_string={"accent": "red;}</style><script>alert(42)</script>", "mode": "<b>"}
    ).get_data(as_text=True)
    assert "alert(42)" not in page
    assert "#0b6bcb" in page


def test_oembed_describes_an_article_page_as_a_rich_iframe(client, evil):
    response = client.get("/oembed", query_string={"url": f"http://localhost/a/{evil}", "maxwidth": 400})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.json
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["provider_name"] == "listen"
    assert data["width"] == 400
    assert data["height"] > 0
    assert data["html"].startswith(f'<iframe src="http://localhost/embed/{evil}"')
    assert "<script>" not in data["html"]
    assert "&lt;script&gt;" in data["html"]  # the title, escaped


def test_oembed_accepts_an_embed_url_too(client, evil):
    assert client.get("/oembed", query_string={"url": f"http://localhost/embed/{evil}"}).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/a/{id}",
        "http://localhost/other/{id}",
        "http://localhost/a/" + "0" * 64,
        "javascript:alert(1)",
        "",
    ],
)
def test_oembed_refuses_urls_that_are_not_our_articles(client, evil, url):
    response = client.get("/oembed", query_string={"url": url.format(id=evil)})
    assert response.status_code == 404
    assert response.json["error"]["code"]


def test_oembed_xml_is_not_implemented(client, evil):
    response = client.get("/oembed", query_string={"url": f"http://localhost/a/{evil}", "format": "xml"})
    assert response.status_code == 501
    assert response.is_json


def test_unknown_article_pages_get_404(client):
    assert client.get("/a/" + "f" * 64).status_code == 404
    assert client.get("/embed/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_widget_js_is_served_as_javascript_to_any_site(client):
    if not (STATIC / "widget.js").exists():
        pytest.skip("web/static/widget.js is not written yet")
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # 15,000 until data-next (issue 22): its hooks are here, the rest (widget-next.js) loads only when an article ends.
    assert len(response.data) < 16_500


def test_each_page_loads_only_the_player_modules_it_uses_served_as_javascript(client, evil):
    loaded = {}
    for path in ("/", f"/a/{evil}", f"/embed/{evil}"):
        page = client.get(path).get_data(as_text=True)
        loaded[path] = re.findall(
            r'<(?:script type="module" src|link rel="modulepreload" href)="/static/([\w-]+\.js)"', page
        )
    assert "form.js" in loaded["/"]
    assert "frame.js" not in loaded["/"]
    assert "form.js" not in loaded[f"/embed/{evil}"]
    assert "frame.js" in loaded[f"/embed/{evil}"]
    assert {"form.js", "frame.js"}.isdisjoint(loaded[f"/a/{evil}"])
    for name in set().union(*loaded.values()):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert response.mimetype == "text/javascript", name


@pytest.mark.slow
def test_a_relative_cache_folder_serves_audio_from_the_working_directory(tmp_path, monkeypatch):
    # `make run` uses the default, relative audio_cache/: it must mean the folder we run in.
    monkeypatch.chdir(tmp_path)
    app = create_app(Settings.of(cache_dir=Path("audio_cache"), engine_workers=1), render_sample=False)
    try:
        client = app.test_client()
        key = post_ready(client, app, text="A relative cache still works.")["id"]
        audio = client.get(f"/api/v1/articles/{key}/audio.mp3")
        assert audio.status_code == 200
        assert audio.data[:3] == b"ID3"
        assert (tmp_path / "audio_cache" / "renditions").is_dir()
    finally:
        close_app(app)

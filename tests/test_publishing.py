"""For publishers, through Flask's test client: oEmbed sizes, the bar layout, error pages."""

from __future__ import annotations

import re

import pytest
from conftest import post_ready

from listen.config import Settings
from web import close_app, create_app

ARTICLE = "Harbour Wall Repaired\n\nThe harbour wall was repaired this week. Boats can moor there again.\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    app = create_app(
        Settings.of(cache_dir=tmp_path_factory.mktemp("publishing-cache"), engine_workers=2),
        render_sample=False,
    )
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def key(app):
    return post_ready(app.test_client(), app, text=ARTICLE)["id"]


def oembed(client, url: str, **limits):
    return client.get("/oembed", query_string={"url": url, **limits})


def iframe_size(html: str) -> tuple[int, int, str]:
    match = re.search(r'<iframe src="([^"]+)" width="(\d+)" height="(\d+)"', html)
    assert match, html
    return int(match.group(2)), int(match.group(3)), match.group(1)


# -- oEmbed sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "size", "layout"),
    [
        ({}, (600, 240), "compact"),
        ({"maxwidth": 350}, (350, 240), "compact"),
        ({"maxwidth": 350, "maxheight": 200}, (350, 200), "compact"),
        ({"maxwidth": 1000, "maxheight": 1000}, (600, 240), "compact"),
        ({"maxheight": 150}, (600, 150), "compact"),
        ({"maxheight": 149}, (600, 56), "bar"),
        ({"maxheight": 100}, (600, 56), "bar"),
        ({"maxheight": 60, "maxwidth": 320}, (320, 56), "bar"),
        ({"maxheight": 50}, (600, 50), "bar"),
        ({"maxheight": 44}, (600, 44), "bar"),
    ],
)
@pytest.mark.slow
def test_oembed_answers_a_size_within_maxwidth_and_maxheight(client, key, limits, size, layout):
    data = oembed(client, f"http://localhost/a/{key}", **limits).json
    assert (data["width"], data["height"]) == size
    width, height, src = iframe_size(data["html"])
    assert (width, height) == size
    assert ("layout=bar" in src) == (layout == "bar")
    assert width <= limits.get("maxwidth", 10_000)
    assert height <= limits.get("maxheight", 10_000)


def test_oembed_of_a_bar_embed_url_answers_the_bar(client, key):
    data = oembed(client, f"http://localhost/embed/{key}?layout=bar").json
    assert data["height"] == 56
    assert "layout=bar" in data["html"]


@pytest.mark.parametrize(
    "limits", [{"maxheight": 30}, {"maxwidth": 100}, {"maxwidth": "wide"}, {"maxheight": -5}]
)
def test_oembed_refuses_a_box_no_player_fits_with_a_clear_error(client, key, limits):
    response = oembed(client, f"http://localhost/a/{key}", **limits)
    assert response.status_code == 400
    assert response.is_json
    assert "px" in response.json["error"]["message"] or "pixels" in response.json["error"]["message"]


# -- error pages ---------------------------------------------------------------------------------

UNKNOWN = "f" * 64


@pytest.mark.parametrize("path", [f"/a/{UNKNOWN}", "/a/not-an-id", "/no/such/page", "/static/missing.css"])
def test_a_dead_link_shows_a_page_not_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Not found</h1>" in page
    assert "player.css" in page
    assert '"error"' not in page
    assert "POST /api" not in page
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize(
    "path", [f"/embed/{UNKNOWN}", "/embed/..%2F..%2Fetc%2Fpasswd", f"/embed/{UNKNOWN}?mode=dark"]
)
def test_a_dead_embed_says_in_one_line_that_the_audio_is_gone_and_stays_frameable(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "This audio is no longer available." in page
    assert "embed-body" in page
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert ("theme-dark" in page) == ("mode=dark" in path)


def test_a_wrong_method_on_a_page_answers_a_405_page(client, key):
    response = client.post(f"/a/{key}")
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert "Not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/articles/{UNKNOWN}",
        f"/api/v1/articles/{UNKNOWN}/audio.mp3",
        "/api/v1/nope",
        "/oembed?url=http://localhost/a/" + UNKNOWN,
    ],
)
def test_the_api_keeps_answering_errors_in_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.is_json
    assert response.json["error"]["code"]
    assert response.json["error"]["message"]

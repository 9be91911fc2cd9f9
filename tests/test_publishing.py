"""For publishers, through Flask's test client: oEmbed sizes, the bar layout, error pages."""

from __future__ import annotations

import re

import pytest

from listen.config import Settings
from web import close_app, create_app, manager_of

ARTICLE = "Harbour Wall Repaired\n\nThe harbour wall was repaired this week. Boats can moor there again.\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    app = create_app(Settings(cache_dir=tmp_path_factory.mktemp("publishing-cache"), jobs=2), render_sample=False)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def key(app):
    key = app.test_client().post("/api/v1/articles", json={"text": ARTICLE}).json["id"]
    job = manager_of(app).get(key)
    assert job.wait(60) and job.status == "ready", job.error
    return key


def oembed(client, url: str, **limits):
    return client.get("/oembed", query_string={"url": url, **limits})


def iframe_size(html: str) -> tuple[int, int, str]:
    match = re.search(r'<iframe src="([^"]+)" width="(\d+)" height="(\d+)"', html)
    assert match, html
    return int(match.group(2)), int(match.group(3)), match.group(1)


# -- oEmbed sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize(("limits", "size", "layout"), [
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
])
def test_oembed_answers_a_size_within_maxwidth_and_maxheight(client, key, limits, size, layout):
    data = oembed(client, f"http://localhost/a/{key}", **limits).json
    assert (data["width"], data["height"]) == size
    width, height, src = iframe_size(data["html"])
    assert (width, height) == size
    assert ("layout=bar" in src) == (layout == "bar")
    assert width <= limits.get("maxwidth", 10_000) and height <= limits.get("maxheight", 10_000)


def test_oembed_of_a_bar_embed_url_answers_the_bar(client, key):
    data = oembed(client, f"http://localhost/embed/{key}?layout=bar").json
    assert data["height"] == 56 and "layout=bar" in data["html"]


@pytest.mark.parametrize("limits", [{"maxheight": 30}, {"maxwidth": 100}, {"maxwidth": "wide"}, {"maxheight": -5}])
def test_oembed_refuses_a_box_no_player_fits_with_a_clear_error(client, key, limits):
    response = oembed(client, f"http://localhost/a/{key}", **limits)
    assert response.status_code == 400 and response.is_json
    assert "px" in response.json["error"]["message"] or "pixels" in response.json["error"]["message"]

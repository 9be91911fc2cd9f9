"""The Host header is never reflected into our URLs: LISTEN_PUBLIC_URL, or only LISTEN_ALLOWED_HOSTS."""

from __future__ import annotations

import itertools
import re

import pytest

from listen.config import Settings
from listen.errors import SettingsError
from web import close_app, create_app

_counter = itertools.count()
URL_FIELDS = ("audio_url", "timings_url", "captions_url", "embed_url", "page_url")


def body() -> dict:
    return {"text": f"Hosts Headline {next(_counter)}\n\nOne short sentence. Another one."}


def make_app(tmp_path, **settings):
    return create_app(
        Settings.of(cache_dir=tmp_path / "cache", engine_workers=1, **settings),
        start_workers=False,
        render_sample=False,
    )


@pytest.fixture
def default_app(tmp_path):
    app = make_app(tmp_path, host="127.0.0.1", port=8000)
    yield app
    close_app(app)


def as_host(host: str, scheme: str = "http") -> dict:
    """Request arguments that send this Host header as it is (base_url would parse it first)."""
    return {"environ_overrides": {"HTTP_HOST": host, "wsgi.url_scheme": scheme}}


def post(app, host: str, scheme: str = "http"):
    return app.test_client().post("/api/v1/articles", json=body(), **as_host(host, scheme))


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8000",
        "10.0.0.5:8000",
        "192.168.1.20:8000",
        "localhost.evil.example",
        "8000",
        "127.0.0.2:8000",
        "127.0.0.1:8000.evil.example",
        "127.0.0.1.evil.example:8000",
        "",
    ],
)
def test_by_default_a_host_other_than_where_serve_listens_or_localhost_gets_400(default_app, host):
    response = post(default_app, host)
    assert response.status_code == 400, response.data
    message = response.json["error"]["message"]
    assert "LISTEN_ALLOWED_HOSTS" in message
    assert "LISTEN_PUBLIC_URL" in message
    assert "evil" not in response.headers.get("Location", "")
    for path in ("/", "/api/v1/voices", "/widget.js", "/a/" + "0" * 64):
        assert default_app.test_client().get(path, **as_host(host)).status_code == 400, path


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8000",
        "localhost",
        "localhost:8000",
        "LOCALHOST:5173",
        "127.0.0.1:9999",
        "[::1]:8000",
        "[::1]",
    ],
)
def test_by_default_where_serve_listens_and_localhost_are_served_and_used_in_urls(default_app, host):
    response = post(default_app, host)
    assert response.status_code == 202, response.data
    for name in URL_FIELDS:
        assert response.json[name].startswith(f"http://{host.lower()}/"), response.json[name]
    assert response.headers["Location"].startswith(f"http://{host.lower()}/api/v1/articles/")


def test_serve_on_an_ipv6_address_allows_that_address_and_port(tmp_path):
    app = make_app(tmp_path, host="2001:db8::5", port=8123)
    try:
        assert post(app, "[2001:db8::5]:8123").status_code == 202
        assert post(app, "[2001:db8::5]:8124").status_code == 400
        assert post(app, "[2001:db8::6]:8123").status_code == 400
    finally:
        close_app(app)


def test_allowed_hosts_list_names_at_any_port_or_one_port(tmp_path):
    app = make_app(tmp_path, allowed_hosts="listen.example.org, cdn.example.org:8443")
    try:
        assert post(app, "listen.example.org").status_code == 202
        assert post(app, "listen.example.org:8080").status_code == 202
        assert (
            post(app, "cdn.example.org:8443", "https")
            .json["audio_url"]
            .startswith("https://cdn.example.org:8443/")
        )
        assert post(app, "cdn.example.org").status_code == 400
        assert post(app, "localhost").status_code == 400  # the list replaces the default
    finally:
        close_app(app)


@pytest.fixture
def public_app(tmp_path):
    app = make_app(tmp_path, public_url="https://listen.example.org/base/")
    yield app
    close_app(app)


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8000", "internal-proxy:8080"])
def test_with_a_public_url_every_url_comes_from_it_whatever_the_host(public_app, host):
    response = post(public_app, host)
    assert response.status_code == 202
    for name in URL_FIELDS:
        assert response.json[name].startswith("https://listen.example.org/base/"), response.json[name]
    key = response.json["id"]
    assert response.headers["Location"] == f"https://listen.example.org/base/api/v1/articles/{key}"
    status = public_app.test_client().get(f"/api/v1/articles/{key}", **as_host(host)).json
    assert status["audio_url"] == f"https://listen.example.org/base/api/v1/articles/{key}/audio.mp3"


def test_with_a_public_url_the_article_page_open_graph_and_oembed_use_it(public_app):
    client = public_app.test_client()
    key = post(public_app, "evil.example").json["id"]
    page = client.get(f"/a/{key}", **as_host("evil.example")).get_data(as_text=True)
    assert "evil.example" not in page
    og = dict(re.findall(r'<meta property="(og:[a-z:_]+)" content="([^"]*)"', page))
    assert og["og:url"] == f"https://listen.example.org/base/a/{key}"
    assert (
        og["og:audio"]
        == og["og:audio:secure_url"]
        == f"https://listen.example.org/base/api/v1/articles/{key}/audio.mp3"
    )
    embed = client.get(f"/oembed?url=https://listen.example.org/base/a/{key}", **as_host("evil.example"))
    assert embed.status_code == 200
    assert f'src="https://listen.example.org/base/embed/{key}"' in embed.json["html"]
    assert embed.json["provider_url"] == "https://listen.example.org/base/"
    assert (
        client.get(f"/oembed?url=http://evil.example/a/{key}", **as_host("evil.example")).status_code == 404
    )


def test_with_a_public_url_and_an_allowed_hosts_list_both_hold(tmp_path):
    app = make_app(tmp_path, public_url="https://listen.example.org", allowed_hosts="10.0.0.5:8000")
    try:
        assert post(app, "evil.example").status_code == 400
        response = post(app, "10.0.0.5:8000")
        assert response.json["page_url"].startswith("https://listen.example.org/a/")
    finally:
        close_app(app)


@pytest.mark.parametrize(
    "url",
    [
        "listen.example.org",
        "ftp://listen.example.org",
        "https://",
        "https://x.org/?a=1",
        "https://x.org/#top",
    ],
)
def test_a_public_url_that_is_not_a_site_url_is_a_settings_error(tmp_path, url):
    with pytest.raises(SettingsError, match="LISTEN_PUBLIC_URL"):
        make_app(tmp_path, public_url=url)


def test_public_url_and_allowed_hosts_are_read_from_the_environment():
    settings = Settings.from_env(
        {"LISTEN_PUBLIC_URL": "https://a.example", "LISTEN_ALLOWED_HOSTS": "a.example"}
    )
    assert settings.service.public_url == "https://a.example"
    assert settings.service.allowed_hosts == "a.example"


@pytest.mark.slow
def test_serve_on_every_address_says_how_to_name_the_server_and_answers_loopback_but_not_others(tmp_path):
    import http.client
    import os
    import signal
    import subprocess
    import sys
    import time

    from support.ports import free_port

    port = free_port()
    env = {**os.environ, "LISTEN_CACHE_DIR": str(tmp_path / "cache"), "LISTEN_JOBS": "1"}
    env.pop("LISTEN_PUBLIC_URL", None)
    env.pop("LISTEN_ALLOWED_HOSTS", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "listen", "serve", "--host", "0.0.0.0", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        lines = [server.stdout.readline() for _ in range(2)]
        assert "LISTEN_PUBLIC_URL" in lines[1], lines
        assert f"0.0.0.0:{port}" in lines[1], lines

        def status(host: str) -> int:
            deadline = (
                time.monotonic() + 120
            )  # only a server that never starts takes this long, however busy the machine
            while time.monotonic() < deadline:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    conn.request("GET", "/api/v1/voices", headers={"Host": host})
                    return conn.getresponse().status
                except ConnectionRefusedError:
                    time.sleep(0.2)
            raise AssertionError("the server never answered")

        assert status(f"127.0.0.1:{port}") == 200
        assert status(f"0.0.0.0:{port}") == 200
        assert status(f"news.example:{port}") == 400
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)

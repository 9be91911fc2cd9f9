"""API keys, rate limits, CORS only where embedding needs it, and security headers on pages."""

from __future__ import annotations

import itertools

import pytest
from conftest import running_app

from listen.config import Settings
from listen.errors import SettingsError
from web import create_app

_counter = itertools.count()


def body() -> dict:
    return {"text": f"Security Headline {next(_counter)}\n\nOne short sentence. Another one."}


# The open app (the shared `app` fixture): no API keys; its engines boot on the first render.
APP_SETTINGS = {"engine_workers": 1, "start_workers": False}


@pytest.fixture
def keyed_app(tmp_path):
    with running_app(
        tmp_path / "cache",
        engine_workers=1,
        start_workers=False,
        api_keys="alpha-key, beta-key",
        rate_limit="3/minute",
    ) as app:
        yield app


@pytest.fixture(scope="module")
def ready_id(app):
    client = app.test_client()
    key = client.post("/api/v1/articles", json=body()).json["id"]
    assert app.extensions["listen"].get(key).wait(90)
    return key


# -- API keys -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_without_configured_keys_anyone_may_post(app):
    assert app.test_client().post("/api/v1/articles", json=body()).status_code == 202


def test_with_keys_a_post_without_one_gets_401_saying_how_to_send_it(keyed_app):
    response = keyed_app.test_client().post("/api/v1/articles", json=body())
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert "Authorization: Bearer" in response.json["error"]["message"]


@pytest.mark.slow
def test_with_keys_a_wrong_key_is_refused_and_a_right_one_in_either_header_accepted(keyed_app):
    client = keyed_app.test_client()
    assert client.post("/api/v1/articles", json=body(), headers={"X-API-Key": "gamma"}).status_code == 401
    assert client.post("/api/v1/articles", json=body(), headers={"X-API-Key": "beta-key"}).status_code == 202
    response = client.post("/api/v1/articles", json=body(), headers={"Authorization": "Bearer alpha-key"})
    assert response.status_code == 202


@pytest.mark.slow
def test_with_keys_reads_stay_open(keyed_app):
    client = keyed_app.test_client()
    key = client.post("/api/v1/articles", json=body(), headers={"X-API-Key": "alpha-key"}).json["id"]
    assert client.get(f"/api/v1/articles/{key}").status_code == 200
    assert client.get("/api/v1/voices").status_code == 200


# -- rate limits ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_posts_without_a_key_are_limited_per_client_address_with_429_and_retry_after(tmp_path):
    with running_app(tmp_path / "cache", engine_workers=1, start_workers=False, rate_limit="3/minute") as app:
        client = app.test_client()
        statuses = [
            client.post("/api/v1/articles", json=body(), environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code
            for _ in range(4)
        ]
        assert statuses == [202, 202, 202, 429]
        response = client.post("/api/v1/articles", json=body(), environ_base={"REMOTE_ADDR": "10.0.0.7"})
        assert response.status_code == 429
        assert response.json["error"]["code"] == "too_many_requests"
        assert int(response.headers["Retry-After"]) > 0
        # Another address is not affected.
        assert (
            client.post("/api/v1/articles", json=body(), environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code
            == 202
        )


@pytest.mark.slow
def test_failed_logins_do_not_use_up_the_budget_of_a_valid_key_from_the_same_address(keyed_app):
    client = keyed_app.test_client()
    here = {"REMOTE_ADDR": "10.0.0.9"}
    failed = [
        client.post("/api/v1/articles", json=body(), headers=headers, environ_base=here).status_code
        for headers in (
            {},
            {"X-API-Key": "guess-1"},
            {"Authorization": "Bearer guess-2"},
            {},
            {"X-API-Key": "x"},
        )
    ]
    assert failed == [401, 401, 401, 429, 429]  # guessing is limited per address...
    keyed = [
        client.post("/api/v1/articles", json=body(), headers={"X-API-Key": "alpha-key"}, environ_base=here)
        for _ in range(3)
    ]
    assert [r.status_code for r in keyed] == [202, 202, 202]  # ...and costs the key nothing
    assert "Retry-After" not in keyed[-1].headers


@pytest.mark.slow
def test_a_valid_key_is_limited_per_key_only_not_per_address(keyed_app):
    client = keyed_app.test_client()
    here = {"REMOTE_ADDR": "10.0.0.10"}
    alpha = [
        client.post(
            "/api/v1/articles", json=body(), headers={"X-API-Key": "alpha-key"}, environ_base=here
        ).status_code
        for _ in range(4)
    ]
    assert alpha == [202, 202, 202, 429]
    # The same address with another valid key has that key's own budget.
    beta = [
        client.post(
            "/api/v1/articles", json=body(), headers={"Authorization": "Bearer beta-key"}, environ_base=here
        ).status_code
        for _ in range(3)
    ]
    assert beta == [202, 202, 202]


@pytest.mark.slow
def test_posts_are_limited_per_api_key_across_addresses(keyed_app):
    client = keyed_app.test_client()
    statuses = [
        client.post(
            "/api/v1/articles",
            json=body(),
            headers={"X-API-Key": "alpha-key"},
            environ_base={"REMOTE_ADDR": f"10.0.1.{n}"},
        ).status_code
        for n in range(4)
    ]
    assert statuses == [202, 202, 202, 429]


@pytest.mark.slow
def test_reads_are_not_rate_limited(keyed_app):
    client = keyed_app.test_client()
    key = client.post("/api/v1/articles", json=body(), headers={"X-API-Key": "beta-key"}).json["id"]
    assert all(client.get(f"/api/v1/articles/{key}").status_code == 200 for _ in range(10))


def test_a_rate_limit_that_is_not_a_rate_is_a_settings_error(tmp_path):
    with pytest.raises(SettingsError, match="60/minute"):
        create_app(
            Settings.of(cache_dir=tmp_path, rate_limit="lots"), start_workers=False, render_sample=False
        )


# -- CORS -----------------------------------------------------------------------------------------


def test_cors_is_on_the_read_endpoints_meant_for_embedding(app, ready_id):
    client = app.test_client()
    for path in (
        f"/api/v1/articles/{ready_id}",
        f"/api/v1/articles/{ready_id}/audio.mp3",
        f"/api/v1/articles/{ready_id}/timings.json",
        f"/api/v1/articles/{ready_id}/captions.vtt",
        f"/oembed?url=http://localhost/a/{ready_id}",
        "/widget.js",
    ):
        assert client.get(path).headers.get("Access-Control-Allow-Origin") == "*", path


def test_pages_carry_no_cors_header(app, ready_id):
    client = app.test_client()
    for path in ("/", f"/a/{ready_id}", f"/embed/{ready_id}"):
        assert "Access-Control-Allow-Origin" not in client.get(path).headers, path


@pytest.mark.slow
def test_with_keys_posting_is_not_open_to_other_sites_pages(keyed_app):
    client = keyed_app.test_client()
    preflight = client.options(
        "/api/v1/articles",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    response = client.post("/api/v1/articles", json=body(), headers={"X-API-Key": "alpha-key"})
    assert "Access-Control-Allow-Origin" not in response.headers
    refused = client.post("/api/v1/articles", json=body())
    assert "Access-Control-Allow-Origin" not in refused.headers


# -- headers ----------------------------------------------------------------------------------------


def test_pages_have_a_csp_that_forbids_framing_by_others_and_nosniff(app, ready_id):
    client = app.test_client()
    for path in ("/", f"/a/{ready_id}"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in csp
        assert "script-src 'self'" in csp
        assert "default-src 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_embed_may_be_framed_by_any_site_but_keeps_its_csp(app, ready_id):
    headers = app.test_client().get(f"/embed/{ready_id}").headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp
    assert "script-src 'self'" in csp
    assert "X-Frame-Options" not in headers
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_api_responses_are_nosniff(app, ready_id):
    client = app.test_client()
    for path in (f"/api/v1/articles/{ready_id}", f"/api/v1/articles/{ready_id}/audio.mp3", "/api/v1/nothing"):
        assert client.get(path).headers["X-Content-Type-Options"] == "nosniff", path


# -- article ids on a keyed server ------------------------------------------------------------------


def plain_id(app, text: str) -> str:
    """The id anyone can compute from an article's text: its rendition key."""
    from listen.reading.plaintext import from_text
    from listen.render.renderer import Renderer

    return Renderer(app.config["LISTEN_SETTINGS"]).plan(from_text(text)).key


def test_with_keys_the_instance_secret_is_made_in_the_cache_folder_on_first_start(keyed_app):
    secret = keyed_app.config["LISTEN_SETTINGS"].service.cache_dir / "instance-secret"
    assert secret.is_file()
    assert len(secret.read_bytes()) == 32
    assert secret.stat().st_mode & 0o077 == 0  # readable by its owner only


@pytest.mark.slow
def test_with_keys_article_ids_cannot_be_worked_out_from_the_text(keyed_app):
    import hashlib
    import hmac

    text = body()["text"]
    client = keyed_app.test_client()
    created = client.post("/api/v1/articles", json={"text": text}, headers={"X-API-Key": "alpha-key"})
    assert created.status_code == 202
    guessable = plain_id(keyed_app, text)
    assert created.json["id"] != guessable
    secret = (keyed_app.config["LISTEN_SETTINGS"].service.cache_dir / "instance-secret").read_bytes()
    assert created.json["id"] == hmac.new(secret, guessable.encode(), hashlib.sha256).hexdigest()
    for path in ("", "/timings.json", "/captions.vtt", "/audio.mp3"):
        assert client.get(f"/api/v1/articles/{guessable}{path}").status_code == 404
    assert client.get(f"/a/{guessable}").status_code == 404
    # The same article posted again finds the same (keyed) id.
    again = client.post("/api/v1/articles", json={"text": text}, headers={"X-API-Key": "beta-key"})
    assert again.json["id"] == created.json["id"]


@pytest.mark.slow
def test_with_keys_ids_differ_between_instances_and_survive_a_restart(tmp_path):
    text = body()["text"]
    ids = []
    for cache in ("one", "two", "one"):
        with running_app(tmp_path / cache, engine_workers=1, start_workers=False, api_keys="k") as app:
            response = app.test_client().post(
                "/api/v1/articles", json={"text": text}, headers={"X-API-Key": "k"}
            )
            ids.append(response.json["id"])
    assert ids[0] != ids[1]
    assert ids[0] == ids[2]


def test_without_keys_ids_stay_the_content_key_and_no_secret_is_made(app):
    text = body()["text"]
    created = app.test_client().post("/api/v1/articles", json={"text": text})
    assert created.json["id"] == plain_id(app, text)
    assert not (app.config["LISTEN_SETTINGS"].service.cache_dir / "instance-secret").exists()


@pytest.mark.slow
def test_with_keys_a_rendered_article_is_read_back_by_its_keyed_id(tmp_path):
    with running_app(tmp_path / "cache", engine_workers=1, api_keys="k") as app:
        client = app.test_client()
        key = client.post("/api/v1/articles", json=body(), headers={"X-API-Key": "k"}).json["id"]
        job = app.extensions["listen"].get(key)
        assert job.wait(90), job.error
        assert job.status == "ready", job.error
        assert client.get(f"/api/v1/articles/{key}/timings.json").json["id"] == key
        audio = client.get(f"/api/v1/articles/{key}/audio.mp3")
        assert audio.status_code == 200
        assert audio.data[:3] == b"ID3"
    with running_app(tmp_path / "cache", engine_workers=1, start_workers=False, api_keys="k") as restarted:
        assert restarted.test_client().get(f"/api/v1/articles/{key}").json["status"] == "ready"


@pytest.mark.slow
def test_a_public_key_is_limited_per_address_too_so_one_visitor_cannot_use_up_its_budget(tmp_path):
    # A public key sits in a publisher's pages for anyone to copy; a secret key does not.
    with running_app(
        tmp_path / "cache",
        engine_workers=1,
        start_workers=False,
        rate_limit="3/minute",
        api_keys="secret-key, pub-key origin=https://news.example",
    ) as app:
        client = app.test_client()
        here = {"REMOTE_ADDR": "10.0.2.1"}
        page = {"X-API-Key": "pub-key", "Origin": "https://news.example"}
        assert [
            client.post("/api/v1/articles", json=body(), headers={}, environ_base=here).status_code
            for _ in range(3)
        ] == [401, 401, 401]  # this address's budget is spent
        assert (
            client.post("/api/v1/articles", json=body(), headers=page, environ_base=here).status_code == 429
        )
        other = {"REMOTE_ADDR": "10.0.2.2"}
        assert (
            client.post("/api/v1/articles", json=body(), headers=page, environ_base=other).status_code == 202
        )
        secret = client.post(
            "/api/v1/articles", json=body(), headers={"X-API-Key": "secret-key"}, environ_base=here
        )
        assert secret.status_code == 202


# -- behind a proxy (LISTEN_TRUSTED_PROXIES) --------------------------------------------------------


@pytest.fixture(scope="module")
def proxied_app(tmp_path_factory):
    with running_app(
        tmp_path_factory.mktemp("proxied-cache"),
        engine_workers=1,
        start_workers=False,
        trusted_proxies="10.0.0.1, 10.1.0.0/16, ::1",
        rate_limit="3/minute",
    ) as app:
        yield app


@pytest.mark.parametrize(
    ("peer", "headers", "client"),
    [
        ("10.0.0.1", {"X-Forwarded-For": "198.51.100.7"}, "198.51.100.7"),
        # What lies left of the rightmost hop that is not ours, the client wrote.
        ("10.0.0.1", {"X-Forwarded-For": "1.2.3.4, 198.51.100.7, 10.1.2.3"}, "198.51.100.7"),
        ("10.0.0.1", {"X-Forwarded-For": "198.51.100.7:4711"}, "198.51.100.7"),
        ("10.0.0.1", {"Forwarded": 'for=1.2.3.4, for="[2001:db8::7]:4711";proto=https'}, "2001:db8::7"),
        ("::1", {"Forwarded": "for=198.51.100.8;by=10.0.0.1"}, "198.51.100.8"),
        # Anyone else's forwarding headers are not believed.
        ("203.0.113.5", {"X-Forwarded-For": "198.51.100.7"}, "203.0.113.5"),
        ("10.0.0.2", {"Forwarded": "for=198.51.100.7"}, "10.0.0.2"),
        # Two headers naming two clients: one is the client's own; the proxy's address then.
        ("10.0.0.1", {"X-Forwarded-For": "198.51.100.7", "Forwarded": "for=198.51.100.9"}, "10.0.0.1"),
        ("10.0.0.1", {"X-Forwarded-For": "unknown"}, "10.0.0.1"),
        ("10.0.0.1", {}, "10.0.0.1"),
    ],
)
def test_the_client_is_the_rightmost_hop_our_own_proxies_name(proxied_app, peer, headers, client):
    from web.clients import client_address

    with proxied_app.test_request_context(environ_base={"REMOTE_ADDR": peer}, headers=headers):
        assert client_address() == client


@pytest.mark.slow
def test_behind_a_trusted_proxy_posts_are_limited_per_real_client(proxied_app):
    client = proxied_app.test_client()

    def post(forwarded_for: str) -> int:
        return client.post(
            "/api/v1/articles",
            json=body(),
            headers={"X-Forwarded-For": forwarded_for},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        ).status_code

    # The client cannot pick another budget by writing its own hop on the left.
    assert [post(f"{n}.0.0.9, 198.51.100.20") for n in range(1, 5)] == [202, 202, 202, 429]
    assert post("198.51.100.21") == 202  # another client behind the same proxy has its own


def test_trusted_proxies_that_are_not_addresses_stop_the_server_saying_how_to_write_them(tmp_path):
    with pytest.raises(SettingsError, match=r"LISTEN_TRUSTED_PROXIES: 'proxy\.example'"):
        create_app(
            Settings.of(cache_dir=tmp_path, trusted_proxies="10.0.0.1, proxy.example"),
            start_workers=False,
            render_sample=False,
        )

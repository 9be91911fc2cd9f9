"""Which sites' pages may have us read text: LISTEN_EMBED_ORIGINS and origin-bound public API keys."""

from __future__ import annotations

import threading

import pytest

from listen.config import Settings
from listen.errors import SettingsError
from support.pages import PageServer
from tests.conftest import article_text
from web import close_app, create_app

NEWS = "https://news.example"
EVIL = "https://evil.example"


@pytest.fixture
def make(make_app):
    return lambda **fields: make_app(**fields).test_client()


def post(client, origin: str | None = None, key: str | None = None):
    headers = {**({"Origin": origin} if origin else {}), **({"X-API-Key": key} if key else {})}
    return client.post("/api/v1/articles", json={"text": article_text(1)}, headers=headers)


def preflight(client, origin: str):
    return client.options(
        "/api/v1/articles",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-api-key",
        },
    )


def test_by_default_any_sites_page_may_create_articles(make):
    client = make()
    response = post(client, EVIL)
    assert response.status_code in (200, 202)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight(client, EVIL).headers["Access-Control-Allow-Origin"] == "*"


def test_embed_origins_admit_the_listed_sites_pages_only(make):
    client = make(embed_origins=f"{NEWS}, https://blog.example/")
    for origin in (NEWS, "https://blog.example", "HTTPS://NEWS.EXAMPLE"):
        response = post(client, origin)
        assert response.status_code in (200, 202), response.json
        assert response.headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in response.headers["Vary"]
        allowed = preflight(client, origin)
        assert allowed.headers["Access-Control-Allow-Origin"] == origin
        assert "X-API-Key" in allowed.headers["Access-Control-Allow-Headers"]
    refused = post(client, EVIL)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "origin_not_allowed"
    # The widget shows the message to the host page's readers: the setting to change is for the log.
    assert EVIL in refused.json["error"]["message"]
    assert "LISTEN_" not in refused.json["error"]["message"]
    # The refusal is readable by the refused page (the widget shows it); its preflight goes through for that.
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert post(client, "https://news.example.evil.example").status_code == 403
    # Servers (no Origin) and our own page are not pages of other sites.
    assert post(client).status_code in (200, 202)
    assert post(client, "http://localhost").status_code in (200, 202)


def test_a_public_key_works_only_from_pages_of_its_own_sites(make):
    client = make(api_keys=f"secret-1, pub-1 origin={NEWS} origin=https://blog.example")
    ok = post(client, NEWS, key="pub-1")
    assert ok.status_code in (200, 202)
    assert ok.headers["Access-Control-Allow-Origin"] == NEWS
    assert preflight(client, NEWS).headers["Access-Control-Allow-Origin"] == NEWS
    elsewhere = post(client, EVIL, key="pub-1")
    assert elsewhere.status_code == 403
    assert "works only on pages of" in elsewhere.json["error"]["message"]
    assert "Access-Control-Allow-Origin" not in preflight(client, EVIL).headers
    server = post(client, key="pub-1")  # copied out of a page into a script
    assert server.status_code == 401
    assert "secret key" in server.json["error"]["message"]
    assert post(client, NEWS).status_code == 401  # a page still needs a key
    # The secret key works for servers, and a page that uses one is not let read the answer.
    assert post(client, key="secret-1").status_code in (200, 202)
    leaked = post(client, NEWS, key="secret-1")
    assert "Access-Control-Allow-Origin" not in leaked.headers


def test_an_api_key_entry_with_an_unknown_option_stops_the_server(tmp_path):
    with pytest.raises(SettingsError, match="is not an option"):
        create_app(
            Settings.of(cache_dir=tmp_path, api_keys="k1 origins=https://a.example"),
            start_workers=False,
            render_sample=False,
        )


# -- in a real browser: the widget's data-source mode on an allowed and a refused site ---------------


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["embed origins", "public key"])
@pytest.mark.slow
def test_the_widget_reads_text_on_an_allowed_site_and_explains_a_refusal_elsewhere(tmp_path, mode):
    pytest.importorskip("playwright.sync_api")
    waitress = pytest.importorskip("waitress")
    from support.browser import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with PageServer() as host:
        allowed = host.url("/story.html")  # http://127.0.0.1:PORT
        refused = host.url("/story.html", host="localhost")  # the same page on another origin
        origin = allowed.rsplit("/", 1)[0]
        limits = (
            {"embed_origins": origin}
            if mode == "embed origins"
            else {"api_keys": f"secret-key, pub-key origin={origin}"}
        )
        app = create_app(
            Settings.of(cache_dir=tmp_path / "cache", engine_workers=1, **limits), render_sample=False
        )
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
        threading.Thread(target=server.run, daemon=True).start()
        app_url = f"http://127.0.0.1:{server.effective_port}"
        host.add(
            "/story.html",
            f"""<!doctype html><title>Courier</title><div id="story"><p>The ferry runs again from
            Monday. Tickets cost less than last year.</p></div>
            <script src="{app_url}/widget.js" data-source="#story" data-key="pub-key" async></script>""",
        )
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
                page = browser.new_page()
                page.goto(allowed)
                page.wait_for_selector("listen-player iframe", timeout=30_000)
                page.goto(refused)
                # Without keys the refusal's reason is readable; with keys, other sites get no CORS at all.
                said = "may not create articles" if mode == "embed origins" else "could not be prepared"
                page.wait_for_function(
                    "(said) => { const h = document.querySelector('listen-player');"
                    " const m = h && h.shadowRoot.querySelector('.msg.err');"
                    " return m && m.textContent.includes(said); }",
                    arg=said,
                    timeout=30_000,
                )
                assert page.locator("listen-player iframe").count() == 0
                browser.close()
        finally:
            server.close()
            close_app(app)

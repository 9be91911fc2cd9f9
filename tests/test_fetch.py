"""Safe fetching: limits, content types, charsets, and no private targets on any hop."""

from __future__ import annotations

import socket

import pytest

from listen.config import ServiceSettings
from listen.errors import FetchError, UnsafeURLError, UpstreamError
from listen.reading import fetch as fetch_module
from listen.reading.fetch import USER_AGENT, check_address, fetch
from support.pages import PageServer

PAGE = "<html><head><title>T</title></head><body><p>Hello, reader — café.</p></body></html>"
# A public-looking address that the tests route to the local server.
PUBLIC_IP = "93.184.215.14"


@pytest.fixture
def server():
    with PageServer() as s:
        yield s


@pytest.fixture
def open_settings():
    return ServiceSettings(allow_private_hosts=True, fetch_timeout_s=2.0)


@pytest.fixture
def public_news_host(monkeypatch, server):
    """Make "news.example" resolve to a public address whose connections reach the local server."""
    resolved: list[str] = []
    connected: list[str] = []

    def fake_resolve(host, port):
        resolved.append(host)
        if host == "news.example":
            return [PUBLIC_IP]
        raise AssertionError(f"unexpected lookup of {host}")

    real_open = fetch_module.open_connection

    def fake_open(address, port, timeout):
        connected.append(address)
        target = "127.0.0.1" if address == PUBLIC_IP else address
        return real_open(target, port, timeout)

    monkeypatch.setattr(fetch_module, "resolve", fake_resolve)
    monkeypatch.setattr(fetch_module, "open_connection", fake_open)
    return resolved, connected


def test_fetch_returns_the_page_text_and_its_content_type(server, open_settings):
    server.add("/a", PAGE)
    page = fetch(server.url("/a"), open_settings)
    assert "Hello, reader — café." in page.text
    assert page.content_type == "text/html"
    assert page.is_html
    assert page.url == server.url("/a")


def test_fetch_sends_a_user_agent_naming_the_project(server, open_settings):
    server.add("/a", PAGE)
    fetch(server.url("/a"), open_settings)
    assert server.requests[-1]["User-Agent"] == USER_AGENT
    assert "listen" in USER_AGENT


def test_fetch_honours_the_charset_in_the_content_type_header(server, open_settings):
    server.add(
        "/latin", PAGE.encode("iso-8859-1", errors="replace"), Content_Type="text/html; charset=iso-8859-1"
    )
    assert "café" in fetch(server.url("/latin"), open_settings).text


def test_fetch_honours_a_meta_charset_when_the_header_has_none(server, open_settings):
    html = '<html><head><meta charset="windows-1252"></head><body><p>Caf\u00e9 \u2014 ok</p></body></html>'
    server.add("/meta", html.encode("cp1252"), Content_Type="text/html")
    assert "Café — ok" in fetch(server.url("/meta"), open_settings).text


def test_fetch_accepts_plain_text_and_says_it_is_not_html(server, open_settings):
    server.add("/t.txt", "Just text.", Content_Type="text/plain; charset=utf-8")
    page = fetch(server.url("/t.txt"), open_settings)
    assert page.text == "Just text."
    assert not page.is_html


def test_fetch_follows_redirects_and_reports_the_final_url(server, open_settings):
    server.redirect("/old", "/middle", 301)
    server.redirect("/middle", server.url("/new"), 302)
    server.add("/new", PAGE)
    page = fetch(server.url("/old"), open_settings)
    assert page.url == server.url("/new")


def test_fetch_refuses_more_than_five_redirects(server, open_settings):
    for i in range(7):
        server.redirect(f"/r{i}", f"/r{i + 1}")
    server.add("/r7", PAGE)
    with pytest.raises(UpstreamError, match="redirected more than 5 times"):
        fetch(server.url("/r0"), open_settings)
    server.requests.clear()
    fetch(server.url("/r2"), open_settings)  # five redirects are fine
    assert len(server.requests) == 6


def test_fetch_refuses_loopback_hosts_by_default(server):
    server.add("/a", PAGE)
    with pytest.raises(UnsafeURLError, match="loopback") as caught:
        fetch(server.url("/a"), ServiceSettings())
    assert caught.value.http_status == 400
    assert server.requests == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/a", "gopher://x/", "javascript:alert(1)"]
)
def test_fetch_refuses_schemes_other_than_http_and_https(url):
    with pytest.raises(UnsafeURLError, match="only http and https"):
        fetch(url, ServiceSettings(allow_private_hosts=True))


def test_fetch_refuses_a_host_that_resolves_to_a_private_address(monkeypatch):
    monkeypatch.setattr(fetch_module, "resolve", lambda host, port: ["10.1.2.3"])
    with pytest.raises(UnsafeURLError, match="private"):
        fetch("http://intranet.example/", ServiceSettings())


def test_fetch_refuses_a_host_when_any_of_its_addresses_is_private(monkeypatch):
    monkeypatch.setattr(fetch_module, "resolve", lambda host, port: [PUBLIC_IP, "127.0.0.1"])
    with pytest.raises(UnsafeURLError, match="loopback"):
        fetch("http://mixed.example/", ServiceSettings())


def test_fetch_reads_from_a_public_host(server, public_news_host):
    server.add("/story", PAGE)
    page = fetch(server.url("/story", host="news.example"), ServiceSettings(fetch_timeout_s=2.0))
    assert "Hello, reader" in page.text
    assert server.requests[-1]["Host"] == f"news.example:{server.port}"


def test_fetch_connects_to_the_address_it_checked_without_resolving_again(server, public_news_host):
    resolved, connected = public_news_host
    server.add("/story", PAGE)
    fetch(server.url("/story", host="news.example"), ServiceSettings(fetch_timeout_s=2.0))
    assert resolved == ["news.example"]
    assert connected == [PUBLIC_IP]


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/"],
)
def test_fetch_refuses_a_redirect_from_a_public_host_to_a_private_address(server, public_news_host, target):
    server.redirect("/go", target)
    with pytest.raises(UnsafeURLError, match="Refusing to fetch"):
        fetch(server.url("/go", host="news.example"), ServiceSettings(fetch_timeout_s=2.0))
    assert len(server.requests) == 1


def test_fetch_refuses_cloud_metadata_addresses_even_when_private_hosts_are_allowed(server, open_settings):
    server.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(UnsafeURLError, match="link-local"):
        fetch(server.url("/go"), open_settings)


def test_fetch_refuses_a_body_larger_than_the_limit_while_streaming(server):
    server.add("/big", b"<p>" + b"x" * 50_000 + b"</p>", stream=True)
    settings = ServiceSettings(allow_private_hosts=True, max_fetch_bytes=10_000)
    with pytest.raises(FetchError, match="larger than"):
        fetch(server.url("/big"), settings)


def test_fetch_refuses_a_declared_length_over_the_limit(server):
    server.add("/big", b"x" * 20_000)
    with pytest.raises(FetchError, match="larger than"):
        fetch(server.url("/big"), ServiceSettings(allow_private_hosts=True, max_fetch_bytes=10_000))


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/png", "application/octet-stream", "video/mp4"]
)
def test_fetch_refuses_content_that_is_not_a_page(server, open_settings, content_type):
    server.add("/file", b"%PDF-1.4", Content_Type=content_type)
    with pytest.raises(FetchError, match="not a web page"):
        fetch(server.url("/file"), open_settings)


def test_fetch_reports_an_http_error_as_an_upstream_failure(server, open_settings):
    with pytest.raises(UpstreamError, match="HTTP 404") as caught:
        fetch(server.url("/missing"), open_settings)
    assert caught.value.http_status == 502


def test_fetch_gives_up_on_a_site_that_does_not_answer():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        port = silent.getsockname()[1]
        with pytest.raises(UpstreamError, match="did not answer in time"):
            fetch(f"http://127.0.0.1:{port}/", ServiceSettings(allow_private_hosts=True, fetch_timeout_s=0.3))
    finally:
        silent.close()


def test_fetch_reports_a_host_that_does_not_resolve(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("no such host")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(UpstreamError, match="Cannot resolve"):
        fetch("http://no-such-host.example/", ServiceSettings())


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "192.168.1.1", "100.64.0.1", "::1", "fc00::1", "::ffff:127.0.0.1", "240.0.0.1"],
)
def test_private_and_reserved_addresses_are_refused_by_default_but_allowed_for_an_intranet(address):
    with pytest.raises(UnsafeURLError):
        check_address(address)
    check_address(address, allow_private=True)


@pytest.mark.parametrize("address", ["169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1", "0.0.0.0", "::"])
def test_link_local_multicast_and_unspecified_addresses_are_always_refused(address):
    with pytest.raises(UnsafeURLError):
        check_address(address, allow_private=True)


def test_public_addresses_pass_the_check():
    check_address(PUBLIC_IP)
    check_address("2606:2800:220:1:248:1893:25c8:1946")


def test_an_article_url_is_fetched_and_its_article_extracted(server, open_settings):
    from pathlib import Path

    from listen.config import Settings
    from listen.reading.loader import from_url

    pages = Path(__file__).parent / "pages"
    server.add("/news/tram", (pages / "gazette-tram-extension.html").read_bytes())
    article = from_url(server.url("/news/tram"), Settings(service=open_settings))
    assert article.title.startswith("Council approves £240m tram extension")
    assert article.byline == "Fiona McAllister"
    assert article.paragraphs == (pages / "gazette-tram-extension.txt").read_text().strip().split("\n\n")


@pytest.mark.parametrize("charset", ["punycode", "unicode_escape", "rot13", "no-such-charset"])
def test_a_charset_browsers_do_not_know_is_ignored_and_the_page_read_as_utf8(server, open_settings, charset):
    # Any Python codec name used to be accepted: punycode is quadratic, unicode_escape fails.
    server.add("/odd", "<p>Café — ok</p>".encode(), Content_Type=f"text/html; charset={charset}")
    page = fetch(server.url("/odd"), open_settings)
    assert "Café — ok" in page.text


@pytest.mark.parametrize(
    ("label", "codec"), [("latin1", "cp1252"), ("x-sjis", "cp932"), ("KOI8-R", "koi8-r")]
)
def test_the_web_encoding_labels_decode_as_browsers_decode_them(server, open_settings, label, codec):
    text = {"cp1252": "Café — “quoted”", "cp932": "日本語の記事", "koi8-r": "Статья"}[codec]
    server.add(f"/{codec}", f"<p>{text}</p>".encode(codec), Content_Type=f"text/html; charset={label}")
    assert text in fetch(server.url(f"/{codec}"), open_settings).text

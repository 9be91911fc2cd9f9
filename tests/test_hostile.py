"""Hostile input to the API gets a 4xx that says what is wrong, never a 500 (issue #15)."""

from __future__ import annotations

import json

import pytest

from listen.config import ServiceSettings, Settings
from listen.errors import InputError, UnsafeURLError
from listen.reading.fetch import fetch
from listen.text.lexicon import Lexicon
from web import close_app, create_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(
        Settings.of(cache_dir=tmp_path_factory.mktemp("hostile"), engine_workers=1),
        start_workers=False,
        render_sample=False,
    )
    yield app
    close_app(app)


def post_raw(app, body: str | bytes, content_type: str = "application/json"):
    return app.test_client().post("/api/v1/articles", data=body, content_type=content_type)


def assert_clear_4xx(response, *words: str) -> str:
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    message = response.json["error"]["message"]
    for word in words:
        assert word in message, message
    return message


TEXT = "A Headline\n\nOne sentence of the body. Another sentence."
TEXT_JSON = json.dumps(TEXT)
LONE_SURROGATES = {
    "high in the title": '{"text": ' + TEXT_JSON + ', "title": "Breaking \\ud800 news"}',
    "low in the title": '{"text": ' + TEXT_JSON + ', "title": "\\udfff"}',
    "in a lexicon say": '{"text": '
    + TEXT_JSON
    + ', "lexicon": [{"match": "Headline", "say": "head \\ud83d line"}]}',
    "in a lexicon match": '{"text": ' + TEXT_JSON + ', "lexicon": [{"match": "\\udc00", "say": "x"}]}',
    "in a URL host": '{"url": "http://exa\\ud800mple.com/story"}',
    "in a URL path": '{"url": "https://news.example/\\ud800"}',
    "in the text": '{"text": "Headline\\n\\nSome \\ud800 text."}',
    "in the html": '{"html": "<p>Some \\udbff text.</p>"}',
    "in a key": '{"text": "Fine text.", "\\ud800": 1}',
    "in the voice": '{"text": "Fine text.", "voice": "en\\ud800"}',
}


@pytest.mark.parametrize("where", LONE_SURROGATES)
def test_a_lone_surrogate_anywhere_in_the_body_is_a_400_naming_it(app, where):
    assert_clear_4xx(post_raw(app, LONE_SURROGATES[where]), "lone surrogate")


def test_a_lone_surrogate_in_a_multipart_lexicon_is_a_400(app):
    rules = '[{"match": "Headline", "say": "\\ud800"}]'
    response = app.test_client().post(
        "/api/v1/articles", data={"text": TEXT, "lexicon": rules}, content_type="multipart/form-data"
    )
    assert_clear_4xx(response, "lone surrogate")


def test_a_surrogate_pair_written_as_two_escapes_is_one_real_character_and_accepted(app):
    body = '{"text": ' + TEXT_JSON + ', "title": "Cheers \\ud83c\\udf7a"}'
    assert post_raw(app, body).status_code == 202


@pytest.mark.parametrize("depth", [100, 1_000, 100_000])
def test_json_nested_deeply_alone_is_a_400(app, depth):
    assert_clear_4xx(post_raw(app, "[" * depth + "]" * depth), "nested too deeply")


@pytest.mark.parametrize(("opener", "closer"), [("[", "]"), ('{"a":', "}")])
def test_json_nested_deeply_inside_text_is_a_400(app, opener, closer):
    body = '{"text": ' + opener * 100_000 + "1" + closer * 100_000 + "}"
    assert_clear_4xx(post_raw(app, body), "nested too deeply")


def test_a_lexicon_nested_deeper_than_rules_go_is_a_400(app):
    body = {"text": TEXT, "lexicon": [{"match": "Headline", "say": [[[[[[["deep"]]]]]]]}]}
    assert_clear_4xx(post_raw(app, json.dumps(body)), "nested too deeply")


def test_invalid_json_is_a_400_saying_so(app):
    assert_clear_4xx(post_raw(app, '{"text": "unfinished'), "not valid JSON")


HOSTS = {
    "a 64-character label": "a" * 64 + ".example.com",
    "a 64-character label at the end": "news." + "b" * 64,
    "a 1,990-character host": ".".join(["c" * 60] * 32) + "." + "d" * 37,
    "a 254-character host": ".".join(["e" * 63] * 4) + "ee",
    "an empty label": "news..example.com",
    "a lone surrogate": "news\udcff.example.com",
}


@pytest.mark.parametrize("what", HOSTS)
def test_a_host_name_dns_cannot_carry_is_a_400_from_the_api(app, what):
    host = HOSTS[what]
    response = post_raw(app, json.dumps({"url": f"http://{host}/"}))
    if "\udcff" in host:  # JSON carries it as an escape, refused with the rest of the body
        assert_clear_4xx(response, "lone surrogate")
        return
    assert_clear_4xx(response, "not a valid host name")
    assert response.json["error"]["code"] == "url_refused"


@pytest.mark.parametrize("what", HOSTS)
def test_a_host_name_dns_cannot_carry_is_refused_before_any_lookup(what, monkeypatch):
    import listen.reading.fetch as fetch_module

    def no_lookup(host, port):
        raise AssertionError(f"looked up {host!r}")

    monkeypatch.setattr(fetch_module, "resolve", no_lookup)
    with pytest.raises(UnsafeURLError, match="not a valid host name"):
        fetch(f"https://{HOSTS[what]}/", ServiceSettings())


def test_a_host_of_63_character_labels_and_253_characters_is_still_looked_up(monkeypatch):
    import listen.reading.fetch as fetch_module

    looked_up = []
    monkeypatch.setattr(fetch_module, "resolve", lambda host, port: looked_up.append(host) or ["10.0.0.1"])
    host = ".".join(["f" * 63] * 3) + "." + "g" * 61
    assert len(host) == 253
    with pytest.raises(UnsafeURLError, match="private"):
        fetch(f"http://{host}/", ServiceSettings())
    assert looked_up == [host]


def test_a_host_given_on_the_command_line_as_raw_bytes_is_refused_not_a_traceback(monkeypatch):
    # The shell hands Python undecodable bytes as surrogate escapes: "\xff" arrives as "\udcff".
    with pytest.raises(UnsafeURLError, match="not a valid host name"):
        fetch("http://bad\udcffhost.example/", ServiceSettings())


@pytest.mark.parametrize("field", ["say", "match", "phonemes"])
def test_a_lexicon_file_with_a_lone_surrogate_is_refused_naming_the_rule(field):
    rule = {"match": "Cochabamba", "say": "coe cha bamba", field: "bad \ud800 text"}
    with pytest.raises(InputError, match=f"rule 1: `{field}` holds a lone surrogate"):
        Lexicon.from_data([rule], source="rules.yaml")


def test_a_url_with_letters_beyond_ascii_in_its_path_is_fetched_percent_encoded():
    from support.pages import PageServer

    with PageServer() as server:
        server.add("/k%C3%B6ln/caf%C3%A9?q=%C3%BC", "<html><body><p>Guten Tag aus Köln.</p></body></html>")
        page = fetch(
            server.url("/köln/café?q=ü"), ServiceSettings(allow_private_hosts=True, fetch_timeout_s=2.0)
        )
    assert "Köln" in page.text
    assert server.requests[-1]["path"] == "/k%C3%B6ln/caf%C3%A9?q=%C3%BC"


def test_an_already_escaped_url_is_not_escaped_twice():
    from support.pages import PageServer

    with PageServer() as server:
        server.add("/a%20b", "<html><body><p>Spaced.</p></body></html>")
        fetch(server.url("/a%20b"), ServiceSettings(allow_private_hosts=True, fetch_timeout_s=2.0))
    assert server.requests[-1]["path"] == "/a%20b"


# -- the private-address guard: IPv4 inside IPv6 ---------------------------------------------------

EMBEDDED_PRIVATE = {
    "6to4 of 10.0.0.1": "2002:a00:1::1",
    "6to4 of 192.168.1.1": "2002:c0a8:101::",
    "6to4 of 127.0.0.1": "2002:7f00:1::5",
    "6to4 of 172.16.5.4": "2002:ac10:504::1",
    "NAT64 of 10.0.0.1": "64:ff9b::a00:1",
    "NAT64 of 127.0.0.1, dotted": "64:ff9b::127.0.0.1",
    "NAT64 of 100.64.0.1": "64:ff9b::6440:1",
    "local-use NAT64 of 192.168.0.10": "64:ff9b:1::c0a8:a",
    "IPv4-compatible 10.1.2.3": "::10.1.2.3",
    "site-local": "fec0::1",
    "site-local, the top of the range": "feff:ffff::1",
}


@pytest.mark.parametrize("what", EMBEDDED_PRIVATE)
def test_ipv6_forms_of_private_ipv4_and_site_local_addresses_are_refused(what):
    from listen.reading.fetch import check_address

    with pytest.raises(UnsafeURLError, match=r"private|loopback"):
        check_address(EMBEDDED_PRIVATE[what])


@pytest.mark.parametrize(
    "address", ["2002:a9fe:a9fe::1", "64:ff9b::169.254.169.254", "::169.254.169.254", "2002:e000:1::"]
)
def test_ipv6_forms_of_metadata_and_multicast_addresses_are_refused_even_for_an_intranet(address):
    from listen.reading.fetch import check_address

    with pytest.raises(UnsafeURLError, match="IPv6 form of"):
        check_address(address, allow_private=True)


@pytest.mark.parametrize(
    "address", ["2002:5db8:d70e::1", "64:ff9b::93.184.215.14", "2606:2800:220:1:248:1893:25c8:1946"]
)
def test_ipv6_forms_of_public_ipv4_addresses_still_pass(address):
    from listen.reading.fetch import check_address

    check_address(address)


def test_a_host_resolving_to_a_nat64_form_of_a_private_address_is_refused(monkeypatch):
    import listen.reading.fetch as fetch_module

    monkeypatch.setattr(fetch_module, "resolve", lambda host, port: ["64:ff9b::a00:5"])
    with pytest.raises(UnsafeURLError, match=r"IPv6 form of 10\.0\.0\.5"):
        fetch("http://intranet-via-dns64.example/", ServiceSettings())


# -- pages whose body is not what their type says --------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000010000000100806000000") + bytes(range(256)) * 8


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html",
        "text/html; charset=utf-8",
        "text/plain",
        "application/xhtml+xml",
        "text/html; charset=windows-1252",
    ],
)
@pytest.mark.parametrize(
    "body",
    [
        PNG,
        b"GIF89a" + bytes(range(1, 256)) * 30,
        b"%PDF-1.4\n" + bytes(range(256)) * 20,
        b"<html><body><p>" + bytes(range(128, 256)) * 40 + b"\x00\x01\x02" * 200,
    ],
)
def test_a_binary_body_served_as_a_page_is_refused_not_read_aloud(content_type, body):
    from listen.errors import FetchError
    from support.pages import PageServer

    with PageServer() as server:
        server.add("/photo", body, Content_Type=content_type)
        with pytest.raises(FetchError, match="binary data, not text"):
            fetch(server.url("/photo"), ServiceSettings(allow_private_hosts=True, fetch_timeout_s=2.0))


GERMAN = "<html><body><p>Ein Straßenfest — café, naïve, ¥ 500.\r\n\tZeile zwei.</p></body></html>"
JAPANESE = "<html><body><p>東京の天気は晴れです。明日も晴れるでしょう。</p></body></html>"


@pytest.mark.parametrize(
    ("charset", "encoding", "text", "marker"),
    [
        ("utf-16", "utf-16", GERMAN, "Straßenfest"),  # NUL bytes in every other byte, yet text
        ("utf-8", "utf-8", GERMAN, "Straßenfest"),
        ("windows-1252", "cp1252", GERMAN.replace("¥", "£"), "Straßenfest"),
        ("shift_jis", "shift_jis", JAPANESE, "東京"),
        ("utf-8", "utf-8", JAPANESE, "東京"),
    ],
)
def test_real_pages_in_any_charset_still_pass_the_binary_check(charset, encoding, text, marker):
    from support.pages import PageServer

    with PageServer() as server:
        server.add("/page", text.encode(encoding), Content_Type=f"text/html; charset={charset}")
        page = fetch(server.url("/page"), ServiceSettings(allow_private_hosts=True, fetch_timeout_s=2.0))
    assert marker in page.text


# -- Retry-After only where it means something -----------------------------------------------------


@pytest.fixture
def limited_app(tmp_path):
    app = create_app(
        Settings.of(cache_dir=tmp_path / "cache", engine_workers=1, rate_limit="2/minute"),
        start_workers=False,
        render_sample=False,
    )
    yield app
    close_app(app)


def test_retry_after_is_only_on_the_429_and_says_when_the_window_resets(limited_app):
    import time

    client = limited_app.test_client()
    responses = [
        client.post("/api/v1/articles", json={"text": f"Headline {n}\n\nSome text here."}) for n in range(3)
    ]
    assert [r.status_code for r in responses] == [202, 202, 429]
    assert "Retry-After" not in responses[0].headers
    assert "Retry-After" not in responses[1].headers
    wait = int(responses[2].headers["Retry-After"])
    assert 0 < wait <= 60
    assert abs(wait - (int(responses[2].headers["X-RateLimit-Reset"]) - time.time())) <= 2
    for path in (
        "/api/v1/voices",
        "/",
        f"/api/v1/articles/{responses[0].json['id']}",
        "/api/v1/articles/" + "0" * 64,
    ):
        assert "Retry-After" not in client.get(path).headers, path


def test_a_busy_503_says_retry_after_the_minute_its_message_names(tmp_path):
    from web import manager_of

    # An hourly limit: the limiter used to stretch the 503's Retry-After to its window's end.
    app = create_app(
        Settings.of(cache_dir=tmp_path / "cache", engine_workers=1, rate_limit="5/hour"),
        start_workers=False,
        render_sample=False,
    )
    manager_of(app).max_pending = 0
    try:
        response = app.test_client().post("/api/v1/articles", json={"text": "Headline\n\nSome text here."})
    finally:
        close_app(app)
    assert response.status_code == 503
    assert "in a minute" in response.json["error"]["message"]
    assert response.headers["Retry-After"] == "60"


def test_errors_other_than_429_and_503_carry_no_retry_after(limited_app):
    client = limited_app.test_client()
    for response in (
        client.post("/api/v1/articles", json={"nothing": 1}),
        client.post("/api/v1/articles", data="[" * 5000, content_type="application/json"),
        client.delete("/api/v1/articles"),
    ):
        assert response.status_code in (400, 405)
        assert "Retry-After" not in response.headers

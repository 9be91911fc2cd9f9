"""The JSON API through Flask's test client, with the real engine, encoder and a fresh cache."""

from __future__ import annotations

import dataclasses
import hashlib
import http.client
import io
import json
import threading
from pathlib import Path

import pytest
from conftest import article_text, running_app

from listen.audio.mp3 import id3_size
from listen.config import Settings
from support.pages import PageServer
from web import close_app, create_app, manager_of

# Private hosts allowed: the URL tests fetch from a page server on loopback.
# 127.0.0.1 at any port too: one test serves the app with waitress on a free port.
APP_SETTINGS = {"allow_private_hosts": True, "fetch_timeout_s": 5, "allowed_hosts": "localhost, 127.0.0.1"}


def post_ready(client, app, **fields):
    """Post an article and wait for its rendition; return the POST response's JSON."""
    response = client.post("/api/v1/articles", json=fields)
    assert response.status_code in (200, 202), response.json
    job = manager_of(app).get(response.json["id"])
    assert job.wait(60)
    assert job.status == "ready", job.error
    return response.json


@pytest.fixture(scope="module")
def ready(app):
    """One finished article shared by the tests that only read it."""
    return post_ready(app.test_client(), app, text=article_text())


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.is_json
    error = response.json["error"]
    assert error["code"]
    assert error["message"]
    return error


# -- creating -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_posting_text_returns_202_with_an_id_and_urls(client):
    response = client.post("/api/v1/articles", json={"text": article_text()})
    assert response.status_code == 202
    data = response.json
    assert len(data["id"]) == 64
    assert data["status"] == "rendering"
    for name in ("audio_url", "timings_url", "captions_url", "embed_url"):
        assert data[name].startswith("http://localhost/")
        assert data["id"] in data[name]


@pytest.mark.slow
def test_same_content_and_settings_give_the_same_id_and_no_new_work(client, app):
    text = article_text()
    first = post_ready(client, app, text=text)
    started = manager_of(app).renders_started
    again = client.post("/api/v1/articles", json={"text": text})
    assert again.status_code == 200
    assert again.json["id"] == first["id"]
    assert again.json["status"] == "ready"
    assert manager_of(app).renders_started == started


@pytest.mark.slow  # over 1.5 s: make test-fast stays under a minute
def test_a_different_rate_gives_a_different_id(client):
    text = article_text()
    a = client.post("/api/v1/articles", json={"text": text}).json["id"]
    b = client.post("/api/v1/articles", json={"text": text, "rate": 220}).json["id"]
    assert a != b


def test_concurrent_identical_posts_render_once(app):
    text = article_text(3)
    manager = manager_of(app)
    started = manager.renders_started
    ids: list[str] = []
    barrier = threading.Barrier(6)

    def post() -> None:
        barrier.wait()
        ids.append(app.test_client().post("/api/v1/articles", json={"text": text}).json["id"])

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 6, ids
    assert len(set(ids)) == 1, ids
    assert manager.renders_started == started + 1
    job = manager.get(ids[0])
    assert job.wait(60), job.error
    assert job.status == "ready", job.error
    assert job.engine_calls == len(job.sentences), "every chunk should be rendered exactly once"


def test_a_title_field_overrides_the_articles_title(client, app):
    data = post_ready(client, app, text=article_text(), title="My own title")
    assert client.get(f"/api/v1/articles/{data['id']}").json["title"] == "My own title"


def test_an_uploaded_text_file_is_read_like_posted_text(client, app):
    text = article_text()
    upload = client.post(
        "/api/v1/articles",
        data={"file": (io.BytesIO(text.encode()), "story.txt")},
        content_type="multipart/form-data",
    )
    assert upload.status_code in (200, 202)
    data = client.get(f"/api/v1/articles/{upload.json['id']}").json
    assert data["title"] == text.splitlines()[0]


@pytest.mark.slow
def test_an_uploaded_html_file_is_extracted(client, app):
    page = (
        b"<html><head><title>Page</title></head><body><article><h1>An Uploaded Page Headline</h1>"
        b"<p>The body of the uploaded page is one paragraph long, and it says very little.</p></article></body></html>"
    )
    upload = client.post(
        "/api/v1/articles", data={"file": (io.BytesIO(page), "page.html")}, content_type="multipart/form-data"
    )
    assert upload.status_code in (200, 202), upload.json
    job = manager_of(app).get(upload.json["id"])
    assert job.wait(60)
    assert job.status == "ready"
    assert any("says very little" in s["text"] for s in job.sentences)


def test_an_inline_lexicon_changes_what_is_spoken(client, app):
    text = "Lexicon Headline Here\n\nThe Zorblat agency met today."
    data = post_ready(client, app, text=text, lexicon=[{"match": "Zorblat", "say": "Zor blatt"}])
    sentences = client.get(f"/api/v1/articles/{data['id']}").json["sentences"]
    assert any("Zor blatt" in s["spoken"] for s in sentences)


# -- reading --------------------------------------------------------------------------------------


def test_a_ready_article_reports_status_duration_and_timed_sentences(client, ready):
    data = client.get(f"/api/v1/articles/{ready['id']}").json
    assert data["status"] == "ready"
    assert data["progress"] == 1.0
    assert data["title"].startswith("Test Headline Number")
    assert data["duration_ms"] > 1000
    first, last = data["sentences"][0], data["sentences"][-1]
    assert first["start_ms"] == 0
    assert last["end_ms"] == data["duration_ms"]
    assert set(first) == {"index", "paragraph", "start_ms", "end_ms", "text", "spoken", "words"}


@pytest.mark.engine
@pytest.mark.slow
def test_an_article_renders_end_to_end_with_the_real_engine(tmp_path: Path):
    # The other tests render with the fake engines; this one has an app of its own with the real ones.
    with running_app(tmp_path / "cache", **APP_SETTINGS) as app:
        client = app.test_client()
        posted = post_ready(client, app, text=article_text())
        data = client.get(f"/api/v1/articles/{posted['id']}").json
        assert data["status"] == "ready"
        assert data["duration_ms"] > 1000
        assert any(s["words"] for s in data["sentences"])
        audio = client.get(f"/api/v1/articles/{posted['id']}/audio.mp3")
        assert audio.status_code == 200
        assert audio.mimetype == "audio/mpeg"
        assert len(audio.data) > 0.9 * 8000 * data["duration_ms"] / 1000  # 64 kb/s all through


def test_audio_streams_while_rendering_and_matches_the_finished_file(client, app):
    response = client.post("/api/v1/articles", json={"text": article_text(12)})
    key = response.json["id"]
    job = manager_of(app).get(key)
    audio = client.get(f"/api/v1/articles/{key}/audio.mp3", buffered=False)
    assert audio.status_code == 200
    assert audio.mimetype == "audio/mpeg"
    assert audio.headers["Access-Control-Allow-Origin"] == "*"
    chunks = iter(audio.response)
    first = next(chunks)
    assert job.done < job.total, "the first bytes should come before the render ends"
    assert first[0] == 0xFF
    assert first[1] & 0xE0 == 0xE0  # an MP3 frame, not a tag
    streamed = first + b"".join(chunks)
    assert job.status == "ready"
    final = client.get(f"/api/v1/articles/{key}/audio.mp3").data
    audio_start = id3_size(final)
    assert len(streamed) == len(final) - audio_start
    assert streamed[2000:] == final[audio_start + 2000 :]  # only the Xing header is rewritten at the end


def test_a_range_request_gets_206_with_content_range(client, ready):
    url = f"/api/v1/articles/{ready['id']}/audio.mp3"
    size = len(client.get(url).data)
    response = client.get(url, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert len(response.data) == 100
    assert response.headers["Accept-Ranges"] == "bytes"


def test_a_range_past_the_end_gets_416(client, ready):
    url = f"/api/v1/articles/{ready['id']}/audio.mp3"
    response = client.get(url, headers={"Range": "bytes=99999999-"})
    assert_json_error(response, 416)
    assert response.headers["Content-Range"].startswith("bytes */")


def test_finished_audio_is_cacheable_forever_and_revalidates_to_304(client, ready):
    url = f"/api/v1/articles/{ready['id']}/audio.mp3"
    response = client.get(url)
    # The ETag is the bytes' digest, so a resumed download (If-Range) never joins two different files.
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.data).hexdigest()}"'
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_head_gives_the_headers_without_a_body(client, ready):
    response = client.head(f"/api/v1/articles/{ready['id']}/audio.mp3")
    assert response.status_code == 200
    assert response.data == b""
    assert int(response.headers["Content-Length"]) > 1000


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [("audio.mp3", "audio/mpeg"), ("timings.json", "application/json"), ("captions.vtt", "text/vtt")],
)
def test_audio_timings_and_captions_allow_any_origin(client, ready, path, mimetype):
    response = client.get(f"/api/v1/articles/{ready['id']}/{path}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_timings_leave_out_the_caches_private_keys(client, ready):
    timings = client.get(f"/api/v1/articles/{ready['id']}/timings.json").json
    assert timings["version"] == 1
    assert timings["sentences"]
    assert not [k for k in timings if k.startswith("_")]


def test_captions_have_one_cue_per_sentence(client, ready):
    vtt = client.get(f"/api/v1/articles/{ready['id']}/captions.vtt").get_data(as_text=True)
    sentences = client.get(f"/api/v1/articles/{ready['id']}").json["sentences"]
    assert vtt.startswith("WEBVTT")
    assert vtt.count(" --> ") == len(sentences)


def test_a_finished_article_is_found_by_id_after_a_restart(app, ready):
    settings = app.config["LISTEN_SETTINGS"]
    fresh = create_app(settings, start_workers=False, render_sample=False)
    try:
        data = fresh.test_client().get(f"/api/v1/articles/{ready['id']}").json
        assert data["status"] == "ready"
        assert data["sentences"]
    finally:
        close_app(fresh)


def test_voices_are_listed(client):
    voices = client.get("/api/v1/voices").json["voices"]
    assert any(v["id"] == "gmw/en-us" for v in voices)
    assert {"id", "name", "languages"} <= set(voices[0])


def test_voices_list_the_natural_voices_first_and_mark_them(client):
    voices = client.get("/api/v1/voices").json["voices"]
    assert voices[0]["id"] == "en_US-joe-medium"
    assert voices[0]["neural"]
    assert voices[0]["engine"] == "piper"
    assert voices[0]["label"] == "Joe (US English, male, natural)"
    assert any(v["engine"] == "pyttsx3" and not v["neural"] for v in voices)


def test_the_engine_field_picks_the_engine_and_gives_another_id(client):
    text = {"text": "Library Hours\n\nThe library now opens at nine on Sundays."}
    default = client.post("/api/v1/articles", json=text).json["id"]
    assert client.post("/api/v1/articles", json=dict(text, engine="piper")).json["id"] == default
    assert client.post("/api/v1/articles", json=dict(text, engine="pyttsx3")).json["id"] != default
    bad = client.post("/api/v1/articles", json=dict(text, engine="festival"))
    assert bad.status_code == 400
    assert "piper" in bad.json["error"]["message"]


def test_the_page_menu_offers_the_natural_voices_first(client):
    page = client.get("/").get_data(as_text=True)
    menu = page[page.index('id="voice"') : page.index("</select>", page.index('id="voice"'))]
    assert menu.index("Joe (US English, male, natural)") < menu.index("gmw/en-us")


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": "{not json", "content_type": "application/json"},
        {"data": "just some text", "content_type": "text/plain"},
        {"json": ["a", "list"]},
        {"json": {"text": "   \n  "}},
        {"json": {"text": 42}},
        {"json": {}},
        {"json": {"text": "Both given here.", "html": "<p>Both</p>"}},
        {"json": {"text": "\x00\x01\x02 binary"}},
        {"json": {"text": "A fine article.", "lexicon": "not rules"}},
        {"json": {"text": "A fine article.", "lexicon": [{"match": "(a+)+$", "say": "x", "regex": True}]}},
    ],
    ids=[
        "bad-json",
        "not-json",
        "json-list",
        "blank-text",
        "text-not-string",
        "no-source",
        "two-sources",
        "binary",
        "bad-lexicon",
        "regex-lexicon",
    ],
)
def test_unusable_bodies_get_a_400_json_error(client, kwargs):
    assert_json_error(client.post("/api/v1/articles", **kwargs), 400)


@pytest.mark.parametrize(
    "fields",
    [
        {"voice": "klingon-imperial"},
        {"rate": 5},
        {"rate": 9000},
        {"rate": "fast"},
        {"rate": True},
        {"language": "<script>"},
    ],
)
def test_unknown_voices_and_bad_rates_get_a_400_json_error(client, fields):
    error = assert_json_error(
        client.post("/api/v1/articles", json={"text": "A fine article.", **fields}), 400
    )
    assert error["code"] == "bad_setting"


@pytest.fixture(scope="module")
def unhurried_app(tmp_path_factory):
    """Posts answer before their article is planned, as on a busy server."""
    with running_app(
        tmp_path_factory.mktemp("unhurried-cache"), start_workers=False, intake_wait_ms=0
    ) as app:
        yield app


@pytest.mark.parametrize(
    "fields",
    [
        {"engine": "pyttsx3", "voice": "en_US-joe-medium"},
        {"engine": "piper", "language": "de"},
        {"language": "xx"},
        {"voice": "klingon-imperial"},
        {"rate": 9000},
        {"lexicon": [{"match": "DEA"}]},
    ],
    ids=[
        "voice-of-another-engine",
        "engine-without-the-language",
        "language-no-voice-reads",
        "voice",
        "rate",
        "lexicon",
    ],
)
def test_fields_that_cannot_be_rendered_are_a_400_at_once_even_when_posts_answer_before_planning(
    unhurried_app, fields
):
    response = unhurried_app.test_client().post("/api/v1/articles", json={"text": article_text(), **fields})
    assert_json_error(response, 400)


@pytest.mark.parametrize(
    "fields",
    [
        {"engine": "pyttsx3", "voice": "gmw/en-us"},
        {"language": "de"},
        {"engine": "piper", "language": "en-gb"},
    ],
)
def test_fields_that_go_together_are_taken(unhurried_app, fields):
    response = unhurried_app.test_client().post("/api/v1/articles", json={"text": article_text(), **fields})
    assert response.status_code == 202, response.json


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": "A fine article.", "title": 7},
        {"text": "A fine article.", "html": "<p>Both</p>"},
        {"text": "A fine article.", "voice": "klingon-imperial"},
        {"url": "ftp://example.com/story"},
    ],
    ids=["no-input", "title-not-text", "two-inputs", "bad-voice", "bad-url"],
)
def test_a_refused_post_writes_no_lexicon(unhurried_app, body):
    lexicons = manager_of(unhurried_app).cache.root / "lexicons"
    before = sorted(lexicons.glob("*")) if lexicons.exists() else []
    rules = [{"match": "Zorblat", "say": f"Zor blatt {article_text()}"}]  # rules no other post has sent
    response = unhurried_app.test_client().post("/api/v1/articles", json={**body, "lexicon": rules})
    assert_json_error(response, 400)
    assert (sorted(lexicons.glob("*")) if lexicons.exists() else []) == before


def test_inline_lexicons_count_in_the_cache_and_are_pruned_with_it(tmp_path: Path):
    from listen.cache.store import Cache
    from web.lexicons import check_inline_lexicon, store_lexicon

    cache = Cache(tmp_path / "cache")
    path = store_lexicon(check_inline_lexicon([{"match": "DEA", "say": "D E A"}]), cache)
    size = path.stat().st_size
    assert cache.stats()["bytes"] == size
    assert cache.prune(0) == (1, size)
    assert not path.exists()


def test_a_body_over_the_limit_gets_a_413_json_error(tmp_path: Path):
    small = create_app(
        Settings.of(cache_dir=tmp_path, max_body_bytes=1000), start_workers=False, render_sample=False
    )
    try:
        response = small.test_client().post("/api/v1/articles", json={"text": "word " * 1000})
        assert_json_error(response, 413)
    finally:
        close_app(small)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/" + "0" * 64,
        "/api/v1/articles/" + "0" * 64 + "/audio.mp3",
        "/api/v1/articles/nothex/timings.json",
        "/api/v1/articles/..%2F..%2Fetc/audio.mp3",
        "/api/v1/articles/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/v1/articles/../../etc/passwd",
        "/api/v1/articles/" + "A" * 64 + "/captions.vtt",
        "/api/v1/articles/%00/audio.mp3",
    ],
)
def test_unknown_ids_and_path_tricks_get_a_404_json_error(client, path):
    assert_json_error(client.get(path), 404)


def test_a_wrong_method_gets_a_405_json_error(client):
    assert_json_error(client.delete("/api/v1/articles"), 405)


def test_the_server_refuses_work_when_its_queue_is_full(app):
    manager = manager_of(app)
    limit = manager.max_pending
    manager.max_pending = 0
    try:
        response = app.test_client().post("/api/v1/articles", json={"text": article_text()})
        assert_json_error(response, 503)
        assert response.headers["Retry-After"]
    finally:
        manager.max_pending = limit


def test_other_sites_may_post_articles_after_a_preflight(client):
    response = client.options(
        "/api/v1/articles",
        headers={
            "Origin": "https://publisher.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


PAGE = """<html><head><title>Fetched Page Headline - Example News</title></head><body>
<article><h1>Fetched Page Headline</h1><p>This paragraph came over HTTP from a page server, and it is read aloud.</p>
<p>A second paragraph makes the page look like an article.</p></article></body></html>"""


def test_posting_a_url_reads_the_article_on_that_page(client, app):
    with PageServer() as server:
        server.add("/story", PAGE)
        response = client.post("/api/v1/articles", json={"url": server.url("/story")})
        assert response.status_code in (200, 202), response.json
        job = manager_of(app).get(response.json["id"])
        assert job.wait(60), job.error
        assert job.status == "ready", job.error
    assert any("came over HTTP" in s["text"] for s in job.sentences)


def test_a_url_on_a_private_address_is_refused_with_a_400(tmp_path: Path):
    strict = create_app(
        Settings.of(cache_dir=tmp_path, intake_wait_ms=30000), start_workers=False, render_sample=False
    )
    try:
        response = strict.test_client().post("/api/v1/articles", json={"url": "http://127.0.0.1:9/x"})
        assert assert_json_error(response, 400)["code"] == "url_refused"
    finally:
        close_app(strict)


def test_a_real_server_streams_audio_with_chunked_transfer_before_the_render_ends(app):
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=60)
        conn.request(
            "POST",
            "/api/v1/articles",
            body=json.dumps({"text": article_text(12)}),
            headers={"Content-Type": "application/json"},
        )
        key = json.loads(conn.getresponse().read())["id"]
        conn.request("GET", f"/api/v1/articles/{key}/audio.mp3")
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked"
        first = response.read1(65536)
        job = manager_of(app).get(key)
        assert first
        assert job.done < job.total
        body = first + response.read()
        assert job.status == "ready"
        assert len(body) == job.rendition.mp3.stat().st_size - id3_size(job.rendition.mp3.read_bytes()[:10])
        conn.close()
    finally:
        server.close()
        thread.join(5)


def test_a_voice_over_the_api_is_a_listed_voice_never_a_path_to_a_model_file(client, tmp_path):
    # A path would tell a caller which files exist on the server, and load any model planted there.
    from listen.engines.piper.voices import voice_files

    real_model, _ = voice_files("en_US-joe-medium")  # exists on every server
    planted = tmp_path / "planted.onnx"
    planted.write_bytes(real_model.read_bytes()[:1000])
    (tmp_path / "planted.onnx.json").write_text("{}")
    answers = []
    for voice in (str(real_model), str(planted), str(tmp_path / "missing.onnx"), "../../voices/x.onnx"):
        response = client.post("/api/v1/articles", json={"text": "A fine article.", "voice": voice})
        error = assert_json_error(response, 400)
        assert error["code"] == "bad_setting"
        answers.append(error["message"])
    assert len(set(answers)) == 1, "the answer must not depend on whether the file exists"
    assert "GET /api/v1/voices" in answers[0]


@pytest.mark.parametrize("voice", ["en_US-joe-medium", "Joe", "roa/it", "en-gb"])
def test_a_listed_voice_id_name_or_a_language_tag_is_accepted(client, voice):
    response = client.post("/api/v1/articles", json={"text": "A fine article.", "voice": voice})
    assert response.status_code in (200, 202), response.get_json()  # 200: the same article and voice, ready


def test_a_render_in_progress_tells_its_expected_length_from_its_words_and_the_rate(renderer):
    from listen.reading.plaintext import from_text
    from web.intake import Outline
    from web.job import Job

    article = from_text("Headline Here\n\n" + " ".join(["Word"] * 169) + " end.\n\nTwo more words.\n")
    render = renderer.settings.render
    plan = renderer.plan(article)
    outline = Outline.of(plan, render)
    # The words at 170 a minute (which the engines speak at 161), and a pause after each of the three
    # sentences, longer after a paragraph.
    words = sum(len(s.spoken.split()) for s in plan.script.sentences)
    assert len(plan.script.sentences) == 3
    pauses = 3 * render.paragraph_pause_ms
    assert outline.expected_ms == round(words * 60_000 / (render.rate * 161 / 170)) + pauses
    faster = Outline.of(plan, dataclasses.replace(render, rate=render.rate * 2))
    assert faster.expected_ms < outline.expected_ms
    job = Job(outline.rendition_id, outline.title)
    job.expected_ms = outline.expected_ms
    assert job.snapshot()["expected_ms"] == outline.expected_ms  # while it renders; gone once ready

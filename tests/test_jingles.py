"""Branding audio: a jingle before the spoken headline and after the last sentence, levelled, cached once,
with every time in the timings, captions and chapters offset exactly; "jingle": false leaves it out."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest
from conftest import (
    SHORT_ARTICLE,
    article_text,
    ffprobe,
    loudness,
    post_ready,
    run_cli,
    running_app,
    silences,
)

from listen.audio.format import SAMPLE_RATE
from listen.audio.mp3 import SAMPLES_PER_FRAME
from listen.config import Settings
from listen.errors import SettingsError
from listen.queue.payload import payload, settings_from_payload
from listen.reading.plaintext import from_text
from listen.render.captions import parse_vtt
from listen.render.renderer import Renderer

TONE_S = 1.5
FRAME_MS = SAMPLES_PER_FRAME * 1000 / SAMPLE_RATE  # one MP3 frame: about 26 ms
PAUSE_MS = Settings().render.paragraph_pause_ms  # what separates a jingle from the speech


def make_tone(path: Path, seconds: float = TONE_S, frequency: int = 660, volume_db: int = -30) -> Path:
    """A quiet sine tone from ffmpeg's sine source, as a publisher's jingle file (never committed)."""
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={frequency}:duration={seconds}",
            "-af",
            f"volume={volume_db}dB",
            "-ar",
            "44100",
            str(path),
        ],
        check=True,
    )
    return path


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    return make_tone(tmp_path / "tone.wav")


@pytest.fixture
def branded(renderer, tone):
    """The short article plain, with an opening jingle, and with both jingles: one cache, one pool."""

    def render(**jingles):
        return Renderer(renderer.settings.replace(**jingles), pool=renderer.pool).render(
            from_text(SHORT_ARTICLE)
        )

    return {
        "plain": render(),
        "in": render(jingle_in=tone),
        "both": render(jingle_in=tone, jingle_out=tone),
    }


def duration_ms(mp3: Path) -> float:
    return float(ffprobe(mp3)["format"]["duration"]) * 1000


def test_the_mp3_grows_by_each_jingle_and_its_pause(branded):
    plain, opened, both = (duration_ms(branded[k].mp3) for k in ("plain", "in", "both"))
    one = TONE_S * 1000 + PAUSE_MS
    # A jingle's piece is whole MP3 frames: the encoder's delay and padding add at most a few.
    assert one <= opened - plain <= one + 3 * FRAME_MS
    assert abs((both - opened) - (opened - plain)) <= FRAME_MS
    assert abs(branded["both"].timings["duration_ms"] - both) <= FRAME_MS + 1


def test_the_first_sentence_starts_where_the_opening_jingle_adds_audio(branded):
    plain, opened = branded["plain"], branded["in"]
    grown = duration_ms(opened.mp3) - duration_ms(plain.mp3)
    assert plain.timings["sentences"][0]["start_ms"] == 0
    assert abs(opened.timings["sentences"][0]["start_ms"] - grown) <= FRAME_MS


def test_every_time_moves_by_the_opening_jingle_and_text_highlighting_waits_for_the_article(branded):
    plain, opened = branded["plain"].timings, branded["in"].timings
    offset = opened["sentences"][0]["start_ms"]
    for before, after in zip(plain["sentences"], opened["sentences"]):
        assert abs(after["start_ms"] - before["start_ms"] - offset) <= 1
        assert abs(after["end_ms"] - before["end_ms"] - offset) <= 1
        for w0, w1 in zip(before.get("words", []), after.get("words", [])):
            assert abs(w1["start_ms"] - w0["start_ms"] - offset) <= 1
    # The tone has ended and the speech not begun where the first sentence starts: a pause.
    (jingle,) = opened["jingles"]
    assert jingle["end_ms"] < offset
    assert abs(jingle["end_ms"] - jingle["start_ms"] - TONE_S * 1000) <= 1
    t = offset / 1000
    assert any(start <= t <= end for start, end in silences(branded["in"].mp3)), t


def test_captions_and_chapters_are_offset_like_the_sentences(branded):
    rendition = branded["both"]
    sentences = rendition.timings["sentences"]
    cues = parse_vtt(rendition.vtt.read_text())
    assert [(a, b) for a, b, _ in cues] == [(s["start_ms"], s["end_ms"]) for s in sentences]
    assert cues[0][0] > TONE_S * 1000
    chapters = ffprobe(rendition.mp3)["chapters"]
    assert round(float(chapters[0]["start_time"]) * 1000) == sentences[0]["start_ms"]


def test_the_last_sentence_ends_where_the_closing_jingle_starts(branded):
    timings = branded["both"].timings
    _, closing = timings["jingles"]
    last = timings["sentences"][-1]["end_ms"]
    assert last < closing["start_ms"]
    assert closing["start_ms"] - last >= PAUSE_MS - FRAME_MS  # the pause is on the article's side
    assert timings["duration_ms"] - last >= TONE_S * 1000 + PAUSE_MS


def test_a_quiet_jingle_is_levelled_to_the_articles_loudness(branded, tmp_path):
    rendition = branded["both"]
    opening, _ = rendition.timings["jingles"]
    start, end = opening["start_ms"] / 1000, opening["end_ms"] / 1000
    cut = tmp_path / "jingle.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(rendition.mp3),
            "-ss",
            str(start),
            "-to",
            str(end),
            str(cut),
        ],
        check=True,
    )
    jingle_lufs, jingle_peak = loudness(cut)
    target = Settings().render.loudness_lufs
    assert abs(jingle_lufs - target) <= 1.0, jingle_lufs
    assert abs(jingle_lufs - loudness(branded["plain"].mp3)[0]) <= 1.0
    assert jingle_peak <= -1.0
    assert abs(loudness(tmp_path / "tone.wav")[0] - target) > 10  # it was far quieter as given


def test_jingle_false_gives_the_plain_rendition_under_another_id(renderer, tone):
    branded = renderer.settings.replace(jingle_in=tone, jingle_out=tone)
    with_jingles = Renderer(branded, pool=renderer.pool).render(from_text(SHORT_ARTICLE))
    without = Renderer(branded.replace(jingle=False), pool=renderer.pool).render(from_text(SHORT_ARTICLE))
    plain = renderer.render(from_text(SHORT_ARTICLE))
    assert with_jingles.key != without.key
    assert without.key == plain.key
    assert without.mp3.read_bytes() == plain.mp3.read_bytes()
    assert "jingles" not in without.timings


def test_a_jingle_is_made_once_and_keyed_by_its_content(renderer, tone):
    branded = Renderer(renderer.settings.replace(jingle_in=tone), pool=renderer.pool)
    first = branded.render(from_text(article_text()))
    second = branded.render(from_text(article_text()))
    jingle = branded.plan(from_text(article_text())).jingles[0]
    made = branded.cache.piece_path(jingle.key).stat().st_mtime_ns
    third = branded.render(from_text(article_text()))
    assert branded.cache.piece_path(jingle.key).stat().st_mtime_ns == made  # not made again
    assert second.timings["jingles"] == first.timings["jingles"] == third.timings["jingles"]
    # The same name with other sound in it is another jingle, so another rendition.
    same_text = from_text(SHORT_ARTICLE)
    before = branded.render(same_text).key
    make_tone(tone, seconds=1.0, frequency=440)
    after = Renderer(renderer.settings.replace(jingle_in=tone), pool=renderer.pool).render(same_text)
    assert after.key != before
    assert abs(after.timings["jingles"][0]["end_ms"] - after.timings["jingles"][0]["start_ms"] - 1000) <= 1


def test_a_missing_jingle_file_stops_start_up_saying_what_to_do(tmp_path):
    with pytest.raises(SettingsError, match=r"LISTEN_JINGLE_IN=.*cannot be read.*unset it"):
        Settings.from_env({"LISTEN_JINGLE_IN": str(tmp_path / "missing.mp3")})


def test_a_file_ffmpeg_cannot_read_fails_the_render_saying_what_to_do(renderer, tmp_path):
    notes = tmp_path / "jingle.mp3"
    notes.write_text("this is not audio")
    branded = Renderer(renderer.settings.replace(jingle_in=notes), pool=renderer.pool)
    with pytest.raises(SettingsError, match=r"ffmpeg cannot read the jingle .*WAV or MP3"):
        branded.render(from_text(article_text()))


def test_a_queued_job_carries_its_jingles(tone, tmp_path):
    settings = Settings.of(cache_dir=tmp_path / "cache", jingle_in=tone)
    job = payload(from_text("Hello there."), settings)
    assert settings_from_payload(job["render"], settings).render == settings.render


@pytest.mark.slow
def test_the_cli_reads_the_jingles_from_the_environment_and_no_jingle_leaves_them_out(
    tmp_path, tone, monkeypatch
):
    article = tmp_path / "a.txt"
    article.write_text(SHORT_ARTICLE)
    monkeypatch.setenv("LISTEN_JINGLE_OUT", str(tone))
    cache = str(tmp_path / "cache")
    branded = run_cli("speak", str(article), "-o", str(tmp_path / "b.mp3"), "--cache-dir", cache)
    plain = run_cli("speak", str(article), "-o", str(tmp_path / "p.mp3"), "--cache-dir", cache, "--no-jingle")
    assert branded.returncode == 0, branded.stderr
    assert plain.returncode == 0, plain.stderr
    grown = duration_ms(tmp_path / "b.mp3") - duration_ms(tmp_path / "p.mp3")
    assert TONE_S * 1000 + PAUSE_MS <= grown <= TONE_S * 1000 + PAUSE_MS + 3 * FRAME_MS
    monkeypatch.setenv("LISTEN_JINGLE_OUT", str(tmp_path / "gone.wav"))
    missing = run_cli("speak", str(article), "-o", str(tmp_path / "m.mp3"), "--cache-dir", cache)
    assert missing.returncode != 0
    assert b"LISTEN_JINGLE_OUT" in missing.stderr
    assert b"unset it" in missing.stderr
    # A file that is there but holds no sound stops the command before anything renders.
    (tmp_path / "notes.wav").write_text("not audio")
    monkeypatch.setenv("LISTEN_JINGLE_OUT", str(tmp_path / "notes.wav"))
    unreadable = run_cli("speak", str(article), "-o", str(tmp_path / "u.mp3"), "--cache-dir", cache)
    assert unreadable.returncode != 0
    assert b"ffmpeg cannot read the jingle" in unreadable.stderr
    assert b"LISTEN_JINGLE_OUT" in unreadable.stderr
    assert not (tmp_path / "u.mp3").exists()


@pytest.mark.slow
def test_the_api_takes_jingle_false_per_article(make_app, tone):
    app = make_app(jingle_in=tone)
    client = app.test_client()
    text = article_text()
    branded = post_ready(client, app, text=text)
    plain = post_ready(client, app, text=text, jingle=False)
    assert branded["id"] != plain["id"]
    first = client.get(f"/api/v1/articles/{branded['id']}/timings.json").json
    assert first["sentences"][0]["start_ms"] > TONE_S * 1000
    assert client.get(f"/api/v1/articles/{plain['id']}/timings.json").json["sentences"][0]["start_ms"] == 0
    bad = client.post("/api/v1/articles", json={"text": text, "jingle": "maybe"})
    assert bad.status_code == 400
    assert "jingle" in bad.json["error"]["message"]


@pytest.mark.engine
@pytest.mark.slow
def test_a_real_voice_follows_the_jingle_at_the_articles_loudness(renderer, tone, tmp_path):
    plain = renderer.render(from_text(SHORT_ARTICLE))
    branded = Renderer(renderer.settings.replace(jingle_in=tone), pool=renderer.pool).render(
        from_text(SHORT_ARTICLE)
    )
    grown = duration_ms(branded.mp3) - duration_ms(plain.mp3)
    assert abs(branded.timings["sentences"][0]["start_ms"] - grown) <= FRAME_MS
    # The speech starts after the pause that follows the tone, not before the first sentence's start.
    t = branded.timings["sentences"][0]["start_ms"] / 1000
    assert any(start <= t <= end for start, end in silences(branded.mp3))
    integrated, peak = loudness(branded.mp3)
    assert -17.0 <= integrated <= -15.0
    assert peak <= -1.0


@pytest.mark.browser
def test_the_players_text_is_lit_only_once_the_article_starts_after_the_jingle(tmp_path, tone):
    playwright_api = pytest.importorskip("playwright.sync_api")
    waitress = pytest.importorskip("waitress")
    from support.browser import ARGS, CHROMIUM
    from tests.test_browser import post_article, wait_ready

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with running_app(tmp_path / "cache", jingle_in=tone, allowed_hosts="127.0.0.1") as app:
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        url = f"http://127.0.0.1:{server.effective_port}"
        try:
            article = wait_ready(url, post_article(url, SHORT_ARTICLE)["id"])
            start_s = article["sentences"][0]["start_ms"] / 1000
            with playwright_api.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
                page = browser.new_page()
                page.goto(f"{url}/a/{article['id']}")
                page.wait_for_selector(".lp[data-status='ready'] .lp-s")
                for t in (TONE_S / 2, start_s + 0.1):
                    page.evaluate(
                        "(t) => new Promise((done) => { const a = document.querySelector('.lp-audio');"
                        " a.addEventListener('seeked', () => setTimeout(done, 100), {once: true}); a.currentTime = t; })",
                        t,
                    )
                    lit = page.evaluate("document.querySelector('.lp-current')?.dataset.index ?? null")
                    # During the jingle nothing is lit; the headline is lit once the article starts.
                    assert lit == (None if t < start_s else "0"), (t, lit)
                browser.close()
        finally:
            server.close()

"""Rendering with the real engine: the audio itself, its timings, captions, tags and the cache."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import SHORT_ARTICLE, ffprobe, loudness, run_cli, silences
from mutagen.id3 import ID3

import listen.render.plan as plan_module
from listen.config import Settings
from listen.errors import EngineError
from listen.reading.plaintext import from_text
from listen.render.captions import parse_vtt
from listen.render.renderer import Renderer


@pytest.fixture
def short(renderer):
    return renderer.render(from_text(SHORT_ARTICLE))


def test_output_is_cbr_64_kbps_mono_mp3_at_22050_hz(short):
    info = ffprobe(short.mp3)
    stream = info["streams"][0]
    assert stream["codec_name"] == "mp3"
    assert stream["channels"] == 1
    assert int(stream["sample_rate"]) == 22050
    assert int(stream["bit_rate"]) == 64000


@pytest.mark.engine
@pytest.mark.slow
def test_loudness_is_minus_16_lufs_with_true_peak_at_most_minus_1_dbtp(short):
    integrated, peak = loudness(short.mp3)
    assert -17.0 <= integrated <= -15.0
    assert peak <= -1.0


def test_timings_duration_matches_the_mp3(short):
    duration_s = float(ffprobe(short.mp3)["format"]["duration"])
    assert abs(duration_s * 1000 - short.timings["duration_ms"]) < 80


def test_sentences_tile_the_audio_in_order(short):
    sentences = short.timings["sentences"]
    assert [s["index"] for s in sentences] == list(range(len(sentences)))
    assert sentences[0]["start_ms"] == 0
    assert sentences[-1]["end_ms"] == short.timings["duration_ms"]
    for before, after in itertools.pairwise(sentences):
        assert before["end_ms"] == after["start_ms"]
        assert after["start_ms"] > before["start_ms"]


def test_every_sentence_start_after_the_first_lies_in_a_pause(short):
    pauses = silences(short.mp3)
    for s in short.timings["sentences"][1:]:
        t = s["start_ms"] / 1000
        assert any(start <= t <= end for start, end in pauses), (s["text"], t, pauses)


def test_pause_after_headline_and_between_paragraphs_is_longer_than_between_sentences(short):
    pauses = silences(short.mp3, min_s=0.1)
    sentences = short.timings["sentences"]

    def pause_at(ms: int) -> float:
        return next(end - start for start, end in pauses if start <= ms / 1000 <= end)

    kinds = {"headline": [], "paragraph": [], "sentence": []}
    for before, after in itertools.pairwise(sentences):
        kind = (
            "headline"
            if before["paragraph"] == -1
            else "paragraph"
            if before["paragraph"] != after["paragraph"]
            else "sentence"
        )
        kinds[kind].append(pause_at(after["start_ms"]))
    assert min(kinds["headline"]) > max(kinds["paragraph"]) > max(kinds["sentence"])
    assert 0.25 < max(kinds["sentence"]) < 0.5


def test_captions_have_one_cue_per_sentence_at_the_timings(short):
    cues = parse_vtt(short.vtt.read_text("utf-8"))
    sentences = short.timings["sentences"]
    assert [(c[0], c[1], c[2]) for c in cues] == [(s["start_ms"], s["end_ms"], s["text"]) for s in sentences]


def test_mp3_carries_id3_tags_and_a_chapter_per_paragraph(short):
    tags = ID3(short.mp3)
    assert str(tags["TIT2"]) == "A Short Test Headline"
    assert tags.getall("COMM")
    chapters = ffprobe(short.mp3)["chapters"]
    assert len(chapters) == 3  # the headline, then two paragraphs
    assert sorted(int(c["start"]) for c in chapters) == [0] + [
        s["start_ms"] for s in short.timings["sentences"] if s["index"] in (1, 3)
    ]


def test_the_mp3s_encoder_tag_names_the_engine_and_voice_that_read_it(short):
    # An English article: Piper reads it (the fake engine stands in under the same name).
    assert str(ID3(short.mp3)["TSSE"]) == "listen (Piper, voice en_US-joe-medium; LAME)"


def test_rerunning_an_unchanged_article_renders_nothing(renderer, short):
    again = renderer.render(from_text(SHORT_ARTICLE))
    assert again.from_cache
    assert again.engine_calls == 0
    assert again.mp3.read_bytes() == short.mp3.read_bytes()


def test_an_unchanged_article_is_found_by_its_alias_whatever_the_engine_workers_or_port(
    renderer, settings, short, monkeypatch
):
    # `short` was rendered with two engine workers on port 8000; how the service runs never
    # changes the audio, so the article's alias must find it without working out the script.
    def no_planning(*args, **kwargs):
        raise AssertionError("the script was worked out again: the article's alias missed")

    monkeypatch.setattr(Renderer, "plan", no_planning)
    for service in (
        {"engine_workers": 1},
        {"engine_workers": 3, "host": "0.0.0.0", "port": 9000},
        {"chunk_timeout_s": 60.0, "queue_limit": 5, "max_input_bytes": 10_000},
    ):
        again = Renderer(settings.replace(**service), pool=renderer.pool).render(from_text(SHORT_ARTICLE))
        assert again.from_cache
        assert again.engine_calls == 0
        assert again.key == short.key


def test_editing_one_sentence_rerenders_exactly_one_chunk(renderer, short):
    edited = renderer.render(from_text(SHORT_ARTICLE.replace("It ends here.", "It ends right here.")))
    assert edited.chunks_rendered == 1
    assert edited.engine_calls == 1
    assert edited.pieces_rendered == 1  # only the edited paragraph is encoded again
    assert edited.key != short.key


def test_a_truncated_cached_chunk_is_rendered_again_not_served(renderer, short):
    chunks = sorted(Path(renderer.cache.root, "chunks").rglob("*.flac"))
    victim = chunks[0]
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    for stored in [
        *Path(renderer.cache.root, "renditions").rglob("*.json"),
        *Path(renderer.cache.root, "pieces").rglob("*"),
    ]:
        stored.unlink() if stored.is_file() else None  # force a re-encode, which must notice the damaged chunk
    again = renderer.render(from_text(SHORT_ARTICLE))
    assert again.chunks_rendered == 1
    assert again.mp3.read_bytes() == short.mp3.read_bytes()


def test_a_truncated_cached_piece_is_encoded_again_not_served(renderer, short):
    pieces = sorted(Path(renderer.cache.root, "pieces").rglob("*.piece"))
    pieces[0].write_bytes(pieces[0].read_bytes()[:-100])
    for stored in Path(renderer.cache.root, "renditions").rglob("*.json"):
        stored.unlink()
    again = renderer.render(from_text(SHORT_ARTICLE))
    assert again.pieces_rendered == 1
    assert again.chunks_rendered == 0
    assert again.mp3.read_bytes() == short.mp3.read_bytes()


def test_a_corrupt_cached_rendition_is_rendered_again_not_served(renderer, short):
    data = bytearray(short.mp3.read_bytes())
    data[len(data) // 2] ^= 0xFF
    short.mp3.write_bytes(bytes(data))
    again = renderer.render(from_text(SHORT_ARTICLE))
    assert not again.from_cache
    assert again.engine_calls == 0  # the chunks were fine; only the stitch is redone
    assert json.loads(again.timings_path.read_text())["_file"]["size"] == again.mp3.stat().st_size


def test_voice_and_rate_change_the_audio(renderer, settings):
    text = "Speed matters to listeners."
    slow = Renderer(settings.replace(rate=120), pool=renderer.pool)
    fast = Renderer(settings.replace(rate=260, voice="en-gb"), pool=renderer.pool)
    a = slow.render(from_text(text)).timings["duration_ms"]
    b = fast.render(from_text(text)).timings["duration_ms"]
    assert a > 1.5 * b


def test_a_chunk_that_keeps_failing_fails_the_render_naming_the_sentence(tmp_path):
    # A timeout no engine can meet: every try is killed, so the render must fail loudly.
    with (
        Renderer(Settings.of(cache_dir=tmp_path, engine_workers=1, chunk_timeout_s=0.001)) as r,
        pytest.raises(EngineError, match=r"sentence 1 .*'Nothing renders in time\.'"),
    ):
        r.render(from_text("Nothing renders in time."))
    assert not list(Path(tmp_path, "renditions").rglob("*.mp3"))


LONG_SENTENCE = (
    "The council met on Monday to discuss the $2.5 million budget for the new tram line, which the DEA, "
    "the U.S. Department of Transportation and the city's engineers had all reviewed in detail; the vote, "
    "held at 5 p.m. in the old hall, passed after a long debate about noise, cost and the route, "
    "and the work will start in the old depot next spring."
)


@pytest.fixture
def long(renderer):
    return renderer.render(from_text(f"A Long Sentence\n\n{LONG_SENTENCE} A short one follows."))


def test_sentences_read_in_one_chunk_keep_exactly_the_timings_keys(short):
    for s in short.timings["sentences"]:
        assert set(s) == {"index", "paragraph", "start_ms", "end_ms", "text", "spoken", "words"}


def test_a_long_sentence_has_timed_parts_that_tile_it_and_its_text(long, renderer):
    sentence = next(s for s in long.timings["sentences"] if s["text"] == LONG_SENTENCE)
    chunks = next(s for s in long.script.sentences if s.text == LONG_SENTENCE).chunks
    parts = sentence["parts"]
    assert len(parts) == len(chunks) > 1
    assert parts[0]["start_ms"] == sentence["start_ms"]
    assert parts[-1]["end_ms"] == sentence["end_ms"]
    assert parts[0]["text_start"] == 0
    assert parts[-1]["text_end"] == len(LONG_SENTENCE)
    for before, after in itertools.pairwise(parts):
        assert before["end_ms"] == after["start_ms"] > before["start_ms"]
        assert before["text_end"] == after["text_start"] > before["text_start"]
    assert "parts" not in long.timings["sentences"][-1]  # "A short one follows."
    # Each part's text ends where its chunk does, at a clause break.
    assert all(
        LONG_SENTENCE[p["text_start"] : p["text_end"]].rstrip().endswith((",", ";")) for p in parts[:-1]
    )


def test_part_boundaries_lie_in_the_pauses_between_clauses(long):
    pauses = silences(long.mp3, min_s=0.05)
    sentence = next(s for s in long.timings["sentences"] if s["text"] == LONG_SENTENCE)
    for part in sentence["parts"][1:]:
        t = part["start_ms"] / 1000
        assert any(start - 0.02 <= t <= end + 0.02 for start, end in pauses), (t, pauses)


@pytest.mark.engine
def test_a_lexicon_phoneme_rule_is_spoken_as_phonemes(renderer, settings, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text('- match: Zyxwv\n  phonemes: "h@l\'oU"\n', encoding="utf-8")
    espeak = settings.replace(engine="pyttsx3")  # espeak-ng reads the mnemonics themselves
    with_rule = Renderer(espeak.replace(lexicon=rules), pool=renderer.pool)
    said = with_rule.render(from_text("Zyxwv."))
    assert said.script.sentences[0].spoken == "[[h@l'oU]]."
    plain = Renderer(espeak, pool=renderer.pool)
    hello = plain.render(from_text("Hello.")).timings["duration_ms"]
    bracketed = plain.render(from_text("h at l apostrophe o U.")).timings["duration_ms"]
    # Read as phonemes it sounds like "hello"; read as text it would take far longer.
    assert abs(said.timings["duration_ms"] - hello) < 0.3 * hello
    assert said.timings["duration_ms"] < 0.6 * bracketed


@pytest.mark.engine
@pytest.mark.parametrize("rule", ['phonemes: "k,0nsta#ntI2n\'oUp@L"', 'ipa: "kˌɑːnstɐntɪnˈoʊpəl"'])
def test_a_lexicon_phoneme_rule_reaches_the_neural_voice_as_ipa(renderer, settings, tmp_path, rule):
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"- match: Bo\n  {rule}\n", encoding="utf-8")
    with_rule = Renderer(settings.replace(lexicon=rules), pool=renderer.pool)
    said = with_rule.render(from_text("Bo."))
    # The IPA espeak-ng gives for the mnemonics (decomposed, as piper reads IPA).
    assert unicodedata.normalize("NFC", said.script.sentences[0].spoken) == "[[kˌɑːnstɐntɪnˈoʊpəl]]."
    word = renderer.render(from_text("Constantinople.")).timings["duration_ms"]
    as_written = renderer.render(from_text("Bo.")).timings["duration_ms"]
    # Read as phonemes it sounds like the word they spell, far longer than "Bo".
    assert abs(said.timings["duration_ms"] - word) < 0.25 * word
    assert as_written < 0.6 * said.timings["duration_ms"]


def test_the_headline_goes_to_the_engine_before_the_body_is_worked_out(renderer, monkeypatch):
    # The body needs NLTK and the rest of the script; the headline's audio need not wait for them.
    events: list[tuple[str, int]] = []
    real = plan_module.iter_sentences

    def recorded(*args, **kwargs):
        for sentence in real(*args, **kwargs):
            events.append(("sentence", sentence.index))
            yield sentence

    monkeypatch.setattr(plan_module, "iter_sentences", recorded)
    handed: list[str] = []

    def on_piece(piece, voice) -> None:
        events.append(("piece", piece.sentences[0].index))
        handed.append(piece.key)

    plan = renderer.plan(from_text(SHORT_ARTICLE), on_piece=on_piece)
    assert events[:3] == [("sentence", 0), ("piece", 0), ("sentence", 1)]
    assert handed == [p.key for p in plan.pieces], "every piece is handed over once, in order"


def test_the_process_that_stitches_pieces_does_not_load_the_audio_libraries():
    # numpy, pydub and the encoder live in the engine workers; the CLI process only joins bytes.
    code = (
        "import sys, listen.cli.main, listen.render.renderer, listen.render.plan, listen.cache.store, "
        "listen.queue.client; print([m for m in ('numpy', 'pydub', 'lameenc', 'onnxruntime', 'soundfile') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# A headline and five short paragraphs: a piece each, more pieces than engine workers.
WORKERS_ARTICLE = """The Quay Lights Go Out

The council voted to switch off the quay lights.

It says this saves money.

Fishermen asked for one lamp by the steps.

The first dark night is Friday.

A public meeting is planned for March.
"""


@pytest.mark.engine
@pytest.mark.slow
def test_a_renditions_bytes_are_the_same_whatever_the_number_of_engine_workers(tmp_path):
    # Same id, different bytes: with --jobs 2 the sample article came out a different MP3 each time.
    # Its length was not the cause (each worker's engine carried state from what it said before):
    # six pieces (a headline, five paragraphs) go to one, two or three workers here.
    sample = tmp_path / "article.txt"
    sample.write_text(WORKERS_ARTICLE, encoding="utf-8")
    digests = set()
    for jobs in (1, 2, 3):
        out = tmp_path / f"jobs{jobs}.mp3"
        result = run_cli(
            "speak",
            str(sample),
            "-o",
            str(out),
            "--jobs",
            str(jobs),
            "--cache-dir",
            str(tmp_path / f"cache{jobs}"),
        )
        assert result.returncode == 0, result.stderr
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_an_articles_last_pieces_are_queued_longest_first_the_rest_in_reading_order(settings):
    from listen.render.plan import queue_order

    paragraphs = [" ".join(["Word"] * (3 + (7 * n) % 11)) + "." for n in range(12)]
    plan = Renderer(settings).plan(from_text("A Headline\n\n" + "\n\n".join(paragraphs)))
    ordered = queue_order(plan.pieces, 6)
    assert ordered[:-6] == plan.pieces[:-6]  # the headline first: the listener's first audio
    sizes = [sum(len(s.text) for s in p.sentences) for p in ordered[-6:]]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes != [sum(len(s.text) for s in p.sentences) for p in plan.pieces[-6:]]
    assert sorted(p.key for p in ordered) == sorted(p.key for p in plan.pieces)
    # The headline and the pieces after it, what a listener hears first, always go in order.
    assert queue_order(plan.pieces[:7], 6) == plan.pieces[:7]
    assert queue_order(plan.pieces[7:9], 6, queued_before=7) == sorted(
        plan.pieces[7:9], key=lambda p: -sum(len(s.text) for s in p.sentences)
    )


def test_the_script_fingerprint_covers_every_file_of_the_text_packages_and_refuses_an_empty_one(tmp_path):
    # A list of file names silently hashed nothing after the move into packages: it names whole
    # packages now, and any change to any file in them (code or data) must show.
    import shutil

    from listen.render.plan import SCRIPT_CODE, code_fingerprint, script_code_fingerprint

    repository = Path(__file__).parent.parent
    assert "listen/text" in SCRIPT_CODE
    assert script_code_fingerprint() == code_fingerprint(SCRIPT_CODE, repository)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in SCRIPT_CODE:
        source, copy = repository / part, tmp_path / part
        if source.is_dir():
            shutil.copytree(source, copy, ignore=ignore)
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, copy)
    before = code_fingerprint(SCRIPT_CODE, tmp_path)
    text_files = [p for p in sorted((tmp_path / "listen" / "text").rglob("*")) if p.is_file()]
    assert any(p.suffix != ".py" for p in text_files), "the text side's data files count too"
    for path in text_files:
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert code_fingerprint(SCRIPT_CODE, tmp_path) != before, f"a change to {path.name} went unnoticed"
        path.write_bytes(original)
    assert code_fingerprint(SCRIPT_CODE, tmp_path) == before
    (tmp_path / "listen" / "text" / "new_rules.py").write_text("RULES = []\n")
    assert code_fingerprint(SCRIPT_CODE, tmp_path) != before, "a file added to the package counts"
    shutil.rmtree(tmp_path / "listen" / "text")
    with pytest.raises(RuntimeError, match="listen/text"):
        code_fingerprint(SCRIPT_CODE, tmp_path)  # missing
    (tmp_path / "listen" / "text").mkdir()
    with pytest.raises(RuntimeError, match="holds no files"):
        code_fingerprint(SCRIPT_CODE, tmp_path)  # empty


# -- every script is read (#23 item 3) ----------------------------------------------------------------

UNSPACED_ARTICLES = {
    "ja": "東京の天気\n\n明日の東京は晴れて、気温は二十度まで上がる見込みです。午後から風が強くなります。\n",
    "zh": "北京天气\n\n明天北京天气晴朗，最高气温二十五度。下午风力会逐渐加大。\n",
    "th": "สภาพอากาศกรุงเทพ\n\nพรุ่งนี้กรุงเทพมีอากาศร้อน อุณหภูมิสูงสุดสามสิบห้าองศา\n",
}


@pytest.mark.engine
@pytest.mark.slow
@pytest.mark.parametrize("language", UNSPACED_ARTICLES)
def test_an_article_in_a_script_without_spaces_renders_at_a_speaking_pace(renderer, language):
    rendition = renderer.render(from_text(UNSPACED_ARTICLES[language]))  # no plausibility failure
    timings = rendition.timings
    assert timings["language"] == language
    assert timings["sentences"][0]["text"] == UNSPACED_ARTICLES[language].split("\n")[0]
    # Said at a speaking pace: about 0.1 to 0.5 s a character, not a letter-by-letter spelling.
    characters = sum(len(re.sub(r"\W", "", s["text"])) for s in timings["sentences"])
    assert 0.1 < timings["duration_ms"] / 1000 / characters < 0.5


@pytest.mark.engine
@pytest.mark.slow
def test_japanese_reaches_the_engine_as_kana_and_its_words_light_the_kanji(renderer):
    rendition = renderer.render(from_text(UNSPACED_ARTICLES["ja"]))
    body = rendition.timings["sentences"][1]
    assert body["text"].startswith("明日の東京は晴れて")
    assert not re.search(r"[\u4e00-\u9fff]", body["spoken"]), body["spoken"]  # no kanji left
    assert body["spoken"].startswith("アスノ トーキョーワ")
    lit = [body["text"][w["text_start"] : w["text_end"]] for w in body.get("words", [])]
    assert "東京は" in lit, lit

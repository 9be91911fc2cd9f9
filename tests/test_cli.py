"""The `listen` command, run as a real child process: outputs, bad input, batch, cache."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import SEED, SHORT_ARTICLE, run_cli


def cache_fingerprint(cache: Path) -> dict[str, str]:
    return {
        str(p.relative_to(cache)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in cache.rglob("*")
        if p.is_file() and "tmp" not in p.parts
    }


@pytest.mark.engine  # one CLI speak end to end with the real engine
@pytest.mark.slow
def test_speak_writes_the_mp3_with_timings_and_captions_beside_it(tmp_path, warm_cache):
    out = tmp_path / "short.mp3"
    assert out.read_bytes()[:3] == b"ID3"
    timings = json.loads(out.with_suffix(".json").read_text())
    assert set(timings) >= {"version", "duration_ms", "title", "sentences"}
    assert set(timings["sentences"][0]) == {
        "index",
        "paragraph",
        "start_ms",
        "end_ms",
        "text",
        "spoken",
        "words",
    }
    assert out.with_suffix(".vtt").read_text().startswith("WEBVTT")


@pytest.mark.slow
def test_speak_reads_standard_input(tmp_path, warm_cache):
    out = tmp_path / "stdin.mp3"
    result = run_cli(
        "speak", "-", "-o", str(out), "--cache-dir", str(warm_cache), stdin=SHORT_ARTICLE.encode()
    )
    assert result.returncode == 0, result.stderr
    assert "0 chunks rendered" in result.stderr.decode()  # same text: all from the cache


BAD_INPUTS = {
    "empty": (b"", "empty"),
    "whitespace only": (b"   \n\n\t  \n", "empty"),
    "binary": (bytes(range(256)) * 40, "binary"),
    "invalid utf-8": ("Caf\u00e9 society.".encode("latin-1"), "UTF-8"),
    "five megabytes": (b"A sentence of text. " * 262144, "is 5.2 MB; the limit is 2.0 MB"),
    "a list of file paths": (
        b"".join(b"/srv/audio/2026/episode-%d.mp3\n" % n for n in range(12)),
        "looks like a list of file paths, not an article",
    ),
    "a log": (
        b"".join(b"2026-11-30 12:00:%02d,120 INFO worker %d finished job\n" % (n, n) for n in range(12))
        + b"2026-11-30 12:00:13,001 ERROR worker 3 lost its connection to Redis.\n",
        "looks like a log, not an article",
    ),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
@pytest.mark.slow
def test_bad_input_gets_a_one_line_error_and_leaves_the_cache_intact(name, tmp_path, warm_cache):
    data, words = BAD_INPUTS[name]
    before = cache_fingerprint(warm_cache)
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    result = run_cli("speak", str(path), "-o", str(tmp_path / "bad.mp3"), "--cache-dir", str(warm_cache))
    err = result.stderr.decode()
    assert result.returncode != 0
    assert err.count("\n") == 1, err
    assert err.startswith("listen: error:"), err
    assert words in err
    assert "Traceback" not in err
    assert cache_fingerprint(warm_cache) == before
    assert not (tmp_path / "bad.mp3").exists()


def test_standard_input_over_the_limit_is_refused_with_its_real_size(tmp_path):
    result = run_cli(
        "speak",
        "-",
        "-o",
        str(tmp_path / "big.mp3"),
        "--cache-dir",
        str(tmp_path / "c"),
        stdin=b"Another line of the article. " * 200000,
    )
    assert result.returncode != 0
    assert "standard input is 5.8 MB; the limit is 2.0 MB" in result.stderr.decode()


@pytest.mark.parametrize(
    ("input_name", "output_name"),
    [
        ("same.txt", "same.txt"),  # the MP3 itself would replace the input
        ("notes.json", "notes.mp3"),  # the timings would
        ("notes.vtt", "notes.mp3"),  # the captions would
        ("story", "story"),  # no suffix at all
    ],
)
def test_speak_refuses_an_output_that_would_replace_its_input(tmp_path, input_name, output_name):
    source = tmp_path / input_name
    source.write_text(SHORT_ARTICLE)
    result = run_cli(
        "speak", str(source), "-o", str(tmp_path / output_name), "--cache-dir", str(tmp_path / "c")
    )
    err = result.stderr.decode()
    assert result.returncode != 0, err
    assert "would replace the input" in err, err
    assert "-o" in err, err
    assert source.read_text() == SHORT_ARTICLE


def test_speak_refuses_an_output_that_is_its_input_under_another_name(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(SHORT_ARTICLE)
    (tmp_path / "link.json").symlink_to(source)
    result = run_cli(
        "speak", str(source), "-o", str(tmp_path / "link.mp3"), "--cache-dir", str(tmp_path / "c")
    )
    assert result.returncode != 0
    assert "would replace the input" in result.stderr.decode()
    assert source.read_text() == SHORT_ARTICLE


@pytest.mark.slow
def test_batch_refuses_only_the_input_an_output_would_replace(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "report.txt").write_text(SHORT_ARTICLE)  # report.mp3's timings would be report.json
    (folder / "report.json").write_text(SHORT_ARTICLE.replace("Short", "Second"))
    result = run_cli(
        "batch",
        str(folder / "report.txt"),
        str(folder / "report.json"),
        "-o",
        str(folder),
        "--cache-dir",
        str(tmp_path / "c"),
    )
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert "would replace the input" in err, err
    assert "1 rendered" in err, err
    assert (folder / "report.json").read_text() == SHORT_ARTICLE.replace("Short", "Second")
    assert (folder / "report-json.mp3").exists()
    assert not (folder / "report.mp3").exists()


@pytest.mark.slow
def test_speak_never_writes_through_a_symlink_planted_in_the_output_folder(tmp_path, warm_cache):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    # The temporary names the CLI used to write through, and the outputs themselves.
    for name in (
        ".short.mp3.tmp",
        ".short.vtt.tmp",
        ".short.json.tmp",
        "short.mp3",
        "short.json",
        "short.vtt",
    ):
        (out_dir / name).symlink_to(victim)
    source = tmp_path / "short.txt"
    result = run_cli("speak", str(source), "-o", str(out_dir / "short.mp3"), "--cache-dir", str(warm_cache))
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious"
    out = out_dir / "short.mp3"
    assert not out.is_symlink()
    assert out.read_bytes()[:3] == b"ID3"
    assert json.loads(out.with_suffix(".json").read_text())["sentences"]
    leftovers = {p.name for p in out_dir.iterdir()} - {"short.mp3", "short.json", "short.vtt"}
    assert leftovers == {
        ".short.mp3.tmp",
        ".short.vtt.tmp",
        ".short.json.tmp",
    }  # the planted links, untouched


def test_a_missing_file_is_a_clear_error(tmp_path):
    result = run_cli(
        "speak", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "x.mp3"), "--cache-dir", str(tmp_path / "c")
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr.decode()


def test_an_unwritable_output_path_fails_before_any_work(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(SHORT_ARTICLE)
    result = run_cli(
        "speak",
        str(article),
        "-o",
        str(tmp_path / "no" / "such" / "dir.mp3"),
        "--cache-dir",
        str(tmp_path / "c"),
    )
    assert result.returncode != 0
    assert "does not exist" in result.stderr.decode()
    assert not list((tmp_path / "c").rglob("*.flac")) if (tmp_path / "c").exists() else True


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_output_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    result = run_cli("speak", str(SEED), "-o", str(folder / "x.mp3"), "--cache-dir", str(tmp_path / "c"))
    assert result.returncode != 0
    assert "Cannot write" in result.stderr.decode()


@pytest.mark.slow
def test_an_unknown_voice_and_an_out_of_range_rate_are_clear_errors(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Hello there.")
    voice = run_cli(
        "speak",
        str(article),
        "-o",
        str(tmp_path / "a.mp3"),
        "--voice",
        "no-such-voice",
        "--cache-dir",
        str(tmp_path / "c"),
    )
    assert voice.returncode == 2
    assert "listen voices" in voice.stderr.decode()
    rate = run_cli(
        "speak",
        str(article),
        "-o",
        str(tmp_path / "a.mp3"),
        "--rate",
        "2000",
        "--cache-dir",
        str(tmp_path / "c"),
    )
    assert rate.returncode == 2
    assert "80 to 450" in rate.stderr.decode()


def test_voices_lists_the_engines_voices():
    result = run_cli("voices", "--language", "en")
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0
    assert any(line.startswith("gmw/en-us") for line in lines)


def test_voices_lists_the_natural_voices_first_and_marks_them():
    lines = run_cli("voices").stdout.decode().splitlines()
    assert lines[0].startswith("en_US-joe-medium")
    assert "Joe (US English, male, natural)" in lines[0]
    assert lines[0].split()[-1] == "piper"
    espeak = [line for line in lines if line.split()[-1] == "pyttsx3"]
    assert espeak
    assert not any("natural" in line for line in espeak)


def rendition_id(tmp_path: Path, text: str, *flags: str) -> str:
    article = tmp_path / "article.txt"
    article.write_text(text, encoding="utf-8")
    out = tmp_path / "out.mp3"
    result = run_cli("speak", str(article), "-o", str(out), "--cache-dir", str(tmp_path / "c"), *flags)
    assert result.returncode == 0, result.stderr
    return json.loads(out.with_suffix(".json").read_text())["id"]


@pytest.mark.slow
def test_english_is_read_by_the_neural_voice_unless_another_engine_is_chosen(tmp_path):
    text = "Rail Strike Ends\n\nTrains ran again on Monday after a week of strikes.\n"
    default = rendition_id(tmp_path, text)
    assert default == rendition_id(tmp_path, text, "--engine", "piper")
    assert default != rendition_id(tmp_path, text, "--engine", "pyttsx3")


@pytest.mark.slow
def test_a_language_without_a_neural_voice_is_read_by_espeak_without_being_asked(tmp_path):
    text = "Bahn saniert Strecken\n\nDie Bahn will im Sommer viele Strecken sanieren.\n"
    assert rendition_id(tmp_path, text, "--language", "de") == rendition_id(
        tmp_path, text, "--language", "de", "--engine", "pyttsx3"
    )


def test_a_language_we_pick_no_voice_for_is_read_by_espeaks_own_voice_for_it():
    from listen.engines import choose_speaker

    voices = {lang: choose_speaker(lang).voice for lang in ("ja", "zh", "th", "ru")}
    assert voices == {"ja": "jpx/ja", "zh": "sit/cmn-latn-pinyin", "th": "tai/th", "ru": "zle/ru"}


@pytest.mark.slow
def test_the_engine_can_be_chosen_with_listen_engine(tmp_path, monkeypatch):
    text = "Ferry Timetable Changes\n\nThe morning ferry will leave ten minutes earlier.\n"
    chosen = rendition_id(tmp_path, text, "--engine", "pyttsx3")
    monkeypatch.setenv("LISTEN_ENGINE", "pyttsx3")
    assert rendition_id(tmp_path, text) == chosen
    monkeypatch.setenv("LISTEN_ENGINE", "festival")
    article = tmp_path / "article.txt"
    bad = run_cli("speak", str(article), "-o", str(tmp_path / "x.mp3"), "--cache-dir", str(tmp_path / "c"))
    assert bad.returncode == 2
    assert "festival" in bad.stderr.decode()
    assert "piper" in bad.stderr.decode()


@pytest.mark.slow
def test_a_missing_piper_voice_file_is_a_clear_error_naming_it(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Hello there.")
    missing = tmp_path / "voices" / "nobody.onnx"
    result = run_cli(
        "speak",
        str(article),
        "-o",
        str(tmp_path / "a.mp3"),
        "--voice",
        str(missing),
        "--cache-dir",
        str(tmp_path / "c"),
    )
    assert result.returncode == 2
    assert str(missing) in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_lexicon_test_shows_the_phonemes_each_engine_is_given(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text('- match: Cochabamba\n  phonemes: "k,otS@b\'amb@"\n', encoding="utf-8")
    args = ("lexicon", "test", "In Cochabamba today.", "--lexicon", str(rules))
    assert run_cli(*args, "--engine", "pyttsx3").stdout.decode().strip() == "In [[k,otS@b'amb@]] today."
    neural = run_cli(*args).stdout.decode().strip()
    assert unicodedata.normalize("NFC", neural) == "In [[kˌotʃəbˈæmbə]] today."


def test_script_prints_one_json_line_per_input(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(SHORT_ARTICLE)
    result = run_cli("script", str(SEED), str(other), "--json")
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["title"] for r in records] == [
        "US Resumes Drug Intelligence Cooperation with Bolivia After Two-Decade Hiatus",
        "A Short Test Headline",
    ]
    assert records[1]["paragraphs"][1]["sentences"][1] == {"text": "It ends here.", "spoken": "It ends here."}


def test_script_prints_one_spoken_chunk_per_line():
    result = run_cli("script", str(SEED))
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("U S Resumes Drug Intelligence")
    assert all(len(line) <= 300 for line in lines)


@pytest.mark.slow
def test_batch_continues_past_a_failure_exits_non_zero_and_skips_finished_work(tmp_path):
    good, empty = tmp_path / "good.txt", tmp_path / "empty.txt"
    good.write_text(SHORT_ARTICLE)
    empty.write_text("  ")
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = run_cli("batch", str(empty), str(good), "-o", str(out), "--cache-dir", str(cache))
    assert first.returncode == 1
    assert (out / "good.mp3").exists()
    err = first.stderr.decode()
    assert "1 rendered" in err
    assert "1 failed" in err
    assert "empty.txt" in err
    good_mtime = (out / "good.mp3").stat().st_mtime_ns
    second = run_cli("batch", str(good), "-o", str(out), "--cache-dir", str(cache))
    assert second.returncode == 0
    assert "1 already up to date" in second.stderr.decode()
    assert (out / "good.mp3").stat().st_mtime_ns == good_mtime


@pytest.mark.slow
def test_cache_stats_and_prune_evict_least_recently_used_first(tmp_path, warm_cache):
    stats = run_cli("cache", "stats", "--cache-dir", str(warm_cache)).stdout.decode()
    assert re.search(r"\d+ chunks, \d+ pieces, 1 renditions", stats)
    chunks = sorted(warm_cache.rglob("*.flac"))
    for n, chunk in enumerate(chunks):
        os.utime(chunk, (1_000_000 + n, 1_000_000 + n))  # chunk 0 is the least recently used
    recent = sum(
        p.stat().st_size for kind in ("renditions", "pieces") for p in (warm_cache / kind).rglob("*.*")
    )
    keep = recent + chunks[-1].stat().st_size + 10  # the newest: rendition, pieces and the last chunk
    result = run_cli("cache", "prune", "--max-size", f"{keep}B", "--cache-dir", str(warm_cache))
    assert result.returncode == 0, result.stderr
    assert [c.exists() for c in chunks] == [False] * (len(chunks) - 1) + [True]
    assert len(list((warm_cache / "renditions").rglob("*.mp3"))) == 1


@pytest.mark.slow
def test_feed_never_replaces_an_episode_nor_writes_through_a_planted_symlink(tmp_path, warm_cache):
    folder = tmp_path / "episodes"
    folder.mkdir()
    source = tmp_path / "short.txt"
    assert run_cli("batch", str(source), "-o", str(folder), "--cache-dir", str(warm_cache)).returncode == 0
    episode = folder / "short.mp3"
    before = episode.read_bytes()
    refused = run_cli("feed", str(folder), "-o", str(episode), "--base-url", "https://example.com/audio/")
    assert refused.returncode != 0
    assert "would replace an episode" in refused.stderr.decode()
    assert episode.read_bytes() == before
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (folder / ".feed.xml.tmp").symlink_to(victim)  # the temporary name the feed used to write through
    made = run_cli("feed", str(folder), "--base-url", "https://example.com/audio/")
    assert made.returncode == 0, made.stderr
    assert victim.read_text() == "precious"
    assert (folder / "feed.xml").read_bytes().startswith(b"<?xml")


def test_a_command_run_in_a_deleted_folder_says_so_and_stops(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    (tmp_path / "article.txt").write_text(SHORT_ARTICLE)
    script = 'cd "$1" && rmdir "$1" && exec "$2" -m listen speak "$3" -o "$4"'
    result = subprocess.run(
        ["sh", "-c", script, "sh", str(gone), sys.executable, str(tmp_path / "article.txt"), str(tmp_path / "a.mp3")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "listen: error: the current folder no longer exists; cd to a folder that does and run the command again.\n"
    )
    assert not (tmp_path / "a.mp3").exists()

"""Word timings in the rendition's timings: real renders with each engine, checked against the decoded MP3."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest

from listen.engines import ENGINES
from listen.reading.plaintext import from_text
from listen.render.renderer import Renderer

ARTICLE = """Storm Clears, Residents Return

When the storm passed, residents returned to their homes. The council paid $2.50 per household, officials said.

After a long debate, lawmakers approved the plan on Tuesday.
"""
pytestmark = pytest.mark.engine

# Each sentence's word after a comma, whose start the pause at the comma must hold.
AFTER_COMMA = {"When the storm passed": "residents", "After a long debate": "lawmakers"}


@pytest.fixture(scope="module", params=list(ENGINES))
def rendered(request, tmp_path_factory, _real_workers):
    from listen.config import Settings

    settings = Settings.of(cache_dir=tmp_path_factory.mktemp("cache"), engine_workers=2, engine=request.param)
    rendition = Renderer(settings, pool=_real_workers).render(from_text(ARTICLE, "storm.txt"))
    pcm = subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-i",
            str(rendition.mp3),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            "22050",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return rendition, np.frombuffer(pcm, dtype="<i2")


def words_of(sentence):
    return [sentence["text"][w["text_start"] : w["text_end"]] for w in sentence["words"]]


@pytest.mark.slow
def test_every_sentence_has_its_words_in_order_inside_its_time(rendered):
    rendition, _ = rendered
    for s in rendition.timings["sentences"]:
        words = s["words"]
        assert words, s["text"]
        assert [w["start_ms"] for w in words] == sorted(w["start_ms"] for w in words)
        for w in words:
            assert s["start_ms"] <= w["start_ms"] <= w["end_ms"] <= s["end_ms"]
            assert 0 <= w["text_start"] < w["text_end"] <= len(s["text"])
        # Each entry is whole written words: it starts and ends at a word's edge.
        for text in words_of(s):
            assert text == text.strip(), text
            assert re.fullmatch(r"\S+(?: \S+)*", text), text


def test_a_rewritten_token_is_one_word_that_covers_what_is_written(rendered):
    rendition, _ = rendered
    paid = next(s for s in rendition.timings["sentences"] if "$2.50" in s["text"])
    assert "$2.50" in words_of(paid)
    headline = rendition.timings["sentences"][0]
    assert words_of(headline)[0] == "Storm"
    assert words_of(headline)[-1] == "Return"


def quiet_stretches(pcm: np.ndarray, start_ms: int, end_ms: int) -> list[tuple[float, float]]:
    """Pauses (10 ms frames 40 dB under the loudest) longer than 60 ms inside a stretch of the audio, in ms."""
    frames = pcm[start_ms * 22050 // 1000 : end_ms * 22050 // 1000]
    frames = frames[: frames.size // 220 * 220].astype(np.float64).reshape(-1, 220)
    level = np.sqrt(np.mean(frames**2, axis=1)) + 1e-9
    quiet = [*list(20 * np.log10(level / level.max()) < -40), False]
    found, begin = [], None
    for i, q in enumerate(quiet):
        if q and begin is None:
            begin = i
        elif not q and begin is not None:
            if i - begin >= 6:
                found.append((start_ms + begin * 220 * 1000 / 22050, start_ms + i * 220 * 1000 / 22050))
            begin = None
    return found


@pytest.mark.parametrize(("opening", "word"), AFTER_COMMA.items())
def test_a_word_after_a_comma_starts_where_the_mp3s_pause_ends(rendered, opening, word):
    rendition, pcm = rendered
    sentence = next(s for s in rendition.timings["sentences"] if s["text"].startswith(opening))
    timed = sentence["words"][words_of(sentence).index(word)]
    before = sentence["words"][words_of(sentence).index(word) - 1]
    # The pause at the comma lies between the start of the word before and the end of this word.
    gaps = quiet_stretches(pcm, before["start_ms"] + 50, timed["end_ms"])
    assert gaps, "no pause found at the comma"
    resumes = max(gaps, key=lambda g: g[1] - g[0])[1]
    assert abs(timed["start_ms"] - resumes) <= 60, (timed["start_ms"], resumes)

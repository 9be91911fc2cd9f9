"""Property-based fuzzing of the text pipeline (article -> script) with hypothesis."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listen.config import RenderSettings
from listen.errors import ListenError
from listen.reading.plaintext import from_text
from listen.text.lexicon import Lexicon
from listen.text.normalize import to_spoken_with_map
from listen.text.script import build_script
from support.timing import cpu_seconds

pytestmark = pytest.mark.slow  # hypothesis: many examples each, and timing ratios

SETTINGS = RenderSettings(language="en")
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Plain news words: none of them is page furniture ("Comments", "Share", "Listen") that ends or trims an article.
WORDS = [
    "river",
    "council",
    "bridge",
    "water",
    "morning",
    "market",
    "teachers",
    "station",
    "garden",
    "ferry",
    "votes",
    "harbour",
    "winter",
    "budget",
    "library",
    "street",
    "museum",
    "hospital",
    "tram",
    "north",
    "Maria",
    "Lopez",
    "Oslo",
    "Lima",
    "Kenya",
    "Quebec",
    "policy",
    "reform",
    "season",
    "record",
]
NUMBERS = st.integers(0, 99999).map(str) | st.sampled_from(["3.5", "12,000", "1998", "42%", "$7", "7th"])
WORD = st.sampled_from(WORDS) | NUMBERS


@st.composite
def sentences(draw) -> str:
    words = draw(st.lists(WORD, min_size=3, max_size=14))
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + draw(st.sampled_from([".", ".", "!", "?"]))


@st.composite
def articles(draw) -> str:
    title = " ".join(w.capitalize() for w in draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=6)))
    paragraphs = draw(st.lists(st.lists(sentences(), min_size=1, max_size=5), min_size=1, max_size=5))
    return title + "\n\n" + "\n\n".join(" ".join(p) for p in paragraphs) + "\n"


def tokens(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+|\d+", text)


def script_of(text: str):
    return build_script(from_text(text), SETTINGS)


@FUZZ
@given(st.text(max_size=600))
def test_any_text_gives_a_script_or_a_listen_error_and_nothing_else(text):
    try:
        script = script_of(text)
    except ListenError as exc:
        assert exc.message  # noqa: PT017 - an error is allowed, not expected: pytest.raises does not fit
        return
    for sentence in script.sentences:
        assert sentence.spoken.strip()
        assert all(chunk.strip() for chunk in sentence.chunks)


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300).map(lambda s: "Headline\n\n" + s))
def test_any_body_under_a_headline_gives_a_script_or_a_listen_error(text):
    with contextlib.suppress(ListenError):
        script_of(text)


@FUZZ
@given(articles())
def test_the_script_never_loses_a_sentence_of_the_article(text):
    script = script_of(text)
    said = tokens(" ".join(s.text for s in script.sentences))
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        words = tokens(sentence)
        if not words:
            continue
        # Every word of every input sentence appears, in order, in the script's sentences.
        at = 0
        for word in words:
            assert word in said[at:], f"{word!r} of {sentence!r} is missing from the script"
            at = said.index(word, at) + 1


@FUZZ
@given(articles())
def test_every_sentence_has_something_to_say_and_chunks_fit_the_engine(text):
    script = script_of(text)
    assert script.sentences
    for sentence in script.sentences:
        assert sentence.spoken.strip()
        assert all(len(chunk) <= SETTINGS.chunk_chars + 40 for chunk in sentence.chunks)


# -- time linear in the input (issue 15): no pattern may rescan a long word from every start ----------

# What an attacker sends: one long word, runs of punctuation, emoji, mixed scripts, and the tokens our
# rules look at ("St.", "$1", "+1", "A ", "a@"), repeated.
PIECES = [
    "a",
    "ab",
    "a.",
    "A.",
    "1",
    "1,",
    "1.",
    "😀",
    "aя中😀",
    "a-",
    "A ",
    "St.",
    "—",
    " - ",
    "+1 ",
    "12 ",
    "DEA ",
    "a@",
    "/a",
    "1:",
    "1%",
    "$1 ",
    "www.",
    "A I ",
    "(",
    '"',
    "1x",
    "Q4 ",
    "...",
    "!?",
    "  ",
    "\u200b",
    "e.g.",
    "U.S.",
    "10.0.",
    "#",
    "&",
    "°",
    "½",
    "’",
    "[[",
    "Mr. ",
    "XIV ",
    "1st",
    "-1",
    "pm",
    "Jan",
    "km",
    "x.org/",
    '1/2" ',
    "6'",
    "Ab, TX ",
    "1-A-",
    "x = ",
    ".5 ",
    "call 12 ",
    "1. 2 ",
    "to. 25 ",
    "3 in)",
    "Ab Cd II ",
    "King Ab VI 2 ",
    "007",
    "at 0900 hours ",
    "6.30 in the evening ",
    "were 1850 men ",
    "7 1/2% ",
    "AD 1-2",
    "9/10ths ",
    "Elm Dr., ",
    "the 3d of ",
    "H1N1 ",
    "4K",
    "&c. ",
    "vol. IV ",
    "5 Kms ",
    "DR. ",
    "NO. 5 ",
    "Act iv ",
    "£5 10s. 6d. ",
    "Mon-Fri ",
    "Sat 1",
    "9:00-",
    "$1/hr ",
    "4.5/5 ",
    "a $1 ",
    "Ab Jr ",
    "No 1 ",
    ":D ",
    "80's ",
    "w/ ",
    "1-2 AD ",
    "seat 1C ",
    "1. 2 / ",
    "2.4m homes ",
    "3pc ",
    "2h 15m ",
    "65in ",
    "\n- ",
    "5 mg. ",
    "1.5 N. ",
    "or I. ",
    "at 6. i ",
    "Boeing 747-4",
    "A321-2",
    "ticket #1",
    "case 22-1",
    "#12345 ",
    "flight BA 2",
    "WWII ",
    "1Z9AA1",
    "2 in. x 4",
    "+44 (0)2",
    "+1.212.5",
    "am SO tired ",
    "3 x 4 = 1",
    "mc^2 ",
    "ext. 4 ",
    "SAVE20 ",
    "1920 x 1080 ",
    "+3.2% ",
    "9am–5",
    "1st Ave ",
    "y/y ",
]
LEXICON = Lexicon.default()


def _seconds(text: str) -> float:
    return cpu_seconds(lambda: to_spoken_with_map(text, "en", LEXICON), repeat=3)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map("".join))
def test_normalisation_time_grows_linearly_with_the_input(piece):
    small = piece * (1000 // len(piece) + 1)
    large = piece * (8 * (1000 // len(piece) + 1))
    # Eight times the text may take about eight times as long; quadratic work would take sixty-four.
    assert _seconds(large) < 20 * _seconds(small) + 0.03, piece


def _planning_seconds(text: str) -> float:
    # Refusing garbage is an answer too; it must come as fast.
    return cpu_seconds(lambda: script_of(text), repeat=3, ignore=ListenError)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*PIECES, "a\n", "Word. ", "\n\n"]), min_size=1, max_size=3).map("".join))
def test_planning_an_article_takes_time_linear_in_its_length(piece):
    small = "Headline\n\n" + piece * (1000 // len(piece) + 1)
    large = "Headline\n\n" + piece * (8 * (1000 // len(piece) + 1))
    assert _planning_seconds(large) < 20 * _planning_seconds(small) + 0.05, piece

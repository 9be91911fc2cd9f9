"""Segmentation: Punkt plus rules splits the hard English cases exactly (tests/cases/segmentation.yaml)."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from listen.errors import SettingsError
from listen.segment import split_sentences

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "segmentation.yaml").read_text(encoding="utf-8"))


def _check(category):
    failures = []
    for case in CASES[category]:
        got = split_sentences(case["text"])
        if got != case["expect"].split(" || "):
            failures.append((case["text"], got))
    assert not failures, failures


@pytest.mark.parametrize("category", sorted(CASES))
def test_hard_cases_split_exactly_right_in_each_category(category):
    _check(category)


def test_sentences_are_substrings_of_the_paragraph():
    paragraph = 'He met Dr. Jones at 5 p.m. Tickets were sold out.  "Why?" she asked.'
    for sentence in split_sentences(paragraph):
        assert sentence in paragraph
        assert sentence == sentence.strip()


@pytest.mark.parametrize(
    "text",
    [
        "U.S. Secretary of State Marco Rubio spoke on Monday.",
        "Mr. Smith is here today.",
        "The table is on p. 55 of the report.",
        "Use a solvent, e.g. water, to clean it.",
        "Inflation was 3.5 percent in May.",
        "The novel is by J. R. R. Tolkien and friends.",
    ],
)
def test_abbreviations_decimals_and_initials_stay_inside_their_sentence(text):
    assert split_sentences(text) == [text]


def test_seed_article_keeps_us_inside_its_sentence_and_breaks_after_a_final_us():
    paragraph = (
        "Daniel Foote, a retired U.S. diplomat, underscored the DEA’s return: “We have little idea what’s "
        "been going on, so having the DEA back there can open a lot of other doors for the U.S. This is "
        "as much about helping Bolivia as it is keeping the U.S. safe.”"
    )
    first, second = split_sentences(paragraph)
    assert first.endswith("for the U.S.")
    assert second.startswith("This is as much")


def test_other_languages_split_with_their_own_model():
    text = "El Sr. García llegó a las 5. Después habló con la prensa."
    assert split_sentences(text, "es") == ["El Sr. García llegó a las 5.", "Después habló con la prensa."]
    assert split_sentences("Das ist z.B. gut. Wir gehen.", "de") == ["Das ist z.B. gut.", "Wir gehen."]


def test_an_unsupported_language_is_a_settings_error():
    with pytest.raises(SettingsError, match="use one of"):
        split_sentences("Hello.", "xx")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trading halts at 4 p.m. Brokers then settle.", ["Trading halts at 4 p.m.", "Brokers then settle."]),
        ("Trading halts at 4 p.m. EST on weekdays.", ["Trading halts at 4 p.m. EST on weekdays."]),
        ("The vote opens at 7 a.m. November 4 in most states.", ["The vote opens at 7 a.m. November 4 in most states."]),
        ("The vote opens at 7 a.m. Central time.", ["The vote opens at 7 a.m. Central time."]),
    ],
)
def test_a_time_ends_a_sentence_unless_a_zone_day_or_month_follows(text, expected):
    assert split_sentences(text) == expected


def test_an_exclaimed_name_ends_a_sentence_before_a_capital_that_is_not_part_of_it():
    assert split_sentences("Ads ran on Yahoo! Sports all week.") == ["Ads ran on Yahoo! Sports all week."]
    assert split_sentences("The offer came from Yahoo! Rivals scoffed.") == [
        "The offer came from Yahoo!", "Rivals scoffed."]


@pytest.mark.parametrize("abbreviation", ["Vol.", "Vols.", "Ch.", "Sec.", "Art.", "Eq.", "Ref.", "Ed.", "Eds."])
def test_reference_abbreviations_before_a_number_stay_inside_the_sentence(abbreviation):
    text = f"See {abbreviation} 12 of the report for the details."
    assert split_sentences(text) == [text]


def _in_a_fresh_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_punkt_loads_without_the_rest_of_nltk():
    # `import nltk` loads nearly all of NLTK and numpy: a quarter of a second before every cold render.
    loaded = _in_a_fresh_python(
        "import sys, listen.segment\n"
        "listen.segment.split_sentences('Mr. Smith left. He came back.')\n"
        "print([m for m in ('nltk.text', 'nltk.parse', 'nltk.corpus', 'numpy') if m in sys.modules])"
    )
    assert loaded == "[]"


def test_the_rest_of_nltk_still_loads_when_asked_for():
    out = _in_a_fresh_python(
        "import listen.segment, nltk\n"
        "print(nltk.word_tokenize('Hello, world.', preserve_line=True), nltk.tokenize.punkt.PunktSentenceTokenizer.__name__)"
    )
    assert out == "['Hello', ',', 'world', '.'] PunktSentenceTokenizer"

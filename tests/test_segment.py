"""Segmentation: Punkt plus rules splits the hard cases exactly (tests/cases/segmentation.yaml), in any language."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from listen.errors import SettingsError
from listen.text.segment import punkt_sentences, split_sentences
from support.timing import cpu_seconds

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "segmentation.yaml").read_text(encoding="utf-8"))


def _check(category):
    failures = []
    for case in CASES[category]:
        got = split_sentences(case["text"], case.get("language", "en"))
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


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("ja", "雨が降った。試合は中止だ。", ["雨が降った。", "試合は中止だ。"]),
        ("hi", "बारिश हुई। मैच रद्द हुआ।", ["बारिश हुई।", "मैच रद्द हुआ।"]),
        ("ar", "هل انتهى؟ لا.", ["هل انتهى؟", "لا."]),
        ("el", "Τι έγινε; Κανείς δεν ξέρει.", ["Τι έγινε;", "Κανείς δεν ξέρει."]),
        ("id", "Harga naik. Warga mengeluh.", ["Harga naik.", "Warga mengeluh."]),
        ("zh-CN", "他说：“好。”大家笑了。", ["他说：“好。”", "大家笑了。"]),
    ],
)
def test_a_language_without_a_punkt_model_is_split_by_the_general_rule(language, text, expected):
    assert split_sentences(text, language) == expected


def test_punkt_has_no_model_for_every_language_but_the_splitter_takes_any():
    with pytest.raises(SettingsError, match="use one of"):
        punkt_sentences("Hello.", "xx")
    assert split_sentences("Hello there. Bye now.", "xx") == ["Hello there.", "Bye now."]


def _seconds(text: str) -> float:
    return cpu_seconds(lambda: split_sentences(text))


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "x" * n,  # one enormous word
        lambda n: "." * n,  # a run of dots
        lambda n: "!?" * (n // 2),
        lambda n: "Word" + "." * n + '"' * n + " Next.",
        lambda n: ". " * (n // 2),  # a spaced ellipsis without end
        lambda n: "a.\n" * (n // 3),
        lambda n: "1) x y z 2) x y z • " * (n // 20),
        lambda n: "Ab..." * (n // 5),  # ellipses run into words
        lambda n: "字。!?" * (n // 4),  # CJK full stops with no spaces
        lambda n: "Done! [1] " * (n // 10),  # footnote marks after every sentence (! spares Punkt's time)
        lambda n: "[1]! " * (n // 5),  # footnote marks that are candidates themselves
        lambda n: "Fine :) " * (n // 8),  # emoticons
        lambda n: "End! (open " * (n // 11),  # brackets that never close
        lambda n: "Hi, " * (n // 4),  # greetings
        lambda n: "ok. i see? " * (n // 11),  # lower-case starts
        lambda n: "ab.Cd" * (n // 5),  # stops typed without their space, in one enormous word
        lambda n: "it.Was " * (n // 7),  # and in many words
        lambda n: "Ann 01/02/2003 04:05 PM " * (n // 24),  # e-mail date stamps
        lambda n: "ab ==== " * (n // 8),  # dividers
        lambda n: "rights. 4 Even " * (n // 15),  # footnote numbers left bare
        lambda n: "- ab\n" * (n // 5),  # a list kept on its lines
        lambda n: "ab cd\n" * (n // 6),  # lines without a stop
        lambda n: "Ab cd\nThe ef\n\n" * (n // 14),  # headings and blank lines
    ],
    ids=[
        "long-word",
        "dots",
        "marks",
        "dots-and-quotes",
        "spaced-dots",
        "abbreviations",
        "list-markers",
        "joined-ellipses",
        "cjk",
        "footnotes",
        "footnote-candidates",
        "emoticons",
        "open-brackets",
        "greetings",
        "lower-case-starts",
        "joined-stops",
        "joined-stops-in-words",
        "email-stamps",
        "dividers",
        "bare-footnote-numbers",
        "bulleted-lines",
        "unpunctuated-lines",
        "headed-lines",
    ],
)
@pytest.mark.slow
def test_segmentation_time_grows_linearly_with_the_input(make):
    # Eight times the text may take about eight times as long; a quadratic step would take 64.
    short, long = _seconds(make(5_000)), _seconds(make(40_000))
    assert long < 32 * max(short, 1e-4), (short, long)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trading halts at 4 p.m. Brokers then settle.", ["Trading halts at 4 p.m.", "Brokers then settle."]),
        ("Trading halts at 4 p.m. EST on weekdays.", ["Trading halts at 4 p.m. EST on weekdays."]),
        (
            "The vote opens at 7 a.m. November 4 in most states.",
            ["The vote opens at 7 a.m. November 4 in most states."],
        ),
        ("The vote opens at 7 a.m. Central time.", ["The vote opens at 7 a.m. Central time."]),
    ],
)
def test_a_time_ends_a_sentence_unless_a_zone_day_or_month_follows(text, expected):
    assert split_sentences(text) == expected


def test_an_exclaimed_name_ends_a_sentence_before_a_capital_that_is_not_part_of_it():
    assert split_sentences("Ads ran on Yahoo! Sports all week.") == ["Ads ran on Yahoo! Sports all week."]
    assert split_sentences("The offer came from Yahoo! Rivals scoffed.") == [
        "The offer came from Yahoo!",
        "Rivals scoffed.",
    ]


@pytest.mark.parametrize(
    "abbreviation", ["Vol.", "Vols.", "Ch.", "Sec.", "Art.", "Eq.", "Ref.", "Ed.", "Eds."]
)
def test_reference_abbreviations_before_a_number_stay_inside_the_sentence(abbreviation):
    text = f"See {abbreviation} 12 of the report for the details."
    assert split_sentences(text) == [text]


def _in_a_fresh_python(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_punkt_loads_without_the_rest_of_nltk():
    # `import nltk` loads nearly all of NLTK and numpy: a quarter of a second before every cold render.
    loaded = _in_a_fresh_python(
        "import sys, listen.text.segment\n"
        "listen.text.segment.split_sentences('Mr. Smith left. He came back.')\n"
        "print([m for m in ('nltk.text', 'nltk.parse', 'nltk.corpus', 'numpy') if m in sys.modules])"
    )
    assert loaded == "[]"


@pytest.mark.slow
def test_the_rest_of_nltk_still_loads_when_asked_for():
    out = _in_a_fresh_python(
        "import listen.text.segment, nltk\n"
        "print(nltk.word_tokenize('Hello, world.', preserve_line=True), nltk.tokenize.punkt.PunktSentenceTokenizer.__name__)"
    )
    assert out == "['Hello', ',', 'world', '.'] PunktSentenceTokenizer"


def test_a_lower_case_sentence_start_is_taken_in_english_text_only():
    # Informal English drops capitals; Spanish writes "¿Vienes? me preguntó" as one sentence.
    assert split_sentences("the bus was late. we walked instead.") == [
        "the bus was late.",
        "we walked instead.",
    ]
    assert split_sentences("¿Vienes mañana? me preguntó ella.", "es") == ["¿Vienes mañana? me preguntó ella."]


def test_footnote_marks_after_a_sentence_are_read_with_it_not_as_the_next_one():
    sentences = split_sentences("The dam burst in 1889. [3] [7] Rebuilding took a decade. [9]")
    assert sentences == ["The dam burst in 1889. [3] [7]", "Rebuilding took a decade. [9]"]


@pytest.mark.parametrize(
    "paragraph",
    [
        "\n ===== [citation ____",
        "Is it? [citation ===== needed] needed] - ____ ! ____ ; Ab...Cd • 2) :)",
        "Done. [4] :) 01/02/2003 04:05 PM ===== it.Was fine.",
        "Hi, [1] :( Regards, ____ Ann a@b.co The end.",
    ],
)
def test_the_sentences_put_back_together_are_the_paragraph_whatever_marks_it_holds(paragraph):
    sentences = split_sentences(paragraph)
    assert all(sentence in paragraph for sentence in sentences)
    assert "".join("".join(sentences).split()) == "".join(paragraph.split())

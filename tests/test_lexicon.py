"""Lexicon: publisher rules rewrite words before normalisation; bad files say how to fix them."""

import json

import pytest

from listen.errors import InputError
from listen.text.lexicon import Lexicon
from listen.text.normalize import to_spoken
from listen.text.segment import split_sentences

SEED_PARAGRAPH = (
    "Daniel Foote, a retired U.S. diplomat who previously worked on counternarcotics policy in Bolivia, "
    "underscored the strategic importance of the DEA’s return: “We have little idea what’s been going on "
    "these past 20 years, so having the DEA back there can open a lot of other doors for the U.S. This is "
    "as much about helping Bolivia as it is keeping the U.S. safe.”"
)


def speak(paragraph, lexicon, language="en"):
    """Run the text side of the pipeline the way script.py does."""
    return [to_spoken(lexicon.apply(s, language), language) for s in split_sentences(paragraph, language)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("near Cochabamba.", "near cocha-bahmba."),
        ("in the Chapare region", "in the chah-pahreh region"),
        ("Evo Morales spoke; Morales left.", "ehvo moh-rahless spoke; moh-rahless left."),
        ("bases full of gringos here", "bases full of greengos here"),
        ("Justiniano stated", "hoosteen-yahno stated"),
        ("the DEA agents", "the D E A agents"),
        ("the Dea agents", "the Dea agents"),
    ],
)
def test_starter_lexicon_respells_the_seed_articles_names_and_acronyms(text, expected):
    assert Lexicon.default().apply(text, "en") == expected


def test_seed_article_script_reads_dea_as_letters_and_us_without_a_break():
    sentences = speak(SEED_PARAGRAPH, Lexicon.default())
    assert len(sentences) == 2
    assert "D E A's return" in sentences[0]
    assert "having the D E eigh back there" in sentences[0]
    assert "a retired U S diplomat" in sentences[0]
    assert sentences[0].endswith("for the U S.")
    assert "keeping the U S safe" in sentences[1]


def test_rules_for_another_language_are_left_alone():
    assert Lexicon.default().apply("Cochabamba", "es") == "Cochabamba"


def test_a_publishers_rules_win_over_the_starter_lexicon(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("- {match: Cochabamba, say: koh-chah-bam-bah, language: en}\n", encoding="utf-8")
    merged = Lexicon.default().merged(Lexicon.load(path))
    assert merged.apply("Cochabamba", "en") == "koh-chah-bam-bah"
    assert merged.apply("Chapare", "en") == "chah-pahreh"


def test_json_rules_with_regex_and_case_sensitivity(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "rules": [
                    {"match": r"\bCOVID-(\d+)", "say": r"covid \1", "regex": True},
                    {"match": "WHO", "say": "W H O", "case_sensitive": True},
                ]
            }
        ),
        encoding="utf-8",
    )
    lexicon = Lexicon.load(path)
    assert lexicon.apply("WHO said who had COVID-19", "en") == "W H O said who had covid 19"


def test_a_replacement_is_never_rewritten_by_another_rule():
    lexicon = Lexicon.from_data([{"match": "Paz", "say": "pahss"}, {"match": "pahss", "say": "WRONG"}])
    assert lexicon.apply("President Paz", "en") == "President pahss"


def test_phonemes_are_passed_only_to_engines_that_take_them():
    lexicon = Lexicon.from_data([{"match": "Chapare", "say": "chah-pahreh", "phonemes": "tSa'pare"}])
    assert lexicon.apply("Chapare", "en") == "chah-pahreh"
    assert lexicon.apply("Chapare", "en", phonemes=True) == "[[tSa'pare]]"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- {match: Chapare}\n", "give `say`"),
        ("- {say: nothing}\n", "`match` must be"),
        ("- {match: x, say: y, colour: red}\n", "unknown key"),
        ("- {match: '(', say: y, regex: true}\n", "not a valid regex"),
        ("- {match: x, say: y, language: xx}\n", "language must be one of"),
        ("match: x\n", "expected a list"),
        ("- [unclosed\n", "not valid"),
        ("just a string\n", "expected a list"),
    ],
)
def test_a_bad_rules_file_is_an_input_error_that_says_what_to_fix(tmp_path, content, message):
    path = tmp_path / "rules.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        Lexicon.load(path)


def test_a_missing_rules_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        Lexicon.load(tmp_path / "nope.yaml")


@pytest.mark.parametrize("word", ["UNESCO", "FEMA", "UEFA", "COVID", "NATO", "UNICEF"])
def test_acronyms_said_as_words_sound_the_same_with_or_without_the_starter_lexicon(word):
    from tests.test_normalize import phonemes

    sentence = f"Then {word} spoke."
    assert phonemes(to_spoken(Lexicon.default().apply(sentence, "en"))) == phonemes(to_spoken(sentence))


def test_a_phonemes_only_rule_is_used_as_phonemes_or_leaves_the_word_as_written():
    lexicon = Lexicon.from_data([{"match": "Chapare", "phonemes": "tSa'pare"}])
    assert lexicon.apply("In Chapare today", "en", phonemes=True) == "In [[tSa'pare]] today"
    assert lexicon.apply("In Chapare today", "en", phonemes=False) == "In Chapare today"

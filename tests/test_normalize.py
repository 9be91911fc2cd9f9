"""Normalisation: espeak-ng says our spoken text the way it says a newsreader's reference.

Cases live in tests/cases/normalization.yaml (shared with bench/text_eval.py). Each case is
judged by phoneme agreement: espeak-ng's phonemes for to_spoken(text) against those for the
hand-written reference, ignoring word spacing and stress, keeping clause breaks.
"""

import subprocess
from pathlib import Path

import pytest
import yaml

from listen.errors import SettingsError
from listen.normalize import spell, to_spoken

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "normalization.yaml").read_text(encoding="utf-8"))


def phonemes(text: str, voice: str = "en") -> str:
    out = subprocess.run(
        ["espeak-ng", "-q", "-x", "--ipa", "-v", voice, text], capture_output=True, text=True, check=True
    ).stdout
    clauses = ["".join(line.split()) for line in out.splitlines() if line.strip()]
    return " | ".join(clauses).replace("ˈ", "").replace("ˌ", "")


@pytest.mark.parametrize("category", sorted(CASES))
def test_each_category_sounds_like_the_reference_verbalisation(category):
    failures = []
    for case in CASES[category]:
        spoken = to_spoken(case["text"])
        if phonemes(spoken) != phonemes(case["say"]):
            failures.append((case["text"], spoken, case["say"]))
    assert not failures, failures


def test_seed_article_reads_dea_as_letters_and_us_without_a_break():
    sentence = (
        "Bolivia’s Vice Minister Ernesto Justiniano revealed that while officials are still finalizing "
        "details for the Drug Enforcement Administration’s (DEA) formal return, the U.S. has already begun "
        "sharing intelligence."
    )
    spoken = to_spoken(sentence)
    assert "(D E A)" in spoken
    assert "the U S has already" in spoken
    # One clause break only, at the comma before "the U S": none after "U S".
    assert phonemes(spoken).count("|") == 1


def test_us_before_a_name_is_letters_in_the_same_clause():
    spoken = to_spoken("U.S. Secretary of State Marco Rubio has characterized Paz’s election.")
    assert spoken.startswith("U S Secretary")
    assert "|" not in phonemes(spoken)


def test_curly_quotes_and_dashes_are_not_read_as_symbols():
    spoken = to_spoken("“We need it” — he said ‘quietly’.")
    assert not set("“”‘’—–\"") & set(spoken)
    assert "quote" not in phonemes(spoken)


def test_spelled_letter_a_is_never_read_as_the_article():
    assert spell("DEA", final=False) == "D E eigh"
    assert spell("DEA") == "D E A"
    assert "ɐ" not in phonemes(to_spoken("The DEA agents left."))


def test_output_is_plain_text_without_markup():
    spoken = to_spoken("<speak>Costs $5 & 10% at 5 p.m.</speak>")
    assert "<" not in spoken and ">" not in spoken


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("es", "Subió un 3,5 % en 2024.", "Subió un tres coma cinco por ciento en dos mil veinticuatro."),
        ("de", "Es kostet 12 Euro.", "Es kostet zwölf Euro."),
        ("fr", "Il y a 21 personnes.", "Il y a vingt et un personnes."),
        ("it", "Sono 3 milioni.", "Sono tre milioni."),
        ("pt", "Custa €2,50.", "Custa dois euros e cinquenta cêntimos."),
        ("es", "El 3/1/2026 llegó.", "El tres de enero de dos mil veintiséis llegó."),
    ],
)
def test_numbers_are_said_in_the_article_language(language, text, expected):
    assert to_spoken(text, language) == expected


def test_an_unsupported_language_is_a_settings_error():
    with pytest.raises(SettingsError, match="use one of"):
        to_spoken("Hello.", "xx")

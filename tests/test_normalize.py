"""Normalisation: espeak-ng says our spoken text the way it says a newsreader's reference.

Cases live in tests/cases/normalization.yaml (shared with bench/case_eval.py). Each case is
judged by phoneme agreement: espeak-ng's phonemes for to_spoken(text) against those for the
hand-written reference, ignoring word spacing and stress, keeping clause breaks.
"""

import itertools
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from num2words import num2words

from listen.text.language import detect_language
from listen.text.lexicon import Lexicon
from listen.text.normalize import spell, to_spoken, to_spoken_with_map
from listen.text.numbers import MONTHS, UNITS, WORDS
from listen.text.textmap import text_range
from support.espeak import phonemes

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "normalization.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("category", sorted(CASES))
def test_each_category_sounds_like_the_reference_verbalisation(category):
    failures = []
    for case in CASES[category]:
        language = case.get("language", "en")
        spoken = to_spoken(case["text"], language)
        # The same words sound the same: espeak-ng (a process a text) only judges the others.
        if spoken != case["say"] and phonemes(spoken, language) != phonemes(case["say"], language):
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
    assert not set('“”‘’—–"') & set(spoken)
    assert "quote" not in phonemes(spoken)


def test_spelled_letter_a_is_never_read_as_the_article():
    assert spell("DEA", final=False) == "D E eigh"
    assert spell("DEA") == "D E A"
    assert "ɐ" not in phonemes(to_spoken("The DEA agents left."))


def test_output_is_plain_text_without_markup():
    spoken = to_spoken("<speak>Costs $5 & 10% at 5 p.m.</speak>")
    assert "<" not in spoken
    assert ">" not in spoken


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("es", "Subió un 3,5 % en 2024.", "Subió un tres coma cinco por ciento en dos mil veinticuatro."),
        ("de", "Es kostet 12 Euro.", "Es kostet zwölf Euro."),
        ("fr", "Il y a 21 personnes.", "Il y a vingt et un personnes."),
        ("it", "Sono 3 milioni.", "Sono tre milioni."),
        ("pt", "Custa €2,50.", "Custa dois euros e cinquenta cêntimos."),
        ("es", "El 3/1/2024 llegó.", "El tres de enero de dos mil veinticuatro llegó."),
    ],
)
def test_numbers_are_said_in_the_article_language(language, text, expected):
    # By sound: Spanish numbers reach espeak-ng as written where its own reading is right.
    assert phonemes(to_spoken(text, language), language) == phonemes(expected, language)


# -- languages without a normaliser: espeak-ng reads them, and no English word is put in -------------

# Every word the English normaliser can put into a sentence: numbers, units, currencies, months, titles...
# ("euros" is left out: Spanish and Portuguese say it too).
ENGLISH = (
    {
        w
        for n in [*list(range(0, 101)), 1000, 10**6, 10**9, 10**12]
        for w in re.findall(r"[a-z]+", num2words(n))
    }
    | {w for n in range(1, 101) for w in re.findall(r"[a-z]+", num2words(n, to="ordinal"))}
    | {w for v in WORDS["en"].values() for w in re.findall(r"[a-z]+", v)}
    | {m.lower() for m in MONTHS["en"]}
    | {w for pair in UNITS.values() for name in pair for w in re.findall(r"[a-z]+", name.lower())}
    | {
        "dollar",
        "dollars",
        "cents",
        "pounds",
        "pence",
        "rupees",
        "yen",
        "francs",
        "billion",
        "million",
        "quarter",
        "half",
        "halves",
        "oh",
        "eigh",
        "per",
        "times",
        "by",
        "slash",
        "dash",
        "underscore",
        "saint",
        "street",
        "mister",
        "hashtag",
        "equals",
        "seconds",
        "extension",
        "link",
        "twenty",
        "hundred",
    }
)


def english_words_added(sentence: str, spoken: str) -> set[str]:
    """English words in what is said that the sentence itself does not have."""
    written = set(re.findall(r"[a-z']+", sentence.lower()))
    return {w for w in re.findall(r"[a-z']+", spoken.lower()) if w in ENGLISH and w not in written}


# A Spanish article with every kind of number the English rules rewrite.
SPANISH = [
    "El 3 de marzo de 2021 el Gobierno anunció 1.500 millones de euros para 25.000 viviendas.",
    "La inflación subió un 3,5 % en 2024, según el INE, y el paro bajó al 11,2 %.",
    "El vuelo 1549 aterrizó a las 17:30 en Madrid, con 155 pasajeros.",
    "La entrada cuesta 12,50 € y la gira, $7M en total.",
    "Llame al +34 912 345 678 o escriba a prensa@ejemplo.es antes del 15.06.2022.",
    "Más información en www.ejemplo.es/noticias y en ejemplo.org.",
    "Corrió 5 km en 20 minutos, a 15 km/h, y el G7 lo aplaudió.",
    "Las cifras de 2Q21 mejoraron y la planta produce 24/7 con 3x4 m de paneles, un 50/50.",
    "A las 8 p.m. EST del 1.º de mayo, el Dr. García habló 2 1/2 horas sobre la COVID-19.",
    "El servidor 10.0.0.1 falló; la tarjeta que termina en 4242 fue rechazada el 25-12-2019.",
    "Los años 90 y la década de 1980 vieron crecer la economía 1,5x; el 23th no existe.",
]
# A Russian article: no normaliser, so its numbers reach espeak-ng as written, read in Russian.
RUSSIAN = [
    "В 2019 году компания выросла на 15%, а выручка составила 1,5 млрд рублей ($20M).",
    "Встреча назначена на 3 марта 2021 года в 17:30 по московскому времени (08:45:12 UTC).",
    "Звоните по телефону +7 495 123-45-67 или пишите на info@example.ru, сайт www.example.ru/news.",
    "Рейс 1549 вылетел 25.12.2019; карта, оканчивающаяся на 4242, заблокирована, скорость 60 км/ч.",
    "В 1990-95 годах цены выросли в 3x, а 24/7 работали 9/11 магазинов.",
]


@pytest.mark.parametrize("sentence", SPANISH)
def test_no_english_word_reaches_the_engine_for_a_spanish_article(sentence):
    spoken = to_spoken(sentence, "es")
    assert not english_words_added(sentence, spoken), spoken


@pytest.mark.parametrize("sentence", RUSSIAN)
def test_a_language_without_a_normaliser_passes_through_for_the_engine_to_read(sentence):
    spoken, spans = to_spoken_with_map(sentence, "ru", Lexicon.default())
    assert not english_words_added(sentence, spoken), spoken
    # Numbers stay as written: espeak-ng's Russian voice reads them in Russian.
    assert re.findall(r"\d+", spoken) == re.findall(r"\d+", sentence)
    assert_well_formed(sentence, spoken, spans)


def test_a_russian_article_is_detected_and_read_without_english():
    language = detect_language(" ".join(RUSSIAN))
    assert language == "ru"
    spoken = " ".join(to_spoken(s, language) for s in RUSSIAN)
    assert not {"twenty", "nineteen", "dollars", "million"} & set(spoken.split())


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("ja", "東京で2019年3月3日に会議が開かれ、1,500人が参加した。"),
        ("ko", "서울에서 2019년 3월 3일에 회의가 열렸다."),
        ("id", "Pada tahun 2019, pemerintah membangun 1.500 rumah senilai Rp 2,5 miliar."),
        ("zh", "北京2019年举行会议，有1500人参加。"),
    ],
)
def test_other_languages_keep_their_numbers_for_the_engine(language, sentence):
    spoken = to_spoken(sentence, language)
    assert re.findall(r"\d+", spoken) == re.findall(r"\d+", sentence)
    assert not english_words_added(sentence, spoken)


def test_language_neutral_cleanups_still_apply_without_a_normaliser():
    spoken = to_spoken("«Мы это сделаем» — сказал он [[вслух]]\u200b.", "ru")
    assert spoken.split() == ["Мы", "это", "сделаем,", "сказал", "он", "вслух", "."]


# -- the map from what is said back to what is written ------------------------------------------

# (sentence, a word of what is said, the written text it must map back to)
MAP_CASES = [
    ("It costs $2.00 today.", "two", "$2.00"),
    ("It costs $2.00 today.", "dollars", "$2.00"),
    ("It costs $2.00 today.", "costs", "costs"),
    ("It costs $2.00 today.", "today", "today"),
    ("Profits hit €3.5 million last year.", "euros", "€3.5 million"),
    ("Profits hit €3.5 million last year.", "last", "last"),
    ("The vote is on Jan. 3, 2026 at noon.", "January", "Jan. 3, 2026"),
    ("The vote is on Jan. 3, 2026 at noon.", "noon", "noon"),
    ("It opened on 3/1/2026 in the rain.", "March", "3/1/2026"),
    ("We meet at 5 p.m. sharp.", "five", "5"),
    ("Prices rose 45% in the 1990s.", "percent", "45%"),
    ("Prices rose 45% in the 1990s.", "nineties", "1990s"),
    ("It weighs 12kg and costs less.", "kilograms", "12kg"),
    ("The DEA agents left.", "D", "DEA"),
    ("The DEA agents left.", "agents", "agents"),
    ("The DEA's agents left.", "A's", "DEA's"),
    ("The U.S. has already begun.", "U", "U.S."),
    ("The U.S. has already begun.", "S", "U.S."),
    ("The U.S. has already begun.", "has", "has"),
    ("NASA launched it.", "Nasa", "NASA"),
    ("Pope Leo XIV spoke.", "fourteenth", "XIV"),
    ("Pope Leo XIV spoke.", "Leo", "Leo"),
    ("World War II ended.", "two", "II"),
    ("Read it at https://www.example.com/news/1 today.", "example", "https://www.example.com/news/1"),
    ("Read it at https://www.example.com/news/1 today.", "dot", "https://www.example.com/news/1"),
    ("Read it at https://www.example.com/news/1 today.", "today", "today"),
    ("Call +44 20 7946 0958 now.", "plus", "+44 20 7946 0958"),
    ("Call +44 20 7946 0958 now.", "now", "now"),
    ("It closed on 15.06.2022 at last.", "June", "15.06.2022"),
    ("It closed on 15.06.2022 at last.", "last", "last"),
    ("The deal is worth €1.2B today.", "billion", "€1.2B"),
    ("The server 10.0.0.1 failed.", "dot", "10.0.0.1"),
    ("It runs 24/7 now.", "seven", "24/7"),
    ("Logs go to /var/log/app daily.", "slash", "/var/log/app"),
    ("Logs go to /var/log/app daily.", "daily", "daily"),
    ("We meet at 5 p.m. EST today.", "five", "5"),
    ("We meet at 5 p.m. EST today.", "P", "p.m."),
    ("We meet at 5 p.m. EST today.", "T", "EST"),
    ("The room is 3x4 m wide.", "metres", "4 m"),
    ("The Boeing 737 flew.", "thirty-seven", "737"),
    ("Adults need 2,000 calories/day now.", "day", "/day"),
    ("Write to jo.doe@example.org now.", "dot", "jo.doe@example.org"),
    ("Dr. Smith lives on Main St. downtown.", "Doctor", "Dr."),
    ("Dr. Smith lives on Main St. downtown.", "Street", "St."),
    ("Salt & pepper.", "and", "&"),
    ("“We need it” — he said.", "We", "We"),
]
# Sentences read through the starter lexicon: its respellings map back to the names.
LEXICON_CASES = [
    ("Evo Morales visited Cochabamba.", "moh-rahless", "Evo Morales"),
    ("Evo Morales visited Cochabamba.", "cocha-bahmba", "Cochabamba"),
    ("Evo Morales visited Cochabamba.", "visited", "visited"),
    ("The DEA left.", "eigh", "DEA"),
]


def written_for(sentence: str, word: str, lexicon=None) -> str:
    spoken, spans = to_spoken_with_map(sentence, "en", lexicon)
    m = re.search(rf"(?<![\w'-]){re.escape(word)}(?![\w'-])", spoken)
    assert m, (word, spoken)
    start, end = text_range(spans, m.start(), m.end())
    return sentence[start:end]


def assert_well_formed(sentence: str, spoken: str, spans: list) -> None:
    """Spans cover the spoken text in order, and are monotonic and apart in the sentence."""
    assert spans[0][0] == 0
    assert spans[-1][1] == len(spoken)
    for before, after in itertools.pairwise(spans):
        assert before[1] == after[0]  # no gap, no overlap in what is said
        assert before[3] <= after[2]  # in order and apart in what is written
    for s0, s1, a, b in spans:
        assert s0 < s1
        assert 0 <= a <= b <= len(sentence)


@pytest.mark.parametrize(("sentence", "word", "written"), MAP_CASES)
def test_every_spoken_word_maps_back_to_the_written_token_it_says(sentence, word, written):
    assert written_for(sentence, word) == written


@pytest.mark.parametrize(("sentence", "word", "written"), LEXICON_CASES)
def test_lexicon_respellings_map_back_to_the_words_they_replace(sentence, word, written):
    assert written_for(sentence, word, Lexicon.default()) == written


@pytest.mark.parametrize("lexicon", [None, Lexicon.default()], ids=["plain", "lexicon"])
def test_maps_are_monotonic_and_never_overlap_for_every_case(lexicon):
    sentences = [c["text"] for cases in CASES.values() for c in cases] + [s for s, _, _ in MAP_CASES]
    for sentence in sentences:
        spoken, spans = to_spoken_with_map(sentence, "en", lexicon)
        assert spoken == to_spoken(lexicon.apply(sentence, "en") if lexicon else sentence)
        assert_well_formed(sentence, spoken, spans)
        for m in re.finditer(r"\w+", spoken):  # every word said stands for something written
            start, end = text_range(spans, m.start(), m.end())
            assert end > start, (sentence, m.group(0), spans)


def test_text_said_as_written_maps_character_for_character():
    sentence = "It costs $2.00 today, said the DEA."
    spoken, spans = to_spoken_with_map(sentence)
    copied = [(spoken[s0:s1], sentence[a:b]) for s0, s1, a, b in spans if spoken[s0:s1] == sentence[a:b]]
    assert ("It costs ", "It costs ") in copied
    assert (" today, said the ", " today, said the ") in copied


def test_maps_work_in_other_languages():
    sentence = "Ganó el 2.º premio en 2024."
    spoken, spans = to_spoken_with_map(sentence, "es")
    assert_well_formed(sentence, spoken, spans)
    start, end = text_range(spans, spoken.index("segundo"), spoken.index("segundo") + 7)
    assert sentence[start:end] == "2.º"


TOKENS = [
    "The",
    "DEA",
    "U.S.",
    "$2.00",
    "$7M",
    "500 CHF",
    "€12,50",
    "15.06.2022",
    "08:45:12",
    "9.30pm",
    "EST",
    "+44 20 7946 0958",
    "ext. 4",
    "10.0.0.1",
    "PIN 0451",
    "Flight 1549",
    "G7",
    "A-1",
    "5KM",
    "3x4 m",
    "1.5x",
    "/var/log/app",
    "x.org",
    "a-b@c.co.uk",
    "24/7",
    "9/11",
    "2th",
    "3Q19",
    "44 BC",
    "1990-95",
    "/day",
    "€3.5 million",
    "Jan. 3, 2026",
    "3/1/2026",
    "5 p.m.",
    "17:30",
    "45%",
    "12kg",
    "1990s",
    "Leo XIV",
    "World War II",
    "Dr.",
    "St.",
    "Smith",
    "&",
    "—",
    "“quoted”",
    "e.g.",
    "https://example.com/a",
    "jo@example.org",
    "10-20",
    "1st",
    "NASA",
    "and",
    "said",
    ",",
    ";",
]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14), st.sampled_from([".", "", "!"]))
def test_any_mix_of_tokens_gives_a_well_formed_map(tokens, end):
    sentence = " ".join(tokens) + end
    spoken, spans = to_spoken_with_map(sentence)
    assert spoken == to_spoken(sentence)
    if spoken:
        assert_well_formed(sentence, spoken, spans)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 555-0142.", "Call five five five, zero one four two."),
        ("Call 555-7788 today.", "Call five five five, seven seven eight eight today."),
        ("From 100-2000 units.", "From one hundred to two thousand units."),
        ("Dial 1-800-555-0100.", "Dial one eight hundred, five five five, zero one zero zero."),
        ("Dial 1-877-555-0100.", "Dial one eight seven seven, five five five, zero one zero zero."),
        ("They dialled 112.", "They dialled one one two."),
        ("The 911 call came late.", "The nine one one call came late."),
        ("Some 112 people left.", "Some one hundred twelve people left."),
    ],
)
def test_phone_numbers_are_digits_in_groups_and_counts_stay_counts(text, expected):
    assert to_spoken(text) == expected


@pytest.mark.parametrize("language", ["en", "es", "de", "fr", "pt", "it"])
def test_large_numbers_have_no_comma_pause_inside_them(language):
    assert "," not in to_spoken("1234567", language)
    assert "," not in to_spoken("7654321.", language)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was sacked in 1014.", "It was sacked in ten fourteen."),
        ("Built around 1080, it stands.", "Built around ten eighty, it stands."),
        ("Only 1014 remain.", "Only one thousand fourteen remain."),
        ("In 1014 cases it failed.", "In one thousand fourteen cases it failed."),
    ],
)
def test_years_before_1100_are_years_only_where_a_year_is_expected(text, expected):
    assert to_spoken(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is 5½ feet.", "It is five and a half feet."),
        ("Wait 1⅓ hours.", "Wait one and a third hours."),
        ("Add 2⅔ cups.", "Add two and two thirds cups."),
        ("Add ¾ cup.", "Add three quarters cup."),
    ],
)
def test_fraction_signs_after_a_whole_number_read_as_a_mixed_number(text, expected):
    assert to_spoken(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Go to npr.org/sections/politics now.", "Go to npr dot org slash sections slash politics now."),
        ("Go to https://example.com/world-news.", "Go to example dot com slash world news."),
        ("Go to https://example.com/a/b/c today.", "Go to example dot com today."),
        ("Go to https://example.com/story-2026.html today.", "Go to example dot com today."),
        ("Yes and/or no.", "Yes and or no."),
    ],
)
def test_a_short_path_of_words_is_read_and_a_long_or_coded_one_dropped(text, expected):
    assert to_spoken(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "It ran 3/1/2026 — 15.06.2022 EST.",
        "Scores 2026-15.06.2022 and 1.2.3-4.5.6.",
        "Ranges 10-20.30.40 and $1.2.3bn.",
    ],
)
def test_a_number_no_rule_can_read_is_left_as_written_not_an_error(text):
    spoken, spans = to_spoken_with_map(text)
    assert_well_formed(text, spoken, spans)


def test_phoneme_input_from_the_lexicon_passes_through_normalisation_untouched():
    # "3" and "'" are phoneme mnemonics here, not a number and a quote.
    lexicon = Lexicon.from_data([{"match": "Byrd", "say": "bird", "phonemes": "b'3:d"}])
    spoken, spans = to_spoken_with_map("Senator Byrd won 3 votes.", "en", lexicon, phonemes=True)
    assert "[[b'3:d]]" in spoken
    assert "three votes" in spoken
    start = spoken.index("[[")
    mapped = [(ts, te) for ss, se, ts, te in spans if ss <= start < se]
    assert mapped
    assert "Senator Byrd won 3 votes."[mapped[0][0] : mapped[0][1]] == "Byrd"


def test_an_articles_own_double_brackets_never_reach_the_engine_as_phonemes():
    spoken = to_spoken("The wiki markup [[Bolivia]] stayed in the text.")
    assert "[[" not in spoken
    assert "]]" not in spoken


@pytest.mark.parametrize("tag", ["en-GB", "en_AU", "en-ie", "EN-NZ", "en-ZA", "en-IN"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A fee of 240 pounds.", "A fee of two hundred and forty pounds."),
        ("Flat 3,105 on the list.", "Flat three thousand one hundred and five on the list."),
        ("It closed in 2004.", "It closed in two thousand and four."),
        ("The 101st entrant ran 7 km.", "The one hundred and first entrant ran seven kilometres."),
    ],
)
def test_english_outside_north_america_says_and_inside_its_numbers(tag, text, expected):
    assert to_spoken(text, tag) == expected


@pytest.mark.parametrize("tag", ["en", "en-US", "en_us", "en-CA"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A fee of 240 pounds.", "A fee of two hundred forty pounds."),
        ("It closed in 2004.", "It closed in two thousand four."),
        ("The 101st entrant ran 7 km.", "The one hundred first entrant ran seven kilometers."),
    ],
)
def test_american_english_says_numbers_without_and(tag, text, expected):
    assert to_spoken(text, tag) == expected


def test_a_regional_tag_gets_its_base_languages_rules():
    assert to_spoken("Pagó 3 euros.", "es-MX") == to_spoken("Pagó 3 euros.", "es")
    assert to_spoken("Room 12 at 9:30 am.", "en-GB") != "Room 12 at 9:30 am."


def test_one_sentence_in_british_english_leaves_the_next_american_one_alone():
    to_spoken("It cost 105 pounds.", "en-GB")
    assert to_spoken("It cost 105 dollars.", "en-US") == "It cost one hundred five dollars."

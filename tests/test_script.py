"""What the engine is given: headline, body, sentences and chunks (no rendering)."""

from __future__ import annotations

import itertools
import re

import pytest
from conftest import SEED

from listen.article import Article
from listen.config import RenderSettings
from listen.reading.plaintext import from_text
from listen.text.script import INTRO, build_script, split_for_engine
from listen.text.textmap import text_range
from listen.text.word_count import word_count


def seed_script():
    return build_script(from_text(SEED.read_text("utf-8")), RenderSettings(intro=True))


def test_seed_article_opens_with_the_headline():
    script = seed_script()
    first = script.sentences[0]
    assert first.paragraph == INTRO
    assert first.text == "US Resumes Drug Intelligence Cooperation with Bolivia After Two-Decade Hiatus"


def test_seed_article_reads_the_whole_body_to_its_last_paragraph():
    script = seed_script()
    body = script.body()
    assert body[0][0].text.startswith("The United States has reestablished intelligence coordination")
    assert body[-1][-1].text.endswith("“Drugs are his main enemy in this region.”")
    assert len(body) == 17


def test_seed_article_leaves_out_the_player_label_fact_check_box_and_comments():
    said = " ".join(s.text for s in seed_script().sentences)
    assert "Listen to the article" not in said
    assert "Fact Checker" not in said
    assert "Verify the accuracy" not in said
    assert "Comments" not in said
    assert "pragmatic move" not in said  # a line from the comments


def test_abbreviations_initials_and_decimals_stay_inside_their_sentence():
    text = (
        "U.S. Secretary of State Marco Rubio met Mr. Smith on Monday. The report, on p. 55, lists examples, "
        "e.g. coca and cocaine. Prices rose 3.5 percent. J. R. R. Tolkien was quoted."
    )
    sentences = build_script(from_text(text), RenderSettings()).sentences
    assert [s.text for s in sentences] == [
        "U.S. Secretary of State Marco Rubio met Mr. Smith on Monday.",
        "The report, on p. 55, lists examples, e.g. coca and cocaine.",
        "Prices rose 3.5 percent.",
        "J. R. R. Tolkien was quoted.",
    ]


def test_blank_lines_separate_paragraphs_and_wrapped_lines_join():
    text = (
        "The Headline Goes Here\n\nThis first paragraph was wrapped at a fixed width by an editor\n"
        "so its lines must be joined back into one paragraph.\n\nA second paragraph.\n"
    )
    script = build_script(from_text(text), RenderSettings())
    assert script.title == "The Headline Goes Here"
    assert [len(p) for p in script.body()] == [1, 1]
    assert "editor so its lines" in script.body()[0][0].text


def test_a_long_sentence_is_split_at_clause_breaks_but_stays_one_sentence():
    clause = "the committee heard evidence from farmers, officials and diplomats about the policy"
    long_sentence = "; ".join([clause] * 6).capitalize() + "."
    script = build_script(from_text(long_sentence), RenderSettings(chunk_chars=300))
    assert len(script.sentences) == 1
    chunks = script.sentences[0].chunks
    assert len(chunks) > 1
    assert all(len(c) <= 300 for c in chunks)
    assert all(c.endswith((";", ".")) for c in chunks)  # cut at the semicolons
    assert " ".join(chunks) == script.sentences[0].spoken


def test_a_sentence_without_breaks_is_still_cut_at_spaces():
    words = " ".join(["word"] * 120)
    chunks = split_for_engine(words, 100)
    assert all(len(c) <= 100 for c in chunks)
    assert " ".join(chunks) == words


def test_script_json_has_the_design_fields_and_body_only_paragraphs():
    record = seed_script().to_json()
    assert set(record) == {"source", "title", "byline", "language", "paragraphs"}
    assert record["language"] == "en"
    assert record["title"].startswith("US Resumes")
    first = record["paragraphs"][0]["sentences"][0]
    assert set(first) == {"text", "spoken"}
    assert all(s["text"] != record["title"] for p in record["paragraphs"] for s in p["sentences"])


def test_seed_script_reads_dea_as_letters_and_us_without_a_break():
    script = seed_script()
    spoken = " ".join(s.spoken for s in script.sentences)
    assert "DEA" not in spoken
    rubio = next(s for s in script.sentences if "Marco Rubio" in s.text)
    assert rubio.text.startswith("U.S. Secretary of State")


LONG = (
    "The council met on Jan. 3, 2026 to discuss the $2.5 million budget for the new tram line, which the DEA, "
    "the U.S. Department of Transportation and Dr. Smith of St. Mary's hospital had all reviewed; the vote, "
    "held at 5 p.m. in Room 12, passed 7-2 after a long debate about noise, cost and the 1990s plan, "
    "and the work will start in the old depot — now a museum — next spring."
)


def test_every_sentence_keeps_a_map_from_its_spoken_form_to_its_text():
    for s in seed_script().sentences:
        assert s.map[0][0] == 0
        assert s.map[-1][1] == len(s.spoken)
        for before, after in zip(s.map, s.map[1:]):
            assert before[1] == after[0]
            assert before[3] <= after[2]
        assert all(0 <= a <= b <= len(s.text) for _, _, a, b in s.map)


def test_the_headline_map_stays_inside_the_headline_despite_its_added_full_stop():
    headline = seed_script().sentences[0]
    assert headline.spoken.endswith(".")
    assert not headline.text.endswith(".")
    assert headline.map[-1][3] == len(headline.text)


def test_each_engine_chunk_of_a_long_sentence_maps_to_the_text_it_says():
    sentence = build_script(from_text(LONG), RenderSettings(chunk_chars=100)).sentences[0]
    ranges = sentence.chunk_ranges()
    assert len(ranges) == len(sentence.chunks) > 2
    # The stretches tile the text, in order.
    assert ranges[0][0] == 0
    assert ranges[-1][1] == len(sentence.text)
    assert all(a[1] == b[0] and a[0] < a[1] for a, b in itertools.pairwise(ranges))
    written = [sentence.text[a:b] for a, b in ranges]
    assert written[0].startswith("The council met on Jan.")
    assert any(w.startswith("all reviewed; the vote, held at 5 p.m.") for w in written)
    assert written[-1].endswith("now a museum — next spring.")
    for chunk, text in zip(sentence.chunks, written):
        # A word said as written lies in the stretch of its own chunk.
        for word in re.findall(r"[a-z]{4,}", chunk):
            if sentence.text.count(word) == 1:
                assert word in text, (word, chunk, text)


# -- the intro speaks the article's language (#23 item 4) ---------------------------------------------


def intro_of(language: str, **metadata: str) -> list[str]:
    """What the intro says for an article in `language` with this byline, site and date."""
    article = Article(
        paragraphs=["Uma frase do artigo."], title="O porto reabre", language=language, **metadata
    )
    return [
        s.text for s in build_script(article, RenderSettings(intro=True)).sentences if s.paragraph == INTRO
    ]


def test_the_intro_says_by_and_the_date_in_the_articles_language():
    meta = {"byline": "Maria Silva", "site_name": "Jornal do Porto", "date": "2026-03-05"}
    assert intro_of("pt", **meta)[1:] == ["Por Maria Silva.", "Jornal do Porto, 5 de março de 2026."]
    assert intro_of("es", **meta)[1:] == ["Por Maria Silva.", "Jornal do Porto, 5 de marzo de 2026."]
    assert intro_of("de", **meta)[1:] == ["Von Maria Silva.", "Jornal do Porto, 5. März 2026."]
    assert intro_of("fr", **meta)[1:] == ["Par Maria Silva.", "Jornal do Porto, 5 mars 2026."]
    assert intro_of("ru", **meta)[1:] == ["Автор: Maria Silva.", "Jornal do Porto, 5 марта 2026 года."]
    assert intro_of("en", **meta)[1:] == ["By Maria Silva.", "Jornal do Porto, March 5, 2026."]


def test_what_cannot_be_said_in_the_articles_language_is_left_out():
    meta = {"byline": "Somchai Wong", "site_name": "Bangkok Daily", "date": "2026-03-05"}
    assert intro_of("th", **meta)[1:] == ["Bangkok Daily."]  # no word for "By", no month names
    # A date that is not ISO stays in English only, where it was written.
    assert intro_of("ru", date="Friday, 6 March 2026") == ["O porto reabre"]
    assert intro_of("en", date="Friday, 6 March 2026")[1:] == ["Friday, 6 March 2026."]


def test_a_byline_that_names_no_one_is_not_read():
    for byline in ("Admin", "By Admin", "Por Admin", "STAFF", "Redação", "The Editors"):
        assert intro_of("pt", byline=byline) == ["O porto reabre"], byline
    assert intro_of("pt", byline="Ana Staff")[1:] == ["Por Ana Staff."]


def test_a_host_address_or_an_ip_is_never_read_as_the_site_name():
    for site in (
        "www.jornal.example",
        "jornal.example",
        "192.0.2.7",
        "127.0.0.1:8000",
        "[::1]:8080",
        "localhost",
    ):
        assert intro_of("pt", site_name=site, date="2026-03-05")[1:] == ["5 de março de 2026."], site
    assert intro_of("en", site_name="Booking.com")[1:] == ["Booking.com."]  # a brand, written with capitals


# -- every script is read (#23 item 3) ----------------------------------------------------------------


def test_words_are_counted_by_the_character_where_a_script_writes_no_spaces():
    assert word_count("The council approved the new budget.") == 6
    japanese = word_count(
        "東京都の知事は記者会見で新しい政策を発表した。"
    )  # 21 characters, one "word" by spaces
    chinese = word_count("明天北京天气晴朗，最高气温二十五度。")
    thai = word_count("พรุ่งนี้กรุงเทพมีอากาศร้อน")
    assert 10 < japanese < 18
    assert 10 < chinese < 16
    assert 6 < thai < 12
    # "GDP" and "3.5%" are words; は and えた are kana, 増 is a Han character.
    assert word_count("GDP は 3.5% 増えた") == pytest.approx(2 + 0.35 * 3 + 0.8)


def test_a_japanese_article_is_given_to_the_engine_in_kana_mapped_back_to_its_kanji():
    article = from_text("東京の天気\n\n東京都の小池知事は、記者会見で新しい政策を発表した。\n")
    script = build_script(article, RenderSettings())
    sentence = script.sentences[-1]
    assert sentence.text == "東京都の小池知事は、記者会見で新しい政策を発表した。"
    assert not re.search(r"[\u4e00-\u9fff]", "".join(sentence.chunks))
    assert sentence.spoken.startswith("トーキョー トノ コイケ チジワ、")
    # Each word said maps to the kanji it reads.
    at = sentence.spoken.index("コイケ")
    assert text_range(sentence.map, at, at + 3) == (4, 6)
    assert sentence.text[4:6] == "小池"


def test_a_long_japanese_sentence_is_cut_at_its_commas():
    clause = "記者会見で新しい政策を発表した"
    chunks = split_for_engine("、".join([clause] * 12) + "。", 60)
    assert all(len(c) <= 60 for c in chunks)
    assert all(c.endswith(("、", "。")) for c in chunks)


def test_phoneme_input_from_the_lexicon_passes_through_the_kana_reading_untouched():
    from listen.text.japanese import to_kana

    sentence = "東京の[[k'Ant@r]]は増えた。"
    kana, spans = to_kana(sentence, [(0, len(sentence), 0, len(sentence))])
    assert kana == "トーキョーノ [[k'Ant@r]]ワ フエタ。"
    at = kana.index("[[")
    assert text_range(spans, at, at + len("[[k'Ant@r]]")) == (3, 14)

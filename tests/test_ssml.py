"""SSML in: an SSML document read as an article whose markup says how its text is said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import post_ready, run_cli, silences

from listen.config import RenderSettings, Settings
from listen.errors import InputError
from listen.queue.payload import article_from_payload, payload
from listen.reading.loader import from_pasted
from listen.reading.ssml import from_ssml
from listen.render.plan import make_plan
from listen.text.script import iter_sentences
from listen.text.textmap import text_range


def speak(body: str, lang: str = "en-US") -> str:
    return (
        f'<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="{lang}">{body}</speak>'
    )


def sentences(document: str, phonemes: str | None = "ipa") -> list:
    return list(iter_sentences(from_ssml(document), RenderSettings(), phonemes=phonemes))


def said(document: str, phonemes: str | None = "ipa") -> list[tuple[str, str]]:
    """Each sentence's text as written and what the engine is given."""
    return [(s.text, s.spoken) for s in sentences(document, phonemes)]


def refused(document: str) -> str:
    with pytest.raises(InputError) as caught:
        from_ssml(document)
    return caught.value.message


# -- structure ------------------------------------------------------------------------------------


def test_paragraphs_come_from_p_and_sentences_from_s_as_written():
    document = speak(
        "<p><s>Mr. Smith arrived at 9 a.m. on Monday</s><s>He left.</s></p>"
        "<p>A second paragraph. It has two sentences.</p>"
    )
    article = from_ssml(document)
    assert article.paragraphs == [
        "Mr. Smith arrived at 9 a.m. on Monday He left.",
        "A second paragraph. It has two sentences.",
    ]
    got = [(s.paragraph, s.text) for s in sentences(document)]
    assert got == [
        (0, "Mr. Smith arrived at 9 a.m. on Monday"),  # an <s> is one sentence, whatever its dots
        (0, "He left."),
        (1, "A second paragraph."),  # text outside <s> is split as any text is
        (1, "It has two sentences."),
    ]


def test_the_speak_elements_language_is_the_articles():
    article = from_ssml(
        speak("<p>Hola, ¿qué tal? Son las <lang xml:lang='en'>news</lang>.</p>", lang="es-ES")
    )
    assert article.language == "es"
    assert article.paragraphs == ["Hola, ¿qué tal? Son las news."]


def test_an_ssml_article_keeps_its_marks_through_a_jobs_payload():
    article = from_ssml(speak('<p>Wait <break time="2s"/> for <sub alias="it all">it</sub>.</p>'))
    again = article_from_payload(json.loads(json.dumps(payload(article, Settings.of()))))
    assert again == article
    assert again.marks


# -- break -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "pause_ms"),
    [
        ('<break time="2s"/>', 2000),
        ('<break time="750ms"/>', 750),
        ('<break strength="strong"/>', 800),
        ('<break strength="x-weak"/>', 150),
        ("<break/>", 500),
        ('<break time="1m"/>', None),
    ],
)
def test_a_break_starts_a_piece_whose_lead_pause_is_the_breaks(element, pause_ms):
    document = speak(f"<p>The headline sentence is here. Then we wait. {element} And it goes on.</p>")
    if pause_ms is None:
        assert "is not a time" in refused(document)
        return
    plan = make_plan(from_ssml(document), RenderSettings())
    leads = [(p.lead_pause_ms, p.sentences[0].text) for p in plan.pieces]
    assert (pause_ms, "And it goes on.") in leads


def test_a_break_time_over_ten_seconds_is_kept_to_ten():
    plan = make_plan(from_ssml(speak('<p>One. Two. <break time="60s"/>Three.</p>')), RenderSettings())
    assert plan.pieces[-1].lead_pause_ms == 10_000


# -- say-as, sub, phoneme, emphasis, prosody -----------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "written", "spoken"),
    [
        ('<say-as interpret-as="characters">NASA</say-as>', "NASA", "N eigh S eigh"),
        ('<say-as interpret-as="spell-out">cat</say-as>', "cat", "C eigh T"),
        ('<say-as interpret-as="cardinal">1234</say-as>', "1234", "one thousand two hundred thirty-four"),
        ('<say-as interpret-as="ordinal">21</say-as>', "21", "twenty-first"),
        ('<say-as interpret-as="digits">1549</say-as>', "1549", "one five four nine"),
        (
            '<say-as interpret-as="date" format="dmy">3/4/2021</say-as>',
            "3/4/2021",
            "the third of April twenty twenty-one",
        ),
        (
            '<say-as interpret-as="date" format="mdy">3/4/2021</say-as>',
            "3/4/2021",
            "March fourth, twenty twenty-one",
        ),
        (
            '<say-as interpret-as="date" format="ymd">2021-04-03</say-as>',
            "2021-04-03",
            "April third, twenty twenty-one",
        ),
        ('<say-as interpret-as="time">10:30pm</say-as>', "10:30pm", "ten thirty P M"),
        (
            '<say-as interpret-as="telephone">+44 20 7946</say-as>',
            "+44 20 7946",
            "plus four four, two zero, seven nine four six",
        ),
        ('<sub alias="World Wide Web Consortium">W3C</sub>', "W3C", "World Wide Web Consortium"),
        ('<say-as interpret-as="unknown-kind">W3C</say-as>', "W3C", "W three C"),  # read as any text is
    ],
)
def test_a_marked_word_is_said_as_its_markup_says_and_shown_as_written(markup, written, spoken):
    [(text, engine_text)] = said(speak(f"<p>It is {markup} now.</p>"))
    assert text == f"It is {written} now."
    assert engine_text == f"It is {spoken} now."


def test_what_a_sub_says_maps_back_to_the_words_it_stands_for():
    [sentence] = sentences(speak('<p>The <sub alias="World Wide Web Consortium">W3C</sub> met.</p>'))
    start = sentence.spoken.index("Consortium")
    a, b = text_range(sentence.map, start, start + len("Consortium"))
    assert sentence.text[a:b] == "W3C"


def test_a_say_as_that_cannot_be_read_so_names_the_element_and_its_line():
    message = refused(speak('\n<p><say-as interpret-as="date" format="dmy">soon</say-as></p>'))
    assert "<say-as> on line 2" in message
    assert "soon" in message


def test_a_phoneme_reaches_an_ipa_engine_as_its_ipa_and_any_other_as_the_word():
    document = speak('<p>Say <phoneme alphabet="ipa" ph="təˈmɑːtəʊ">tomato</phoneme> again.</p>')
    assert said(document, phonemes="ipa") == [("Say tomato again.", "Say [[təˈmɑːtəʊ]] again.")]
    assert said(document, phonemes="espeak") == [("Say tomato again.", "Say tomato again.")]


def test_a_phoneme_in_another_alphabet_is_refused_with_what_to_write():
    message = refused(speak('<p><phoneme alphabet="x-sampa" ph="t@mA:t@U">tomato</phoneme></p>'))
    assert 'alphabet="ipa"' in message


def test_emphasis_sets_its_words_apart_with_a_pause_each_side():
    assert said(speak("<p>It was <emphasis>very</emphasis> late.</p>")) == [
        ("It was very late.", "It was, very, late.")
    ]


def test_prosody_rate_reads_its_sentences_at_that_share_of_the_rate():
    document = speak(
        '<p>At the usual pace. <prosody rate="slow">Slowly now. Still slowly.</prosody> Back.</p>'
    )
    plan = make_plan(from_ssml(document), RenderSettings(rate=170))
    rates = {s.text: p.rate for p in plan.pieces for s in p.sentences}
    assert rates == {"At the usual pace.": None, "Slowly now.": 136, "Still slowly.": 136, "Back.": None}
    fast = make_plan(from_ssml(document.replace('"slow"', '"150%"')), RenderSettings(rate=170))
    assert {s.text: p.rate for p in fast.pieces for s in p.sentences}["Slowly now."] == 255


def test_a_rate_inside_a_sentence_reads_just_its_words_at_that_rate():
    document = speak('<p>She said <prosody rate="x-slow">very slowly</prosody> that it rained.</p>')
    plan = make_plan(from_ssml(document), RenderSettings(rate=170))
    rates = [(s.text, p.rate) for p in plan.pieces for s in p.sentences]
    assert rates == [("She said", None), ("very slowly", 102), ("that it rained.", None)]


def test_breaks_in_a_row_add_up():
    plan = make_plan(
        from_ssml(speak('<p>One. Two. <break time="1s"/> <break time="500ms"/>Three.</p>')), RenderSettings()
    )
    assert plan.pieces[-1].lead_pause_ms == 1500


def test_a_paragraph_or_sentence_inside_a_sentence_is_refused():
    assert "inside <s>" in refused(speak("<s>One <p>two</p></s>"))
    assert "inside another <s>" in refused(speak("<s>One <s>two</s></s>"))


# -- refused documents -----------------------------------------------------------------------------


def test_audio_is_refused_with_a_clear_message():
    message = refused(speak('<p>Hello.</p>\n<audio src="https://example.com/a.mp3"/>'))
    assert "<audio> on line 2" in message
    assert "remove the <audio> element" in message


XXE = """<?xml version="1.0"?>
<!DOCTYPE speak [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<speak>Your secret: &secret;</speak>"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<speak>&lol9;</speak>"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE speak PUBLIC "-//W3C//DTD SYNTHESIS 1.0//EN" "http://127.0.0.1:9/synthesis.dtd">
<speak>Hello.</speak>"""


@pytest.mark.parametrize(
    "document", [XXE, BILLION_LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "dtd"]
)
def test_a_document_with_a_doctype_is_refused_before_anything_is_read(document):
    message = refused(document)
    assert "DOCTYPE" in message
    assert "line 2" in message


def test_an_invalid_document_names_the_line_and_column():
    message = refused("<speak>\n<p>One <s>unclosed.</p>\n</speak>")
    assert "line 2, column" in message


def test_text_outside_speak_is_refused_and_plain_text_is_not_taken_for_ssml():
    assert "inside <speak>" in refused("<p>Hello.</p>")
    with pytest.raises(InputError, match="<foo> on line 1 is not supported"):
        from_ssml(speak("<foo>Hello</foo>"))
    assert not from_pasted("A headline\n\nThe <speak> element starts SSML.", Settings.of()).marks


# -- the API and the command line -------------------------------------------------------------------


@pytest.mark.slow
def test_the_api_reads_ssml_and_its_timings_show_the_documents_text(client, app):
    document = speak(
        '<p><s>The <sub alias="World Wide Web Consortium">W3C</sub> met.</s><s>Then <break time="1s"/>it rested.</s></p>'
    )
    created = post_ready(client, app, ssml=document)
    timings = client.get(f"/api/v1/articles/{created['id']}/timings.json").json
    assert [s["text"] for s in timings["sentences"]] == ["The W3C met.", "Then", "it rested."]
    first = timings["sentences"][0]
    shown = [first["text"][w["text_start"] : w["text_end"]] for w in first["words"]]
    assert "W3C" in shown
    assert "World" not in " ".join(shown)
    # Sentences tile the audio: the pause is between the last word of one and the first of the next.
    gap = timings["sentences"][2]["words"][0]["start_ms"] - timings["sentences"][1]["words"][-1]["end_ms"]
    assert gap >= 900


def test_an_invalid_document_over_the_api_is_a_400_naming_the_line_and_column(client):
    response = client.post("/api/v1/articles", json={"ssml": "<speak>\n<p>Hi</s></speak>"})
    assert response.status_code == 400
    assert "line 2, column" in json.dumps(response.json)


def test_an_xxe_document_over_the_api_is_a_400(client):
    response = client.post("/api/v1/articles", json={"ssml": XXE})
    assert response.status_code == 400
    assert "DOCTYPE" in json.dumps(response.json)
    assert "root:" not in json.dumps(response.json)


@pytest.mark.slow
def test_speak_reads_an_ssml_file_and_refuses_a_broken_one(tmp_path: Path):
    good = tmp_path / "note.ssml"
    good.write_text(speak('<p>Call <say-as interpret-as="digits">911</say-as> now.</p>'))
    done = run_cli("speak", str(good), "-o", str(tmp_path / "note.mp3"))
    assert done.returncode == 0, done.stderr
    timings = json.loads((tmp_path / "note.json").read_text())
    assert [(s["text"], s["spoken"]) for s in timings["sentences"]] == [
        ("Call 911 now.", "Call nine one one now.")
    ]
    bad = tmp_path / "bad.ssml"
    bad.write_text("<speak>\n\n  <p>Hi</speak>")
    done = run_cli("speak", str(bad), "-o", str(tmp_path / "bad.mp3"))
    assert done.returncode != 0
    assert "line 3, column" in done.stderr.decode()
    assert not (tmp_path / "bad.mp3").exists()


def test_speak_takes_input_that_starts_with_speak_as_ssml(tmp_path: Path):
    document = '<?xml version="1.0"?>\n' + speak('<p>It is <say-as interpret-as="ordinal">2</say-as>.</p>')
    done = run_cli("script", "-", stdin=document.encode())
    assert done.returncode == 0, done.stderr
    assert "It is second." in done.stdout.decode()


def test_speak_refuses_a_billion_laughs_document_with_a_non_zero_exit(tmp_path: Path):
    done = run_cli("speak", "-", "-o", str(tmp_path / "x.mp3"), stdin=BILLION_LAUGHS.encode())
    assert done.returncode != 0
    assert "DOCTYPE" in done.stderr.decode()


# -- the real engine ---------------------------------------------------------------------------------


@pytest.mark.engine
@pytest.mark.slow
def test_a_two_second_break_puts_two_seconds_of_silence_in_the_audio(renderer):
    document = speak('<p>The storm passed over the town. <break time="2s"/>Residents returned home.</p>')
    rendition = renderer.render(from_ssml(document))
    longest = max(end - start for start, end in silences(rendition.mp3, min_s=0.5))
    assert longest >= 1.9

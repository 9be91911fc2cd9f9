"""What readers get from the server: files named after the article, a transcript, a voice menu in
their language with spoken previews, messages meant for them (operator hints go to the log), a favicon."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import ffprobe, post_ready, run_cli

from listen.config import Settings
from web import close_app, create_app
from web.downloads import slug, transcript_text

ARTICLE = """US resumes drug intelligence cooperation

By Sam Reporter

The United States will again share drug intelligence with the government, officials said on Tuesday.

Talks had stalled for a year. Both sides called the deal a fresh start.
"""


@pytest.fixture(scope="module")
def ready(app) -> dict:
    return post_ready(app.test_client(), app, text=ARTICLE)


# -- downloads named after the title --------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("US resumes drug intelligence cooperation", "us-resumes-drug-intelligence-cooperation"),
        ("Tuesday's market is back", "tuesdays-market-is-back"),
        ("Évora: café reopens — at last!", "evora-cafe-reopens-at-last"),
        ("  $2.5 million for 3 bridges (and a tram)  ", "2-5-million-for-3-bridges-and-a-tram"),
        ("Søren and Æsa in Łódź", "soren-and-aesa-in-lodz"),
        ("Ein Überblick über Straßenbahnen", "ein-uberblick-uber-strassenbahnen"),
        ("", "article"),
        ("!!! ???", "article"),
        ("東京", "article"),
        (
            "A very long headline that goes on and on about the council and the tram line along the river",
            "a-very-long-headline-that-goes-on-and-on-about-the-council",
        ),
    ],
)
def test_a_title_becomes_a_short_readable_file_name(title, name):
    assert slug(title) == name
    assert len(slug(title)) <= 60


@pytest.mark.slow
def test_the_mp3_and_captions_are_named_after_the_title_not_the_id(client, ready):
    for path, ext in (("audio.mp3", "mp3"), ("captions.vtt", "vtt"), ("transcript.txt", "txt")):
        response = client.get(f"/api/v1/articles/{ready['id']}/{path}")
        assert response.status_code == 200
        assert (
            response.headers["Content-Disposition"]
            == f'inline; filename="us-resumes-drug-intelligence-cooperation.{ext}"'
        )
        saved = client.get(f"/api/v1/articles/{ready['id']}/{path}?download=1")
        assert saved.headers["Content-Disposition"].startswith("attachment; ")
        assert ready["id"] not in saved.headers["Content-Disposition"]


def test_the_transcript_is_the_article_text_a_paragraph_a_block(client, ready):
    assert ready["transcript_url"] == f"http://localhost/api/v1/articles/{ready['id']}/transcript.txt"
    response = client.get(f"/api/v1/articles/{ready['id']}/transcript.txt")
    assert response.mimetype == "text/plain"
    blocks = response.get_data(as_text=True).strip().split("\n\n")
    assert blocks[0] == "US resumes drug intelligence cooperation"
    assert blocks[-1] == "Talks had stalled for a year. Both sides called the deal a fresh start."
    assert any(b.startswith("The United States will again share") for b in blocks)


def test_a_transcript_keeps_paragraphs_apart_and_the_headline_alone():
    timings = {
        "sentences": [
            {"index": 0, "paragraph": -1, "text": "Title"},
            {"index": 1, "paragraph": -1, "text": "By Ann."},
            {"index": 3, "paragraph": 1, "text": "Two."},
            {"index": 2, "paragraph": 0, "text": "One."},
            {"index": 4, "paragraph": 1, "text": "Three."},
        ]
    }
    assert transcript_text(timings) == "Title\n\nBy Ann.\n\nOne.\n\nTwo. Three.\n"


# -- the voice menu -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "first", "default"),
    [
        ("es-ES,es;q=0.9,en;q=0.5", "es", "roa/es"),
        ("de", "de", "gmw/de"),
        ("fr-CA", "fr", "roa/fr"),
        ("en-GB,en;q=0.8", "en", "en_US-joe-medium"),
        ("pt-BR", "pt", "roa/pt"),  # English: the natural voice
    ],
)
def test_voices_list_the_readers_language_first_then_grouped_by_language(client, accept, first, default):
    voices = client.get("/api/v1/voices", headers={"Accept-Language": accept}).json["voices"]
    assert len(voices) > 20
    langs = [v["languages"][0].split("-")[0] for v in voices]
    same = [n for n, lang in enumerate(langs) if lang == first]
    assert same == list(range(len(same))), (first, langs[:10])  # all of them, at the top
    assert len(same) >= 1
    assert voices[0]["id"] == default  # the voice "Automatic" would pick heads them
    rest = voices[len(same) :]
    groups = [v["language_name"].lower() for v in rest]
    runs = [g for n, g in enumerate(groups) if n == 0 or groups[n - 1] != g]
    assert len(runs) == len(set(runs)), "each language's voices together, as the menu groups them"
    natural = {v["language_name"].lower() for v in rest if v["neural"]}
    tiers = [g not in natural for g in runs]
    assert tiers == sorted(tiers), "languages with a natural voice before the rest"
    for tier in (True, False):
        names = [g for g in runs if (g not in natural) == tier]
        assert names == sorted(names), "each tier of languages by name"


def test_the_page_lists_the_readers_language_first(client):
    html = client.get("/", headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    first_voice = html.split('<option value="', 2)[2].split('"')[0]
    assert first_voice == "roa/pt", first_voice


@pytest.mark.parametrize(
    ("text", "language", "default"),
    [
        (
            "El ayuntamiento aprobó el martes la nueva línea de tranvía, que costará unos dos millones de euros y "
            "cerrará el puente durante seis semanas.",
            "es",
            "roa/es",
        ),
        (
            "Die Stadt hat am Dienstag beschlossen, die neue Straßenbahnlinie entlang des Flusses zu bauen, und die "
            "Arbeiten beginnen im Frühjahr.",
            "de",
            "gmw/de",
        ),
        (
            "Le conseil municipal a voté mardi soir la construction de la nouvelle ligne de tramway le long du fleuve.",
            "fr",
            "roa/fr",
        ),
        (
            "A câmara aprovou na terça-feira a nova linha de elétrico, que vai custar cerca de dois milhões de euros.",
            "pt",
            "roa/pt",
        ),
        (
            "Il consiglio comunale ha approvato martedì la nuova linea del tram lungo il fiume, che costerà due milioni.",
            "it",
            "roa/it",
        ),
        (
            "Herons stand in the shallows and watch the water for fish, while children race across the bridge.",
            "en",
            "en_US-joe-medium",
        ),  # English is read by the natural voice
    ],
)
def test_the_voice_menu_puts_the_articles_language_first(client, text, language, default):
    # The reader's browser says English; the article decides.
    answer = client.post(
        "/api/v1/voices/for-text", json={"text": text}, headers={"Accept-Language": "en"}
    ).json
    assert answer["language"] == language
    assert answer["voice"] == default
    order = answer["order"]
    assert order[0] == default
    assert len(order) > 20
    voices = {v["id"]: v for v in client.get("/api/v1/voices").json["voices"]}
    assert set(order) == set(voices)
    same = [voices[i]["languages"][0].split("-")[0] == language for i in order]
    assert same == sorted(same, reverse=True)  # every voice of the language, then the others


def test_ordering_voices_for_nothing_says_what_to_send(client):
    response = client.post("/api/v1/voices/for-text", json={"text": "  "})
    assert response.status_code == 400
    assert '"text"' in response.json["error"]["message"]


@pytest.mark.parametrize(
    "body",
    ["[" * 50_000 + "]" * 50_000, '{"text": ' * 3000 + '"x"' + "}" * 3000, '{"text": "\\ud800"}', "not json"],
    ids=["deep-list", "deep-object", "lone-surrogate", "not-json"],
)
def test_ordering_voices_for_a_body_we_cannot_read_is_a_400_not_a_500(client, body):
    response = client.post("/api/v1/voices/for-text", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.data[:200]
    assert response.json["error"]["message"]


def test_a_voice_preview_is_spoken_once_then_served_from_the_cache(client, tmp_path):
    first = client.get("/api/v1/voices/preview.mp3?voice=roa/es")
    assert first.status_code == 200, first.data[:200]
    assert first.mimetype == "audio/mpeg"
    assert first.headers["X-Listen-Preview"] == "rendered"
    again = client.get("/api/v1/voices/preview.mp3?voice=roa/es")
    assert again.headers["X-Listen-Preview"] == "cached"
    assert again.data == first.data
    mp3 = tmp_path / "preview.mp3"
    mp3.write_bytes(first.data)
    seconds = float(ffprobe(mp3)["format"]["duration"])
    assert 1.0 < seconds < 8.0
    # Another voice says it in its own words and sound.
    other = client.get("/api/v1/voices/preview.mp3?voice=gmw/en")
    assert other.headers["X-Listen-Preview"] == "rendered"
    assert other.data != first.data


def test_a_preview_of_an_unknown_voice_says_how_to_choose_one(client):
    response = client.get("/api/v1/voices/preview.mp3?voice=nope")
    assert response.status_code == 400
    assert "/api/v1/voices" in response.json["error"]["message"]


def test_previews_are_not_listed_as_articles(client, app):
    assert client.get("/api/v1/voices/preview.mp3?voice=gmw/en").status_code == 200
    feed = client.get("/feed.xml").get_data(as_text=True)
    assert "This is how I sound" not in feed


# -- messages for readers -------------------------------------------------------------------------


def test_a_private_address_is_refused_in_words_for_readers_and_the_setting_is_logged(tmp_path: Path, caplog):
    app = create_app(Settings.of(cache_dir=tmp_path), start_workers=False, render_sample=False)
    try:
        with caplog.at_level(logging.WARNING):
            response = app.test_client().post("/api/v1/articles", json={"url": "http://127.0.0.1:9/x"})
        message = response.json["error"]["message"]
        assert response.status_code == 400
        assert "127.0.0.1" in message
        assert "LISTEN_" not in message
        assert "LISTEN_ALLOW_PRIVATE_HOSTS=1" in caplog.text
    finally:
        close_app(app)


def test_the_rate_limit_answer_tells_readers_to_wait_and_logs_the_setting(tmp_path: Path, caplog):
    app = create_app(
        Settings.of(cache_dir=tmp_path, rate_limit="1/minute"), start_workers=False, render_sample=False
    )
    try:
        client = app.test_client()
        client.post("/api/v1/articles", json={"text": "One short article."})
        with caplog.at_level(logging.WARNING):
            response = client.post("/api/v1/articles", json={"text": "Another short article."})
        assert response.status_code == 429
        assert "wait" in response.json["error"]["message"]
        assert "LISTEN_" not in response.json["error"]["message"]
        assert "LISTEN_RATE_LIMIT" in caplog.text
    finally:
        close_app(app)


def test_a_body_over_the_limit_tells_readers_to_send_less_and_logs_the_setting(tmp_path: Path, caplog):
    app = create_app(
        Settings.of(cache_dir=tmp_path, max_body_bytes=1000), start_workers=False, render_sample=False
    )
    try:
        with caplog.at_level(logging.WARNING):
            response = app.test_client().post("/api/v1/articles", json={"text": "word " * 1000})
        assert response.status_code == 413
        assert "LISTEN_" not in response.json["error"]["message"]
        assert "LISTEN_MAX_BODY_BYTES" in caplog.text
    finally:
        close_app(app)


def test_the_command_line_still_tells_the_operator_which_setting_to_change(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text("Word. " * 400_000)
    done = run_cli("script", str(big))
    assert done.returncode != 0
    assert b"LISTEN_MAX_INPUT_BYTES" in done.stderr


# -- the favicon ----------------------------------------------------------------------------------


def test_every_page_links_a_favicon_that_is_served(client):
    for path in ("/", "/nowhere"):
        assert 'rel="icon"' in client.get(path).get_data(as_text=True)
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.data.startswith(b"<svg")
    fallback = client.get("/favicon.ico")
    assert fallback.status_code == 200
    assert fallback.mimetype == "image/svg+xml"

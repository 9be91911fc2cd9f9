"""The voice menu: voices in the reader's language first, and a short spoken preview of each."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from listen.engines import all_voices, choose_speaker
from listen.errors import InputError, SettingsError
from listen.text.language import detect_language

from .json_body import parse_json

bp = Blueprint("voices", __name__, url_prefix="/api/v1")

SAMPLE_CHARS = 5000  # enough words to tell a language; the page sends no more

# One sentence per language we normalise; a voice of another language reads the English one.
PREVIEW_SENTENCES = {
    "en": "This is how I sound when I read an article to you.",
    "es": "Así es como sueno cuando te leo un artículo.",
    "de": "So klinge ich, wenn ich dir einen Artikel vorlese.",
    "fr": "Voici ma voix quand je vous lis un article.",
    "pt": "É assim que eu soo quando leio um artigo para você.",
    "it": "Ecco come suono quando ti leggo un articolo.",
}


def primary(tag: str) -> str:
    """The language of a tag: "en-GB" -> "en"."""
    return tag.replace("_", "-").split("-")[0].lower()


def in_menu_order(voices: list[dict[str, Any]], language: str, default: str = "") -> list[dict[str, Any]]:
    """Voices grouped by language, `language`'s group first (the one used by default at its head).

    Then the languages that have a natural (neural) voice, then the rest, each by name; within
    a group the natural voices come first, then by name. The page shows each group as one
    group of its menu.
    """
    want = primary(language) if language else ""

    def group(v: dict[str, Any]) -> str:
        return str(v.get("language_name") or primary(str((v.get("languages") or [""])[0]))).lower()

    natural = {group(v) for v in voices if v.get("neural")}

    def order(v: dict[str, Any]) -> tuple[int, int, str, int, int, str]:
        same = bool(want) and any(primary(str(t)) == want for t in v.get("languages") or [])
        return (
            0 if same else 1,
            0 if same or group(v) in natural else 1,
            "" if same else group(v),
            0 if v.get("id") == default else 1,
            0 if v.get("neural") else 1,
            str(v.get("name", "")).lower(),
        )

    return sorted(voices, key=order)


def default_voice(language: str) -> str:
    """The voice an article in `language` gets when it asks for none, or "" (unknown, or a setting to fix)."""
    chosen = current_app.config["LISTEN_SETTINGS"].render.voices
    try:
        return choose_speaker(language, chosen=chosen).voice
    except SettingsError:
        return ""  # the menu still lists every voice; the article's render says what to fix


def reader_language() -> str:
    """The language to list first: `?language=`, else the reader's browser's first choice."""
    asked = request.args.get("language", "")
    if asked:
        return primary(asked)
    best = next(iter(request.accept_languages.values()), "")
    return primary(best) if best else ""


@bp.get("/voices/preview.mp3")
def preview() -> Response:
    """Say one sentence in a voice (`?voice=ID`): rendered once, then served from the cache."""
    manager = current_app.extensions["listen"]
    voice = request.args.get("voice", "")
    known = {v.id: v for v in all_voices()}
    base, _, speaker = voice.partition("#")
    if base not in known or (speaker and speaker not in known[base].speakers):
        raise SettingsError("Choose a voice id from GET /api/v1/voices, as ?voice=ID (or ID#SPEAKER).")
    language = next((primary(t) for t in known[base].languages if primary(t) in PREVIEW_SENTENCES), "en")
    renderer = manager.renderer(manager.settings.replace(voice=voice, language=language))
    frames, cached = renderer.sample(PREVIEW_SENTENCES[language], language)
    response = Response(frames, mimetype="audio/mpeg")
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Listen-Preview"] = "cached" if cached else "rendered"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.post("/voices/for-text")
def for_text() -> Response:
    """Order the voice menu for an article being written: its language first, the voice it would get at the top."""
    body = request.get_data()
    data = parse_json(body) if body else None
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise InputError('Send {"text": "..."}: the article, or its first few paragraphs.')
    language = detect_language(text[:SAMPLE_CHARS])
    default = default_voice(language)
    ordered = in_menu_order([v.to_json() for v in all_voices()], language, default)
    return jsonify({"language": language, "voice": default, "order": [v["id"] for v in ordered]})

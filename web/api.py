"""The JSON API under /api/v1: create articles, follow their rendering, fetch audio, timings, captions."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, send_file, stream_with_context, url_for

from listen import article as articles
from listen.captions import to_vtt
from listen.config import Settings
from listen.errors import InputError, NotFoundError, RenderFailedError, SettingsError, UnauthorizedError
from listen.jobs import READY, RENDERING, Job, JobManager, valid_id

bp = Blueprint("api", __name__, url_prefix="/api/v1")

ONE_YEAR = 31536000
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SOURCES = ("text", "html", "url")


def manager() -> JobManager:
    return current_app.extensions["listen"]


def article_urls(key: str) -> dict[str, str]:
    """Return the absolute URLs of everything about one article."""
    return {
        "audio_url": url_for("api.audio", key=key, _external=True),
        "timings_url": url_for("api.timings", key=key, _external=True),
        "captions_url": url_for("api.captions", key=key, _external=True),
        "embed_url": url_for("pages.embed", key=key, _external=True),
        "page_url": url_for("pages.article", key=key, _external=True),
    }


def describe(job: Job) -> dict[str, Any]:
    """The API's view of an article: status, progress, timings so far and its URLs."""
    return {**job.snapshot(), **article_urls(job.id)}


def find(key: str) -> Job:
    """Return the job for an id, or a 404 without touching the file system for a bad id."""
    job = manager().get(key) if valid_id(key) else None
    if job is None:
        raise NotFoundError("No article has that id; create it with POST /api/v1/articles.")
    return job


def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Content-Length, Content-Range, Accept-Ranges, ETag"
    return response


# -- creating articles ----------------------------------------------------------------------------


@bp.route("/articles", methods=["POST", "OPTIONS"], provide_automatic_options=False)
def create() -> tuple[Response, int] | Response:
    """Create (or find) the rendition of an article; 202 while it renders, 200 when ready."""
    if request.method == "OPTIONS":
        return _preflight()
    check_api_key()
    fields, upload = _request_fields()
    settings = _settings_for(fields)
    article = _article_from(fields, upload, settings)
    title = fields.get("title")
    if title is not None:
        if not isinstance(title, str):
            raise InputError('"title" must be a string.')
        if title.strip():
            article.title = " ".join(title.split())[:300]
    job = manager().submit(article, settings)
    data = {"id": job.id, "status": job.status, **article_urls(job.id)}
    response = jsonify(data) if _keys() else cors(jsonify(data))
    response.headers["Location"] = url_for("api.show", key=job.id, _external=True)
    return response, (200 if job.status == READY else 202)


def _keys() -> list[str]:
    raw = current_app.config["LISTEN_SETTINGS"].api_keys or ""
    return [k.strip() for k in raw.split(",") if k.strip()]


def request_api_key() -> str | None:
    """Return the API key a request carries (Authorization: Bearer KEY, or X-API-Key), if any."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("X-API-Key", "").strip() or None


def api_key_id() -> str:
    """Name the request's API key for rate limiting, without keeping the key itself."""
    key = request_api_key() or ""
    return "key:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def check_api_key() -> None:
    """Refuse a write without a configured API key, when keys are configured (off by default)."""
    keys = _keys()
    if not keys:
        return
    given = request_api_key()
    if given is None or not any(hmac.compare_digest(given.encode(), k.encode()) for k in keys):
        raise UnauthorizedError("This server needs an API key to create articles; send it as "
                                "'Authorization: Bearer KEY' or 'X-API-Key: KEY'.")


def _preflight() -> Response:
    """Let other sites' pages (the widget) post articles, unless posting needs an API key."""
    if _keys():
        return Response(status=204)  # keys are for servers, never for pages on other sites
    response = cors(Response(status=204))
    response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _request_fields() -> tuple[dict[str, Any], Any]:
    """Read the fields of a JSON or multipart body, and the uploaded file if any."""
    if request.mimetype == "multipart/form-data":
        fields: dict[str, Any] = {k: v for k, v in request.form.items()}
        return fields, request.files.get("file")
    if not request.is_json:
        raise InputError('Send a JSON body (Content-Type: application/json) like {"text": "..."}, '
                         "or a multipart form with a file.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InputError('The body is not a JSON object; send one like {"text": "Your article..."}.')
    return data, None


def _settings_for(fields: dict[str, Any]) -> Settings:
    """Apply the request's voice, rate, language and lexicon to the server's settings."""
    base: Settings = current_app.config["LISTEN_SETTINGS"]
    changes: dict[str, Any] = {}
    voice = fields.get("voice")
    if voice not in (None, ""):
        if not isinstance(voice, str) or len(voice) > 100:
            raise SettingsError('"voice" must be a voice id from GET /api/v1/voices.')
        changes["voice"] = voice
    rate = fields.get("rate")
    if rate not in (None, ""):
        if isinstance(rate, bool) or not isinstance(rate, (int, float, str)):
            raise SettingsError('"rate" must be a number of words per minute, such as 170.')
        try:
            changes["rate"] = int(float(rate))
        except (TypeError, ValueError, OverflowError):
            raise SettingsError('"rate" must be a number of words per minute, such as 170.') from None
    language = fields.get("language")
    if language not in (None, ""):
        if not isinstance(language, str) or not LANGUAGE_RE.match(language):
            raise SettingsError('"language" must be a language tag such as "en" or "fr".')
        changes["language"] = language.lower()
    lexicon = fields.get("lexicon")
    if lexicon not in (None, "", []):
        if isinstance(lexicon, str):  # a multipart field carries JSON text
            import json

            try:
                lexicon = json.loads(lexicon)
            except ValueError:
                raise InputError('"lexicon" must be a JSON list of rules.') from None
        changes["lexicon"] = manager().inline_lexicon(lexicon)
    return base.replace(**changes)


def _article_from(fields: dict[str, Any], upload: Any, settings: Settings) -> articles.Article:
    """Build the article from whichever one of text, html, url or an uploaded file was sent."""
    given = [name for name in SOURCES if fields.get(name) not in (None, "")]
    if upload is not None and upload.filename:
        given.append("file")
    if len(given) != 1:
        what = "none" if not given else " and ".join(given)
        raise InputError(f'Send exactly one of "text", "html", "url" or a file (got {what}).')
    source = given[0]
    if source == "file":
        data = upload.read(settings.max_input_bytes + 1)
        name = upload.filename or "upload"
        return articles.from_bytes(data, name, settings)
    value = fields[source]
    if not isinstance(value, str):
        raise InputError(f'"{source}" must be a string.')
    if source == "url":
        if len(value) > 2000:
            raise InputError("That URL is too long; give the article's address.")
        return articles.from_url(value.strip(), settings)
    text = articles.decode_text(value.encode("utf-8", "replace"), f"The {source}", settings.max_input_bytes)
    if source == "html":
        return articles.from_html(text, source="", language=settings.language)
    return articles.from_text(text, source="", language=settings.language)


# -- reading articles -----------------------------------------------------------------------------


@bp.get("/articles/<key>")
def show(key: str) -> Response:
    """Return an article's status, progress, title, duration and sentence timings."""
    job = find(key)
    response = cors(jsonify(describe(job)))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/articles/<key>/audio.mp3")
def audio(key: str) -> Response:
    """Serve the MP3: a growing stream while rendering; with Range, ETag and caching when ready."""
    job = find(key)
    if job.status == RENDERING:
        response = Response(stream_with_context(job.stream()), mimetype="audio/mpeg")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Listen-Status"] = RENDERING
        return cors(response)
    if job.status != READY or job.rendition is None:
        raise RenderFailedError(job.error or "This article could not be rendered; post it again to retry.")
    return _send_ready(job, job.rendition.mp3, "audio/mpeg")


@bp.get("/articles/<key>/timings.json")
def timings(key: str) -> Response:
    """Serve the sentence timings (those so far while rendering)."""
    job = find(key)
    response = jsonify(job.timings())
    return _cacheable(job, response)


@bp.get("/articles/<key>/captions.vtt")
def captions(key: str) -> Response:
    """Serve WebVTT captions, one cue per sentence (those so far while rendering)."""
    job = find(key)
    if job.status == READY and job.rendition is not None:
        return _send_ready(job, job.rendition.vtt, "text/vtt")
    response = Response(to_vtt(job.timings()), mimetype="text/vtt")
    return _cacheable(job, response)


@bp.get("/voices")
def voices() -> Response:
    """List the voices a request may choose from."""
    found = [{"id": v.id, "name": v.name, "languages": list(v.languages)} for v in manager().base.engine.voices()]
    response = cors(jsonify({"voices": found, "default_rate": current_app.config["LISTEN_SETTINGS"].rate}))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _send_ready(job: Job, path: Any, mimetype: str) -> Response:
    """Send a finished file with Range, ETag (the id), Last-Modified and a year of caching."""
    response = send_file(path, mimetype=mimetype, conditional=True, etag=job.id, max_age=ONE_YEAR,
                         last_modified=job.modified)
    response.headers["Cache-Control"] = IMMUTABLE
    return cors(response)


def _cacheable(job: Job, response: Response) -> Response:
    """Cache a finished resource for good (its URL names its content); never a partial one."""
    if job.status == READY:
        response.set_etag(job.id)
        response.last_modified = job.modified
        response.headers["Cache-Control"] = IMMUTABLE
        response = response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "no-store"
    return cors(response)

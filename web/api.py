"""The JSON API under /api/v1: create articles, follow their rendering, fetch audio, timings, captions."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    request,
    send_file,
)

from listen.config import RenderSettings, Settings
from listen.engines import ENGINES, all_voices, choose_speaker, is_listed_voice
from listen.errors import InputError, RenderFailedError, SettingsError
from listen.publish.sources import source_id
from listen.reading.fetch import check_url
from listen.render.captions import to_vtt

from . import downloads, origins, webhooks
from .clients import client_address
from .common import (
    article_urls,
    cors,
    describe,
    external_url,
    file_under_key,
    find,
    manager,
    voices_json,
    when_planned,
)
from .intake import Submission
from .job import READY, RENDERING, Job
from .json_body import parse_json
from .keys import check_api_key, configured_keys
from .lexicons import check_inline_lexicon, settings_with_key_rules, store_lexicon
from .source_edits import kept_edits
from .streams import HeldStream, sent_by_the_server
from .voices import primary

bp = Blueprint("api", __name__, url_prefix="/api/v1")

ONE_YEAR = 31536000
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
INPUT_KINDS = ("text", "html", "ssml", "url")  # what a post may carry, besides a file


# -- creating articles ----------------------------------------------------------------------------


@bp.route("/articles", methods=["POST", "OPTIONS"], provide_automatic_options=False)
def create() -> tuple[Response, int] | Response:
    """Create (or find) the rendition of an article; 202 while it renders, 200 when ready."""
    if request.method == "OPTIONS":
        return _preflight()
    api_key = check_api_key()
    origins.check_origin(api_key)
    fields, upload = _request_fields()
    settings = _settings_for(fields)
    lexicon = _inline_lexicon(fields)
    title = fields.get("title")
    if title is not None and not isinstance(title, str):
        raise InputError('"title" must be a string.')
    submission = _submission(fields, upload, settings, title)
    if lexicon is not None:
        # Written only for a post that is whole and has room: a refused one leaves nothing behind.
        manager().check_room()
        path = store_lexicon(lexicon, manager().cache)
        submission = dataclasses.replace(submission, settings=settings.replace(lexicon=path))
    if api_key is not None:  # the publisher's own pronunciation rules (the editor's) join its renders
        server = current_app.config["LISTEN_SETTINGS"]
        ruled = settings_with_key_rules(submission.settings, server, api_key.id, manager().cache)
        # and the skips and pauses its editor chose for this source's earlier version
        source = submission.source or (submission.value if submission.kind == "url" else "")
        edits = kept_edits(manager().cache, api_key.id, source)
        submission = dataclasses.replace(submission, settings=ruled, edits=edits)
    # Reading and planning happen in the intake pool: a long text or a slow page never holds this thread.
    job = manager().accept(submission)
    when_planned(job, lambda planned: webhooks.on_created(planned, api_key))
    file_under_key(job, api_key)
    data = {"id": job.id, "status": job.status, **article_urls(job.id)}
    if submission.source:  # the stable addresses of every version of this source
        sid = source_id(submission.source)
        data.update(
            source_id=sid,
            stable_audio_url=external_url("refresh.audio", sid=sid),
            stable_page_url=external_url("refresh.page", sid=sid),
        )
    response = origins.allow_page(jsonify(data), api_key)
    response.headers["Location"] = external_url("api.show", key=job.id)
    return response, (200 if job.status == READY else 202)


def _preflight() -> Response:
    """Let other sites' pages (the widget) post articles: any site, those in LISTEN_EMBED_ORIGINS,
    or with API keys set, only sites with a public key (secret keys are for servers, never pages)."""
    origin = origins.request_origin()
    if configured_keys() and not origins.page_may_post(origin):
        return Response(status=204)
    # A site left out of LISTEN_EMBED_ORIGINS may still send its POST: the answer, a 403, tells
    # its page (the widget) why, where a refused preflight would only say "failed to fetch".
    response = Response(status=204)
    origins.allow_origin(response, origin)
    response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, X-API-Key"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _request_fields() -> tuple[dict[str, Any], Any]:
    """Read the fields of a JSON or multipart body, and the uploaded file if any."""
    if request.mimetype == "multipart/form-data":
        fields: dict[str, Any] = {k: v for k, v in request.form.items()}
        return fields, request.files.get("file")
    if not request.is_json:
        raise InputError(
            'Send a JSON body (Content-Type: application/json) like {"text": "..."}, '
            "or a multipart form with a file."
        )
    data = parse_json(request.get_data(cache=True))
    if not isinstance(data, dict):
        raise InputError('The body is not a JSON object; send one like {"text": "Your article..."}.')
    return data, None


def _settings_for(fields: dict[str, Any]) -> Settings:
    """Apply the request's engine, voice, rate, language, lexicon and jingle to the server's settings."""
    base: Settings = current_app.config["LISTEN_SETTINGS"]
    changes: dict[str, Any] = {}
    engine = fields.get("engine")
    if engine not in (None, ""):
        if engine not in ENGINES:
            raise SettingsError(
                f'"engine" must be one of {", ".join(ENGINES)}, or left out to choose by language.'
            )
        changes["engine"] = engine
    voice = fields.get("voice")
    if voice not in (None, ""):
        if not isinstance(voice, str) or len(voice) > 100 or not is_listed_voice(voice):
            raise SettingsError(
                '"voice" must be a voice id from GET /api/v1/voices (or a language tag such as "en-gb").'
            )
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
    jingle = fields.get("jingle")
    if jingle not in (None, ""):
        if jingle not in (True, False, "true", "false"):  # a multipart field carries text
            raise SettingsError('"jingle" must be true or false (false: no opening or closing jingle).')
        changes["jingle"] = jingle in (True, "true")
    settings = base.replace(**changes)
    if changes:
        _check_speaker(settings.render)
    return settings


def _check_speaker(render: RenderSettings) -> None:
    """Refuse now an engine, voice and language that cannot go together: later, it would be a failed job."""
    if render.language and not any(
        primary(tag) == primary(render.language) for v in all_voices() for tag in v.languages
    ):
        raise SettingsError(
            f'No voice here reads the language "{render.language}"; '
            "GET /api/v1/voices lists each voice's languages."
        )
    if not render.voice and not (render.engine and render.language):
        return  # the article's language decides, once it is read
    try:
        choose_speaker(render.language or "en", render.engine, render.voice)
    except SettingsError:
        if render.voice:
            raise SettingsError(
                f'"{render.voice}" is not a voice of the {render.engine} engine; choose one whose '
                '"engine" is that in GET /api/v1/voices, or leave "engine" out.'
            ) from None
        raise SettingsError(
            f'The {render.engine} engine has no voice for the language "{render.language}"; '
            'leave "engine" out, or choose a voice from GET /api/v1/voices.'
        ) from None


def _inline_lexicon(fields: dict[str, Any]) -> bytes | None:
    """The request's inline lexicon, checked and in canonical bytes; nothing is written yet."""
    lexicon = fields.get("lexicon")
    if lexicon in (None, "", []):
        return None
    if isinstance(lexicon, str):  # a multipart field carries JSON text
        lexicon = parse_json(lexicon, what='"lexicon"')
    return check_inline_lexicon(lexicon)


def _submission(fields: dict[str, Any], upload: Any, settings: Settings, title: str | None) -> Submission:
    """Check which one of text, html, url or an uploaded file was sent; read nothing yet."""
    given = [kind for kind in INPUT_KINDS if fields.get(kind) not in (None, "")]
    if upload is not None and upload.filename:
        given.append("file")
    if len(given) != 1:
        what = "none" if not given else " and ".join(given)
        raise InputError(f'Send exactly one of "text", "html", "ssml", "url" or a file (got {what}).')
    kind = given[0]
    if kind == "file":
        data = upload.read(settings.service.max_input_bytes + 1)
        return Submission("file", data, settings, name=upload.filename or "upload", title=title)
    value = fields[kind]
    if not isinstance(value, str):
        raise InputError(f'"{kind}" must be a string.')
    if kind == "url":
        if len(value) > 2000:
            raise InputError("That URL is too long; give the article's address.")
        url = value.strip()
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url):
            check_url(url, settings.service)  # a URL that can never be fetched is a 400 now, not a failed job
        # A page may change between posts: each post of a URL reads it again, under its own request id.
        return Submission("url", url, settings, title=title, nonce=secrets.token_hex(16))
    return Submission(kind, value, settings, title=title, source=_source(fields))


def _source(fields: dict[str, Any]) -> str:
    """Read "source": the permanent address of posted HTML or text (a CMS's permalink), or ""."""
    source = fields.get("source")
    if source in (None, ""):
        return ""
    if not isinstance(source, str) or len(source) > 2000 or not re.match(r"^https?://\S+$", source.strip()):
        raise InputError(
            '"source" must be the article\'s permanent http(s) address (such as its permalink), '
            "at most 2000 characters."
        )
    return source.strip()


# -- reading articles -----------------------------------------------------------------------------


@bp.get("/articles/<key>")
def show(key: str) -> Response:
    """Return an article's status, progress, title, duration and sentence timings."""
    job = find(key)
    response = cors(jsonify(describe(job, _since())))
    response.headers["Cache-Control"] = "no-cache"
    return response


def _since() -> int | None:
    """Read ?since=N: the client has sentences 0 to N-1 and wants only the rest."""
    raw = request.args.get("since")
    if raw is None:
        return None
    # ASCII digits only ("²" is a digit to str.isdigit, not to int), and few of them: int() of
    # thousands of digits raises rather than answer.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise InputError("since must be a whole number: how many sentences you already have (0 for all).")
    return int(raw)


@bp.get("/articles/<key>/audio.mp3")
def audio(key: str) -> Response:
    """Serve the MP3: a growing stream while rendering; with Range, ETag and caching when ready."""
    job = find(key)
    if job.status == RENDERING:
        # Such a stream holds a request thread until the render ends: few at once (web/streams.py).
        slot = current_app.extensions["listen_streams"].take(job.id, client_address())
        try:
            stream = manager().stream(job)  # keeps its rendition from being pruned meanwhile
            # Wait for the first bytes before answering 200: a render that fails first must not
            # look like a finished article with no audio.
            first = next(stream, b"")
        except BaseException:
            slot.give_back()
            raise
        if not first:
            slot.give_back()
            job = find(key)
            if job.status == READY and job.rendition is not None:
                return _send_ready(
                    job, job.rendition.mp3, "audio/mpeg", job.rendition.timings["_file"]["sha256"]
                )
            raise RenderFailedError(
                job.error or "This article could not be rendered; post it again to retry."
            )
        # The body itself, not wrapped in a generator: the server's close() (at the end, on a
        # disconnect, or at once for a HEAD) reaches it and gives the slot back.
        response = Response(HeldStream(first, stream, slot), mimetype="audio/mpeg")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Listen-Status"] = RENDERING
        return cors(downloads.named(response, job))
    if job.status != READY or job.rendition is None:
        raise RenderFailedError(job.error or "This article could not be rendered; post it again to retry.")
    return _send_ready(job, job.rendition.mp3, "audio/mpeg", job.rendition.timings["_file"]["sha256"])


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
        vtt = job.rendition.vtt
        return _send_ready(job, vtt, "text/vtt", hashlib.sha256(vtt.read_bytes()).hexdigest())
    response = Response(to_vtt(job.timings()), mimetype="text/vtt")
    return _cacheable(job, downloads.named(response, job))


@bp.get("/voices")
def voices() -> Response:
    """List the voices a request may choose from."""
    response = cors(
        jsonify({"voices": voices_json(), "default_rate": current_app.config["LISTEN_SETTINGS"].render.rate})
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Vary"] = "Accept-Language"  # the reader's language is listed first
    return response


def _send_ready(job: Job, path: Any, mimetype: str, digest: str) -> Response:
    """Send a finished file with Range, ETag, Last-Modified and a year of caching.

    The ETag is the sha256 of the bytes, not the id: a client resuming a download
    (If-Range) from another server must never get the rest of a different file.
    """
    response = send_file(
        path, mimetype=mimetype, conditional=True, etag=digest, max_age=ONE_YEAR, last_modified=job.modified
    )
    response.headers["Cache-Control"] = IMMUTABLE
    return cors(downloads.named(sent_by_the_server(response, path), job))


def _cacheable(job: Job, response: Response) -> Response:
    """Cache a finished resource for good (its URL names its content); never a partial one."""
    if job.status == READY:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest())
        response.last_modified = datetime.fromtimestamp(job.modified, tz=UTC)
        response.headers["Cache-Control"] = IMMUTABLE
        response.make_conditional(request)  # in place: 304 when the client has it
    else:
        response.headers["Cache-Control"] = "no-store"
    return cors(response)

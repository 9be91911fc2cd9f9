"""Refresh on edit: fetch a URL article's page again (a conditional GET) and render what changed;
stable per-source URLs (/s/<source-id>/...) that always name the newest rendition."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, send_file, url_for
from flask.typing import ResponseReturnValue

from listen.errors import InputError, NotFoundError
from listen.publish.sources import Sources
from listen.queue.payload import payload, settings_from_payload

from . import origins
from .common import article_urls, cors, external_url, file_under_key, find, manager
from .intake import Planned, Submission
from .job import READY, Job, PendingJob
from .keys import ApiKey, check_api_key
from .source_edits import kept_edits
from .streams import sent_by_the_server

bp = Blueprint("refresh", __name__)


def source_records() -> Sources:
    """The source records: each URL's history of renditions (listen/publish/sources.py)."""
    return Sources(Path(current_app.config["LISTEN_SETTINGS"].service.cache_dir))


def payload_render(settings: Any) -> dict[str, Any]:
    """The render settings as a queued job carries them (an inline lexicon named within the cache)."""
    from listen.article import Article

    return payload(Article(paragraphs=[]), settings)["render"]


def update_source_record(sub: Submission, job: Job, planned: Planned) -> None:
    """After a URL article (or HTML posted with its "source") is planned: record it in its source
    record as the newest rendition, so /s/<source-id> names it.

    Called on an intake thread, outside any request: the cache folder is the submission's.
    """
    if planned.page is not None:
        Sources(Path(sub.settings.service.cache_dir)).remember(
            sub.value, job.id, payload_render(sub.settings), planned.page
        )
    elif sub.source:
        Sources(Path(sub.settings.service.cache_dir)).remember(
            sub.source, job.id, payload_render(sub.settings), posted=True
        )


@bp.post("/api/v1/articles/<key>/refresh")
def refresh(key: str) -> tuple[Response, int]:
    """Fetch the article's page again; when its text changed, render the new version.

    As a post: keys, origins and the rate limit (web/__init__.py) first, then the page is
    fetched, read and planned in the intake pool, under its deadlines, never in this thread.
    """
    api_key = check_api_key()
    origins.check_origin(api_key)
    job = find(key)
    records = source_records()
    sid = records.of_rendition(job.id)
    record = records.get(sid) if sid else None
    if sid is None or record is None or record.get("posted"):
        raise InputError(
            "This article was not made from a URL, so there is nothing to fetch again; "
            "post the new text as a new article instead."
        )
    base = current_app.config["LISTEN_SETTINGS"]
    settings = settings_from_payload(record.get("render") or {}, base)
    etag, last_modified = records.validators(sid)
    previous = records.newest(sid) or job.id
    fresh = manager().accept(
        Submission(
            "url",
            record["url"],
            settings,
            nonce=secrets.token_hex(16),
            etag=etag,
            last_modified=last_modified,
            previous=previous,
            edits=kept_edits(manager().cache, api_key.id if api_key else None, record["url"]),
        )
    )
    file_under_key(fresh, api_key)  # a refresh is its key's too: its feed, and who may withdraw it
    if isinstance(fresh, PendingJob) and fresh.target is None:
        # Still being fetched: the request's id leads to the new rendition, or to `previous` if unchanged.
        return _answer(fresh.id, previous, sid, None, fresh.status, api_key), 202
    changed = fresh.id != previous
    status = 202 if changed and fresh.status != READY else 200
    return _answer(fresh.id, previous, sid, changed, fresh.status, api_key), status


def _answer(
    rendition_id: str, previous: str, sid: str, changed: bool | None, status: str, api_key: ApiKey | None
) -> Response:
    data = {
        "id": rendition_id,
        "previous_id": previous,
        "changed": changed,
        "status": status,
        "source_id": sid,
        "stable_audio_url": external_url("refresh.audio", sid=sid),
        "stable_page_url": external_url("refresh.page", sid=sid),
        **article_urls(rendition_id),
    }
    return origins.allow_page(jsonify(data), api_key)


def _newest(sid: str) -> Job:
    rendition_id = source_records().newest(sid)
    if rendition_id is None:
        raise NotFoundError("No article has that source id.")
    return find(rendition_id)


@bp.get("/s/<sid>/audio.mp3")
def audio(sid: str) -> ResponseReturnValue:
    """The newest rendition's MP3, at a URL that stays the same across refreshes."""
    job = _newest(sid)
    if job.status != READY or job.rendition is None:
        # Still rendering (or failed): the rendition's own URL streams it or explains.
        return redirect(url_for("api.audio", key=job.id), 302)
    response = send_file(
        job.rendition.mp3, mimetype="audio/mpeg", conditional=True, etag=job.id, last_modified=job.modified
    )
    response.headers["Cache-Control"] = "no-cache"  # may change on the next refresh: revalidate
    return cors(sent_by_the_server(response, job.rendition.mp3))


@bp.get("/s/<sid>")
def page(sid: str) -> ResponseReturnValue:
    """The share page of the newest rendition."""
    response = redirect(url_for("pages.article", key=_newest(sid).id), 302)
    response.headers["Cache-Control"] = "no-cache"
    return response

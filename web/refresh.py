"""Refresh on edit: fetch a URL article's page again (a conditional GET) and render what changed;
stable per-source URLs (/s/<source-id>/...) that always name the newest rendition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, send_file, url_for
from flask.typing import ResponseReturnValue

from listen.errors import InputError, NotFoundError
from listen.publish.sources import Sources
from listen.queue.payload import payload, settings_from_payload
from listen.reading.fetch import fetch
from listen.reading.loader import from_page

from .common import article_urls, cors, external_url, find, manager
from .intake import Planned, Submission
from .job import READY, Job
from .keys import check_api_key

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
    """Fetch the article's page again; when its text changed, render the new version."""
    check_api_key()
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
    page = fetch(record["url"], settings.service, etag=etag, last_modified=last_modified)
    previous = records.newest(sid) or job.id
    if page.not_modified:
        return _answer(previous, previous, sid, changed=False), 200
    article = from_page(page, record["url"], settings)
    fresh = manager().submit(article, settings)
    records.remember(record["url"], fresh.id, record.get("render") or {}, page)
    changed = fresh.id != previous
    return _answer(fresh.id, previous, sid, changed, fresh.status), (
        202 if changed and fresh.status != READY else 200
    )


def _answer(rendition_id: str, previous: str, sid: str, changed: bool, status: str | None = None) -> Response:
    data = {
        "id": rendition_id,
        "previous_id": previous,
        "changed": changed,
        "status": status or find(rendition_id).status,
        "source_id": sid,
        "stable_audio_url": external_url("refresh.audio", sid=sid),
        "stable_page_url": external_url("refresh.page", sid=sid),
        **article_urls(rendition_id),
    }
    return cors(jsonify(data))


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
    return cors(response)


@bp.get("/s/<sid>")
def page(sid: str) -> ResponseReturnValue:
    """The share page of the newest rendition."""
    response = redirect(url_for("pages.article", key=_newest(sid).id), 302)
    response.headers["Cache-Control"] = "no-cache"
    return response

"""What the API and the pages share: finding an article's job, describing it, its URLs, CORS, the CSP, voices."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Response, copy_current_request_context, current_app, request, url_for

from listen.engines import all_voices
from listen.errors import GoneError, NotFoundError

from .job import Job, PendingJob, valid_id
from .job_manager import JobManager
from .keys import ApiKey, record_owner
from .voices import default_voice, in_menu_order, reader_language

# The pages' Content-Security-Policy; only who may frame them differs ('self', or anyone for embeds).
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {}"
)


def manager() -> JobManager:
    return current_app.extensions["listen"]


def external_url(endpoint: str, **values: Any) -> str:
    """Return an absolute URL for clients: from LISTEN_PUBLIC_URL when set, else from the Host.

    The Host header is the client's to write; web/hosts.py lets through only the
    allowed ones, so it is never reflected into links, Location or og:url otherwise.
    """
    base = current_app.config["LISTEN_SETTINGS"].service.public_url
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base.rstrip("/") + url_for(endpoint, **values)[len(request.script_root) :]


def article_urls(article_id: str) -> dict[str, str]:
    """Return the absolute URLs of everything about one article.

    Routes name an article's id (its rendition id, or the request id that leads to it) `key`.
    """
    return {
        "audio_url": external_url("api.audio", key=article_id),
        "timings_url": external_url("api.timings", key=article_id),
        "captions_url": external_url("api.captions", key=article_id),
        "transcript_url": external_url("downloads.transcript", key=article_id),
        "embed_url": external_url("pages.embed", key=article_id),
        "page_url": external_url("pages.article", key=article_id),
    }


def describe(job: Job, since: int | None = None) -> dict[str, Any]:
    """The API's view of an article: status, progress, timings so far (from `since` on) and its URLs."""
    return {**job.snapshot(since), **teaser_of(job.id), **article_urls(job.id)}


def teaser_of(article_id: str) -> dict[str, Any]:
    """Whether what was read looks like only the start of the article (a paywall's teaser), and why.

    From the article's record (web/article_records.py): in memory for recent articles, on disk
    for older ones; unknown (not a teaser) for a request still being read.
    """
    found = manager().article_records.find(article_id)
    reason = found[0].partial_reason if found is not None else ""
    return {"teaser": bool(reason), "partial_reason": reason}


def find(article_id: str) -> Job:
    """Return the job for an id; a 410 for a withdrawn article, a 404 (without touching the file system for a bad id) for none."""
    job = manager().get(article_id) if valid_id(article_id) else None
    if job is None:
        if valid_id(article_id) and manager().withdrawn(article_id):
            raise GoneError("This article was withdrawn; post it again to bring it back.")
        raise NotFoundError("No article has that id; create it with POST /api/v1/articles.")
    return job


def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Content-Length, Content-Range, Accept-Ranges, ETag"
    return response


def voices_json() -> list[dict[str, object]]:
    """The voices a request may choose from, as the API and the page list them.

    The reader's language first (its default voice at the head), the natural voices
    first within each group.
    """
    language = reader_language()
    default = default_voice(language) if language else ""
    return in_menu_order([v.to_json() for v in all_voices()], language, default)


def when_planned(job: Job, then: Callable[[Job], None]) -> None:
    """Run `then` with the rendition's job: now if the post is planned, else once it is.

    Later runs on a thread of its own with a copy of this request's context (for its URLs).
    """
    if not isinstance(job, PendingJob):
        then(job)
        return
    wait_s = manager().settings.service.intake_timeout_s + 30

    @copy_current_request_context
    def later() -> None:
        job.settled(wait_s)
        then(job.target if job.target is not None else job)

    threading.Thread(target=later, daemon=True, name="listen-after-planning").start()


def file_under_key(job: Job, api_key: ApiKey | None) -> None:
    """File a post's article under the key that made it (its private feed; who may withdraw it),
    by the request's id now and by the rendition's once planned."""
    record_owner(job.id, api_key)
    when_planned(job, lambda planned: record_owner(planned.id, api_key))

"""The podcast feed of every article this server has rendered: GET /feed.xml, and each one's chapters.

On a server with API keys, articles are private: each key has its own feed of the articles it
posted, at /feed.xml?token=... (GET /api/v1/feed tells a key its address), and /feed.xml
without a token lists nothing. Speech made for OpenAI's API (a clip) is in no feed: it was asked
for, not published.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from listen.errors import UnauthorizedError
from listen.publish import podcast

from .common import cors, external_url, find, manager
from .intake import Planned, Submission
from .job import RENDERING, Job
from .keys import ApiKey, feed_token, key_entries, key_for_token, owned, request_key_entry
from .refresh import source_records

bp = Blueprint("feed", __name__)

MAX_EPISODES = 300


@bp.get("/feed.xml")
def feed() -> Response:
    """RSS 2.0 with iTunes and Podcasting 2.0 tags; one episode per source, its newest rendition."""
    settings = current_app.config["LISTEN_SETTINGS"].service
    keyed = bool(key_entries())
    key = key_for_token(request.args.get("token")) if keyed else None
    token = {"token": request.args["token"]} if key is not None else {}
    newest: dict[str, tuple[float, str, dict[str, Any], int]] = {}
    if not keyed or key is not None:
        for rendition_id, timings, size in _renditions(Path(settings.cache_dir), key):
            sid = podcast.source_id(timings, rendition_id)
            created = float(timings.get("_created") or 0)
            if sid not in newest or created > newest[sid][0]:
                newest[sid] = (created, rendition_id, timings, size)
    chosen = sorted(newest.values(), key=lambda x: x[0], reverse=True)
    chosen = list(itertools.islice((c for c in chosen if not _withdrawn(c[1], c[2])), MAX_EPISODES))
    episodes = [
        _episode(rendition_id, timings, size, created, token)
        for created, rendition_id, timings, size in chosen
    ]
    xml = podcast.rss(
        episodes,
        title=settings.feed_title,
        link=external_url("pages.index"),
        feed_url=external_url("feed.feed", **token),
        image=settings.feed_image,
    )
    response = cors(Response(xml, mimetype="application/rss+xml"))
    # A private feed may sit in no shared cache; its address is its key.
    response.headers["Cache-Control"] = "public, max-age=300" if not keyed else "private, no-cache"
    return response


@bp.get("/api/v1/feed")
def private_feed() -> Response:
    """Tell a secret key the address of its private feed (on a server with API keys)."""
    key = request_key_entry()
    if not key_entries():
        return jsonify({"feed_url": external_url("feed.feed"), "private": False})
    if key is None or key.origins:
        raise UnauthorizedError(
            "Each secret API key has a private feed; send the key as 'Authorization: Bearer KEY' "
            "or 'X-API-Key: KEY' to learn its address."
        )
    response = jsonify({"feed_url": external_url("feed.feed", token=feed_token(key)), "private": True})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/articles/<key>/chapters.json")
def chapters(key: str) -> Response:
    """Podcasting 2.0 JSON chapters, one per paragraph, as in the MP3's own table of contents."""
    job = find(key)
    response = cors(
        Response(
            json.dumps(podcast.chapters(job.timings()), ensure_ascii=False),
            mimetype="application/json+chapters",
        )
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _renditions(cache_dir: Path, key: ApiKey | None = None) -> list[tuple[str, dict[str, Any], int]]:
    """Every finished rendition in the cache (or, for a key, those of the articles it posted and of
    their sources' refreshes): its id, timings and MP3 size (unreadable ones skipped)."""
    found = []
    paths = (cache_dir.absolute() / "renditions").rglob("*.json")
    if key is not None:
        paths = (cache_dir.absolute() / "renditions" / r[:2] / f"{r}.json" for r in _keys_renditions(key))
    for path in paths:
        if is_clip(cache_dir, path.stem):
            continue
        try:
            timings = json.loads(path.read_text("utf-8"))
            size = int(timings["_file"]["size"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append((path.stem, timings, size))
    return found


def _keys_renditions(key: ApiKey) -> set[str]:
    """The renditions of the articles a key posted, and the newer renditions of their URLs (refreshes)."""
    records = source_records()
    ids = {i for i in owned(key) if len(i) == 64}
    for rendition_id in list(ids):
        sid = records.of_rendition(rendition_id)
        record = records.get(sid) if sid else None
        if record is not None:
            ids.update(
                r["id"] for r in record["renditions"] if isinstance(r.get("id"), str) and len(r["id"]) == 64
            )
    return ids


def _withdrawn(rendition_id: str, timings: dict[str, Any]) -> bool:
    """Tell whether an episode was withdrawn: the rendition itself, or its source's newest rendition."""
    if manager().withdrawn(rendition_id):
        return True
    newest = source_records().newest(podcast.source_id(timings, rendition_id))
    return newest is not None and manager().withdrawn(newest)


def _episode(
    rendition_id: str, timings: dict[str, Any], size: int, created: float, token: dict[str, str]
) -> podcast.Episode:
    source = str(timings.get("source") or "")
    sid = podcast.source_id(timings, rendition_id)
    # An article read from a URL has a stable address that follows its refreshes (its source record's).
    # On a keyed server that address needs the feed's token: podcast apps send no headers.
    stable = source_records().newest(sid) == rendition_id
    audio_url = (
        external_url("refresh.audio", sid=sid, **token)
        if stable
        else external_url("api.audio", key=rendition_id)
    )
    return podcast.Episode(
        guid=podcast.guid_for(timings, rendition_id),
        title=timings.get("title") or "Untitled article",
        audio_url=audio_url,
        length=size,
        duration_s=round(int(timings.get("duration_ms", 0)) / 1000),
        published=podcast.published_at(timings, created),
        transcript_url=external_url("api.captions", key=rendition_id),
        chapters_url=external_url("feed.chapters", key=rendition_id),
        link=external_url("pages.article", key=rendition_id) if not source.startswith("http") else source,
        description=podcast.describe(timings),
        language=str(timings.get("language") or ""),
    )


# -- clips: speech made for OpenAI's API, which no feed lists ------------------------------------------


def _clip_mark(cache_dir: Path, rendition_id: str) -> Path:
    return cache_dir.absolute() / "clips" / rendition_id[:2] / rendition_id


def is_clip(cache_dir: Path, rendition_id: str) -> bool:
    return _clip_mark(cache_dir, rendition_id).exists()


def record_clip(sub: Submission, job: Job, planned: Planned) -> None:
    """After planning: a rendition made for a speech request is a clip; one posted as an article is not.

    The same text with the same voice and rate is one rendition whichever way it came: an article
    posted before a speech request stays in the feed (the request found it made), and one posted
    after takes the clip back into it. An article read again (a repair) changes nothing.
    """
    mark = _clip_mark(Path(sub.settings.service.cache_dir), job.id)
    try:
        if sub.clip and job.status == RENDERING:  # made for this request, not found made
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.touch()
        elif not sub.clip and sub.kind != "article":
            mark.unlink(missing_ok=True)
    except OSError:  # a full disk: the render says so; the feed only lists a clip
        pass

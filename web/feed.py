"""The podcast feed of every article this server has rendered: GET /feed.xml, and each one's chapters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app

from listen.publish import podcast

from .common import cors, external_url, find
from .refresh import source_records

bp = Blueprint("feed", __name__)

MAX_EPISODES = 300


@bp.get("/feed.xml")
def feed() -> Response:
    """RSS 2.0 with iTunes and Podcasting 2.0 tags; one episode per source, its newest rendition."""
    settings = current_app.config["LISTEN_SETTINGS"].service
    newest: dict[str, tuple[float, str, dict[str, Any], int]] = {}
    for rendition_id, timings, size in _renditions(Path(settings.cache_dir)):
        sid = podcast.source_id(timings, rendition_id)
        created = float(timings.get("_created") or 0)
        if sid not in newest or created > newest[sid][0]:
            newest[sid] = (created, rendition_id, timings, size)
    chosen = sorted(newest.values(), key=lambda x: x[0], reverse=True)[:MAX_EPISODES]
    episodes = [
        _episode(rendition_id, timings, size, created) for created, rendition_id, timings, size in chosen
    ]
    xml = podcast.rss(
        episodes,
        title=settings.feed_title,
        link=external_url("pages.index"),
        feed_url=external_url("feed.feed"),
        image=settings.feed_image,
    )
    response = cors(Response(xml, mimetype="application/rss+xml"))
    response.headers["Cache-Control"] = "public, max-age=300"
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


def _renditions(cache_dir: Path) -> list[tuple[str, dict[str, Any], int]]:
    """Every finished rendition in the cache: its id, timings and MP3 size (unreadable ones skipped)."""
    found = []
    for path in (cache_dir.absolute() / "renditions").rglob("*.json"):
        try:
            timings = json.loads(path.read_text("utf-8"))
            size = int(timings["_file"]["size"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append((path.stem, timings, size))
    return found


def _episode(rendition_id: str, timings: dict[str, Any], size: int, created: float) -> podcast.Episode:
    source = str(timings.get("source") or "")
    sid = podcast.source_id(timings, rendition_id)
    # An article read from a URL has a stable address that follows its refreshes (its source record's).
    stable = source_records().newest(sid) == rendition_id
    audio_url = (
        external_url("refresh.audio", sid=sid) if stable else external_url("api.audio", key=rendition_id)
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

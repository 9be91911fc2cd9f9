"""A podcast feed of renditions: RSS 2.0 with the iTunes and Podcasting 2.0 tags apps read.

Used by the web app (GET /feed.xml, every article in the cache) and by `listen feed DIR`
(a folder written by `listen batch`, hosted as static files). An episode's guid comes from
its source (the URL or file it was read from), so re-rendering an edited article keeps it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from listen.errors import InputError

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ET.register_namespace("itunes", ITUNES)
ET.register_namespace("podcast", PODCAST)
ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("atom", ATOM)
# Dublin Core: each item's own language (a feed of several languages has one channel language).
DC = "http://purl.org/dc/elements/1.1/"
ET.register_namespace("dc", DC)


@dataclass
class Episode:
    """One item of the feed, with absolute URLs."""

    guid: str
    title: str
    audio_url: str
    length: int  # bytes of the MP3
    duration_s: int
    published: float  # seconds since the epoch
    transcript_url: str
    chapters_url: str
    link: str = ""
    description: str = ""
    language: str = ""


def source_id(timings: dict[str, Any], fallback: str) -> str:
    """A short stable name for where an article came from: the same source, the same id.

    An article with no recorded source (text pasted into the page) is its own source.
    """
    source = str(timings.get("source") or "").strip()
    basis = "source:" + source if source else "name:" + fallback
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


def guid_for(timings: dict[str, Any], fallback: str) -> str:
    return "listen:" + source_id(timings, fallback)


def chapters(timings: dict[str, Any]) -> dict[str, Any]:
    """Podcasting 2.0 JSON chapters: the MP3's own chapters, one per paragraph."""
    # The one rule for the MP3's ID3 table of contents too.
    from listen.render.timings import chapters as id3_chapters

    entries = id3_chapters(timings.get("sentences", []), int(timings.get("duration_ms", 0)))
    return {
        "version": "1.2.0",
        "chapters": [
            {"startTime": round(start / 1000, 3), "endTime": round(end / 1000, 3), "title": title}
            for start, end, title in entries
        ],
    }


def describe(timings: dict[str, Any], limit: int = 400) -> str:
    """The first body sentences, as an episode's description."""
    text = ""
    for s in timings.get("sentences", []):
        if s.get("paragraph", 0) < 0:
            continue
        text = f"{text} {s.get('text', '')}".strip()
        if len(text) >= limit:
            return text[:limit].rsplit(" ", 1)[0] + " …"
    return text


def published_at(timings: dict[str, Any], fallback: float) -> float:
    """When the article was published (its own date when it has one), else when it was rendered."""
    date = str(timings.get("date") or "")
    if date:
        try:
            parsed = datetime.fromisoformat(date.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.timestamp()
        except ValueError:
            pass  # a date we cannot read: fall back on when it was rendered
    return float(timings.get("_created") or fallback)


def rss(
    episodes: Iterable[Episode],
    *,
    title: str,
    link: str,
    feed_url: str,
    description: str = "",
    image: str | None = None,
    language: str = "en",
) -> bytes:
    """Build the RSS 2.0 document, newest episode first."""
    items = sorted(episodes, key=lambda e: e.published, reverse=True)
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    _text(channel, "title", title)
    _text(channel, "link", link)
    _text(channel, "description", description or f"Articles from {title}, read aloud.")
    _text(channel, "language", language)
    _text(channel, "generator", "listen")
    ET.SubElement(
        channel, f"{{{ATOM}}}link", {"href": feed_url, "rel": "self", "type": "application/rss+xml"}
    )
    if items:
        _text(channel, "lastBuildDate", formatdate(items[0].published, usegmt=True))
    _text(channel, f"{{{ITUNES}}}author", title)
    _text(channel, f"{{{ITUNES}}}explicit", "false")
    _text(channel, f"{{{ITUNES}}}type", "episodic")
    ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": "News"})
    if image:
        ET.SubElement(channel, f"{{{ITUNES}}}image", {"href": image})
        img = ET.SubElement(channel, "image")
        _text(img, "url", image)
        _text(img, "title", title)
        _text(img, "link", link)
    for e in items:
        item = ET.SubElement(channel, "item")
        _text(item, "title", e.title or "Untitled article")
        if e.link:
            _text(item, "link", e.link)
        _text(item, "description", e.description or e.title)
        _text(item, "guid", e.guid).set("isPermaLink", "false")
        _text(item, "pubDate", formatdate(e.published, usegmt=True))
        if e.language:
            _text(item, f"{{{DC}}}language", e.language)
        ET.SubElement(item, "enclosure", {"url": e.audio_url, "length": str(e.length), "type": "audio/mpeg"})
        _text(item, f"{{{ITUNES}}}duration", str(e.duration_s))
        _text(item, f"{{{ITUNES}}}episodeType", "full")
        ET.SubElement(
            item,
            f"{{{PODCAST}}}transcript",
            {"url": e.transcript_url, "type": "text/vtt", **({"language": e.language} if e.language else {})},
        )
        ET.SubElement(
            item, f"{{{PODCAST}}}chapters", {"url": e.chapters_url, "type": "application/json+chapters"}
        )
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    node = ET.SubElement(parent, tag)
    node.text = text
    return node


# -- a folder written by `listen batch` -----------------------------------------------------------


def folder_feed(folder: Path, base_url: str, title: str | None = None, image: str | None = None) -> bytes:
    """Build the feed of a batch folder, and write each episode's NAME.chapters.json beside it."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder; give the folder `listen batch -o DIR` wrote.")
    if not base_url.startswith(("http://", "https://")):
        raise InputError(
            "--base-url must be the http(s) address the folder is served at, "
            "such as https://example.com/audio/."
        )
    base = base_url if base_url.endswith("/") else base_url + "/"
    episodes = []
    for mp3 in sorted(folder.glob("*.mp3")):
        timings_path, vtt = mp3.with_suffix(".json"), mp3.with_suffix(".vtt")
        try:
            timings = json.loads(timings_path.read_text("utf-8"))
            length = mp3.stat().st_size
        except (OSError, ValueError):
            continue  # an MP3 without its timings is not one of our renditions
        if not isinstance(timings, dict) or "sentences" not in timings or not vtt.exists():
            continue
        chapters_path = mp3.with_name(mp3.stem + ".chapters.json")
        chapters_path.write_text(json.dumps(chapters(timings), ensure_ascii=False, indent=1), "utf-8")
        source = str(timings.get("source") or "")
        episodes.append(
            Episode(
                guid=guid_for(timings, mp3.stem),
                title=timings.get("title") or mp3.stem,
                audio_url=base + quote(mp3.name),
                length=length,
                duration_s=round(int(timings.get("duration_ms", 0)) / 1000),
                published=published_at(timings, mp3.stat().st_mtime),
                transcript_url=base + quote(vtt.name),
                chapters_url=base + quote(chapters_path.name),
                link=source if source.startswith(("http://", "https://")) else "",
                description=describe(timings),
                language=str(timings.get("language") or ""),
            )
        )
    if not episodes:
        raise InputError(
            f"No renditions in {folder} (an MP3 with its .json timings and .vtt captions); "
            f"render some with `listen batch INPUT... -o {folder}` first."
        )
    return rss(
        episodes,
        title=title or folder.resolve().name,
        link=base,
        feed_url=base + "feed.xml",
        image=image,
        language=_common_language(episodes),
    )


def _common_language(episodes: list[Episode]) -> str:
    langs = [e.language for e in episodes if e.language]
    return max(set(langs), key=langs.count) if langs else "en"

"""Articles read from a URL, remembered by source: their renditions, newest last, the render
settings they were made with, and the page's ETag and Last-Modified for a conditional GET.

In: a URL, the rendition made from it and the fetched Page. Out: JSON records in the cache
folder, and PageValidators, the one way the package remembers a page's ETag and
Last-Modified (`listen batch --refresh` keeps them in its output folder the same way).

Kept in the cache folder (`sources/`), so every web process sharing the cache sees them.
A refresh renders the page again with the same settings: only the sentences that changed
miss the chunk cache. Old renditions stay where they are, so their URLs keep working.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from listen.config import ServiceSettings
from listen.files import write_atomic
from listen.publish.podcast import source_id as _source_id
from listen.reading.fetch import Page, fetch


def source_id(url: str) -> str:
    """The stable id of a source URL (the podcast feed's guid uses the same one)."""
    return _source_id({"source": url}, url)


class PageValidators(NamedTuple):
    """A page's ETag and Last-Modified from its last fetch: sent back, an unchanged page answers 304."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def of(cls, page: Page) -> PageValidators:
        """The validators a fetched page came with."""
        return cls(page.etag, page.last_modified)

    @classmethod
    def read(cls, record: Mapping[str, Any]) -> PageValidators:
        """The validators kept in a record (a JSON object with "etag" and "last_modified"), if any."""
        return cls(record.get("etag"), record.get("last_modified"))

    def fetch(self, url: str, settings: ServiceSettings) -> Page:
        """Fetch `url`, asking only for a changed page: an unchanged one comes back with not_modified set."""
        return fetch(url, settings, etag=self.etag, last_modified=self.last_modified)


class Sources:
    """The `sources/` folder of a cache: one JSON record per source, and a link per rendition."""

    def __init__(self, cache_dir: Path):
        self.root = Path(cache_dir).absolute() / "sources"
        (self.root / "by-rendition").mkdir(parents=True, exist_ok=True)

    def get(self, sid: str) -> dict[str, Any] | None:
        if not sid.isalnum():
            return None
        try:
            record = json.loads((self.root / f"{sid}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) and record.get("renditions") else None

    def of_rendition(self, key: str) -> str | None:
        """The source id a rendition was made from, if it was made from a URL."""
        try:
            return (self.root / "by-rendition" / key).read_text("utf-8").strip() or None
        except OSError:
            return None

    def remember(
        self, url: str, key: str, render: dict[str, Any], page: Page | None = None, posted: bool = False
    ) -> str:
        """Record that `key` is the newest rendition of `url`, made with `render` settings.

        `posted`: its text was posted with the URL as its source (not fetched), so a refresh
        has nothing to fetch: the poster posts each new version.
        """
        sid = source_id(url)
        record = self.get(sid) or {"url": url, "renditions": []}
        record["url"] = url
        record["render"] = render
        record["posted"] = posted
        if page is not None and not page.not_modified:
            record.update(PageValidators.of(page)._asdict())
        renditions = [r for r in record["renditions"] if r["id"] != key]
        record["renditions"] = [*renditions, {"id": key, "at": round(time.time(), 3)}]
        self._write(self.root / "by-rendition" / key, sid)
        self._write(self.root / f"{sid}.json", json.dumps(record, ensure_ascii=False))
        return sid

    def validators(self, sid: str) -> PageValidators:
        """The page's ETag and Last-Modified when it was last fetched (unpacks as a pair)."""
        return PageValidators.read(self.get(sid) or {})

    def newest(self, sid: str) -> str | None:
        record = self.get(sid)
        return record["renditions"][-1]["id"] if record else None

    def _write(self, path: Path, text: str) -> None:
        write_atomic(path, text)

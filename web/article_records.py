"""Article records: what each rendition was made of, kept so a damaged one can be rendered again.

In: a rendition id with its Article and Settings, as its render starts. Out: the same pair
for a rendition found damaged or gone: from memory for recent ones, else from the record
in the cache's articles/ folder, which any process (and this one after a restart) can read.
Pruning the cache removes a rendition's record with it (listen/cache/store.py).
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path

from listen.article import Article
from listen.cache.store import Cache
from listen.config import Settings
from listen.errors import ListenError
from listen.queue.payload import article_from_payload, payload, settings_from_payload

log = logging.getLogger(__name__)


class ArticleRecords:
    """The article and render settings of each rendition: recent ones in memory, all on disk."""

    def __init__(self, cache: Cache, server_settings: Settings, remembered: int = 512):
        self.cache = cache
        self.server_settings = server_settings  # a record's service settings are this server's
        self.remembered = remembered
        self.recent: OrderedDict[str, tuple[Article, Settings]] = OrderedDict()
        self.lock = threading.Lock()

    def path(self, rendition_id: str) -> Path:
        return self.cache.root / "articles" / rendition_id[:2] / f"{rendition_id}.json"

    def add(self, rendition_id: str, article: Article, settings: Settings) -> None:
        """Record what a rendition is made of (a full disk loses only the chance of a repair)."""
        with self.lock:
            self.recent[rendition_id] = (article, settings)
            self.recent.move_to_end(rendition_id)
            while len(self.recent) > self.remembered:
                self.recent.popitem(last=False)
        path = self.path(rendition_id)
        if path.exists():
            return
        try:
            self.cache.write_atomic(path, json.dumps(payload(article, settings), ensure_ascii=False).encode())
        except ListenError as exc:  # a full disk: the render will say so; only a repair is lost
            log.warning("article %s not kept for repairs: %s", rendition_id, exc.message)

    def find(self, rendition_id: str) -> tuple[Article, Settings] | None:
        """Return what a rendition was made of, as this process or another recorded it; None if unknown."""
        with self.lock:
            found = self.recent.get(rendition_id)
        if found is not None:
            return found
        try:
            data = json.loads(self.path(rendition_id).read_text("utf-8"))
            return article_from_payload(data), settings_from_payload(data["render"], self.server_settings)
        except (OSError, ValueError, KeyError, TypeError, ListenError):
            return None

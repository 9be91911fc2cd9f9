"""Keeping the cache under LISTEN_CACHE_MAX_SIZE: a thread that prunes after renders finish.

In: the cache and the service settings (the size limit), and a request (`ask()`) whenever
a render adds to the cache. Out: least recently used entries removed, at most one walk of
the cache every few seconds, and one now and then in any case.
"""

from __future__ import annotations

import logging
import threading
import time

from listen.cache.store import Cache
from listen.config import ServiceSettings

log = logging.getLogger(__name__)


class CacheTrimmer:
    """Prune the cache to its size limit on a thread of its own, when asked and now and then."""

    every_s = 300.0  # also prune now and then: queue workers elsewhere fill the cache too
    gap_s = 5.0  # at most one walk of the cache this often, however many renders finish
    # Entries used this recently stay: a queue worker in another process may be reading them,
    # and its pins (Cache.using) are not visible here. This process's renders and streams pin theirs.
    idle_s = 60.0

    def __init__(self, cache: Cache, settings: ServiceSettings):
        self.cache = cache
        self.settings = settings
        self.asked = threading.Event()
        self.thread: threading.Thread | None = None
        self.closing = False

    def start(self) -> None:
        """Start the thread, if the cache has a size limit."""
        if self.settings.cache_max_bytes is None or self.thread is not None:
            return
        self.thread = threading.Thread(target=self._loop, name="listen-cache-trim", daemon=True)
        self.thread.start()
        self.asked.set()  # the cache may be over the limit already

    def ask(self) -> None:
        """Ask for a prune soon (a render added to the cache, finished or not)."""
        self.asked.set()

    def close(self) -> None:
        """Stop the thread after the prune under way, if any."""
        self.closing = True
        self.asked.set()

    def trim(self) -> tuple[int, int]:
        """Prune least recently used entries until the cache is under LISTEN_CACHE_MAX_SIZE; return (removed, bytes freed)."""
        limit = self.settings.cache_max_bytes
        if limit is None:
            return 0, 0
        removed, freed = self.cache.prune(limit, min_idle_s=self.idle_s)
        if removed:
            log.info(
                "cache over %s: removed %d least recently used entries (%.1f MB)",
                self.settings.cache_max_size,
                removed,
                freed / 1e6,
            )
        return removed, freed

    def _loop(self) -> None:
        while not self.closing:
            self.asked.wait(self.every_s)
            if self.closing:
                return
            self.asked.clear()
            try:
                self.trim()
            except Exception:  # a failed prune must not stop the next one; the disk-full errors say why
                log.exception("pruning the cache failed")
            time.sleep(self.gap_s)

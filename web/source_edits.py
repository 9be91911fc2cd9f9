"""An editor's skips and pauses, kept by the article's source, so the source's next version keeps them.

In: what an editor saved (web/editor.py) for an article that has a source (the URL it was read
from, or the permalink posted with it as "source"), under the key that saved it. Out: the
skipped sentences and the pauses, by a sentence's text as written, that the key's next post (or
refresh) of that source is read with (web/api.py, web/refresh.py). Sentences name them by what
they say, so a sentence whose text changed loses its skip or pause; the others keep theirs.

Kept in the cache folder (`key-edits/<key id>/<source id>.json`), beside the key's word rules
(`key-lexicons/`), and not pruned with the cache's entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from listen.cache.store import Cache
from listen.publish.sources import source_id


@dataclass(frozen=True)
class Edits:
    """Sentences not read and silence after sentences (ms), by a sentence's text as written."""

    skipped: tuple[str, ...] = ()
    pauses: tuple[tuple[str, int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.skipped or self.pauses)


def edits_path(cache: Cache, key_id: str, source: str) -> Path:
    return cache.root / "key-edits" / key_id / f"{source_id(source)}.json"


def keep_edits(cache: Cache, key_id: str, source: str, skipped: list[str], pauses: dict[str, int]) -> None:
    """Keep what an editor chose for the key's source (none: forget it), replacing what was kept before."""
    path = edits_path(cache, key_id, source)
    if not skipped and not pauses:
        path.unlink(missing_ok=True)
        return
    data = {"source": source, "skipped": sorted(skipped), "pauses": dict(sorted(pauses.items()))}
    cache.write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def kept_edits(cache: Cache, key_id: str | None, source: str) -> Edits:
    """The edits the key keeps for a source (none for no key, no source, or an unreadable file)."""
    if not key_id or not source:
        return Edits()
    try:
        data = json.loads(edits_path(cache, key_id, source).read_text("utf-8"))
        skipped = tuple(text for text in data["skipped"] if isinstance(text, str))
        pauses = tuple(
            (text, ms)
            for text, ms in data["pauses"].items()
            if isinstance(ms, int) and not isinstance(ms, bool) and ms > 0
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Edits()
    return Edits(skipped, pauses)

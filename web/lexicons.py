"""Inline lexicons: the rules a request sends in its "lexicon" field, checked, then stored by content.

In: the rules as parsed from the request (a list of rules, or {"rules": [...]}). Out: first the
rules checked and in canonical bytes (nothing written: the rest of the post may still be refused),
then, once the post is taken, the path of a JSON file in the cache's lexicons/ folder, named by
the rules' digest, for the request's settings to name (queue workers share the cache, so they
find it too). The files are cache entries: counted in its size and pruned with it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from listen.cache.store import Cache
from listen.errors import InputError
from listen.text.lexicon import Lexicon

MAX_RULES = 500


def check_inline_lexicon(rules: object) -> bytes:
    """Check inline lexicon rules (InputError saying what is wrong); return them as canonical JSON bytes."""
    if not isinstance(rules, (list, dict)):
        raise InputError('"lexicon" must be a list of rules such as [{"match": "DEA", "say": "D E A"}].')
    entries = rules.get("rules", rules) if isinstance(rules, dict) else rules
    if isinstance(entries, list):
        if len(entries) > MAX_RULES:
            raise InputError(
                f"An inline lexicon may have at most {MAX_RULES} rules; keep the rest in a lexicon file."
            )
        # A user's regex runs on our threads: a catastrophic one would hang them.
        if any(isinstance(e, dict) and e.get("regex") for e in entries):
            raise InputError(
                "Inline lexicon rules cannot be regular expressions; use plain words or phrases."
            )
    Lexicon.from_data(rules, source="lexicon")  # raises InputError saying what is wrong
    return json.dumps(rules, sort_keys=True, ensure_ascii=False).encode("utf-8")


def store_lexicon(raw: bytes, cache: Cache) -> Path:
    """Store checked rules by content (once), marking them used; return the file's path."""
    path = cache.root / "lexicons" / f"{hashlib.sha256(raw).hexdigest()}.json"
    try:
        os.utime(path)  # used again: the least recently used go first when the cache is pruned
    except FileNotFoundError:
        cache.write_atomic(path, raw)
    return path

"""Inline lexicons: the rules a request sends in its "lexicon" field, checked, then stored by content.

In: the rules as parsed from the request (a list of rules, or {"rules": [...]}). Out: first the
rules checked and in canonical bytes (nothing written: the rest of the post may still be refused),
then, once the post is taken, the path of a JSON file in the cache's lexicons/ folder, named by
the rules' digest, for the request's settings to name (queue workers share the cache, so they
find it too). The files are cache entries: counted in its size and pruned with it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from listen.cache.store import Cache
from listen.config import Settings
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


# -- a publisher's own rules: one lexicon per API key, joining every render the key asks for ------------

MAX_KEY_RULES = 500
MAX_KEY_LEXICON_BYTES = 100_000
MAX_SAY_CHARS = 200  # what replaces a word: a preview renders it, so it stays short
_RULE_FIELDS = ("match", "say", "phonemes", "ipa", "language", "case_sensitive", "regex")


def key_lexicon_path(cache: Cache, key_id: str) -> Path:
    return cache.root / "key-lexicons" / f"{key_id}.json"


def key_rules(cache: Cache, key_id: str) -> list[dict]:
    """A key's pronunciation rules as saved by its editor (none yet: an empty list)."""
    try:
        rules = json.loads(key_lexicon_path(cache, key_id).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return rules if isinstance(rules, list) else []


def checked_key_rules(rules: object) -> list[dict]:
    """Check a key's rules as an editor sends them: plain words or phrases, a few hundred at most."""
    if not isinstance(rules, list):
        raise InputError('"rules" must be a list of rules such as [{"match": "DEA", "say": "D E A"}].')
    if len(rules) > MAX_KEY_RULES:
        raise InputError(f"A publisher's lexicon may have at most {MAX_KEY_RULES} rules; remove some.")
    if any(isinstance(r, dict) and r.get("regex") for r in rules):
        raise InputError("An editor's rules cannot be regular expressions; use plain words or phrases.")
    lexicon = Lexicon.from_data(rules, source="rules")  # raises InputError saying what is wrong
    for rule in lexicon.rules:
        if any(len(text or "") > MAX_SAY_CHARS for text in (rule.match, rule.say, rule.phonemes, rule.ipa)):
            raise InputError(
                f"Rule {rule.match[:40]!r}: a word and how it is said take at most {MAX_SAY_CHARS} characters each."
            )
    checked = [_rule_data(rule) for rule in lexicon.rules]
    if len(json.dumps(checked, ensure_ascii=False).encode("utf-8")) > MAX_KEY_LEXICON_BYTES:
        raise InputError(
            f"A publisher's lexicon may take at most {MAX_KEY_LEXICON_BYTES // 1000} kB; shorten or remove rules."
        )
    return checked


def save_key_rules(cache: Cache, key_id: str, rules: object) -> list[dict]:
    """Check and keep a key's rules (replacing the ones before); return them as kept."""
    checked = checked_key_rules(rules)
    cache.write_atomic(
        key_lexicon_path(cache, key_id), json.dumps(checked, ensure_ascii=False).encode("utf-8")
    )
    return checked


def settings_with_key_rules(settings: Settings, server: Settings, key_id: str, cache: Cache) -> Settings:
    """A request's settings with the key's rules joined to its lexicon (see lexicon_with_key_rules)."""
    server_lexicon = server.render.lexicon
    request_lexicon = settings.render.lexicon if settings.render.lexicon != server_lexicon else None
    lexicon = lexicon_with_key_rules(key_rules(cache, key_id), request_lexicon, server_lexicon, cache)
    return Settings(dataclasses.replace(settings.render, lexicon=lexicon), settings.service)


def lexicon_with_key_rules(
    key_rules: list[dict], request_lexicon: Path | None, server_lexicon: Path | None, cache: Cache
) -> Path | None:
    """The lexicon a key's render reads: the request's own rules, then the key's, then the server's.

    A request's inline lexicon replaces the server's (as without keys); earlier rules win, so
    what one request asks for beats the key's rules, and the key's beat the server's file. The
    file is stored by content, with a note of its parts beside it, so an editor can later swap
    the key's rules for new ones and keep the rest.
    """
    base = request_lexicon if request_lexicon is not None else server_lexicon
    if not key_rules:
        return base
    base_rules = _rules_of(base)
    rules = base_rules + key_rules if request_lexicon is not None else key_rules + base_rules
    path = _store_rules(rules, cache)
    parts = {"request": str(request_lexicon) if request_lexicon else None}
    note = path.with_suffix(".parts")
    if not note.exists():
        cache.write_atomic(note, json.dumps(parts).encode("utf-8"))
    return path


def request_lexicon_of(lexicon: Path | None, server_lexicon: Path | None, cache: Cache) -> Path | None:
    """The request's own lexicon inside a render's lexicon, as lexicon_with_key_rules made it (None: none)."""
    if lexicon is None or lexicon == server_lexicon:
        return None
    try:
        parts = json.loads(Path(lexicon).with_suffix(".parts").read_text("utf-8"))
        return Path(parts["request"]) if parts.get("request") else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        # No note: the key had no rules then, so the lexicon is the request's own (or the server's).
        return Path(lexicon) if Path(lexicon).is_relative_to(cache.root / "lexicons") else None


def _rules_of(path: Path | None) -> list[dict]:
    return [_rule_data(rule) for rule in Lexicon.load(path).rules] if path is not None else []


def _rule_data(rule: object) -> dict:
    """A rule as JSON, without the fields left at their defaults."""
    return {name: getattr(rule, name) for name in _RULE_FIELDS if getattr(rule, name) not in (None, False)}


def _store_rules(rules: list[dict], cache: Cache) -> Path:
    """Store checked rules by content in lexicons/, as inline lexicons are; return the file's path."""
    return store_lexicon(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode("utf-8"), cache)

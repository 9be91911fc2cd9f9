"""A client's JSON body in, a parsed value out, or a 400 that says what was wrong with it."""

from __future__ import annotations

import json
from typing import Any

from listen.errors import InputError

MAX_JSON_DEPTH = 8  # the deepest body we take is {"lexicon": [{"match": ...}]}


def parse_json(raw: bytes | str, what: str = "The body") -> Any:
    """Parse a JSON value from a client, refusing what would break us later.

    Python's parser recurses once per level, so deep nesting raises RecursionError;
    and a "\\ud800" escape yields a lone surrogate, which no encoder will write.
    Both are the client's mistake: a 400 that says so, not a 500.
    """
    try:
        data = json.loads(raw)
    except RecursionError:
        raise InputError(
            f'{what} is nested too deeply; send a flat JSON object like {{"text": "..."}}.'
        ) from None
    except ValueError as exc:
        raise InputError(f"{what} is not valid JSON ({exc}).") from None
    _check_json(data, what)
    return data


def _check_json(data: Any, what: str) -> None:
    """Walk a parsed value (without recursion) for nesting and strings that are not real Unicode."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputError(f'{what} is nested too deeply; send a flat JSON object like {{"text": "..."}}.')
        if isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise InputError(
                    f"{what} holds a lone surrogate (\\u{ord(value[exc.start]):04x}), half of a "
                    "UTF-16 pair; send whole characters."
                ) from None

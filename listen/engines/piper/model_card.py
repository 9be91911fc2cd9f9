"""A Piper voice's MODEL_CARD in; its dataset's licence and its speaker's gender out.

A model card is a short Markdown file beside each voice in the catalogue ("* License: ..."
under "## Dataset"). Cards rarely say a gender, so data/genders.txt keeps ours: one voice
(language code and name, as in `en_US-joe`) and its speaker's gender a line.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_LICENCE = re.compile(r"^\s*[*-]?\s*licen[cs]e\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_GENDER = re.compile(r"^\s*[*-]?\s*(?:gender|sex)\s*:\s*(female|male)\b", re.IGNORECASE | re.MULTILINE)
# Creative Commons licences are often given as their address: say them by name.
_CC = re.compile(r"creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/([\d.]+)", re.IGNORECASE)


def licence(card: str) -> str:
    """The dataset licence a model card names ("CC BY 4.0"), or "" when it names none."""
    found = _LICENCE.search(card)
    if not found:
        return ""
    text = found.group(1).strip()
    cc = _CC.search(text)
    if cc:
        kind, terms, version = cc.groups()
        if kind.lower() == "publicdomain":
            return f"CC0 {version}" if terms.lower() == "zero" else f"public domain ({terms})"
        return f"CC {terms.upper()} {version}"
    return text


def gender(card: str, voice: str) -> str:
    """A voice's gender ("female", "male") from its model card, else our list, else ""."""
    found = _GENDER.search(card)
    if found:
        return found.group(1).lower()
    return known_genders().get(_person(voice), "")


def _person(voice: str) -> str:
    """ "en_GB-alba-medium" -> "en_GB-alba": the speaker, whatever the quality."""
    parts = voice.split("#")[0].split("-")
    return "-".join(parts[:2]) if len(parts) >= 2 else voice


@lru_cache(maxsize=1)
def known_genders() -> dict[str, str]:
    """data/genders.txt: voice and gender, one a line ("#" starts a comment)."""
    out: dict[str, str] = {}
    text = (Path(__file__).parent / "data" / "genders.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        fields = line.split("#")[0].split()
        if len(fields) == 2:
            out[fields[0]] = fields[1]
    return out

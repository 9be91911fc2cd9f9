"""Output file names for `listen batch`: from each source alone, never from the order of the inputs.

A feed that gains a new first item, or inputs given in another order, must find every
output it wrote before under the same name, so a re-run skips what is up to date.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

__all__ = ["output_names"]

# Last path parts that say nothing about the story: `/2026/bolivia/index.html` is "bolivia".
_GENERIC_PARTS = {
    "index",
    "default",
    "home",
    "main",
    "article",
    "story",
    "post",
    "amp",
    "print",
    "content",
    "page",
    "view",
    "feed",
    "rss",
    "news",
    "en",
    "www",
}
_EXTENSIONS = re.compile(r"\.(txt|html?|shtml|php|aspx?|jsp|md|xml)$", re.I)


def output_names(sources: list[str]) -> dict[str, str]:
    """Name each source's output from the source alone, so a name never depends on the order of the inputs.

    The name is a slug of the source's path; sources whose slugs collide each get a short hash of
    their address as well, so no one of them takes the plain name by coming first.
    """
    slugs = {source: _slug(source) for source in dict.fromkeys(sources)}
    counts = Counter(slugs.values())
    return {
        source: slug if counts[slug] == 1 else f"{slug}-{hashlib.sha256(source.encode()).hexdigest()[:8]}"
        for source, slug in slugs.items()
    }


def _slug(source: str) -> str:
    """A file name from a path or URL: its most telling part, lower case, letters, digits and dashes."""
    if source == "-":
        return "stdin"
    match = re.match(r"^[a-z][a-z0-9+.-]*://([^/?#]*)([^?#]*)(?:\?([^#]*))?", source, re.I)
    if match:
        host, path, query = match.group(1), match.group(2), match.group(3) or ""
    else:
        host, path, query = "", source, ""
    parts = [_EXTENSIONS.sub("", p) for p in re.split(r"[/\\]+", path) if p and p not in (".", "..")]
    if query and (not parts or _slugify(parts[-1]) in _GENERIC_PARTS):  # /article.php?id=42, /?p=42
        return (
            _slugify(f"{parts[-1] if parts else host.removeprefix('www.')}-{query}")[:80].strip("-")
            or "article"
        )
    while parts and _slugify(parts[-1]) in _GENERIC_PARTS | {""}:
        parts.pop()
    name = parts[-1] if parts else ""
    if parts and re.fullmatch(r"\d+", _slugify(name)) and len(parts) > 1:
        name = f"{parts[-2]}-{name}"  # /story/123456 or /2026/05: a number alone says little
    name = _slugify(name) or _slugify(host.removeprefix("www.")) or "article"
    return name[:80].strip("-") or "article"


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

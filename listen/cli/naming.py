"""Output file names for `listen batch`: from each source alone, never from the order of the inputs.

A feed that gains a new first item, or inputs given in another order, must find every
output it wrote before under the same name, so a re-run skips what is up to date. An output
already in the folder from another source (the same article read from a file where a URL's
was) keeps its name: the newcomer gets one of its own.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

__all__ = ["output_names"]

MAX_NAME = 80  # characters of a slug, before any suffix

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


def output_names(sources: list[str], folder: Path | None = None) -> dict[str, str]:
    """Name each source's output from the source alone, so a name never depends on the order of the inputs.

    The name is a slug of the source's path; sources whose slugs collide each get a short hash of
    their address as well, so no one of them takes the plain name by coming first. In a `folder`
    that holds outputs already, a source keeps the plain name it wrote there before, and never
    takes one that another source wrote: nothing there is replaced unseen.
    """
    slugs = {source: _slug(source) for source in dict.fromkeys(sources)}
    counts = Counter(slugs.values())
    names = {}
    for source, slug in slugs.items():
        owner = _owner(folder, slug) if folder is not None else None
        own = _own_name(slug, source)
        if folder is not None and owner != source and _owner(folder, own) == source:
            names[source] = own  # named apart on an earlier run: it stays so
        else:
            plain = owner == source or (counts[slug] == 1 and owner is None)
            names[source] = slug if plain else own
    return names


def _owner(folder: Path, name: str) -> str | None:
    """The source of the output called `name` in `folder`, as its timings JSON gives it; None if there is none.

    An old output whose source cannot be read is taken as nobody's, as before.
    """
    try:
        owner = json.loads((folder / f"{name}.json").read_text("utf-8")).get("source")
    except (OSError, ValueError, AttributeError):
        return None
    return owner if isinstance(owner, str) and owner else None


def _own_name(name: str, source: str) -> str:
    return f"{name}-{hashlib.sha256(source.encode()).hexdigest()[:8]}"


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
            _shortened(_slugify(f"{parts[-1] if parts else host.removeprefix('www.')}-{query}")) or "article"
        )
    while parts and _slugify(parts[-1]) in _GENERIC_PARTS | {""}:
        parts.pop()
    name = parts[-1] if parts else ""
    if parts and re.fullmatch(r"\d+", _slugify(name)) and len(parts) > 1:
        name = f"{parts[-2]}-{name}"  # /story/123456 or /2026/05: a number alone says little
    name = _slugify(name) or _slugify(host.removeprefix("www.")) or "article"
    return _shortened(name) or "article"


def _shortened(slug: str) -> str:
    """A slug of at most MAX_NAME characters, cut between words where there is a break in its second half."""
    if len(slug) <= MAX_NAME:
        return slug
    cut = slug.rfind("-", 0, MAX_NAME + 1)
    return (slug[:cut] if cut >= MAX_NAME // 2 else slug[:MAX_NAME]).strip("-")


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

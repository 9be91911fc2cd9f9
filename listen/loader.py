"""Choosing how to read an input: a path, a URL or standard input; plain text or HTML."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import BinaryIO

from .article import Article
from .config import Settings
from .errors import InputError
from .fetch import fetch
from .plaintext import decode_text, from_text

__all__ = ["from_bytes", "from_url", "load"]


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(
        re.search(r"<(html|head|body|article|p|div)[\s>]", head)
    )


def from_url(url: str, settings: Settings) -> Article:
    """Fetch a page safely and extract its article."""
    page = fetch(url, settings.service)
    if page.is_feed:
        raise InputError(f"{url} is a feed or sitemap, not an article; convert its articles with `listen batch {url} -o DIR`.")
    if page.is_html:
        # trafilatura, lxml and readability take a third of a second to import; text never needs them.
        from .htmlpage import from_html

        return from_html(page.text, source=url, url=page.url, language=settings.render.language)
    return from_text(page.text, source=url, language=settings.render.language)


def from_bytes(data: bytes, source: str, settings: Settings) -> Article:
    """Read an article from raw bytes, sniffing HTML against plain text."""
    text = decode_text(data, source, settings.service.max_input_bytes)
    if _looks_like_html(text):
        from .htmlpage import from_html  # as in from_url: only HTML pays for the HTML readers

        return from_html(text, source=source, language=settings.render.language)
    return from_text(text, source=source, language=settings.render.language)


def load(source: str, settings: Settings, stdin: BinaryIO | None = None) -> Article:
    """Load an article from a path, a URL or '-' (standard input)."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        return from_url(source, settings)
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(settings.service.max_input_bytes + 1)
        return from_bytes(data, "standard input", settings)
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source} does not exist; check the path, or use - to read standard input.")
    if path.is_dir():
        raise InputError(f"{source} is a folder; give the path of an article file.")
    try:
        with path.open("rb") as f:
            data = f.read(settings.service.max_input_bytes + 1)
    except OSError as exc:
        raise InputError(f"{source} cannot be read ({exc.strerror}); check its permissions.") from None
    return from_bytes(data, source, settings)

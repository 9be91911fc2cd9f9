"""Choosing how to read an input: a path, a URL or standard input; plain text or HTML."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from listen.article import Article
from listen.config import Settings
from listen.errors import InputError, UpstreamError
from listen.reading.plaintext import decode_text, from_text, too_big

if TYPE_CHECKING:
    from listen.reading.fetch import Page

__all__ = [
    "address_in",
    "from_bytes",
    "from_html_text",
    "from_page",
    "from_pasted",
    "from_ssml_text",
    "from_url",
    "load",
    "looks_like_html",
]

# The start of an SSML document: <speak, after an XML declaration or comments.
# A DOCTYPE is matched too, so that the SSML reader refuses it rather than reading the text as an article.
_SSML_START = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>\s*)?"
    r"(?:<!--.*?-->\s*)*<speak[\s>/]",
    re.S,
)


def looks_like_ssml(text: str) -> bool:
    """Tell whether a text is an SSML document: it starts with <speak (after an XML declaration)."""
    return bool(_SSML_START.match(text[:20_000]))


# Comments and an XML declaration a saved page may start with ("<!-- saved from url=... -->").
_PROLOGUE = re.compile(r"^(?:\s+|<!--.*?-->|<\?xml[^>]*>)+", re.S)


def looks_like_html(text: str) -> bool:
    """Tell whether a text is an HTML document or fragment rather than an article's words.

    A document starts with a doctype or one of the document's tags; a fragment
    starts with a tag and goes on with more of them. Plain text that only
    mentions a tag ("the <b> element") is text.
    """
    head = _PROLOGUE.sub("", text.lstrip("\ufeff")[:4000]).lower()
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<meta", "<title")):
        return True
    if re.search(r"<(html|head|body)[\s>]", head):
        return True
    blocks = re.findall(
        r"</?(?:p|div|article|section|main|h[1-6]|ul|ol|li|br|span|a|figure|header|table)[\s/>]", head
    )
    return head.startswith("<") and len(blocks) >= 3


# One web address alone, without a scheme: a host name with a dot (or an IP address), an optional
# port, and a path. "www." or a path makes it an address; "Node.js" or "e.g." alone is not one.
_HOST = r"(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}|\d{1,3}(?:\.\d{1,3}){3})"
_BARE_ADDRESS = re.compile(rf"^(www\.)?{_HOST}(:\d{{1,5}})?(?P<path>[/?#]\S*)?$", re.I)
_SCHEME = re.compile(r"^https?://\S+$", re.I)


def address_in(text: str) -> str | None:
    """Return the URL when a text is a single web address, with or without its scheme."""
    candidate = text.strip()
    if not candidate or len(candidate) > 2000 or any(ch.isspace() for ch in candidate):
        return None
    if _SCHEME.match(candidate):
        return candidate
    found = _BARE_ADDRESS.match(candidate)
    if found and (found.group(1) or found.group("path")):
        return candidate
    return None


def from_url(url: str, settings: Settings) -> Article:
    """Fetch a page safely and extract its article.

    An address without a scheme ("www.bbc.co.uk/news/x") is tried over https,
    then over http when https cannot connect, as a browser does.
    """
    # Imported here: a file or text input need not pay for http.client and ssl (30 ms a command).
    from listen.reading.fetch import fetch

    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url):
        try:
            page = fetch("https://" + url, settings.service)
        except UpstreamError as first:
            try:
                page = fetch("http://" + url, settings.service)
            except UpstreamError:
                raise first from None
        url = page.url
    else:
        page = fetch(url, settings.service)
    return from_page(page, url, settings)


def from_page(page: Page, url: str, settings: Settings) -> Article:
    """Extract the article of a fetched page (`url` is the address it was asked for, its source)."""
    if page.is_feed:
        raise InputError(
            f"{url} is a feed or sitemap, not an article; convert its articles with `listen batch {url} -o DIR`."
        )
    if page.is_html:
        # trafilatura, lxml and readability take a third of a second to import; text never needs them.
        from listen.reading.htmlpage import from_html

        return from_html(page.text, source=url, url=page.url, language=settings.render.language)
    return from_text(page.text, source=url, language=settings.render.language)


def from_bytes(data: bytes, source: str, settings: Settings) -> Article:
    """Read an article from raw bytes, sniffing HTML against plain text."""
    return from_pasted(decode_text(data, source, settings.service.max_input_bytes), settings, source)


def from_pasted(text: str, settings: Settings, source: str = "") -> Article:
    """Read whatever a reader pasted or piped in: a web address, an HTML page, or an article's text."""
    address = address_in(text)
    if address:
        return from_url(address, settings)
    if looks_like_ssml(text):
        return from_ssml_text(text, settings, source)
    if looks_like_html(text):
        from listen.reading.htmlpage import from_html  # as in from_url: only HTML pays for the HTML readers

        return from_html(text, source=source, language=settings.render.language)
    return from_text(text, source=source, language=settings.render.language)


def from_html_text(text: str, settings: Settings, source: str = "") -> Article:
    """Read an article from HTML given as text: no sniffing, the caller knows it is HTML."""
    from listen.reading.htmlpage import from_html  # as in from_url: only HTML pays for the HTML readers

    return from_html(text, source=source, language=settings.render.language)


def from_ssml_text(text: str, settings: Settings, source: str = "") -> Article:
    """Read an article from an SSML document: no sniffing, the caller knows it is SSML."""
    from listen.reading.ssml import from_ssml  # lxml: only SSML pays for it

    return from_ssml(text, source=source, language=settings.render.language)


def load(source: str, settings: Settings, stdin: BinaryIO | None = None) -> Article:
    """Load an article from a path, a URL or '-' (standard input)."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        return from_url(source, settings)
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_limited(stream, "standard input", settings.service.max_input_bytes)
        return from_bytes(data, "standard input", settings)
    path = Path(source)
    if not path.exists() and address_in(source):
        return from_url(source.strip(), settings)
    if not path.exists():
        raise InputError(f"{source} does not exist; check the path, or use - to read standard input.")
    if path.is_dir():
        raise InputError(f"{source} is a folder; give the path of an article file.")
    try:
        with path.open("rb") as f:
            data = _read_limited(f, source, settings.service.max_input_bytes)
    except OSError as exc:
        raise InputError(f"{source} cannot be read ({exc.strerror}); check its permissions.") from None
    if path.suffix.lower() == ".ssml":
        return from_ssml_text(decode_text(data, source, settings.service.max_input_bytes), settings, source)
    return from_bytes(data, source, settings)


def _read_limited(stream: BinaryIO, name: str, max_bytes: int) -> bytes:
    """Read a whole input, or say how big it really is when it is over the limit.

    Only the first max_bytes + 1 bytes are kept; the rest is counted (up to a hundred
    times the limit, so an endless stream still ends) to report its real size.
    """
    data = stream.read(max_bytes + 1)
    if len(data) <= max_bytes:
        return data
    size, cap = len(data), 100 * max_bytes
    while size <= cap:
        block = stream.read(1 << 20)
        if not block:
            raise too_big(name, size, max_bytes)
        size += len(block)
    raise too_big(name, cap, max_bytes, more=True)

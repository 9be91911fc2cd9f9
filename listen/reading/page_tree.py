"""An HTML page's tree: HTML text in, a parsed lxml tree out.

Also the small readings of a tree or text that every extraction step shares:
lines, word counts, the page's headings.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from listen.errors import InputError
from listen.text.wordlists import word_list

__all__ = [
    "LIST_MARK",
    "PARSER",
    "copy_tree",
    "heading_texts",
    "links_off_site",
    "name_parts",
    "page_host",
    "parse_page",
    "split_lines",
    "total_words",
    "word_count",
]

LIST_MARK = re.compile(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+")
PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def parse_page(html: str, source: str) -> etree._Element:
    """Parse HTML leniently; refuse input that has no document in it."""
    if not html or not html.strip():
        raise InputError(f"{source or 'The page'} is empty; give an HTML page with an article in it.")
    try:
        # lxml refuses str with an encoding declaration; bytes let it honour the meta tag.
        tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=PARSER)
    except (etree.ParserError, ValueError):
        tree = None
    if tree is None:
        raise InputError(f"{source or 'The page'} is not readable HTML; save the page again and retry.")
    return tree


def copy_tree(tree: etree._Element) -> etree._Element:
    """Return a copy of a page's tree to edit."""
    # trafilatura edits the tree it is given; we still need the original.
    return lxml.html.document_fromstring(etree.tostring(tree), parser=PARSER)


def heading_texts(tree: etree._Element) -> set[str]:
    """Return the texts of the page's h2-h4 headings, lower case."""
    return {
        " ".join(h.text_content().split()).lower()
        for h in tree.xpath("//body//*[self::h2 or self::h3 or self::h4]")
    }


def word_count(element: etree._Element) -> int:
    """Count the words in an element's text."""
    return len(element.text_content().split())


def total_words(paragraphs: list[str]) -> int:
    """Count the words in paragraphs."""
    return sum(len(p.split()) for p in paragraphs)


def split_lines(text: str) -> list[str]:
    """Split extracted text into paragraphs, dropping list bullets and blank lines."""
    out = []
    for line in text.split("\n"):
        line = " ".join(LIST_MARK.sub("", line).split())
        if line:
            out.append(line)
    return out


def page_host(tree: etree._Element) -> str:
    """The page's own host, from its canonical or og:url address ("" when it names none)."""
    for address in tree.xpath(
        "//head/link[@rel='canonical']/@href | //head/meta[@property='og:url']/@content"
    ):
        host = urlsplit(str(address).strip()).hostname or ""
        if host:
            return host.removeprefix("www.")
    return ""


def links_off_site(link: etree._Element, host: str) -> bool:
    """Tell whether a link leads to another site: a shop behind a product line, not a story of ours.

    An affiliate link says so (rel="sponsored"); otherwise its host differs from the page's own.
    A link to a social network or an app store is never a shop's (data/social_hosts.txt).
    """
    target = urlsplit((link.get("href") or "").strip())
    there = (target.hostname or "").removeprefix("www.")
    if any(there == social or there.endswith("." + social) for social in _SOCIAL_HOSTS):
        return False
    if "sponsored" in (link.get("rel") or "").lower().split():
        return True
    if not host or target.scheme not in ("http", "https") or not there:
        return False
    return there != host and not there.endswith("." + host) and not host.endswith("." + there)


_SOCIAL_HOSTS = word_list("listen.reading", "social_hosts.txt")


_PART_EDGE = re.compile(r"[-_\s:.]+|(?<=[a-z])(?=[A-Z])")


def name_parts(element: etree._Element) -> frozenset[str]:
    """The words of an element's class and id names, lower case, with each two neighbours joined too.

    "wp-caption-text" gives wp, caption, text; "dont-miss-box" also gives dontmiss;
    "personCard" gives person and card. A custom element's tag counts too ("entity-hovercard").
    """
    tag = element.tag if isinstance(element.tag, str) and "-" in element.tag else ""
    return _parts_of(element.get("class") or "", element.get("id") or "", tag)


@cache
def _parts_of(classes: str, ids: str, tag: str) -> frozenset[str]:
    # Cached: a page repeats the same few class names on thousands of elements.
    parts: set[str] = set()
    for name in classes.split() + ids.split() + tag.split():
        words = [w.lower() for w in _PART_EDGE.split(name) if w]
        parts.update(words)
        parts.update(a + b for a, b in itertools.pairwise(words))
    return frozenset(parts)

"""Extract the article from an HTML page: metadata plus body paragraphs, without furniture.

trafilatura does the heavy lifting; readability-lxml is a second opinion when
trafilatura finds nothing or much less than readability does. Then the shared
rules in boilerplate.py drop what both let through (player labels, "Read
more" links, print notes, author bios, comment and fact-check sections).
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from . import boilerplate
from .article import Article
from .errors import InputError

__all__ = ["article_from_html", "body_paragraphs"]

# Page parts that are never the article, removed before trafilatura sees the page.
# Class and id tokens are matched as whole words of the attribute, so "ad" does not hit "header".
_FURNITURE_TOKENS = [
    "share",
    "sharing",
    "social",
    "share-bar",
    "sharedaddy",
    "newsletter",
    "newsletter-signup",
    "related",
    "jp-relatedposts",
    "recirculation",
    "most-read",
    "most-popular",
    "comments",
    "comment-list",
    "comment-respond",
    "audio-widget",
    "audio-player",
    "article-audio",
    "listen",
    "tts",
    "caption",
    "credit",
    "figcaption",
    "ad-slot",
    "advert",
    "advertisement",
    "ad-label",
    "promo",
    "fact-check",
    "factcheck",
    "author-bio",
    "author-box",
    "tags",
    "breadcrumbs",
    "breadcrumb",
    "subscribe",
    "subscription",
    "paywall",
    "cookie-banner",
    "pullquote",
    "pull-quote",
    "inline-related",
]
_FURNITURE_XPATH = (
    ["//figure", "//figcaption", "//nav", "//form", "//aside", "//noscript", "//button"]
    + [f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {t} ')]" for t in _FURNITURE_TOKENS]
    + [f"//*[@id='{t}']" for t in _FURNITURE_TOKENS]
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—:·•»]|-{1,2}|::)\s+")
_BYLINE_IN_TEXT = re.compile(
    r"(?:^|[|·•]\s*|\s)(?:[Bb]y|[Vv]on|[Pp]ar|[Pp]or)\s+"
    r"((?:[A-ZÀ-Þ][\w'’.-]+)(?:\s+(?:[A-ZÀ-Þ][\w'’.-]+|de|van|von|da|di|le|la)){1,3})"
)
_LIST_MARK = re.compile(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+")


def article_from_html(
    html: str, source: str = "", url: str | None = None, language: str | None = None
) -> Article:
    """Extract title, byline, date, site name, language and body paragraphs from a page."""
    tree = _parse(html, source)
    doc = _trafilatura(tree, url)
    metadata = _metadata(tree, doc)
    paragraphs = body_paragraphs(tree, doc, metadata)
    if not paragraphs:
        raise InputError(
            f"{source or 'The page'} has no article text we can find; give the page of one article "
            "(not a front page, search page or login page), or paste the article's text."
        )
    lang = language or _page_language(tree) or (doc.language if doc else None) or _detect(paragraphs)
    extra = {k: v for k, v in (("url", url or ""), ("description", metadata["description"])) if v}
    return Article(
        paragraphs=paragraphs,
        title=metadata["title"],
        byline=metadata["byline"],
        date=metadata["date"],
        site_name=metadata["site_name"],
        language=lang or "en",
        source=source or url or "",
        extra=extra,
    )


def _parse(html: str, source: str) -> etree._Element:
    """Parse HTML leniently; refuse input that has no document in it."""
    if not html or not html.strip():
        raise InputError(f"{source or 'The page'} is empty; give an HTML page with an article in it.")
    try:
        # lxml refuses str with an encoding declaration; bytes let it honour the meta tag.
        tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        tree = None
    if tree is None:
        raise InputError(f"{source or 'The page'} is not readable HTML; save the page again and retry.")
    return tree


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def _trafilatura(tree: etree._Element, url: str | None):
    """Run trafilatura on a pruned copy of the page; None when it finds nothing."""
    return trafilatura.bare_extraction(
        _copy(tree),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        prune_xpath=_FURNITURE_XPATH,
    )


def _copy(tree: etree._Element) -> etree._Element:
    # trafilatura edits the tree it is given; we still need the original.
    return lxml.html.document_fromstring(etree.tostring(tree), parser=_PARSER)


def body_paragraphs(tree: etree._Element, doc, metadata: dict[str, Any]) -> list[str]:
    """Return the body paragraphs: trafilatura's, or readability's when it finds clearly more."""
    ours = _lines(doc.text) if doc is not None and doc.text else []
    second = _readability_paragraphs(tree) if _unsure(ours) else []
    if _words(second) > max(80, 1.5 * _words(ours)):
        ours = second
    return boilerplate.clean_paragraphs(
        ours,
        title=metadata["title"],
        description=metadata["description"],
        authors=metadata["authors"],
    )


def _unsure(paragraphs: list[str]) -> bool:
    """Tell whether trafilatura's result is thin enough to ask readability too."""
    return len(paragraphs) < 4 or _words(paragraphs) < 150


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _lines(text: str) -> list[str]:
    """Split extracted text into paragraphs, dropping list bullets and blank lines."""
    out = []
    for line in text.split("\n"):
        line = " ".join(_LIST_MARK.sub("", line).split())
        if line:
            out.append(line)
    return out


def _readability_paragraphs(tree: etree._Element) -> list[str]:
    """Ask readability-lxml for the main content and split it into paragraphs."""
    from readability import Document

    try:
        summary = Document(etree.tostring(tree, encoding="unicode")).summary(html_partial=True)
    except Exception:  # readability raises bare Exceptions on odd pages; it is only a second opinion
        return []
    root = lxml.html.fragment_fromstring(summary, create_parent="div")
    for bad in root.xpath(
        "//figure | //figcaption | //table | //aside | //nav | //form | //script | //style"
    ):
        bad.drop_tree()
    for br in root.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    blocks = root.xpath("//p | //h2 | //h3 | //h4 | //li | //blockquote[not(.//p)]")
    text = "\n".join(b.text_content() for b in blocks) if blocks else root.text_content()
    return _lines(text)


# Metadata -------------------------------------------------------------------


def _metadata(tree: etree._Element, doc) -> dict[str, Any]:
    """Collect title, byline, authors, date, site name and description."""
    authors = _split_authors(doc.author if doc is not None and doc.author else "") or _byline_from_text(tree)
    return {
        "title": _title(tree, doc),
        "authors": authors,
        "byline": _join_names(authors),
        "date": (doc.date or "") if doc is not None else "",
        "site_name": ((doc.sitename or "") if doc is not None else "").strip(),
        "description": _meta(tree, "og:description") or _meta(tree, "description"),
    }


def _meta(tree: etree._Element, name: str) -> str:
    found = tree.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")
    return " ".join(found[0].split()) if found else ""


def _title(tree: etree._Element, doc) -> str:
    """Prefer the page's own headline over a <title> that carries the site's name."""
    site = ((doc.sitename or "") if doc is not None else "").strip()
    for candidate in (_meta(tree, "og:title"), _first_text(tree, "//h1")):
        if candidate:
            return _without_site(candidate, site)
    page_title = _first_text(tree, "//title")
    found = (doc.title or "") if doc is not None else ""
    if page_title and (not found or found in page_title):
        # "Site - Section - Headline": the headline is the longest piece.
        pieces = _TITLE_SEPARATORS.split(page_title)
        return max(pieces, key=len).strip()
    return found


def _without_site(title: str, site: str) -> str:
    """Drop a trailing " | Site Name" that some pages put in og:title too."""
    pieces = _TITLE_SEPARATORS.split(title)
    if site and len(pieces) > 1 and _TITLE_SEPARATORS.sub(" ", site) == pieces[-1].strip():
        return title[: title.rfind(pieces[-1])].rstrip(" |–—:·•»-")
    return title


def _first_text(tree: etree._Element, xpath: str) -> str:
    for element in tree.xpath(xpath):
        text = " ".join(element.text_content().split())
        if text:
            return text
    return ""


def _split_authors(raw: str) -> list[str]:
    names = [" ".join(n.split()) for n in re.split(r";|\band\b|&", raw)]
    return [n for n in names if n]


def _join_names(names: list[str]) -> str:
    """Join names as a reader says them: "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _byline_from_text(tree: etree._Element) -> list[str]:
    """Find a "By Jane Doe" line near the top of the page when no metadata names the author."""
    for node in tree.xpath("//body//text()")[:400]:
        text = " ".join(str(node).split())
        if not text or len(text) > 160:
            continue
        found = _BYLINE_IN_TEXT.search(text)
        if found:
            return [found.group(1).rstrip(".,")]
    return []


def _page_language(tree: etree._Element) -> str:
    """Read the page's declared language ("en-GB" -> "en")."""
    for value in tree.xpath("/html/@lang | /html/@xml:lang") + [_meta(tree, "og:locale")]:
        code = str(value).strip().replace("_", "-").split("-")[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", code):
            return code
    return ""


def _detect(paragraphs: list[str]) -> str:
    """Guess the language from the text, if the language module is available."""
    try:
        from .language import detect_language
    except ImportError:
        return ""
    try:
        return detect_language(" ".join(paragraphs)[:5000], None) or ""
    except Exception:  # detection is a best guess; never fail an article over it
        return ""

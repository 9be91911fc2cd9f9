"""Page metadata: an HTML page's title, byline, site name, date, description and language.

Read from the page's meta tags and markup, and from trafilatura's findings; the
body is body.py's business.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from listen.reading import boilerplate
from listen.text.months import spellings_of_month

__all__ = ["TITLE_SEPARATORS", "first_text", "meta_content", "page_language", "page_metadata"]

TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—:·•»]|-{1,2}|::)\s+")
_BYLINE_IN_TEXT = re.compile(
    r"(?:^|[|·•]\s*|\s)(?:[Bb]y|[Vv]on|[Pp]ar|[Pp]or)\s+"
    r"((?:[A-ZÀ-Þ][\w'’.-]+)(?:\s+(?:[A-ZÀ-Þ][\w'’.-]+|de|van|von|da|di|le|la)){1,3})"
)


def page_metadata(tree: etree._Element, doc) -> dict[str, Any]:
    """Collect title, byline, authors, date, site name and description (and every description the page gives)."""
    site = ((doc.sitename or "") if doc is not None else "").strip()
    authors = _split_authors(doc.author if doc is not None and doc.author else "") or _byline_from_text(tree)
    # "Katrin Elger, DER SPIEGEL": the publisher is not an author to read out.
    authors = [a for a in authors if _plain_name(a) not in (_plain_name(site), "")] or authors
    title = _title(tree, doc)
    description = meta_content(tree, "og:description") or meta_content(tree, "description")
    descriptions = [description, meta_content(tree, "description"), meta_content(tree, "twitter:description")]
    return {
        "title": title,
        "authors": authors,
        "byline": _join_names(authors),
        "date": _stated_date((doc.date or "") if doc is not None else "", tree) or _dateline(tree),
        "site_name": site,
        "description": description,
        "descriptions": descriptions,
    }


_PIECES = re.compile(r"\s*(?:[|·•]|\s[–—-]\s)\s*")
_BY_NAME = re.compile(r"^(?:by|von|par|por)\s+[^,]{1,60},\s*", re.I)


def _dateline(tree: etree._Element) -> str:
    """Find a dateline near the top of the page: "Posted: Friday, 18 October 2024 | By ...",
    "By Gwen Ashby, 2 April 2025". A date inside a sentence is not one, nor is an update stamp."""
    for node in tree.xpath("//body//text()[normalize-space()]")[:300]:
        text = " ".join(str(node).split())
        if len(text) > 160:
            continue
        for piece in _PIECES.split(text):
            piece = _BY_NAME.sub("", piece)
            if re.match(r"(last )?(updated|modified)\b", piece, re.I) or not boilerplate.is_date_line(piece):
                continue
            found = boilerplate.date_in(piece)
            if found:
                return found
    return ""


def _stated_date(date: str, tree: etree._Element) -> str:
    """Keep a date only when the page states that day.

    htmldate turns a bare year ("Copyright 2024") into 1 January and a month
    into its first day; a publication date of the 1st must be written on the
    page (a meta tag, JSON-LD, a time element, a dateline) to count.
    """
    if not re.fullmatch(r"\d{4}-\d{2}-01", date):
        return date
    year, month = date[:4], int(date[5:7])
    page = etree.tostring(tree, encoding="unicode").lower()
    names = "|".join(spellings_of_month(month))
    stated = (
        rf"{year}-{month:02d}-01|{year}/{month:02d}/01|\b0?1[./]0?{month}[./]{year}|\b0?{month}/0?1/{year}"
        rf"|\b0?1(st|er|\.)?\s+(de\s+)?({names})\w*\.?,?\s+(de\s+)?{year}|\b({names})\w*\.?\s+0?1(st)?,?\s+{year}"
    )
    return date if re.search(stated, page) else ""


def meta_content(tree: etree._Element, name: str) -> str:
    found = tree.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")
    return " ".join(found[0].split()) if found else ""


def _title(tree: etree._Element, doc) -> str:
    """Prefer the page's own headline over a <title> that carries the site's name."""
    site = ((doc.sitename or "") if doc is not None else "").strip()
    for candidate in (meta_content(tree, "og:title"), first_text(tree, "//h1")):
        if candidate:
            return _without_site(candidate, site)
    page_title = first_text(tree, "//title")
    found = (doc.title or "") if doc is not None else ""
    if page_title and (not found or found in page_title):
        # "Site - Section - Headline": the headline is the longest piece.
        pieces = TITLE_SEPARATORS.split(page_title)
        return max(pieces, key=len).strip()
    return found


def _without_site(title: str, site: str) -> str:
    """Drop a trailing " | Site Name" that some pages put in og:title too."""
    pieces = TITLE_SEPARATORS.split(title)
    if site and len(pieces) > 1 and TITLE_SEPARATORS.sub(" ", site) == pieces[-1].strip():
        return title[: title.rfind(pieces[-1])].rstrip(" |–—:·•»-")
    return title


def first_text(tree: etree._Element, xpath: str) -> str:
    for element in tree.xpath(xpath):
        text = " ".join(element.text_content().split())
        if text:
            return text
    return ""


def _split_authors(raw: str) -> list[str]:
    names = [" ".join(n.split()) for n in re.split(r";|\band\b|&", raw)]
    return [n for n in names if n]


def _plain_name(name: str) -> str:
    return re.sub(r"^the\s+", "", " ".join(name.lower().split()))


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


def page_language(tree: etree._Element) -> str:
    """Read the page's declared language tag ("en_GB" -> "en-gb"); its region is kept.

    The region matters: British English keeps "and" in its numbers, and a region's voice
    is preferred. language.detect_language keeps a region and drops other subtags ("zh-Hant").
    """
    for value in [*tree.xpath("/html/@lang | /html/@xml:lang"), meta_content(tree, "og:locale")]:
        tag = str(value).strip().replace("_", "-").lower()
        if re.fullmatch(r"[a-z]{2,3}", tag.split("-")[0]):
            return tag
    return ""

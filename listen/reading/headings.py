"""A page's headings: the tree in; out, the headline texts and standfirst of its header, and
the body's paragraphs with the subheadings trafilatura dropped put back."""

from __future__ import annotations

import re

from lxml import etree

from listen.reading import boilerplate
from listen.reading.cleaned_page import is_media_box, lists_headings
from listen.reading.metadata import TITLE_SEPARATORS, first_text, meta_content
from listen.reading.page_tree import LIST_MARK, heading_texts

__all__ = ["header_texts", "restore_headings"]

_STANDFIRST_HINT = re.compile(
    r"sub-?head|dek|standfirst|summary|description|excerpt|lede|lead|intro|teaser|subtitle|strapline|chapo|deck",
    re.I,
)


def _element_with_text(tree: etree._Element, text: str) -> etree._Element | None:
    """Find the largest element whose whole text is the given text (compared loosely)."""
    key = boilerplate.plain(text)
    start = key.split()[0] if key else ""
    if not start:
        return None
    found = None
    for node in tree.xpath("//body//text()[normalize-space()]"):
        if not boilerplate.plain(str(node)).startswith(start):
            continue
        element = node.getparent()
        while element is not None and element.tag != "body":
            own = boilerplate.plain(element.text_content())
            if own == key:
                found = element
            elif len(own) > len(key):
                break
            element = element.getparent()
        if found is not None:
            return found
    return None


def _shown_as_standfirst(element: etree._Element) -> bool:
    for box in [element, *element.iterancestors()][:3]:
        marks = " ".join(
            [box.get("class") or "", box.get("id") or ""]
            + [f"{k} {v}" for k, v in box.attrib.items() if k.startswith("data-")]
        )
        if box.tag in ("h2", "h3", "h4", "header") or _STANDFIRST_HINT.search(marks):
            return True
    return bool(element.xpath("ancestor::header"))


def header_texts(tree: etree._Element, title: str, descriptions: list[str]) -> tuple[list[str], str]:
    """Return the page's headline texts, and its standfirst when the page shows one.

    A meta description is often a copy of the first body paragraph, so it only
    counts as a standfirst when the page shows it as a heading, in a header,
    or in a box whose class or data attributes name a standfirst.
    """
    headlines = [title, meta_content(tree, "og:title"), meta_content(tree, "twitter:title")]
    # Only the first <h1>: some platforms (Medium) mark the story's own subheadings up as <h1> too.
    headlines.append(first_text(tree, "//body//h1"))
    page_title = first_text(tree, "//head/title")
    if page_title:
        headlines.append(page_title)
        headlines += [piece for piece in TITLE_SEPARATORS.split(page_title) if len(piece.split()) >= 4]
    standfirst = ""
    for description in dict.fromkeys(d for d in descriptions if d):
        element = _element_with_text(tree, description)
        if element is not None and _shown_as_standfirst(element):
            standfirst = description
            headlines.append(description)
            break
    return [h for h in headlines if h], standfirst


def restore_headings(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Put back subheadings trafilatura dropped (it loses some, e.g. in live-blog posts).

    A heading comes back only right before the paragraph that follows it on
    the page, and only when both sit in the same small block (a post or a
    section), so sidebar and footer headings stay out.
    """
    paragraphs = list(paragraphs)
    where = {p: i for i, p in enumerate(paragraphs)}
    plain = {_heading_key(p): i for i, p in enumerate(paragraphs)}
    headings = heading_texts(tree)
    inserts = []
    for heading in tree.xpath(_SUBHEADINGS):
        text = " ".join(heading.text_content().split())
        if not text or text in where or len(text.split()) > 20 or _is_furniture(text):
            continue
        if any(is_media_box(box) for box in heading.iterancestors()):
            continue
        if _heads_dropped_list(heading, where, headings):
            continue
        key = _heading_key(text)
        if key in plain:
            # Already there without its numbering ("1. Costs" came out as "Costs"): put the number back.
            if LIST_MARK.match(text):
                paragraphs[plain[key]] = text
            continue
        following = heading.xpath("following::p[1]")
        if not following or not _close_kin(heading, following[0]):
            continue
        at = where.get(" ".join(following[0].text_content().split()))
        if at is not None and (at == 0 or _heading_key(paragraphs[at - 1]) != key):
            inserts.append((at, text))
    for at, text in sorted(inserts, reverse=True):
        paragraphs = [*paragraphs[:at], text, *paragraphs[at:]]
    return paragraphs


def _heads_dropped_list(heading: etree._Element, kept: dict[str, int], headings: set[str]) -> bool:
    """Tell whether a heading titles a list that is not in the body (a summary box we dropped)."""
    after = heading.getnext()
    if after is None or after.tag not in ("ul", "ol"):
        return False
    items = [" ".join(li.text_content().split()) for li in after.xpath("./li")]
    return bool(items) and (not any(item in kept for item in items) or lists_headings(after, headings))


def _heading_key(text: str) -> str:
    """Compare headings without list numbering, punctuation or case ("1. Costs:" is "costs")."""
    return " ".join(re.sub(r"\W+", " ", _NUMBERING.sub("", text)).lower().split())


_NUMBERING = re.compile(r"^\s*(?:[-•*]|\(?\d{1,3}[.):]|\d{1,3}\s*[-–—]|[IVXivx]{1,5}[.)]|[A-Za-z][.)])\s+")

_SUBHEADINGS = "//body//*[self::h2 or self::h3][not(ancestor::aside or ancestor::nav or ancestor::footer or ancestor::figure or ancestor::form)]"


def _is_furniture(line: str) -> bool:
    # A "Related" heading put back mid-article would cut the body short there.
    return boilerplate.is_label(line) or boilerplate.is_tail_marker(line)


def _close_kin(heading: etree._Element, paragraph: etree._Element) -> bool:
    """Tell whether a paragraph sits within two levels of its heading's parent block."""
    block = heading.getparent()
    for _ in range(2):
        if block is None:
            return False
        if paragraph in block.iterdescendants():
            return True
        block = block.getparent()
    return block is not None and paragraph in block.iterdescendants()

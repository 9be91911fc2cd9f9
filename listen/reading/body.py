"""Body choice: a page's tree (and trafilatura's reading of it) in, the article's body paragraphs out.

trafilatura does the heavy lifting on a cleaned copy of the page (cleaned_page.py);
readability-lxml is a second opinion when trafilatura finds nothing or much less than
readability does, and a body the page carries in its JSON-LD or a script
(embedded_body.py) wins when it holds the same text and clearly more of it (pages that
show a truncated body and load the rest with a script). A body split into blocks around
boxes is read block by block (split_body.py). Then the shared rules in boilerplate.py drop
what all of them let through (player labels, "Read more" links, print notes, credits,
author bios, contact lines, comment and fact-check sections), and lines that stand above
the headline (a slogan) go. A page with text but none of these finds is read from its
largest block of prose rather than refused.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import set_date_params

from listen.reading import boilerplate
from listen.reading.cleaned_page import clean_page, drop_furniture
from listen.reading.embedded_body import json_ld_body, script_body, split_like
from listen.reading.headings import restore_headings
from listen.reading.page_tree import (
    copy_tree,
    heading_texts,
    links_off_site,
    page_host,
    split_lines,
    total_words,
    word_count,
)
from listen.reading.split_body import with_every_block

__all__ = ["body_paragraphs", "trafilatura_doc"]


def trafilatura_doc(tree: etree._Element, url: str | None):
    """Run trafilatura on a pruned copy of the page; None when it finds nothing."""
    try:
        return trafilatura.bare_extraction(
            clean_page(copy_tree(tree)),
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            # Dates only from the page's markup: the extensive search takes most of the time on a big
            # page and turns a "Copyright 2024" into 1 January. metadata.py looks for a dateline itself.
            date_extraction_params=set_date_params(False),
        )
    except Exception:  # an odd page can trip it up; readability and the fallbacks still read the page
        return None


def body_paragraphs(tree: etree._Element, doc, metadata: dict[str, Any]) -> list[str]:
    """Return the body paragraphs: trafilatura's, or readability's when it finds clearly more,
    or the JSON-LD articleBody when it is a fuller copy of the same text."""
    found = split_lines(doc.text) if doc is not None and doc.text else []
    ours = restore_headings(with_every_block(found, tree), tree) if found else []
    second = _readability_paragraphs(tree) if _unsure(ours) else []
    if total_words(second) > max(_FEW_WORDS, 1.5 * total_words(ours)):
        ours = second
    # trafilatura may itself fall back on the JSON-LD body, or the page's text, as one long line.
    ours = _without_masthead(_clean(_without_links(_resplit(ours, tree), tree), metadata), tree)
    fuller = _with_json_ld(ours, tree)
    if fuller is not ours:
        ours = _clean(_resplit(fuller, tree), metadata)
    if total_words(ours) < _FEW_WORDS:
        # Never refuse a page that has text: take its largest block of prose.
        block = _clean(_largest_block(tree), metadata)
        if not block:
            # Some pages keep their only copy of the text in <noscript> or an <aside>.
            block = _clean(_largest_block(tree, keep=_HIDING_TAGS), metadata)
        if total_words(block) > total_words(ours):
            ours = block
    return ours


_HIDING_TAGS = frozenset(["noscript", "aside"])


def _without_links(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Drop short lines that are only the text of a link (menu entries and teasers
    that a table layout or a bare page let through: "Home", "News"), or a name
    repeated on the page (an author line on every post)."""
    links = {
        " ".join(a.text_content().split())
        for a in tree.xpath("//body//a[not(ancestor::h1 or ancestor::h2 or ancestor::h3 or ancestor::h4)]")
    }
    repeated = _repeated_short_texts(tree)
    # A line that links to another site is a product in a shopping post ("Pell Clip lamp"), not a menu.
    host = page_host(tree)
    links -= {" ".join(a.text_content().split()) for a in tree.xpath("//body//a") if links_off_site(a, host)}
    headings = heading_texts(tree)
    return [
        p
        for p in paragraphs
        if len(p.split()) > _LINK_LINE_WORDS
        # A subheading may be repeated by a table of contents; it is still the story's.
        or p.lower() in headings
        or (p not in links and not (p in repeated and boilerplate.is_name(p)))
    ]


def _without_masthead(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Drop opening lines that stand before the headline on the page: the site's slogan, a section
    name, a kicker. The story starts under its headline."""
    headline = tree.xpath("(//body//h1)[1]")
    if not headline or not paragraphs:
        return paragraphs
    above = {
        boilerplate.plain(element.text_content())
        for element in headline[0].xpath(
            "preceding::*[self::p or self::div or self::span or self::a or self::li]"
        )
        if word_count(element) <= _MASTHEAD_WORDS
    }
    head = [p for p in paragraphs[:_MASTHEAD_REACH] if boilerplate.plain(p) not in above]
    return head + paragraphs[_MASTHEAD_REACH:]


# A masthead line is short ("Shining a light on Britain since 1921"), and near the top.
_MASTHEAD_WORDS = 20
_MASTHEAD_REACH = 3


def _repeated_short_texts(tree: etree._Element) -> set[str]:
    """Short texts that stand alone in two or more elements: an author's name on every post.

    trafilatura keeps the first of repeated lines, so the repetition is only seen on the page.
    """
    seen: set[str] = set()
    repeated: set[str] = set()
    for element in tree.xpath(
        "//body//*[self::p or self::span or self::div or self::a][string-length(normalize-space()) < 40]"
    ):
        text = " ".join(element.text_content().split())
        if text in seen:
            repeated.add(text)
        seen.add(text)
    return repeated


_LINK_LINE_WORDS = 6

# Below this many words a result is thin enough to prefer another reading that finds more.
_FEW_WORDS = 30

# A page that shows fewer words than this may keep the rest of its story in a script.
_BLOB_REACH = 250


def _clean(paragraphs: list[str], metadata: dict[str, Any]) -> list[str]:
    return boilerplate.clean_paragraphs(
        paragraphs,
        title=metadata["title"],
        description=metadata["standfirst"],
        authors=metadata["authors"],
        headlines=metadata["headlines"],
    )


def _unsure(paragraphs: list[str]) -> bool:
    """Tell whether trafilatura's result is thin enough to ask readability too."""
    return len(paragraphs) < 4 or total_words(paragraphs) < 150


def _with_json_ld(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Prefer the JSON-LD articleBody when it contains what we found and clearly more.

    The overlap test guards against a body that belongs to another article or
    to a different page template; "clearly more" keeps trafilatura's paragraphs
    (and their headings) whenever the page already shows the whole text.
    """
    body = json_ld_body(tree)
    if total_words(paragraphs) < _BLOB_REACH:
        # Walking a page's script state costs time on big pages: only when the page shows little.
        body = max(body, script_body(tree), key=len)
    if not body or total_words([body]) < 1.2 * total_words(paragraphs) + 20:
        return paragraphs
    # A page that shows next to nothing (a script fills it in) has nothing to compare with.
    if total_words(paragraphs) >= _FEW_WORDS and _containment(paragraphs, body) < 0.8:
        return paragraphs
    return split_like(body, paragraphs)


def _containment(paragraphs: list[str], body: str) -> float:
    """Share of the word 4-grams of our paragraphs that also occur in the body."""
    ours, theirs = _grams(" ".join(paragraphs)), _grams(body)
    return len(ours & theirs) / len(ours) if ours else 0.0


def _grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 4]) for i in range(max(0, len(words) - 3))}


def _resplit(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Split very long paragraphs where the page's own <p> paragraphs start and end."""
    if all(len(p.split()) <= _SHORT_PARAGRAPH for p in paragraphs):
        return paragraphs
    guides = [" ".join(p.text_content().split()) for p in tree.xpath("//body//p")]
    guides = [g for g in guides if len(g.split()) >= 5]
    out: list[str] = []
    for paragraph in paragraphs:
        inside = [g for g in guides if len(g) < len(paragraph) and g in paragraph]
        # A long line, or one that holds two of the page's paragraphs, was glued together.
        glued = len(paragraph.split()) > 100 or len(inside) >= 2
        out.extend(
            split_like(paragraph, inside)
            if glued and len(paragraph.split()) > _SHORT_PARAGRAPH
            else [paragraph]
        )
    return out


_SHORT_PARAGRAPH = 25


def _readability_paragraphs(tree: etree._Element) -> list[str]:
    """Ask readability-lxml for the main content and split it into paragraphs."""
    from readability import Document  # loaded only for pages trafilatura is unsure of

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
    return split_lines(text)


_LINE_TAGS = frozenset(["p", "br", "li", "h2", "h3", "h4", "h5", "dd", "dt"])

_INLINE = frozenset(
    [
        "a",
        "b",
        "i",
        "em",
        "strong",
        "span",
        "font",
        "small",
        "u",
        "sup",
        "sub",
        "abbr",
        "time",
        "p",
        "h2",
        "h3",
        "h4",
        "h5",
        "li",
        "ul",
        "ol",
        "br",
        "cite",
        "q",
        "mark",
        "dd",
        "dt",
        "dl",
    ]
)


def _largest_block(tree: etree._Element, keep: frozenset[str] = frozenset()) -> list[str]:
    """Return the paragraphs of the page's largest block of prose that is not links.

    Used only when every other reading finds next to nothing, so that a page
    with article text in odd markup is read rather than refused.
    """
    page = copy_tree(tree)
    drop_furniture(page, keep)
    for bad in page.xpath("//script | //style | //nav | //footer | //header | //select | //template"):
        bad.drop_tree()
    words: dict[etree._Element, list[int]] = {}
    for node in page.xpath("//body//text()[normalize-space()]"):
        element = node.getparent()
        owner = element.getparent() if node.is_tail else element
        linked = False
        while owner is not None and owner.tag in _INLINE:
            linked = linked or owner.tag == "a"
            owner = owner.getparent()
        if owner is None:
            continue
        count = len(str(node).split())
        tally = words.setdefault(owner, [0, 0])
        tally[0] += count
        tally[1] += count if linked or element.tag == "a" else 0
    prose = [(total - links, block) for block, (total, links) in words.items() if links < total / 2]
    if not prose:
        return []
    block = max(prose, key=lambda pair: pair[0])[1]
    for element in block.iter(etree.Element):
        if element.tag not in _INLINE or element.tag in _LINE_TAGS:
            # Lines break at every block and <br>, so a heading never runs into its paragraph.
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    for heading in block.xpath(".//h1"):
        heading.drop_tree()  # the headline is the title, not the body
    text = block.text_content()
    return [line for line in split_lines(text) if len(line.split()) >= 3 or total_words([text]) < 20]

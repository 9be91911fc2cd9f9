"""Page cleaning: a page's tree in, the same tree without furniture out, ready for an extractor.

Dropped: furniture tags and elements whose class or id names furniture (share bars,
newsletters, related links, players, ads: data/furniture_tokens.txt), small video and
player boxes, sign-up and callout widgets, the standfirst around the headline, and lists
that repeat the page's own headings (a table of contents, a live blog's summary box).
Live-blog posts marked up as list items become plain blocks.
"""

from __future__ import annotations

import re

from lxml import etree

from listen.reading.page_tree import heading_texts, word_count
from listen.text.wordlists import word_list

__all__ = ["clean_page", "drop_furniture", "is_media_box", "lists_headings"]

# Page parts that are never the article, removed before trafilatura sees the page.
# Class and id tokens are matched as whole words of the attribute, so "ad" does not hit "header".
_FURNITURE_SET = frozenset(word_list("listen.reading", "furniture_tokens.txt"))

_FURNITURE_TAGS = frozenset(["figure", "figcaption", "nav", "form", "aside", "noscript", "button"])


# Controls whose box is a widget (newsletter sign-up, reader callout), not the article.
_SIGN_UP = re.compile(r"sign ?up|subscribe|register|join|send|submit", re.I)

_WIDGET_MAX_WORDS = 60


def clean_page(tree: etree._Element) -> etree._Element:
    """Clean a page copy for trafilatura: drop widgets, furniture and contents lists; keep post headings."""
    _drop_widgets(tree)
    drop_furniture(tree)
    # trafilatura throws away every <header>; inside an article a header without the
    # headline is a section's or a live-blog post's, and its heading is part of the story.
    for header in tree.xpath("//article//header[not(.//h1)][.//h2 or .//h3 or .//h4]"):
        header.tag = "div"
    # The header around the headline holds the standfirst, byline and date, not the story
    # (a long paragraph there is more likely the story's first, and stays).
    for paragraph in tree.xpath("//header[.//h1]//p"):
        if word_count(paragraph) <= _STANDFIRST_MAX_WORDS:
            paragraph.drop_tree()
    _drop_contents_lists(tree, heading_texts(tree))
    _unlist_posts(tree)
    return tree


_STANDFIRST_MAX_WORDS = 50


def _drop_contents_lists(tree: etree._Element, headings: set[str]) -> None:
    """Remove lists that repeat the page's own headings: a table of contents, a live blog's
    summary or key-events box. Their lines would be read twice, and out of place."""
    for listing in tree.xpath("//body//ul | //body//ol"):
        if not lists_headings(listing, headings):
            continue
        box = listing.getparent()
        if box is None:
            continue
        # The box's own heading ("Summary", "In this article") goes with it.
        if box.tag not in _NOT_BOXES and word_count(box) - word_count(listing) <= 5:
            box.drop_tree()
        else:
            listing.drop_tree()


def lists_headings(listing: etree._Element, headings: set[str]) -> bool:
    """Tell whether most items of a list repeat headings found elsewhere on the page."""
    items = [" ".join(li.text_content().split()).lower() for li in listing.xpath("./li")]
    if len(items) < 2:
        return False
    return sum(item in headings for item in items) * 2 >= len(items)


def _unlist_posts(tree: etree._Element) -> None:
    """Turn list items that hold posts (headings, paragraphs) into plain blocks.

    Live blogs and story streams mark their posts up as <ol><li>; trafilatura
    reads a list item as one line, which glues each post's heading to its text.
    """
    for item in tree.xpath("//body//li[.//p or .//h2 or .//h3 or .//h4 or .//article]"):
        item.tag = "div"
        parent = item.getparent()
        if parent is not None and parent.tag in ("ol", "ul") and not parent.xpath("./li"):
            parent.tag = "div"


def drop_furniture(tree: etree._Element, keep: frozenset[str] = frozenset()) -> None:
    """Remove furniture tags and elements whose class or id names furniture, keeping tail text.

    One pass over the tree: some 90 separate XPath queries took longer than
    trafilatura's own extraction.
    """
    doomed = [
        element
        for element in tree.iter(etree.Element)
        if (element.tag in _FURNITURE_TAGS and element.tag not in keep and not _holds_story(element))
        or (element.get("id") in _FURNITURE_SET and not _holds_story(element))
        or not _FURNITURE_SET.isdisjoint((element.get("class") or "").split())
        or is_media_box(element)
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _holds_story(element: etree._Element) -> bool:
    """Tell whether an element wraps the whole story (an ASP.NET <form> around the page)."""
    return len(element.xpath(".//p")) >= 3 and bool(element.xpath(".//h1"))


# Words in a block's class, id or data attributes that name a video or player box.
_MEDIA_WORDS = frozenset(word_list("listen.reading", "media_words.txt"))

_MEDIA_BOX_MAX_WORDS = 60


_NOT_BOXES = frozenset(["html", "body", "article", "main", "p", "li"])


def is_media_box(element: etree._Element) -> bool:
    """Tell whether an element is a small video or player block ("Video: ..." and a line about it).

    Its class, id or data attributes say video, player or media; a long block
    with such a name is more likely the article itself and stays.
    """
    if element.tag in _NOT_BOXES or not element.attrib:
        return False
    names = [element.get("class") or "", element.get("id") or ""]
    for key, value in element.attrib.items():
        if key.startswith("data-"):
            names.append(key)
            if len(value) < 40 and "/" not in value:
                names.append(value)
    words = set(re.split(r"[-_\s:.]+", " ".join(names).lower()))
    if words.isdisjoint(_MEDIA_WORDS):
        return False
    if element.xpath(".//h1"):
        return False  # the block around the headline is the page's story, video or not
    return word_count(element) <= _MEDIA_BOX_MAX_WORDS and len(element.xpath(".//p")) <= 2


def _drop_widgets(tree: etree._Element) -> None:
    """Remove the small box around a form, e-mail field or sign-up button.

    Newsletter boxes and reader callouts sit inside the article body under
    class names no list can foresee; their form control gives them away.
    """
    controls = tree.xpath(
        "//body//form | //body//input[@type='email'][not(ancestor::form)] | //body//button[not(ancestor::form)]"
    )
    for control in controls:
        if control.tag == "button" and not _SIGN_UP.search(control.text_content()):
            continue
        box = _text_box(control)
        if box is not None and box.tag != "body" and word_count(box) <= _WIDGET_MAX_WORDS:
            box.drop_tree()


def _text_box(control: etree._Element) -> etree._Element | None:
    """Climb from a control to the nearest ancestor that has words of its own."""
    own = word_count(control)
    box = control.getparent()
    while box is not None and word_count(box) - own < 3:
        box = box.getparent()
    if box is not None and box.getparent() is None:
        return None  # a control already dropped with an earlier box
    return box

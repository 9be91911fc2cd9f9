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

from listen.reading.page_tree import heading_texts, links_off_site, name_parts, page_host, word_count
from listen.text.wordlists import word_list

__all__ = ["clean_page", "drop_furniture", "is_media_box", "lists_headings"]

# Page parts that are never the article, removed before trafilatura sees the page.
# Class and id tokens are matched as whole words of the attribute, so "ad" does not hit "header".
_FURNITURE_SET = frozenset(word_list("listen.reading", "furniture_tokens.txt"))

_FURNITURE_TAGS = frozenset(["figure", "figcaption", "nav", "form", "aside", "noscript", "button"])

# Words that name furniture as one part of a class or id ("wp-caption-text", "related-inline"),
# and words that name a card inside a sentence (a name's hover card).
_FURNITURE_PARTS = frozenset(word_list("listen.reading", "furniture_parts.txt"))
_CARD_WORDS = frozenset(word_list("listen.reading", "card_words.txt"))
_CARD_ROLES = frozenset(["tooltip", "dialog"])

# A box named by a furniture part is small: a caption, a credit, a related box, a slogan.
_NAMED_BOX_MAX_WORDS = 80


# Controls whose box is a widget (newsletter sign-up, reader callout), not the article.
_SIGN_UP = re.compile(r"sign ?up|subscribe|register|join|send|submit", re.I)

_WIDGET_MAX_WORDS = 60


def clean_page(tree: etree._Element) -> etree._Element:
    """Clean a page copy for trafilatura: drop widgets, furniture and contents lists; keep post headings."""
    _drop_widgets(tree)
    drop_furniture(tree)
    _drop_cards(tree)
    host = page_host(tree)
    _drop_link_lists(tree, host)
    _unlink_product_lines(tree, host)
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
        or _is_named_box(element)
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _is_named_box(element: etree._Element) -> bool:
    """Tell whether a small element's class or id names furniture in one of its parts ("image-credit").

    A link, or anything inside a paragraph, is part of a sentence ("as we reported <a
    class="related-link">last week</a>"): cards and link lists there are _drop_cards' business.
    """
    if element.tag in ("html", "body", "article", "main", "a") or not (
        element.get("class") or element.get("id")
    ):
        return False
    if any(ancestor.tag == "p" for ancestor in element.iterancestors()):
        return False
    if _FURNITURE_PARTS.isdisjoint(name_parts(element)):
        return False
    return word_count(element) <= _NAMED_BOX_MAX_WORDS and not element.xpath(".//h1")


def _drop_cards(tree: etree._Element) -> None:
    """Remove the cards and link lists that sit inside a sentence.

    A name's hover card ("Ana Ruiz, Democrat, Governor since 2021, Follow") or two related
    headlines placed inside a paragraph would be read in the middle of its first sentence.
    A card has parts of its own (a name, a role, a button); a plain name in a span has none.
    It is named as a card, or it repeats the words of the link it stands beside.
    """
    doomed = []
    for element in tree.xpath("//body//p//*[not(self::a)]"):
        named = not _CARD_WORDS.isdisjoint(name_parts(element)) or element.get("role") in _CARD_ROLES
        card = len(element) >= 2 and (named or _repeats_its_trigger(element))
        if card or _is_link_list(element, "", inside_sentence=True):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _repeats_its_trigger(element: etree._Element) -> bool:
    """Tell whether an element starts with the words of the element just before it, and says more:
    "[Lena Ortiz] [Lena Ortiz, Transit board member]" is a name and its card."""
    trigger = element.getprevious()
    if trigger is None or (trigger.tail or "").strip():
        return False
    said = " ".join(trigger.text_content().split())
    card = " ".join(element.text_content().split())
    return bool(said) and card.startswith(said) and len(card) > len(said)


# A headline is a link of at least this many words ("Read more" or a name is not).
_HEADLINE_WORDS = 4
# A block is a list of links when this share of its words is in links.
_LINK_SHARE = 0.8


def _is_link_list(element: etree._Element, host: str, inside_sentence: bool = False) -> bool:
    """Tell whether an element is a list of two or more headlines linking to the site's own stories."""
    links = element.xpath(".//a[@href]")
    if len(links) < 2:
        return False
    headlines = [a for a in links if word_count(a) >= _HEADLINE_WORDS and not links_off_site(a, host)]
    if len(headlines) < 2:
        return False
    words = word_count(element)
    return sum(word_count(a) for a in links) >= _LINK_SHARE * words and (inside_sentence or words <= 200)


def _drop_link_lists(tree: etree._Element, host: str) -> None:
    """Remove lists of links to the site's other stories, with their heading, wherever they sit:
    "Don't miss", "More on this story", "Read next" boxes inside the body.

    A list of links to other sites (a shopping post's products) stays, and so does a table of
    contents's list of short links.
    """
    doomed: list[etree._Element] = []
    for element in tree.xpath(
        "//body//*[self::ul or self::ol or self::div or self::section or self::p][count(.//a) >= 2]"
    ):
        if any(a in doomed for a in element.iterancestors()) or not _is_link_list(element, host):
            continue
        box = element.getparent()
        # The box's own heading ("Don't miss") goes with it.
        if box is not None and box.tag not in _NOT_BOXES and word_count(box) - word_count(element) <= 5:
            element = box
        if not element.xpath(".//h1"):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


# A product line is short: "Lumo Arc LED desk lamp", "$89 at Shopmart".
_PRODUCT_LINE_WORDS = 12


def _unlink_product_lines(tree: etree._Element, host: str) -> None:
    """Turn short lines that are only links to other sites (a product, its shops) into text.

    trafilatura drops a paragraph that is all link as a menu or a teaser; in a shopping
    post that paragraph is the product's name or its price, and the post is about them.
    Several offers in one box become a line each.
    """
    blocks = [_line_block(link) for link in tree.xpath("//body//a[@href]")]
    for block in dict.fromkeys(b for b in blocks if b is not None):
        links = block.xpath(".//a[@href]")
        if not all(links_off_site(a, host) for a in links):
            continue
        all_links = _letters(block) == sum(_letters(a) for a in links)
        if not all_links or word_count(block) > _PRODUCT_LINE_WORDS * len(links):
            continue
        for link in links:
            if block.tag == "div" and len(links) > 1:
                link.tag = "p"  # one offer a line: "£189 at Peak Outdoors", "£199 at Trail Store"
                link.attrib.clear()
            else:
                link.drop_tag()


def _letters(element: etree._Element) -> int:
    """Count an element's characters other than spaces (links side by side run their words together)."""
    return len("".join(element.text_content().split()))


def _line_block(link: etree._Element) -> etree._Element | None:
    """The block a link stands in, past the inline elements around it; None for any other block."""
    block = link.getparent()
    while block is not None and block.tag in _INLINE_TAGS:
        block = block.getparent()
    return block if block is not None and block.tag in _LINE_BLOCKS else None


_INLINE_TAGS = frozenset(["b", "strong", "em", "i", "span", "u", "small"])
_LINE_BLOCKS = frozenset(["p", "h2", "h3", "h4", "li", "div"])


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

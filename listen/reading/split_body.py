"""A body split around boxes: the page's tree and the paragraphs found in; out, the same
paragraphs with the blocks the extractor left out put back in page order.

Magazines and news sites cut a long body into several blocks of the same kind (the same tag
and class) with an advertisement, a newsletter box or a related box between them.
trafilatura reads the first block that looks like a body and stops there, so the listener
would hear a third of the article and never know. The blocks are found again by where the
paragraphs already found sit on the page.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from listen.reading.boilerplate import plain
from listen.reading.cleaned_page import clean_page
from listen.reading.page_tree import copy_tree, split_lines, total_words

__all__ = ["with_every_block"]

# The lines of a block, each once: list items and quotes hold paragraphs in some templates.
_LINES = ".//p | .//h2 | .//h3 | .//h4 | .//li[not(.//p)] | .//blockquote[not(.//p)]"

# Fewer words than this missing is a caption or a label the extractor dropped on purpose.
_MISSING_WORDS = 40


def with_every_block(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Return the paragraphs with the missing blocks of a split body put back in page order."""
    found = {plain(p) for p in paragraphs}
    key = _holder_key(tree, set(paragraphs))
    if key is None or not _missing(_blocks(tree, key), found):
        return paragraphs
    # The furniture inside the blocks (captions, ads, widgets) goes as it does for the extractor.
    missing = _missing(_blocks(clean_page(copy_tree(tree)), key), found)
    return _merged(paragraphs, *missing) if missing else paragraphs


def _missing(blocks: list[etree._Element], found: set[str]) -> tuple[list[list[str]], list[bool]] | None:
    """The lines of this story's blocks, and which were read; None when too little is missing."""
    lines = [_block_lines(block) for block in blocks]
    read = [any(plain(line) in found for line in block) for block in lines]
    if not any(read):
        return None
    # Only the blocks of this story: not those of the next one a page loads below it.
    story = _story_of(blocks[read.index(True)])
    inside = [block is story or story in block.iterancestors() for block in blocks]
    lines = [block for block, keep in zip(lines, inside) if keep]
    read = [was_read for was_read, keep in zip(read, inside) if keep]
    unread = [line for block, was_read in zip(lines, read) if not was_read for line in block]
    return (lines, read) if total_words(unread) >= _MISSING_WORDS else None


def _key(element: etree._Element | None) -> tuple[str, str] | None:
    """A block's kind: its tag and class (None for a block without a class)."""
    if element is None or not element.get("class"):
        return None
    return element.tag, " ".join(element.get("class", "").split())


def _holder_key(tree: etree._Element, found: set[str]) -> tuple[str, str] | None:
    """The kind of block that holds most of the paragraphs found (their parent or grandparent)."""
    holders: Counter[tuple[str, str]] = Counter()
    for paragraph in tree.xpath("//body//p"):
        if " ".join(paragraph.text_content().split()) not in found:
            continue
        parent = paragraph.getparent()
        for box in (parent, parent.getparent() if parent is not None else None):
            key = _key(box)
            if key is not None and box is not None and box.tag not in ("body", "html"):
                holders[key] += 1
    return holders.most_common(1)[0][0] if holders else None


def _blocks(tree: etree._Element, key: tuple[str, str]) -> list[etree._Element]:
    """The outermost blocks of a kind, in page order."""
    tag = key[0]
    same = [e for e in tree.iter(tag) if _key(e) == key]
    inside = set()
    for block in same:
        inside.update(block.iterdescendants(tag))
    return [block for block in same if block not in inside]


def _story_of(block: etree._Element) -> etree._Element:
    """The largest element around a block that holds at most one headline: its story."""
    story = block
    for ancestor in block.iterancestors():
        if len(ancestor.xpath(".//h1")) > 1:
            break
        story = ancestor
    return story


def _block_lines(block: etree._Element) -> list[str]:
    lines = []
    for element in block.xpath(_LINES):
        lines.extend(split_lines(element.text_content()))
    return [line for line in lines if re.search(r"\w", line)]


def _merged(paragraphs: list[str], blocks: list[list[str]], read: list[bool]) -> list[str]:
    """Put each unread block after the last paragraph that comes from a block before it."""
    where: dict[str, int] = {}
    for index, block in enumerate(blocks):
        for line in block:
            where.setdefault(plain(line), index)
    out: list[tuple[int, str]] = []
    at = -1
    for paragraph in paragraphs:
        at = where.get(plain(paragraph), at)
        out.append((at, paragraph))
    for index, block in enumerate(blocks):
        if read[index]:
            continue
        cut = max((i + 1 for i, (b, _) in enumerate(out) if b < index), default=0)
        out[cut:cut] = [(index, line) for line in block]
    return [paragraph for _, paragraph in out]

"""Teasers: a page's tree and the body read from it in; out, why that body looks like only the
start of the article ("" when it looks whole).

A paywalled page shows a few paragraphs and a prompt to subscribe; a truncated page stops in
the middle of a sentence. We still read what is there, but the listener is told (the API's
article JSON, the article page and the command line say so), so that a third of a story is
never taken for the whole of it.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from listen.reading.boilerplate import plain
from listen.reading.page_tree import total_words, word_count
from listen.text.wordlists import word_list

__all__ = ["teaser_reason"]

PAYWALL_PROMPT = "the page asks readers to subscribe to read the rest"
SUBSCRIBERS_ONLY = "the page marks the article as for subscribers only"
ENDS_MID_SENTENCE = "the text ends in the middle of a sentence"

# "Subscribe to continue reading", "This article is exclusive to subscribers" (data/paywall_prompts.txt).
_PROMPT = re.compile("|".join(word_list("listen.reading", "paywall_prompts.txt")), re.IGNORECASE)
# A prompt is a short box of its own; a long block that mentions subscribing is the story.
_PROMPT_MAX_WORDS = 60

# How a whole paragraph ends: a stop, a question or exclamation mark, a closing quote or bracket.
_WHOLE_END = re.compile(r"[.!?:;\"'”’»)\]]\s*$")
_ELLIPSIS_END = re.compile(r"(\.\.\.|…)\s*$")
# A last line shorter than this is a heading, a sign-off or a name, not a cut sentence.
_SENTENCE_WORDS = 8

# A page marked for subscribers only with a body shorter than this shows only a teaser;
# a longer one is the whole article behind a metered wall.
_TEASER_WORDS = 200


def teaser_reason(tree: etree._Element, paragraphs: list[str]) -> str:
    """Return why the body read from a page looks like a teaser, or "" when it looks whole."""
    if paragraphs and _ends_mid_sentence(paragraphs[-1]):
        return ENDS_MID_SENTENCE
    shown = " ".join(" ".join(tree.xpath("//body//text()[not(parent::script or parent::style)]")).split())
    if _PROMPT.search(shown) and _shows_paywall_prompt(tree):
        reason = PAYWALL_PROMPT
    elif total_words(paragraphs) < _TEASER_WORDS and _marked_for_subscribers(tree):
        reason = SUBSCRIBERS_ONLY
    else:
        return ""
    # A body found out of sight (a script's data, JSON-LD) is the whole text behind the wall.
    return reason if _all_shown(plain(shown), paragraphs) else ""


# Below this share of its words shown on the page, a body came from the page's data, not its text.
_SHOWN = 0.8


def _all_shown(shown: str, paragraphs: list[str]) -> bool:
    """Tell whether (nearly) all the body read is in the page's shown text (plain), rather than its data."""
    words = sum(len(p.split()) for p in paragraphs if plain(p) in shown)
    return words >= _SHOWN * total_words(paragraphs)


def _shows_paywall_prompt(tree: etree._Element) -> bool:
    """Tell whether a short box of the page holds a paywall's prompt (not a long block that mentions one)."""
    for element in tree.xpath(
        "//body//*[self::p or self::div or self::h2 or self::h3 or self::h4 or self::span]"
    ):
        if word_count(element) <= _PROMPT_MAX_WORDS and _PROMPT.search(
            " ".join(element.text_content().split())
        ):
            return True
    return False


def _ends_mid_sentence(line: str) -> bool:
    """Tell whether a last paragraph stops mid-sentence ("...told a meeting that the trust would")."""
    if len(line.split()) < _SENTENCE_WORDS:
        return False
    return bool(_ELLIPSIS_END.search(line)) or not _WHOLE_END.search(line)


def _marked_for_subscribers(tree: etree._Element) -> bool:
    """Tell whether the page's metadata says the article is not free to read."""
    tiers = tree.xpath("//head/meta[@property='article:content_tier']/@content")
    if any(str(t).strip().lower() in ("locked", "metered") for t in tiers):
        return True
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and str(item.get("isAccessibleForFree", "")).lower() == "false":
                return True
    return False

"""Page furniture rules shared by the plain-text and HTML paths.

Two kinds of furniture: labels that sit inside an article and are never read
("Listen to the article", "Advertisement"), and section headers after which the
article is over ("Fact Checker", "8 Comments", "Related articles").
"""

from __future__ import annotations

import re

# Lines dropped wherever they stand.
_LABELS = [
    r"listen to (this|the) (article|story)",
    r"(play|pause|stop) (audio|article)",
    r"audio (version|player)",
    r"\d+\s*min(ute)?s?\s+(read|listen)",
    r"advertisement",
    r"sponsored( content)?",
    r"share( this)?( article| story)?",
    r"(share on )?(facebook|twitter|x|linkedin|whatsapp|email|print)",
    r"skip to (main )?content",
    r"image( caption)?:?.*|photo:.*|\(?photo(graph)? by .*",
    r"getty images|reuters|ap photo.*",
    r"copy link",
    r"save( article)?",
]

# Section headers: the article body ends where one starts.
_TAIL_MARKERS = [
    r"fact[- ]?check(er|ed)?( box)?",
    r"verify the accuracy of this article.*",
    r"\d+\s+comments?",
    r"comments?( \(\d+\))?",
    r"(leave|post|add|show|view|load) (a |all )?(comments?|reply|replies)",
    r"join the (conversation|discussion)",
    r"related( articles| stories| posts| coverage)?",
    r"(more|also) (from|in|on) .{0,40}",
    r"you (may|might) also (like|be interested in)",
    r"read (more|next)( on .{0,40})?",
    r"recommended( for you)?",
    r"most (read|popular|viewed)",
    r"(sign up|subscribe) (for|to) (our|the) .{0,40}newsletter.*",
    r"newsletter( sign-?up)?",
    r"about the author",
    r"tags?:.*",
    r"topics?:.*",
]

_LABEL_RE = re.compile(r"^\s*(?:" + "|".join(_LABELS) + r")\s*[.:!]?\s*$", re.IGNORECASE)
_TAIL_RE = re.compile(r"^\s*(?:" + "|".join(_TAIL_MARKERS) + r")\s*[.:!]?\s*$", re.IGNORECASE)


def is_label(line: str) -> bool:
    """Tell whether a line is player, share or caption furniture that is never read."""
    return bool(_LABEL_RE.match(line))


def is_tail_marker(line: str) -> bool:
    """Tell whether a line starts a section after the article (comments, fact-check, related)."""
    return bool(_TAIL_RE.match(line))

"""The Article model: what a page says, without its furniture.

It sits at the top of the package because every stage after reading takes it: the
text side, the renderer and the queue's payload. Reading one is listen/reading/'s job,
one module per kind of input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Article", "Mark"]

# Control characters (C0 but tab and line breaks, DEL, C1) and the two non-characters XML
# forbids: nothing a reader sees or hears, and one in a title makes every feed of it unreadable.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def without_control_characters(text: str) -> str:
    """Drop control characters, which no reader sees and XML forbids."""
    return _CONTROL.sub("", text)


@dataclass
class Mark:
    """How markup (SSML, listen/reading/ssml.py) asks for a stretch of one paragraph to be said.

    `start` and `end` are offsets in the paragraph's text, which is what the listener sees.
    Kinds: "say" (say `value` instead of the stretch; a stretch of no length inserts it),
    "ipa" (the stretch's pronunciation in IPA, for engines that read IPA), "sentence" (the
    stretch is one sentence), "break" (a pause of `value` ms before the sentence starting at
    `start`), "rate" (sentences starting in the stretch are read at `value` times the rate).
    """

    kind: str
    paragraph: int
    start: int
    end: int
    value: str = ""


@dataclass
class Article:
    """What a page says, without its furniture: metadata plus body paragraphs."""

    paragraphs: list[str]
    title: str = ""
    byline: str = ""
    date: str = ""
    site_name: str = ""
    language: str = "en"
    source: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # Why the body looks like only the start of the article ("the page asks readers to subscribe
    # to read the rest"); empty when it looks whole. The body is read either way; the listener is told.
    partial_reason: str = ""
    # An editor's choices (web/editor.py), by a sentence's text as written: sentences not read,
    # and silence added after a sentence, in milliseconds.
    skipped: list[str] = field(default_factory=list)
    pauses: dict[str, int] = field(default_factory=dict)
    # How the markup of an SSML input asks for its text to be said; empty for any other input.
    marks: list[Mark] = field(default_factory=list)

    @property
    def teaser(self) -> bool:
        """Tell whether the body looks like a teaser rather than the whole article."""
        return bool(self.partial_reason)

    def __post_init__(self) -> None:
        # On the way in, whatever the input: every output (timings, captions, feeds) stays well-formed.
        self.paragraphs = [without_control_characters(p) for p in self.paragraphs]
        for name in ("title", "byline", "date", "site_name", "source"):
            setattr(self, name, without_control_characters(getattr(self, name)))
        # A job's payload carries marks as JSON objects (listen/queue/payload.py).
        self.marks = [m if isinstance(m, Mark) else Mark(**m) for m in self.marks]
        self.extra = {
            k: without_control_characters(v) if isinstance(v, str) else v for k, v in self.extra.items()
        }

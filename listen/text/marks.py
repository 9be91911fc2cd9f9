"""Marks honoured: a paragraph with marks (from SSML) in, its sentences and how each is said out.

Marks (listen/article.py: Mark) point into a paragraph's text. Here they become what the text
side already knows: sentence ends (an <s>, or a <break> that starts a new sentence), the pause
before a sentence and its rate (which the plan gives its piece), and edits of the text before
normalisation, made like a lexicon's (a respelling, or "[[...]]" phoneme input that nothing
later touches), so what is said still maps back to the words as written.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from listen.article import Mark
from listen.text.lexicon import Lexicon

__all__ = ["MarkedLexicon", "MarkedSentence", "marked_sentences"]


@dataclass
class MarkedSentence:
    """A sentence of a marked paragraph: its text, where it starts, and how markup has it said."""

    text: str
    start: int
    pause_ms: int | None = None  # a <break> before it: the pause instead of the usual one
    rate: float = 1.0  # a factor of the reading rate
    edits: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, kind, value


def marked_sentences(
    paragraph: str, marks: list[Mark], language: str, split: Callable[[str, str], list[str]]
) -> list[MarkedSentence]:
    """Split a paragraph at its marked sentence ends, the rest by `split`, and give each its marks."""
    out = []
    for start, end, whole in _segments(paragraph, marks):
        segment = paragraph[start:end]
        texts = [segment.strip()] if whole else split(segment, language)
        pos = start
        for text in texts:
            at = paragraph.find(text, pos, end)
            at = pos if at < 0 else at
            pos = at + len(text)
            out.append(_sentence(text, at, marks))
    return [s for s in out if s.text]


def _segments(paragraph: str, marks: list[Mark]) -> list[tuple[int, int, bool]]:
    """Cut the paragraph at each <s>, <break> and change of rate: (start, end, whether the stretch is one <s>).

    A rate is the engine's for a whole chunk, so words read at another rate are a sentence of their own.
    """
    sentences = sorted((m.start, m.end) for m in marks if m.kind == "sentence" and m.end > m.start)
    cuts = {0, len(paragraph)}
    cuts.update(m.start for m in marks if m.kind == "break")
    cuts.update(edge for m in marks if m.kind == "rate" for edge in (m.start, m.end))
    for a, b in sentences:
        cuts.update((a, b))
    points = sorted(c for c in cuts if 0 <= c <= len(paragraph))
    whole = set(sentences)
    return [(a, b, (a, b) in whole) for a, b in itertools.pairwise(points) if paragraph[a:b].strip()]


def _sentence(text: str, start: int, marks: list[Mark]) -> MarkedSentence:
    end = start + len(text)
    sentence = MarkedSentence(text, start)
    for mark in marks:
        if mark.kind == "break" and start - 1 <= mark.start <= start:
            sentence.pause_ms = int(mark.value) + (sentence.pause_ms or 0)
        elif mark.kind == "rate" and mark.start <= start < mark.end:
            sentence.rate *= float(mark.value)
        elif mark.kind in ("say", "ipa") and start <= mark.start and mark.end <= end:
            if mark.start == mark.end and mark.start in (start, end):
                continue  # a pause inserted at the sentence's very edge: the sentence's own pause does
            sentence.edits.append((mark.start - start, mark.end - start, mark.kind, mark.value))
    sentence.edits.sort(key=lambda e: (e[0], e[1]))
    return sentence


class MarkedLexicon(Lexicon):
    """A lexicon for one sentence: its markup's edits first, the lexicon's rules where markup is silent."""

    def __init__(self, lexicon: Lexicon, edits: list[tuple[int, int, str, str]]):
        # The lexicon's compiled rules, not compiled again for every sentence.
        self.rules, self._compiled = lexicon.rules, lexicon._compiled
        self.marked = edits

    def edits(
        self, text: str, language: str = "en", phonemes: bool | str | None = False
    ) -> list[tuple[int, int, str]]:
        """The markup's edits (phonemes only for an engine that reads IPA), then rules around them."""
        alphabet = "espeak" if phonemes is True else phonemes or None
        marked = [
            (a, b, value if kind == "say" else f"[[{value}]]")
            for a, b, kind, value in self.marked
            if kind == "say" or alphabet == "ipa"  # an engine without IPA input reads the word as written
        ]
        taken = [(a, b) for a, b, _ in marked]
        rules = [
            edit
            for edit in super().edits(text, language, phonemes)
            if not any((edit[0] < b and a < edit[1]) or (a == b and edit[0] < a < edit[1]) for a, b in taken)
        ]
        return sorted(marked + rules, key=lambda e: (e[0], e[1]))

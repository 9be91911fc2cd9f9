"""Mapped text: a string being rewritten for speech that remembers where each character came from.

Normalisation is a long run of regex substitutions. Doing each one through MappedText.sub
gives exactly the string re.sub gives, and keeps, for every character of it, the span of
the original text it stands for. A spoken word can then be traced back to the words a
reader sees, which is what the player highlights.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

__all__ = ["MappedText", "Span", "text_range"]

Span = tuple[int, int, int, int]  # (spoken_start, spoken_end, text_start, text_end)
# (text_start, text_end, group) per character: group 0 is a character copied as it was,
# any other number the replacement it belongs to.
Origin = tuple[int, int, int]


class MappedText:
    """A text and, for each of its characters, where in the original it came from."""

    def __init__(self, text: str):
        self.text = text
        self.origin: list[Origin] = [(i, i + 1, 0) for i in range(len(text))]
        self._groups = 0
        # Characters no later pass may change: espeak phoneme input from the lexicon.
        self.frozen: list[bool] = [False] * len(text)

    def sub(self, pattern: str | re.Pattern, repl: str | Callable[[re.Match], str], flags: int = 0) -> None:
        """Substitute like re.sub, in place, keeping the map."""
        if isinstance(pattern, str):
            pattern = re.compile(pattern, flags)
        if not pattern.search(self.text):
            return  # most passes find nothing in most sentences: keep that cheap
        if isinstance(repl, str) and "\\" not in repl:
            repl = _literal(repl)
        edits: list[tuple[int, int, str]] = []

        def record(m: re.Match) -> str:
            if any(self.frozen[m.start() : m.end()]):
                return m.group(0)  # never rewrite inside phoneme input
            new = repl(m) if callable(repl) else m.expand(repl)
            if new != m.group(0):  # many passes put back what they matched: nothing to map
                edits.append((m.start(), m.end(), new))
            return new

        # re.sub itself makes the text, so the output is exactly what plain re.sub gives.
        text = pattern.sub(record, self.text)
        self.edit(edits)
        assert self.text == text

    def replace(self, old: str, new: str) -> None:
        """Replace every occurrence of a literal string, like str.replace."""
        if old in self.text:
            self.sub(re.escape(old), lambda m: new)

    def edit(
        self, edits: Iterable[tuple[int, int, str]], freeze: Callable[[str], bool] | None = None
    ) -> None:
        """Apply replacements (start, end, new text), given in order and not overlapping.

        A replacement for which freeze(new) is true is frozen: later passes leave it alone.
        """
        text: list[str] = []
        origin: list[Origin] = []
        frozen: list[bool] = []
        pos = 0
        for start, end, new in edits:
            text.append(self.text[pos:start])
            frozen += self.frozen[pos:start]
            frozen += [bool(freeze and freeze(new))] * len(new)
            origin += self.origin[pos:start]
            anchor = origin[-1][1] if origin else (self.origin[0][0] if self.origin else 0)
            self._groups += 1
            origin += _align(self.text[start:end], self.origin[start:end], new, anchor, self._groups)
            text.append(new)
            pos = end
        if not text:
            return  # nothing to replace
        text.append(self.text[pos:])
        origin += self.origin[pos:]
        frozen += self.frozen[pos:]
        self.text, self.origin, self.frozen = "".join(text), origin, frozen

    def spans(self, limit: int | None = None) -> list[Span]:
        """Group characters into spans in spoken order, monotonic and not overlapping in the original.

        Characters copied as they were form one span per run; the words of a replacement
        share the span of what they replaced. `limit` clips spans to the original's length.
        """
        out: list[list[int]] = []  # [spoken_start, spoken_end, text_start, text_end, group]
        for i, (a, b, group) in enumerate(self.origin):
            if limit is not None:
                a, b = min(a, limit), min(b, limit)
            last = out[-1] if out else None
            if last and last[4] == group and (group or a == last[3]):  # one replacement, or one run of copies
                last[1], last[3] = i + 1, max(last[3], b)
                continue
            out.append([i, i + 1, a, b, group])
            # A later rewrite can reach into text an earlier span already covers: merge them.
            while len(out) > 1 and out[-1][2] < out[-2][3]:
                top = out.pop()
                out[-1][1:] = [top[1], min(out[-1][2], top[2]), max(out[-1][3], top[3]), -1]
        return [(s0, s1, a, b) for s0, s1, a, b, _ in out]


def _literal(text: str) -> Callable[[re.Match], str]:
    return lambda m: text


def _align(old: str, old_origin: list[Origin], new: str, anchor: int, group: int) -> list[Origin]:
    """Map a replacement's characters: whole words kept at either end map as they were, the rest as a whole.

    "Leo XIV" -> "Leo the fourteenth" keeps "Leo " and maps "the fourteenth" to "XIV";
    "St. Paul" -> "Saint Paul" maps "Saint" to "St."; "DEA" -> "D E A" maps all of it to "DEA".
    """
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    while head and not (_boundary(old, head) and _boundary(new, head)):
        head -= 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    while tail and not (_boundary(old, len(old) - tail) and _boundary(new, len(new) - tail)):
        tail -= 1
    middle = old_origin[head : len(old) - tail]
    if middle:
        whole = (min(a for a, _, _ in middle), max(b for _, b, _ in middle), group)
    else:  # a pure insertion stands for nothing written, at the place it was put
        at = old_origin[head - 1][1] if head else anchor
        whole = (at, at, group)
    return old_origin[:head] + [whole] * (len(new) - head - tail) + old_origin[len(old) - tail :]


def _boundary(text: str, at: int) -> bool:
    """Is `at` next to a space, so a kept prefix or suffix does not split a written token ("U.S.")?"""
    return at <= 0 or at >= len(text) or text[at - 1].isspace() or text[at].isspace()


def text_range(spans: list[Span] | list[list[int]], start: int, end: int) -> tuple[int, int] | None:
    """The original text behind spoken[start:end]: what the spans it touches stand for.

    Within a span as long as its text (text said as written) the map is character for
    character; any other span stands for its text as a whole.
    """
    touched = []
    for s0, s1, a, b in spans:
        if s0 < end and s1 > start:
            if s1 - s0 == b - a:
                a, b = a + max(start, s0) - s0, b - (s1 - min(end, s1))
            touched.append((a, b))
    if not touched:
        return None
    return min(a for a, _ in touched), max(b for _, b in touched)

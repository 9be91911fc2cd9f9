"""Word times from Piper's phoneme alignments: a text and the phonemes piper spoke (with samples) in, WordTimings out."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from listen.engines import WordTiming

# Characters that carry no timing of their own in a phoneme string: stress and length
# marks, punctuation, spaces, and combining accents (piper splits IPA into code points).
_UNTIMED = set("ˈˌːˑ")
_TOKEN = re.compile(r"\[\[.*?\]\]|\S+")


def _timed(ch: str) -> bool:
    return ch.isalpha() and ch not in _UNTIMED


def word_timings(
    text: str, phonemes: list[tuple[str, int, int]], phonemize: Callable[[str], str]
) -> list[WordTiming] | None:
    """Find each word of the text in the phonemes piper spoke, and so its samples.

    espeak-ng phonemises a sentence with context (it joins "of the" into one phoneme
    word, reduces vowels), so phoneme words do not line up one to one with written
    words. Each word is phonemised alone, and the sequence of those phonemes is aligned
    to the spoken sequence (difflib, on phoneme letters only): a word starts at the first
    of its phonemes found in the speech and ends at the last.
    """
    spoken = [(p, a, b) for p, a, b in phonemes if _timed(p)]
    if not spoken:
        return None
    owner: list[int] = []  # for each phoneme letter of the words, the word it belongs to
    letters: list[str] = []
    tokens = list(_TOKEN.finditer(text))
    for n, token in enumerate(tokens):
        word = token.group(0)
        said = word[2:-2] if word.startswith("[[") else phonemize(word)
        for ch in said:
            if _timed(ch):
                letters.append(ch)
                owner.append(n)
    matcher = difflib.SequenceMatcher(
        None, "".join(p for p, _, _ in spoken), "".join(letters), autojunk=False
    )
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            n = owner[b + k]
            first.setdefault(n, a + k)
            last[n] = a + k
    timings = []
    previous = 0
    for n in sorted(first):
        start = max(previous, spoken[first[n]][1])
        end = max(start, spoken[last[n]][2])
        timings.append(WordTiming(tokens[n].start(), tokens[n].end(), start, end))
        previous = start
    return timings or None

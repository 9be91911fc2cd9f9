"""How many words a text says, in any script: the measure the engine's output is judged by.

Counting words by spaces works where words are written apart. Japanese, Chinese, Thai, Lao,
Khmer and Burmese are not: a whole sentence is one "word" by spaces. There, each character
counts as the share of a spoken word it takes to say: a Chinese character is a syllable, a
kana a mora, a Thai letter part of a syllable.
"""

from __future__ import annotations

import re

__all__ = ["word_count"]

# (first, last code point, words per character): espeak-ng's seconds per character at the default
# rate over its seconds per English word (bench/cjk_speech_bench.py prints them: kana 0.13 s,
# a Chinese character 0.29 s, a Thai letter 0.12 s, against 0.35 s a word at 170 words a minute).
# fmt: off
_UNSPACED = [
    (0x3040, 0x30FF, 0.35),  # hiragana and katakana: a mora each
    (0x31F0, 0x31FF, 0.35),  # katakana extensions
    (0xFF66, 0xFF9F, 0.35),  # half-width katakana
    (0x3400, 0x4DBF, 0.8),   # Han (CJK extension A): a syllable each
    (0x4E00, 0x9FFF, 0.8),   # Han
    (0xF900, 0xFAFF, 0.8),   # Han compatibility
    (0x0E00, 0x0E7F, 0.35),  # Thai: a letter, a vowel sign or a tone mark
    (0x0E80, 0x0EFF, 0.35),  # Lao
    (0x1780, 0x17FF, 0.35),  # Khmer
    (0x1000, 0x109F, 0.35),  # Myanmar
]
# fmt: on
_UNSPACED_CLASS = "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last, _ in _UNSPACED)
_RUN = re.compile(f"[{_UNSPACED_CLASS}]+|[^\\s{_UNSPACED_CLASS}]+")
_UNSPACED_RUN = re.compile(f"[{_UNSPACED_CLASS}]")


def word_count(text: str) -> float:
    """The text's length in spoken words: words written apart count one each, unspaced scripts by the character."""
    total = 0.0
    for match in _RUN.finditer(text):
        run = match.group()
        if _UNSPACED_RUN.match(run):
            total += sum(_weight(ord(ch)) for ch in run)
        else:
            total += 1
    return total


def _weight(code: int) -> float:
    for first, last, weight in _UNSPACED:
        if first <= code <= last:
            return weight
    return 0.0

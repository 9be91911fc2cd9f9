"""Japanese as kana: a sentence's kanji read through a dictionary, so espeak-ng says the words.

espeak-ng's Japanese voice reads kana but says each kanji as "Chinese letter". MeCab
(fugashi, MIT) with the UniDic-lite dictionary (MIT wrapper, BSD dictionary, shipped inside its
package: nothing downloads) splits a sentence into words and gives each its pronunciation in
katakana: 東京都の知事は -> トーキョー ト ノ チジ ワ. Words are written apart, their particles and
endings kept with them, so the engine gives a time to each phrase a player can light.

In: the spoken text and its map to the written text. Out: the same in kana, the map kept.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from listen.text.textmap import Span, text_range

__all__ = ["to_kana"]

# Parts of speech that lean on the word before them: particles, auxiliary verbs, suffixes.
_ATTACHED = {"助詞", "助動詞", "接尾辞"}


@cache
def _tagger() -> Any:
    # Loaded on first use: only Japanese articles pay for the dictionary (about 0.1 s, 50 MB).
    import fugashi

    return fugashi.Tagger()


def to_kana(spoken: str, spans: list[Span]) -> tuple[str, list[Span]]:
    """Say a Japanese sentence in katakana, phrase by phrase, with the map moved onto the kana.

    A word the dictionary has no reading for (digits, Latin letters, symbols) is kept as
    written, in its plain width (ＡＢＣ -> ABC), which the engine reads itself; so is a
    lexicon rule's phoneme input ("[[...]]").
    """
    out: list[str] = []
    out_spans: list[Span] = []
    length = 0  # of the kana so far

    def add(said: str, start: int, end: int) -> None:
        nonlocal length
        written = text_range(spans, start, end)
        if written is not None:
            out_spans.append((length, length + len(said), *written))
        out.append(said)
        length += len(said)

    for start, end, phonemes in _pieces(spoken):
        if phonemes:
            add(" " + spoken[start:end] if out else spoken[start:end], start, end)
            continue
        at = start  # where the next word starts looking in `spoken`
        for word in _tagger()(spoken[start:end]):
            begin = spoken.find(word.surface, at, end)
            if begin < 0:
                continue  # MeCab gives back every character in order; this is only a guard
            at = begin + len(word.surface)
            said = _reading(word)
            if said:
                # A space belongs to the word it leads, so the spans tile the kana.
                add(said if not out or _attaches(word, out[-1], said) else " " + said, begin, at)
    return "".join(out), out_spans


_PHONEMES = re.compile(r"\[\[.*?\]\]")


def _pieces(spoken: str) -> list[tuple[int, int, bool]]:
    """The stretches of `spoken` in order: (start, end, is phoneme input)."""
    pieces, at = [], 0
    for match in _PHONEMES.finditer(spoken):
        if match.start() > at:
            pieces.append((at, match.start(), False))
        pieces.append((match.start(), match.end(), True))
        at = match.end()
    if at < len(spoken):
        pieces.append((at, len(spoken), False))
    return pieces


def _reading(word: Any) -> str:
    """A word's pronunciation in katakana (は as ワ, long vowels as ー); else its plain form."""
    pron = getattr(word.feature, "pron", None)
    if pron and pron != "*":
        return str(pron)
    if word.surface.isspace():
        return ""
    return unicodedata.normalize("NFKC", word.surface)


def _attaches(word: Any, before: str, said: str) -> bool:
    """Whether a word is said with the one before it: a particle, an ending, punctuation, a number's digits."""
    pos = getattr(word.feature, "pos1", "")
    number = before[-1:].isdigit() or before.endswith((".", ","))
    return pos in _ATTACHED or pos == "補助記号" or (number and said[:1].isdigit())

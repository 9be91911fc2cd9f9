"""Japanese as kana: a sentence's kanji read through a dictionary, so espeak-ng says the words.

espeak-ng's Japanese voice reads kana but says each kanji as "Chinese letter". MeCab
(fugashi, MIT) with the UniDic-lite dictionary (MIT wrapper, BSD dictionary, shipped inside its
package: nothing downloads) splits a sentence into words and gives each its pronunciation in
katakana: 東京都の知事は -> トーキョー ト ノ チジ ワ. Words are written apart, their particles and
endings kept with them, so the engine gives a time to each phrase a player can light.

In: the spoken text and its map to the written text. Out: the same in kana, the map kept.
"""

from __future__ import annotations

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
    written, in its plain width (ＡＢＣ -> ABC), which the engine reads itself.
    """
    out: list[str] = []
    out_spans: list[Span] = []
    at = 0  # where the next word starts looking in `spoken`
    length = 0  # of the kana so far
    for word in _tagger()(spoken):
        start = spoken.find(word.surface, at)
        if start < 0:
            continue  # MeCab gives back every character in order; this is only a guard
        end = start + len(word.surface)
        at = end
        said = _reading(word)
        if not said:
            continue
        offset = length
        if out and not _attaches(word, out[-1], said):
            said = " " + said  # the space belongs to the word it leads, so the spans tile the kana
        written = text_range(spans, start, end)
        if written is not None:
            out_spans.append((offset, offset + len(said), *written))
        out.append(said)
        length += len(said)
    return "".join(out), out_spans


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

"""The Script: an article as sentences, each with its text as written and what the engine says.

article -> sentences (segment) -> lexicon -> normalise -> chunks of at most ~300
characters, split at clause breaks, for the engine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from listen.article import Article
from listen.config import RenderSettings
from listen.text.lexicon import Lexicon

INTRO = -1  # the paragraph number of the headline and intro in timings


@dataclass
class Sentence:
    """One sentence: where it stands, what it says, and the chunks the engine reads.

    `map` ties what is said to what is written: [spoken_start, spoken_end, text_start,
    text_end] spans covering `spoken` in order (see listen/text/textmap.py).
    """

    index: int
    paragraph: int
    text: str
    spoken: str
    chunks: list[str] = field(default_factory=list)
    map: list[list[int]] = field(default_factory=list)
    pause_ms: int = 0  # silence an editor added after this sentence (Article.pauses)

    def chunk_offsets(self) -> list[int]:
        """Where each chunk starts in `spoken` (chunks are stripped stretches of it, in order)."""
        offsets, pos = [], 0
        for chunk in self.chunks:
            at = self.spoken.find(chunk, pos)
            at = pos if at < 0 else at
            offsets.append(at)
            pos = at + len(chunk)
        return offsets

    def chunk_ranges(self) -> list[tuple[int, int]]:
        """The stretch of `text` each chunk says, so a player can light the chunk being heard.

        The stretches tile the text in order; a chunk that starts inside a rewritten token
        ("January third" split from "twenty twenty-six") leaves that token to the chunk before.
        """
        starts = [_text_at(self.map, at, len(self.text)) for at in self.chunk_offsets()]
        if not starts:
            return []
        starts[0] = 0
        for i in range(1, len(starts)):
            starts[i] = max(starts[i], starts[i - 1])
        return list(zip(starts, [*starts[1:], len(self.text)]))


@dataclass
class Script:
    """What the engine will be given, sentence by sentence."""

    sentences: list[Sentence]
    title: str = ""
    byline: str = ""
    language: str = "en"
    source: str = ""
    date: str = ""
    site_name: str = ""

    def body(self) -> list[list[Sentence]]:
        """Group the body's sentences (not the intro) by paragraph."""
        groups: dict[int, list[Sentence]] = {}
        for s in self.sentences:
            if s.paragraph != INTRO:
                groups.setdefault(s.paragraph, []).append(s)
        return [groups[k] for k in sorted(groups)]

    def to_json(self) -> dict[str, Any]:
        """The `listen script --json` record (DESIGN.md)."""
        return {
            "source": self.source,
            "title": self.title,
            "byline": self.byline,
            "language": self.language,
            "paragraphs": [
                {"sentences": [{"text": s.text, "spoken": s.spoken} for s in para]} for para in self.body()
            ],
        }


def build_script(
    article: Article,
    settings: RenderSettings,
    lexicon: Lexicon | None = None,
    phonemes: bool | str | None = False,
) -> Script:
    """Turn an article into sentences with spoken forms and engine chunks.

    `phonemes` is the engine's phoneme alphabet ("espeak" or True, "ipa", or None):
    lexicon rules with phonemes in it are said as "[[...]]"; otherwise their `say`
    respelling is used.
    """
    return script_of(article, settings, list(iter_sentences(article, settings, lexicon, phonemes)))


def script_language(article: Article, settings: RenderSettings) -> str:
    return settings.language or article.language or "en"


def script_of(article: Article, settings: RenderSettings, sentences: list[Sentence]) -> Script:
    """Wrap sentences made by iter_sentences in a Script with the article's metadata."""
    return Script(
        sentences=sentences,
        title=article.title,
        byline=article.byline,
        language=script_language(article, settings),
        source=article.source,
        date=article.date,
        site_name=article.site_name,
    )


def iter_sentences(
    article: Article,
    settings: RenderSettings,
    lexicon: Lexicon | None = None,
    phonemes: bool | str | None = False,
) -> Iterator[Sentence]:
    """Yield the script's sentences one by one, so rendering can start before the last is said."""
    # Imported here: NLTK alone costs ~0.3 s, and finding an unchanged article's
    # rendition (render.py's fast path) needs this module's types, not its work.
    from listen.text.normalize import to_spoken_with_map

    language = script_language(article, settings)
    lexicon = lexicon if lexicon is not None else load_lexicon(settings)
    count = 0

    def make(text: str, paragraph: int) -> Sentence | None:
        if text in article.skipped:
            return None  # an editor chose not to read it
        # A headline has no full stop; give the engine one so it falls like a sentence.
        said = _as_sentence(text) if paragraph == INTRO else text
        spoken, spans = to_spoken_with_map(said, language, lexicon, phonemes)
        if not spoken.strip():
            return None  # a sentence of symbols only says nothing; nothing to render
        chunks = split_for_engine(spoken, settings.chunk_chars)
        pause = article.pauses.get(text, 0)
        return Sentence(count, paragraph, text, spoken, chunks, _map_to(text, said, spans), pause)

    for text in intro_sentences(article, settings.intro):
        sentence = make(text, INTRO)
        if sentence:
            count += 1
            yield sentence
    from listen.text.segment import (
        split_sentences,  # NLTK: the headline goes to the engine before it is imported
    )

    for number, paragraph in enumerate(article.paragraphs):
        for text in split_sentences(paragraph, language):
            sentence = make(text, number)
            if sentence:
                count += 1
                yield sentence


def load_lexicon(settings: RenderSettings) -> Lexicon:
    """The starter lexicon, with the publisher's rules (settings.lexicon) on top."""
    lexicon = Lexicon.default()
    if settings.lexicon:
        lexicon = lexicon.merged(Lexicon.load(settings.lexicon))
    return lexicon


def intro_sentences(article: Article, with_details: bool) -> list[str]:
    """The headline, then 'By Author.' and 'Site, date.' from what the article has."""
    lines = [article.title] if article.title else []
    if with_details:
        if article.byline:
            lines.append(
                article.byline if article.byline.lower().startswith("by ") else f"By {article.byline}."
            )
        details = ", ".join(x for x in (article.site_name, _spoken_date(article.date)) if x)
        if details:
            lines.append(details + ".")
    return lines


def _map_to(text: str, said: str, spans: list[tuple[int, int, int, int]]) -> list[list[int]]:
    """Move a map of `said` (the text stripped, perhaps with a full stop added) onto `text` itself."""
    lead = 0 if said == text else len(text) - len(text.lstrip())
    end = len(text)
    out = []
    for s0, s1, a, b in spans:
        a, b = a + lead, b + lead
        if s1 - s0 == b - a and a < end < b:
            # Said as written up to the added full stop: keep the words character for
            # character (word timings need that), and map the stop to the text's end.
            out += [[s0, s0 + end - a, a, end], [s0 + end - a, s1, end, end]]
        else:
            out.append([s0, s1, min(a, end), min(b, end)])
    return out


def _text_at(spans: list[list[int]], at: int, end: int) -> int:
    """Where in the text the speech from spoken offset `at` on begins."""
    for s0, s1, a, b in spans:
        if s0 <= at < s1:
            if s1 - s0 == b - a:
                return a + at - s0  # text said as written, character for character
            return a if at == s0 else b  # inside a rewritten token: it belongs to what came before
    return end


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if re.search(r"[.!?…][\"'”’)]*$", text) else text + "."


def _spoken_date(date: str) -> str:
    """Write an ISO date as a reader would say it ('January 3, 2026'); leave others as they are."""
    try:
        day = dt.date.fromisoformat(date[:10])
    except ValueError:
        return date
    return f"{day.strftime('%B')} {day.day}, {day.year}"


# Clause breaks, strongest first: a long sentence is cut at the strongest break
# that leaves a chunk of reasonable size.
_BREAKS = [r"[;:]\s", r"\s[—–]\s|—|\s-\s", r",\s", r"\s"]


def split_for_engine(spoken: str, max_chars: int) -> list[str]:
    """Split a long sentence into chunks of at most max_chars at clause boundaries."""
    chunks: list[str] = []
    rest = spoken.strip()
    while len(rest) > max_chars:
        cut = _best_cut(rest, max_chars)
        chunks.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        chunks.append(rest)
    return chunks


def _best_cut(text: str, max_chars: int) -> int:
    window = text[: max_chars + 1]
    for pattern in _BREAKS:
        cuts = [m.end() for m in re.finditer(pattern, window) if m.end() >= max_chars * 0.3]
        if cuts:
            return cuts[-1]
    return max_chars  # one enormous word: cut it anyway rather than overrun the engine

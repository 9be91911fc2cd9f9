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

from listen.article import Article, Mark
from listen.config import RenderSettings
from listen.text.lexicon import Lexicon
from listen.text.marks import MarkedLexicon, marked_sentences
from listen.text.months import MONTHS
from listen.text.wordlists import word_list, word_table

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
    # Set by SSML markup only (listen/text/marks.py): the pause before the sentence instead of
    # the usual one, and a factor of the reading rate.
    pause_ms: int | None = None
    rate: float = 1.0
    pause_after_ms: int = 0  # silence an editor added after this sentence (Article.pauses)

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
    japanese = language.split("-")[0].lower() == "ja"
    if japanese:
        from listen.text.japanese import to_kana  # its dictionary loads for Japanese articles only

    def make(text: str, paragraph: int, rules: Lexicon = lexicon) -> Sentence | None:
        if text in article.skipped:
            return None  # an editor chose not to read it
        # A headline has no full stop; give the engine one so it falls like a sentence.
        said = _as_sentence(text) if paragraph == INTRO else text
        spoken, spans = to_spoken_with_map(said, language, rules, phonemes)
        if japanese:
            spoken, spans = to_kana(spoken, spans)  # espeak-ng reads kana, not kanji
        if not spoken.strip():
            return None  # a sentence of symbols only says nothing; nothing to render
        chunks = split_for_engine(spoken, settings.chunk_chars)
        pause = article.pauses.get(text, 0)
        return Sentence(
            count, paragraph, text, spoken, chunks, _map_to(text, said, spans), pause_after_ms=pause
        )

    for text in intro_sentences(article, settings.intro, language):
        sentence = make(text, INTRO)
        if sentence:
            count += 1
            yield sentence
    from listen.text.segment import (
        split_sentences,  # NLTK: the headline goes to the engine before it is imported
    )

    marks: dict[int, list[Mark]] = {}
    for mark in article.marks:
        marks.setdefault(mark.paragraph, []).append(mark)
    for number, paragraph in enumerate(article.paragraphs):
        if number in marks:  # SSML: sentences and how each is said come from its markup
            for marked in marked_sentences(paragraph, marks[number], language, split_sentences):
                sentence = make(marked.text, number, MarkedLexicon(lexicon, marked.edits))
                if sentence:
                    sentence.pause_ms, sentence.rate = marked.pause_ms, marked.rate
                    count += 1
                    yield sentence
            continue
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


def intro_sentences(article: Article, with_details: bool, language: str = "en") -> list[str]:
    """The headline, then the byline and "Site, date." as the article's language says them.

    What cannot be said in that language is left out (a byline with no word for "By" in
    data/intro.yaml, a date it has no month names for), and so is what says nothing: a
    placeholder byline ("Admin", "Staff"), a host's address or an IP given as the site's name.
    """
    lines = [article.title] if article.title else []
    if not with_details:
        return lines
    lang = language.split("-")[0].lower()
    byline = _spoken_byline(article.byline, lang)
    if byline:
        lines.append(byline)
    site = "" if _is_address(article.site_name) else article.site_name.strip()
    details = ", ".join(x for x in (site, _spoken_date(article.date, lang)) if x)
    if details:
        lines.append(details + ".")
    return lines


_INTRO: dict[str, dict[str, str]] = word_table("listen.text", "intro.yaml")
_PLACEHOLDER_BYLINES = frozenset(word_list("listen.text", "placeholder_bylines.txt"))
# The byline may begin with its own "By". English's is always taken off; another language's
# ("Von", "Di") only before a capitalised name of two words or more: "Di Luigi Rossi" is by
# Luigi Rossi, while "Di Maio" and "von der Leyen" are names.
_ENGLISH_BY = re.compile(r"^(?:written by|words by|by)\s+", re.IGNORECASE)
_ANY_BY = r"^(?:" + "|".join(re.escape(f.split("{name}")[0].strip()) for f in _INTRO["by"].values()) + r")\s+"
_FOREIGN_BY = re.compile(_ANY_BY + r"(?=[A-ZÀ-ÞА-ЯЁ]\S*\s+\S)")


def _spoken_byline(byline: str, language: str) -> str:
    """ "By Sam Reporter." in the article's language; "" for no byline, a placeholder, or no word for "By"."""
    name = _FOREIGN_BY.sub("", _ENGLISH_BY.sub("", byline.strip())).strip().rstrip(".")
    bare = re.sub(_ANY_BY, "", name).lower()  # "Por Admin" too
    if not name or {name.lower(), bare} & _PLACEHOLDER_BYLINES or language not in _INTRO["by"]:
        return ""
    return _INTRO["by"][language].format(name=name)


# A host name ("www.example.com", "news.example.org:8080", "localhost"), an IPv4 or IPv6 address.
_ADDRESS = re.compile(
    r"^(?:https?://)?(?:\[?[0-9a-f:]*:[0-9a-f:.]+\]?|\d{1,3}(?:\.\d{1,3}){3}|localhost|"
    r"www\.[^\s]+|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?/?$"
)


def _is_address(site: str) -> bool:
    """Tell whether a site name is really an address: lower case with dots ("example.com"), an IP, a port.

    A brand written with capitals ("Booking.com", "Tech.eu") is a name, and is said.
    """
    return bool(_ADDRESS.match(site.strip()))


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


def _spoken_date(date: str, language: str = "en") -> str:
    """Say an ISO date as a reader of the language would ('January 3, 2026', '3 de janeiro de 2026').

    A date that is not ISO is said as it is only in English (the reading side makes the
    dates it finds ISO); in another language, or one with no way to say dates, it is left out.
    """
    try:
        day = dt.date.fromisoformat(date[:10])
    except ValueError:
        return date.strip() if language == "en" else ""
    form = _INTRO["date"].get(language)
    if form is None:
        return ""
    names = MONTHS.get(language)
    if "{month}" in form and not names:
        return ""
    return form.format(
        day=day.day, month=names[day.month - 1] if names else "", month_number=day.month, year=day.year
    )


# Clause breaks, strongest first: a long sentence is cut at the strongest break
# that leaves a chunk of reasonable size.
# Chinese and Japanese write their breaks full width with no space after them.
_BREAKS = [r"[;:]\s|[；：]", r"\s[—–]\s|—|\s-\s", r",\s|[、，]", r"\s"]


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

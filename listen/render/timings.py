"""Timings: the pieces' layouts (real sample offsets) in, the timings JSON's sentences, parts and words out.

The timings JSON is a contract (docs: output formats): each sentence's time, and where an
engine read it in several chunks or timed its words, each part's and word's time with the
stretch of the written text it stands for. Times come from the samples the encoded MP3
really holds, never from estimates. Also the ID3 chapters, one per paragraph.
"""

from __future__ import annotations

import itertools
from typing import Any

from listen.audio.format import SAMPLE_RATE
from listen.audio.mp3 import DECODER_OFFSET, SAMPLES_PER_FRAME
from listen.text.script import Script, Sentence
from listen.text.textmap import text_range

TIMINGS_VERSION = 1
MAX_CHAPTERS = 255


class Timeline:
    """The speech of a rendition's pieces as they are appended, in samples of the decoded MP3."""

    def __init__(self, sentences: list[Sentence]):
        self.sentences = sentences
        self.speech: list[tuple[int, int]] = []  # each sentence's speech
        self.chunks: list[list[tuple[int, int]]] = []  # and each of its chunks' speech
        self.words: list[list[list[list[int]]]] = []  # and each chunk's words, where the engine timed them
        self.end = 0  # samples so far
        self.begin = 0  # where the article starts: after the opening jingle, if any
        self.finish: int | None = None  # where it ends: before the closing jingle, if any
        self.jingles: list[tuple[int, int]] = []  # where each jingle's sound lies

    def add_piece(self, layout: dict[str, Any]) -> None:
        """Append a piece by its layout (see listen/render/pieces.py: render_piece)."""
        at = self.end + DECODER_OFFSET
        self.speech += [(at + a, at + b) for a, b in layout["speech"]]
        self.chunks += [[(at + a, at + b) for a, b in sentence] for sentence in layout["chunks"]]
        self.words += [
            [[[a, b, at + s0, at + s1] for a, b, s0, s1 in chunk] for chunk in sentence]
            for sentence in layout["words"]
        ]
        self.end += layout["frames"] * SAMPLES_PER_FRAME

    def add_jingle(self, layout: dict[str, Any], closing: bool) -> None:
        """Append a jingle's piece (listen/render/pieces.py: render_jingle): the article's time starts after
        the opening one and ends before the closing one, so its sentences (and captions) are offset exactly."""
        at = self.end + DECODER_OFFSET
        self.jingles.append((at + layout["jingle"][0], at + layout["jingle"][1]))
        if closing:
            self.finish = self.end
        self.end += layout["frames"] * SAMPLES_PER_FRAME
        if not closing:
            self.begin = self.end

    @property
    def done(self) -> int:
        """Count the sentences timed so far."""
        return len(self.speech)

    @property
    def duration_ms(self) -> int:
        return ms(self.end)

    def timed_sentences(self) -> list[dict[str, Any]]:
        """The timings JSON's "sentences" for what was appended so far."""
        stop = self.end if self.finish is None else self.finish
        return sentence_timings(self.sentences, self.speech, stop, self.chunks, self.words, self.begin)

    def document(self, key: str, script: Script) -> dict[str, Any]:
        """The whole timings JSON of a finished rendition."""
        document: dict[str, Any] = {
            "version": TIMINGS_VERSION,
            "id": key,
            "duration_ms": self.duration_ms,
            "title": script.title,
            "source": script.source,
            "date": script.date,
            "language": script.language,
            "sentences": self.timed_sentences(),
        }
        if self.jingles:
            document["jingles"] = [{"start_ms": ms(a), "end_ms": ms(b)} for a, b in self.jingles]
        return document


def ms(samples: int) -> int:
    """Samples at the pipeline's rate, in whole milliseconds."""
    return round(samples * 1000 / SAMPLE_RATE)


def sentence_timings(
    sentences: list[Sentence],
    speech: list[tuple[int, int]],
    end: int,
    chunks: list[list[tuple[int, int]]],
    words: list[list[list[list[int]]]],
    begin: int = 0,
) -> list[dict[str, Any]]:
    """Time each sentence from its speech; a boundary sits mid-pause, so sentences tile the article's audio
    (from `begin` to `end`: between the jingles, if any).

    A sentence the engine read in several chunks also gets "parts": each chunk's time
    (tiling the sentence's the same way) and the stretch of its text that chunk says.
    Where the engine timed its words, a sentence gets "words": each word's time and the
    stretch of the sentence's text it stands for.
    """
    timed = []
    for i, (a, b) in enumerate(speech):
        start = begin if i == 0 else (speech[i - 1][1] + a) // 2
        stop = end if i + 1 == len(speech) else (b + speech[i + 1][0]) // 2
        s = sentences[i]
        entry = {
            "index": s.index,
            "paragraph": s.paragraph,
            "start_ms": ms(start),
            "end_ms": ms(stop),
            "text": s.text,
            "spoken": s.spoken,
        }
        if len(chunks[i]) > 1:
            entry["parts"] = _parts(s, chunks[i], start, stop)
        timed_words = _words(s, words[i], start, stop)
        if timed_words:
            entry["words"] = timed_words
        timed.append(entry)
    return timed


def _words(sentence: Sentence, chunks: list[list[list[int]]], start: int, stop: int) -> list[dict[str, int]]:
    """Each timed word of a sentence, mapped from what is said to what is written (listen/text/textmap.py).

    Words the engine timed in a chunk's spoken text are moved to the sentence's spoken
    text, then to its written text; words that stand for one written token together
    ("two dollars" for "$2.00") become one entry. Times come from the real samples
    (trim and pauses included, as sentence times), kept inside the sentence's time.
    """
    out: list[dict[str, int]] = []
    for at, chunk in zip(sentence.chunk_offsets(), chunks):
        for a, b, s0, s1 in chunk:
            found = text_range(sentence.map, at + a, at + b)
            if found is None or found[1] <= found[0]:
                continue
            begin, finish = ms(min(max(s0, start), stop)), ms(min(max(s1, start), stop))
            if out and found[0] < out[-1]["text_end"]:  # the same written token as the word before
                out[-1]["end_ms"] = max(out[-1]["end_ms"], finish)
                out[-1]["text_end"] = max(out[-1]["text_end"], found[1])
                continue
            out.append(
                {
                    "start_ms": begin,
                    "end_ms": max(begin, finish),
                    "text_start": found[0],
                    "text_end": found[1],
                }
            )
    return out


def _parts(sentence: Sentence, chunks: list[tuple[int, int]], start: int, stop: int) -> list[dict[str, int]]:
    """Time each chunk of a long sentence, with the text it says; boundaries sit mid-pause."""
    bounds = [start] + [(before[1] + after[0]) // 2 for before, after in itertools.pairwise(chunks)] + [stop]
    return [
        {"start_ms": ms(bounds[n]), "end_ms": ms(bounds[n + 1]), "text_start": a, "text_end": b}
        for n, (a, b) in enumerate(sentence.chunk_ranges())
    ]


def chapters(timed: list[dict[str, Any]], duration_ms: int) -> list[tuple[int, int, str]]:
    """One chapter per paragraph (the intro is one too), titled with its first words."""
    starts: list[tuple[int, str]] = []
    for i, s in enumerate(timed):
        if i == 0 or s["paragraph"] != timed[i - 1]["paragraph"]:
            words = s["text"].split()
            starts.append((s["start_ms"], " ".join(words[:8]) + (" …" if len(words) > 8 else "")))
    # An ID3 table of contents holds at most 255 entries: in longer articles, every n-th paragraph.
    starts = starts[:: -(-len(starts) // MAX_CHAPTERS)]
    return [
        (start, starts[n + 1][0] if n + 1 < len(starts) else duration_ms, title)
        for n, (start, title) in enumerate(starts)
    ]

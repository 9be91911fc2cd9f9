"""The pipeline: Article -> Script -> cached pieces -> one tagged MP3 with timings and captions.

Sentences are grouped into pieces (a few sentences of one paragraph). Engine
workers (listen/render/workers.py) render each piece's missing chunks and encode the
piece (listen/render/pieces.py), one task per piece; the stitcher
appends pieces to the output in order as they arrive, so memory stays flat
however long the article is, a partial MP3 can be played while the rest renders,
and editing one sentence re-renders one chunk and re-encodes one piece.
"""

from __future__ import annotations

import hashlib
import queue
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from listen.article import Article
from listen.audio.format import AUDIO_PROCESSING_VERSION, SAMPLE_FORMAT, SAMPLE_RATE
from listen.audio.mp3 import DECODER_OFFSET, SAMPLES_PER_FRAME, write_id3
from listen.cache.store import Cache, StoredRendition, cache_key, write_error
from listen.config import Settings
from listen.engines import ENGINES, Speaker, choose_speaker, get_engine
from listen.errors import CacheError, EngineError
from listen.render.captions import to_vtt
from listen.render.pieces import PieceTask, SentenceSpec
from listen.render.workers import TaskOutcome, WorkerPool, engine_pool
from listen.text.script import INTRO, Script, Sentence, iter_sentences, script_language, script_of
from listen.text.textmap import text_range

TIMINGS_VERSION = 1
PIECE_VERSION = 3  # bump when the layout or encoding of pieces changes (2: chunk offsets, 3: words)
SENTENCES_PER_PIECE = 6
MAX_CHAPTERS = 255
# How many of an article's last pieces are queued longest first, per engine worker (see Renderer._submit).
TAIL_PIECES_PER_WORKER = 3


@dataclass
class Piece:
    """A run of sentences encoded together, and the pause before it."""

    key: str
    lead_pause_ms: int
    sentences: list[Sentence]
    chunk_keys: list[list[str]]


@dataclass
class Plan:
    """What a render will produce and from which cached pieces."""

    script: Script
    speaker: Speaker  # the engine and voice that read it
    pieces: list[Piece]
    key: str  # the rendition's key, also the article's id on the web


@dataclass
class Progress:
    """Where a render stands; sent to the progress callback after each piece."""

    key: str
    total: int
    done: int
    partial_mp3: Path | None
    sentences: list[dict[str, Any]]
    duration_ms: int


@dataclass
class Rendition:
    """A finished render: the cached files, its timings, and what work it took."""

    key: str
    mp3: Path
    vtt: Path
    timings_path: Path
    timings: dict[str, Any]
    pieces_rendered: int = 0
    chunks_rendered: int = 0
    engine_calls: int = 0
    from_cache: bool = False
    script: Script | None = field(default=None, repr=False)


class Renderer:
    """Renders articles with one settings object, one cache and one (lazy) pool of engine workers."""

    def __init__(self, settings: Settings, pool: WorkerPool | None = None):
        """Make a renderer; pass another renderer's `pool` to share its engine workers.

        Engine workers are stateless (each task names its voice, rate and cache), so renderers
        with different settings can share one pool; only its owner closes it.
        """
        self.settings = settings
        self.cache = Cache(settings.service.cache_dir)
        self._pool = pool
        self._owns_pool = pool is None

    # -- planning ------------------------------------------------------------------------------

    def plan(self, article: Article, on_piece: Callable[[Piece, Speaker], None] | None = None) -> Plan:
        """Work out the script and every cache key without rendering anything.

        on_piece(piece, speaker) hears of each piece as soon as its key is known, so a
        caller can start rendering it while the rest of the script is worked out.
        """
        speaker = self.speaker(article)
        alphabet = get_engine(speaker.engine).phoneme_alphabet
        chunk_key = self._chunk_keyer(speaker)
        sentences: list[Sentence] = []
        pieces: list[Piece] = []
        for sentence in iter_sentences(article, self.settings.render, phonemes=alphabet):
            closed = self._place(pieces, sentences[-1] if sentences else None, sentence, chunk_key)
            sentences.append(sentence)
            if closed is not None and on_piece:
                on_piece(closed, speaker)
        if len(pieces) > 1:  # the first piece was handed over when it was made
            self._seal(pieces[-1])
            if on_piece:
                on_piece(pieces[-1], speaker)
        script = script_of(article, self.settings.render, sentences)
        key = cache_key(
            kind="rendition", version=TIMINGS_VERSION, pieces=[p.key for p in pieces],
            sentences=[[s.paragraph, s.text] for s in script.sentences],
            tags=[script.title, script.byline, script.site_name, script.date, script.source],
        )
        return Plan(script, speaker, pieces, key)

    def engines(self) -> tuple[str, ...]:
        """The engines this renderer may use: the one set, or every engine (the choice is by language)."""
        engine = self.settings.render.engine
        return (engine,) if engine else tuple(ENGINES)

    def speaker(self, article: Article) -> Speaker:
        """The engine and voice for an article: as set, or Piper where it has a voice for the language."""
        s = self.settings.render
        return choose_speaker(script_language(article, s), s.engine, s.voice)

    def _chunk_keyer(self, speaker: Speaker) -> Callable[[str], str]:
        """Key a chunk by its text and all else that shapes its audio, for one plan.

        The engine's version is worked out once: for a Piper voice it reads the voice's
        config and checks its files (0.75 ms), which a 10,000-word article would
        otherwise pay for each of its 500 chunks.
        """
        s = self.settings.render
        engine = get_engine(speaker.engine)
        fixed = dict(
            kind="chunk", engine=engine.name, engine_version=engine.version(speaker.voice), voice=speaker.voice,
            rate=s.rate, sample_rate=SAMPLE_RATE, sample_format=SAMPLE_FORMAT,
            processing=AUDIO_PROCESSING_VERSION, loudness=s.loudness_lufs, true_peak=s.true_peak_db,
            fade_ms=s.fade_ms,
        )
        return lambda text: cache_key(text=text, **fixed)

    def _place(self, pieces: list[Piece], before: Sentence | None, sentence: Sentence,
               chunk_key: Callable[[str], str]) -> Piece | None:
        """Add a sentence to the last piece or start a new one; return the piece this closes, if any.

        A piece is a paragraph, or a few of its sentences at a time. The first piece is
        one sentence, complete as soon as it is made: it goes to the engine at once, so
        the headline renders while the rest of the script is worked out (NLTK alone takes
        a quarter of a second to load) and a listener hears something as soon as possible.
        """
        keys = [chunk_key(text) for text in sentence.chunks]
        if not pieces:
            pieces.append(Piece("", 0, [sentence], [keys]))
            self._seal(pieces[0])
            return pieces[0]
        current = pieces[-1]
        if before and before.paragraph == sentence.paragraph \
                and len(current.sentences) < SENTENCES_PER_PIECE and len(pieces) > 1:
            current.sentences.append(sentence)
            current.chunk_keys.append(keys)
            return None
        lead = 0 if before is None else self._pause_ms(before, sentence)
        pieces.append(Piece("", lead, [sentence], [keys]))
        if len(pieces) == 2:
            return None  # the piece before is the first, handed over already
        self._seal(current)
        return current

    def _seal(self, piece: Piece) -> None:
        """Give a finished piece its key."""
        s = self.settings.render
        piece.key = cache_key(
            kind="piece", version=PIECE_VERSION, lead=piece.lead_pause_ms, chunks=piece.chunk_keys,
            pauses=[s.sentence_pause_ms, s.clause_pause_ms], bitrate=s.bitrate_kbps,
            quality=s.mp3_compression_level,
        )

    def _pause_ms(self, before: Sentence, after: Sentence) -> int:
        s = self.settings.render
        if before.paragraph == INTRO and after.paragraph != INTRO:
            return s.title_pause_ms
        if before.paragraph != after.paragraph:
            return s.paragraph_pause_ms
        return s.sentence_pause_ms

    # -- rendering -----------------------------------------------------------------------------

    def render(self, article: Article, progress: Callable[[Progress], None] | None = None) -> Rendition:
        """Render an article, reusing cached pieces and chunks, or a cached rendition if there is one."""
        alias = self._article_key(article)
        known = self.cache.get_alias(alias)
        stored = self.cache.get_rendition(known) if known else None
        if stored is not None:
            return _rendition(stored, from_cache=True)
        self.start(workers=1)  # an engine boots while the script is worked out
        outcomes: queue.Queue[TaskOutcome] = queue.Queue()
        submitted: set[str] = set()
        held: list[Piece] = []  # the newest pieces, held back in case they are the last (see _submit)
        tail = self._tail_size()

        def start_piece(piece: Piece, speaker: Speaker) -> None:
            # A piece on disk is read and checked once, by render_plan, which renders it
            # after all if it turns out damaged.
            if piece.key in submitted or self.cache.piece_path(piece.key).exists():
                return
            if piece.sentences[0].index == 0:
                # No audio for the headline: most likely a new article, with work for every
                # worker. Boot them now, while NLTK loads, not when the second piece is queued.
                self.start()
            held.append(piece)
            # The first pieces a listener hears go at once; later ones wait until `tail` newer
            # ones are known, since only the article's last `tail` pieces are queued by size.
            if len(submitted) <= tail or len(held) > tail:
                self._submit([held.pop(0)], speaker, outcomes, submitted)

        plan = self.plan(article, on_piece=start_piece)
        self._submit(held, plan.speaker, outcomes, submitted, queued_before=len(submitted))
        stored = self.cache.get_rendition(plan.key)
        if stored is None:
            rendition = self.render_plan(plan, progress, outcomes, submitted)
        else:
            rendition = _rendition(stored, from_cache=True, script=plan.script)
        self.cache.put_alias(alias, plan.key)
        return rendition

    def sample(self, sentence: str, language: str) -> tuple[bytes, bool]:
        """Render one sentence in this renderer's voice as MP3 frames, for a voice preview.

        It is cached as a piece like any other (not as a rendition, so it never shows up as an
        article): a voice is rendered once, then read from the cache. Returns the frames and
        whether they came from the cache.
        """
        plan = self.plan(Article(paragraphs=[sentence], language=language))
        piece = plan.pieces[0]
        stored = self.cache.get_piece(piece.key)
        if stored is not None:
            return stored[1], True
        outcomes: queue.Queue[TaskOutcome] = queue.Queue()
        self.pool.submit(self._task(piece, plan.speaker), outcomes)
        return self._wait_for_piece(piece, outcomes, {})[1], False

    def _article_key(self, article: Article) -> str:
        """Key an article and the settings and code that shape its audio, to find its rendition fast.

        Only the render settings count: how the service runs (engine workers, port, limits)
        never changes the audio, so it must not miss this shortcut.

        Working out a script imports NLTK and normalises every sentence; an unchanged
        article should not pay for that just to learn that its audio is ready.
        """
        lexicon = self.settings.render.lexicon
        rules = hashlib.sha256(Path(lexicon).read_bytes()).hexdigest() if lexicon and Path(lexicon).is_file() else None
        return cache_key(kind="article", article=asdict(article), settings=asdict(self.settings.render), lexicon=rules,
                         engines={name: get_engine(name).version() for name in ENGINES},
                         code=script_code_fingerprint())

    def render_plan(self, plan: Plan, progress: Callable[[Progress], None] | None = None,
                    outcomes: queue.Queue[TaskOutcome] | None = None, submitted: set[str] | None = None) -> Rendition:
        """Render a plan made by `plan()`: missing pieces on the workers, then stitch and tag.

        Pieces already submitted (their keys in `submitted`, results to `outcomes`) are not
        submitted again.
        """
        # Pruning (the server's, in this process) must not delete what this render is about to read.
        keys = [plan.key] + [p.key for p in plan.pieces] + [k for p in plan.pieces for ks in p.chunk_keys for k in ks]
        with self.cache.using(keys):
            return self._render_plan(plan, progress, outcomes, submitted)

    def _render_plan(self, plan: Plan, progress: Callable[[Progress], None] | None,
                     outcomes: queue.Queue[TaskOutcome] | None, submitted: set[str] | None) -> Rendition:
        outcomes = outcomes if outcomes is not None else queue.Queue()
        submitted = submitted if submitted is not None else set()
        cached = {p.key: None if p.key in submitted else self.cache.get_piece(p.key) for p in plan.pieces}
        self._submit([p for p in plan.pieces if cached[p.key] is None], plan.speaker, outcomes, submitted)
        finished: dict[str, TaskOutcome] = {}
        try:
            partial = self.cache.temp_file(".mp3")
        except OSError as exc:
            raise write_error(exc) from None
        final: Path | None = None
        speech: list[tuple[int, int]] = []  # each sentence's speech, in samples of the decoded MP3
        chunks: list[list[tuple[int, int]]] = []  # and each of its chunks' speech
        words: list[list[list[list[int]]]] = []  # and each chunk's words, where the engine timed them
        offset = 0
        total = len(plan.script.sentences)
        try:
            with open(partial, "ab") as out:
                for piece in plan.pieces:
                    layout, mp3 = cached[piece.key] or self._wait_for_piece(piece, outcomes, finished)
                    out.write(mp3)
                    out.flush()
                    at = offset + DECODER_OFFSET
                    speech += [(at + a, at + b) for a, b in layout["speech"]]
                    chunks += [[(at + a, at + b) for a, b in sentence] for sentence in layout["chunks"]]
                    words += [[[[a, b, at + s0, at + s1] for a, b, s0, s1 in chunk] for chunk in sentence]
                              for sentence in layout["words"]]
                    offset += layout["frames"] * SAMPLES_PER_FRAME
                    if progress:
                        timed = _timings(plan.script.sentences, speech, offset, chunks, words)
                        progress(Progress(plan.key, total, len(speech), partial, timed, _ms(offset)))
            timed = _timings(plan.script.sentences, speech, offset, chunks, words)
            timings = {"version": TIMINGS_VERSION, "id": plan.key, "duration_ms": _ms(offset),
                       "title": plan.script.title, "source": plan.script.source, "date": plan.script.date,
                       "language": plan.script.language, "sentences": timed}
            final = self.cache.temp_file(".mp3")
            # The partial file may still be streaming to a listener: tag a copy, never it.
            shutil.copyfile(partial, final)
            write_id3(final, self._tags(plan.script), _chapters(timed, _ms(offset)))
            stored = self.cache.put_rendition(plan.key, final, timings, to_vtt(timings))
            final = None  # moved into place
        except OSError as exc:  # the partial or final MP3 could not be written: most likely a full disk
            raise write_error(exc) from None
        finally:
            # A failed render leaves nothing behind, so a full disk frees itself.
            partial.unlink(missing_ok=True)
            if final is not None:
                final.unlink(missing_ok=True)
        return _rendition(
            stored, pieces_rendered=len(finished), script=plan.script,
            chunks_rendered=sum(o.result["engine_calls"] for o in finished.values()),
            engine_calls=sum(o.result["engine_calls"] + o.attempts - 1 for o in finished.values()),
        )

    def _tail_size(self) -> int:
        return TAIL_PIECES_PER_WORKER * self.settings.service.engine_workers

    def _submit(self, pieces: list[Piece], speaker: Speaker, outcomes: queue.Queue[TaskOutcome],
                submitted: set[str], queued_before: int = 0) -> None:
        """Queue pieces for the workers in reading order; the article's last few longest first.

        In reading order, the stitcher can append each piece as it comes. But a long piece
        taken last keeps one worker busy while the others sit idle (on the seed article, a
        second of two workers' time). Queued longest first, the last few pieces end close
        together: on 51 saved articles, a cold render's work ends 2% after the ideal split
        between two workers instead of 6%. The first pieces (the headline and the few after
        it) always go in order, so a listener who starts at once never waits for them.
        """
        # A paragraph that appears twice is one piece: rendered once.
        pieces = list({p.key: p for p in pieces if p.key not in submitted}.values())
        for piece in queue_order(pieces, self._tail_size(), queued_before):
            submitted.add(piece.key)
            self.pool.submit(self._task(piece, speaker), outcomes)

    def _task(self, piece: Piece, speaker: Speaker) -> PieceTask:
        s = self.settings.render
        sentences = tuple(
            SentenceSpec(x.index, x.text, tuple(zip(keys, x.chunks))) for x, keys in zip(piece.sentences, piece.chunk_keys)
        )
        chunks = sum(len(k) for k in piece.chunk_keys)
        return PieceTask(
            piece.key, piece.lead_pause_ms, sentences, s.sentence_pause_ms, s.clause_pause_ms, speaker.voice, s.rate,
            speaker.engine, str(self.cache.root), s.loudness_lufs, s.true_peak_db, s.fade_ms, s.bitrate_kbps,
            s.mp3_compression_level, timeout=self.settings.service.chunk_timeout_s * chunks,
        )

    def _wait_for_piece(self, piece: Piece, outcomes: queue.Queue[TaskOutcome],
                        finished: dict[str, TaskOutcome]) -> tuple[dict[str, Any], bytes]:
        while piece.key not in finished:
            outcome = outcomes.get()
            finished[outcome.task.key] = outcome
        outcome = finished[piece.key]
        if isinstance(outcome.exception, CacheError):
            raise outcome.exception
        if not outcome.ok:
            raise EngineError(
                f"Could not render {_describe(piece, outcome)} after {outcome.attempts} tries. "
                "Run again; if it keeps failing, reword that sentence.",
                sentence=outcome.exception.sentence if isinstance(outcome.exception, EngineError) else None,
            )
        stored = self.cache.get_piece(piece.key)
        if stored is None:
            raise EngineError(
                f"The audio for {_describe(piece)} vanished from the cache while rendering; "
                "is another process pruning it? Run again."
            )
        return stored

    def _tags(self, script: Script) -> dict[str, str]:
        return {
            "title": script.title,
            "artist": script.byline or script.site_name,
            "album": script.site_name or "listen",
            "date": script.date[:10] if script.date else "",
            "comment": f"Read aloud by listen from {script.source}" if script.source else "Read aloud by listen",
        }

    # -- workers -------------------------------------------------------------------------------

    @property
    def pool(self) -> WorkerPool:
        if self._pool is None:
            service = self.settings.service
            self._pool = engine_pool(service.engine_workers, service.chunk_timeout_s, engines=self.engines())
        return self._pool

    def start(self, workers: int | None = None) -> None:
        """Boot engine workers ahead of the first task (servers boot all of them at start-up)."""
        self.pool.start(workers)

    def close(self) -> None:
        if self._pool is not None and self._owns_pool:
            self._pool.close()
        self._pool = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# What turns an article into a script: whole packages and modules, so a file added or moved
# inside them is covered without anyone editing a list of names.
SCRIPT_CODE = ("listen/article.py", "listen/text", "listen/render")


@lru_cache(maxsize=1)
def script_code_fingerprint() -> str:
    """Hash the code and data that turn an article into a script, so an upgrade misses the fast path."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for part in SCRIPT_CODE:
        for path in _source_files(root / part):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _source_files(path: Path) -> list[Path]:
    """The .py and data files of a module or package, in a stable order; a missing one is a packaging bug."""
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    if not files:
        raise RuntimeError(f"{path} holds no files: the script fingerprint would hash nothing")
    return files


def queue_order(pieces: list[Piece], tail: int, queued_before: int = 0) -> list[Piece]:
    """Pieces in reading order, except the last `tail`: longest first (see Renderer._submit).

    The first tail + 1 pieces of a render (counting `queued_before`, those queued already)
    stay in reading order whatever the article's length: they are what a listener hears first.
    """
    start = max(tail + 1 - queued_before, len(pieces) - tail, 0)
    return pieces[:start] + sorted(pieces[start:], key=_piece_size, reverse=True)


def _piece_size(piece: Piece) -> int:
    """How much an engine has to say for a piece: its work, roughly."""
    return sum(len(text) for sentence in piece.sentences for text in sentence.chunks)


def _ms(samples: int) -> int:
    return round(samples * 1000 / SAMPLE_RATE)


def _describe(piece: Piece, outcome: TaskOutcome | None = None) -> str:
    """Name the sentence at fault: the engine's error carries it; a hang names the piece's sentences."""
    exc = outcome.exception if outcome else None
    if isinstance(exc, EngineError) and exc.sentence is not None:
        return f"sentence {exc.sentence + 1} ({_quote(exc.sentence_text)}): {exc.message}"
    first, last = piece.sentences[0], piece.sentences[-1]
    where = f"sentence {first.index + 1}" if first is last else f"sentences {first.index + 1}-{last.index + 1}"
    error = outcome.error if outcome else ""
    return f"{where} ({_quote(first.text)})" + (f": {error}" if error else "")


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _timings(sentences: list[Sentence], speech: list[tuple[int, int]], end: int,
             chunks: list[list[tuple[int, int]]], words: list[list[list[list[int]]]]) -> list[dict[str, Any]]:
    """Time each sentence from its speech; a boundary sits mid-pause, so sentences tile the audio.

    A sentence the engine read in several chunks also gets "parts": each chunk's time
    (tiling the sentence's the same way) and the stretch of its text that chunk says.
    Where the engine timed its words, a sentence gets "words": each word's time and the
    stretch of the sentence's text it stands for.
    """
    timed = []
    for i, (a, b) in enumerate(speech):
        start = 0 if i == 0 else (speech[i - 1][1] + a) // 2
        stop = end if i + 1 == len(speech) else (b + speech[i + 1][0]) // 2
        s = sentences[i]
        entry = {"index": s.index, "paragraph": s.paragraph, "start_ms": _ms(start), "end_ms": _ms(stop),
                 "text": s.text, "spoken": s.spoken}
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
            begin, finish = _ms(min(max(s0, start), stop)), _ms(min(max(s1, start), stop))
            if out and found[0] < out[-1]["text_end"]:  # the same written token as the word before
                out[-1]["end_ms"] = max(out[-1]["end_ms"], finish)
                out[-1]["text_end"] = max(out[-1]["text_end"], found[1])
                continue
            out.append({"start_ms": begin, "end_ms": max(begin, finish), "text_start": found[0], "text_end": found[1]})
    return out


def _parts(sentence: Sentence, chunks: list[tuple[int, int]], start: int, stop: int) -> list[dict[str, int]]:
    """Time each chunk of a long sentence, with the text it says; boundaries sit mid-pause."""
    bounds = [start] + [(before[1] + after[0]) // 2 for before, after in zip(chunks, chunks[1:])] + [stop]
    return [{"start_ms": _ms(bounds[n]), "end_ms": _ms(bounds[n + 1]), "text_start": a, "text_end": b}
            for n, (a, b) in enumerate(sentence.chunk_ranges())]


def _chapters(timed: list[dict[str, Any]], duration_ms: int) -> list[tuple[int, int, str]]:
    """One chapter per paragraph (the intro is one too), titled with its first words."""
    starts: list[tuple[int, str]] = []
    for i, s in enumerate(timed):
        if i == 0 or s["paragraph"] != timed[i - 1]["paragraph"]:
            words = s["text"].split()
            starts.append((s["start_ms"], " ".join(words[:8]) + (" …" if len(words) > 8 else "")))
    # An ID3 table of contents holds at most 255 entries: in longer articles, every n-th paragraph.
    starts = starts[:: -(-len(starts) // MAX_CHAPTERS)]
    return [(start, starts[n + 1][0] if n + 1 < len(starts) else duration_ms, title)
            for n, (start, title) in enumerate(starts)]


def _rendition(stored: StoredRendition, **extra: Any) -> Rendition:
    return Rendition(stored.key, stored.mp3, stored.vtt, stored.timings_path, stored.public_timings(), **extra)

"""The Renderer: an Article in; a Rendition (one tagged MP3 with its timings and captions, cached) out.

A plan (listen/render/plan.py) groups the script's sentences into pieces (a few
sentences of one paragraph) and keys each. Engine workers (listen/render/workers.py) render each piece's missing chunks and encode the
piece (listen/render/pieces.py), one task per piece; the stitcher
appends pieces to the output in order as they arrive, so memory stays flat
however long the article is, a partial MP3 can be played while the rest renders,
and editing one sentence re-renders one chunk and re-encodes one piece.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from listen.article import Article
from listen.audio.mp3 import write_id3
from listen.cache.store import Cache, StoredRendition, write_error
from listen.config import Settings
from listen.engines import ENGINES, Speaker, get_engine
from listen.errors import CacheError, EngineError, ListenError, RenderStoppedError
from listen.render.captions import to_vtt
from listen.render.jingles import Jingle, jingle_task, jingles_for
from listen.render.plan import Piece, Plan, article_key, make_plan, queue_order, speaker_for
from listen.render.tasks import Encoding, PieceTask, SentenceSpec
from listen.render.timings import Timeline, chapters
from listen.render.workers import STOP_POLL_S, TaskOutcome, WorkerPool, engine_pool
from listen.text.script import Script

# What the MP3's encoder tag (TSSE) says read it, by engine name.
ENCODER_NAMES = {"piper": "Piper", "pyttsx3": "pyttsx3 + espeak-ng"}

# How many of an article's last pieces are queued longest first, per engine worker (see Renderer._submit).
TAIL_PIECES_PER_WORKER = 3


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

    def __init__(self, settings: Settings, pool: WorkerPool | None = None, hosted: bool = False):
        """Make a renderer; pass another renderer's `pool` to share its engine workers.

        Engine workers are stateless (each task names its voice, rate and cache), so renderers
        with different settings can share one pool; only its owner closes it. `hosted`: the
        workers come from the engine host CLI commands share (settings' engine_linger_s).
        """
        self.settings = settings
        self.cache = Cache(settings.service.cache_dir)
        self._pool = pool
        self._owns_pool = pool is None
        self._linger_s = settings.service.engine_linger_s if hosted else 0.0

    # -- planning (listen/render/plan.py) -----------------------------------------------------

    def plan(self, article: Article, on_piece: Callable[[Piece, Speaker], None] | None = None) -> Plan:
        """Work out the script and every cache key without rendering anything (see plan.make_plan)."""
        return make_plan(article, self.settings.render, on_piece)

    def engines(self) -> tuple[str, ...]:
        """The engines this renderer may use: the one set, or every engine (the choice is by language)."""
        engine = self.settings.render.engine
        return (engine,) if engine else tuple(ENGINES)

    def speaker(self, article: Article) -> Speaker:
        """The engine and voice for an article: as set, or Piper where it has a voice for the language."""
        return speaker_for(article, self.settings.render)

    # -- rendering -----------------------------------------------------------------------------

    def render(self, article: Article, progress: Callable[[Progress], None] | None = None) -> Rendition:
        """Render an article, reusing cached pieces and chunks, or a cached rendition if there is one."""
        alias = article_key(article, self.settings.render)
        known = self.cache.get_alias(alias)
        stored = self.cache.get_rendition(known) if known else None
        if stored is not None:
            return _rendition(stored, from_cache=True)
        self.start(workers=1)  # an engine boots while the script is worked out
        outcomes: queue.Queue[TaskOutcome] = queue.Queue()
        submitted: set[str] = set()
        held: list[Piece] = []  # the newest pieces, held back in case they are the last (see _submit)
        tail = self._tail_size()
        # An opening jingle is the first thing a listener hears: it goes to the workers before any piece.
        self._jingles(jingles_for(self.settings.render), outcomes, submitted, None)

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

    def render_plan(
        self,
        plan: Plan,
        progress: Callable[[Progress], None] | None = None,
        outcomes: queue.Queue[TaskOutcome] | None = None,
        submitted: set[str] | None = None,
        stop: threading.Event | None = None,
    ) -> Rendition:
        """Render a plan made by `plan()`: missing pieces on the workers, then stitch and tag.

        Pieces already submitted (their keys in `submitted`, results to `outcomes`) are not
        submitted again. Once `stop` is set, the render ends at the next chunk with a
        RenderStoppedError: the chunks and pieces made so far stay cached, the partial MP3 goes.
        """
        # Pruning (the server's, in this process) must not delete what this render is about to read.
        keys = (
            [plan.key]
            + [j.key for j in plan.jingles if j]
            + [p.key for p in plan.pieces]
            + [k for p in plan.pieces for ks in p.chunk_keys for k in ks]
        )
        with self.cache.using(keys):
            return self._render_plan(plan, progress, outcomes, submitted, stop)

    def _render_plan(
        self,
        plan: Plan,
        progress: Callable[[Progress], None] | None,
        outcomes: queue.Queue[TaskOutcome] | None,
        submitted: set[str] | None,
        stop: threading.Event | None,
    ) -> Rendition:
        outcomes = outcomes if outcomes is not None else queue.Queue()
        submitted = submitted if submitted is not None else set()
        cached = {p.key: None if p.key in submitted else self.cache.get_piece(p.key) for p in plan.pieces}
        missing = [p for p in plan.pieces if cached[p.key] is None]
        jingles = self._jingles(plan.jingles, outcomes, submitted, stop)
        self._submit(missing, plan.speaker, outcomes, submitted, stop=stop)
        finished: dict[str, TaskOutcome] = {}
        try:
            partial = self.cache.temp_file(".mp3")
        except OSError as exc:
            raise write_error(exc) from None
        final: Path | None = None
        timeline = Timeline(plan.script.sentences)
        total = len(plan.script.sentences)
        try:
            with open(partial, "ab") as out:
                opening, closing = plan.jingles
                if opening:
                    self._append_jingle(out, timeline, opening, jingles, outcomes, finished, stop)
                for piece in plan.pieces:
                    if stop is not None and stop.is_set():
                        raise RenderStoppedError("The render was stopped.")
                    layout, mp3 = cached[piece.key] or self._wait_for_piece(piece, outcomes, finished, stop)
                    out.write(mp3)
                    out.flush()
                    timeline.add_piece(layout)
                    if progress:
                        progress(
                            Progress(
                                plan.key,
                                total,
                                timeline.done,
                                partial,
                                timeline.timed_sentences(),
                                timeline.duration_ms,
                            )
                        )
                if closing:
                    self._append_jingle(out, timeline, closing, jingles, outcomes, finished, stop)
            timings = timeline.document(plan.key, plan.script)
            final = self.cache.temp_file(".mp3")
            # The partial file may still be streaming to a listener: tag a copy, never it.
            shutil.copyfile(partial, final)
            write_id3(
                final,
                self._tags(plan.script, plan.speaker),
                chapters(timings["sentences"], timings["duration_ms"]),
            )
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
            stored,
            pieces_rendered=sum(1 for o in finished.values() if isinstance(o.task, PieceTask)),
            script=plan.script,
            chunks_rendered=sum(o.result["engine_calls"] for o in finished.values()),
            engine_calls=sum(o.result["engine_calls"] + o.attempts - 1 for o in finished.values()),
        )

    def _jingles(
        self,
        wanted: tuple[Jingle | None, Jingle | None],
        outcomes: queue.Queue[TaskOutcome],
        submitted: set[str],
        stop: threading.Event | None,
    ) -> dict[str, tuple[dict[str, Any], bytes]]:
        """The cached jingle pieces by key; the missing ones go to the workers (made once, then cached)."""
        found = {}
        for jingle in filter(None, wanted):
            stored = self.cache.get_piece(jingle.key)
            if stored is not None:
                found[jingle.key] = stored
            elif jingle.key not in submitted:
                submitted.add(jingle.key)
                timeout = self.settings.service.chunk_timeout_s
                task = jingle_task(jingle, self.settings.render, self.cache.root, timeout)
                self.pool.submit(task, outcomes, stop)
        return found

    def _append_jingle(
        self,
        out: Any,
        timeline: Timeline,
        jingle: Jingle,
        cached: dict[str, tuple[dict[str, Any], bytes]],
        outcomes: queue.Queue[TaskOutcome],
        finished: dict[str, TaskOutcome],
        stop: threading.Event | None,
    ) -> None:
        stored = cached.get(jingle.key)
        if stored is None:
            outcome = self._wait(jingle.key, outcomes, finished, stop)
            if isinstance(outcome.exception, ListenError):  # the file says what is wrong with it
                raise outcome.exception
            if not outcome.ok:
                raise EngineError(f"Could not make the jingle from {str(jingle.path)!r}: {outcome.error}")
            stored = self.cache.get_piece(jingle.key)
            if stored is None:
                raise EngineError("The jingle vanished from the cache while rendering; run again.")
        layout, mp3 = stored
        out.write(mp3)
        out.flush()
        timeline.add_jingle(layout, jingle.closing)

    def _tail_size(self) -> int:
        return TAIL_PIECES_PER_WORKER * self.settings.service.engine_workers

    def _submit(
        self,
        pieces: list[Piece],
        speaker: Speaker,
        outcomes: queue.Queue[TaskOutcome],
        submitted: set[str],
        queued_before: int = 0,
        stop: threading.Event | None = None,
    ) -> None:
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
            self.pool.submit(self._task(piece, speaker), outcomes, stop)

    def _task(self, piece: Piece, speaker: Speaker) -> PieceTask:
        s = self.settings.render
        sentences = tuple(
            SentenceSpec(x.index, x.text, tuple(zip(keys, x.chunks)))
            for x, keys in zip(piece.sentences, piece.chunk_keys)
        )
        chunks = sum(len(k) for k in piece.chunk_keys)
        return PieceTask(
            piece.key,
            piece.lead_pause_ms,
            sentences,
            s.sentence_pause_ms,
            s.clause_pause_ms,
            speaker.voice,
            piece.rate or s.rate,
            speaker.engine,
            Encoding.of(s, self.cache.root),
            timeout=self.settings.service.chunk_timeout_s * chunks,
            variant=get_engine(speaker.engine).variant(s),
        )

    def _wait_for_piece(
        self,
        piece: Piece,
        outcomes: queue.Queue[TaskOutcome],
        finished: dict[str, TaskOutcome],
        stop: threading.Event | None = None,
    ) -> tuple[dict[str, Any], bytes]:
        outcome = self._wait(piece.key, outcomes, finished, stop)
        if isinstance(outcome.exception, (CacheError, RenderStoppedError)):
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

    def _wait(
        self,
        key: str,
        outcomes: queue.Queue[TaskOutcome],
        finished: dict[str, TaskOutcome],
        stop: threading.Event | None,
    ) -> TaskOutcome:
        """Wait for the task with this key, keeping the outcomes of others that finish meanwhile."""
        while key not in finished:
            try:
                outcome = outcomes.get(timeout=STOP_POLL_S)
            except queue.Empty:
                if stop is not None and stop.is_set():
                    raise RenderStoppedError("The render was stopped.") from None
                continue
            finished[outcome.task.key] = outcome
        return finished[key]

    def _tags(self, script: Script, speaker: Speaker) -> dict[str, str]:
        return {
            "encoder": f"listen ({ENCODER_NAMES.get(speaker.engine, speaker.engine)}, voice {speaker.voice}; LAME)",
            "title": script.title,
            "artist": script.byline or script.site_name,
            "album": script.site_name or "listen",
            "date": script.date[:10] if script.date else "",
            "comment": f"Read aloud by listen from {script.source}"
            if script.source
            else "Read aloud by listen",
        }

    # -- workers -------------------------------------------------------------------------------

    @property
    def pool(self) -> WorkerPool:
        if self._pool is None:
            service = self.settings.service
            self._pool = engine_pool(
                service.engine_workers,
                service.chunk_timeout_s,
                engines=self.engines(),
                linger_s=self._linger_s,
            )
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


def _describe(piece: Piece, outcome: TaskOutcome | None = None) -> str:
    """Name the sentence at fault: the engine's error carries it; a hang names the piece's sentences."""
    exc = outcome.exception if outcome else None
    if isinstance(exc, EngineError) and exc.sentence is not None:
        return f"sentence {exc.sentence + 1} ({_quote(exc.sentence_text)}): {exc.message}"
    first, last = piece.sentences[0], piece.sentences[-1]
    where = (
        f"sentence {first.index + 1}" if first is last else f"sentences {first.index + 1}-{last.index + 1}"
    )
    error = outcome.error if outcome else ""
    return f"{where} ({_quote(first.text)})" + (f": {error}" if error else "")


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _rendition(stored: StoredRendition, **extra: Any) -> Rendition:
    return Rendition(
        stored.key, stored.mp3, stored.vtt, stored.timings_path, stored.public_timings(), **extra
    )

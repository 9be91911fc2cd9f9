"""The pipeline: Article -> Script -> cached chunks -> one stitched, tagged MP3 with timings.

Chunks render in parallel worker processes; the stitcher takes them in order as
they arrive and streams PCM into the encoder, so memory stays flat however
long the article is, and a partial MP3 can be played while the rest renders.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .article import Article
from .audio import Mp3Encoder, silence, write_id3
from .cache import AUDIO_PROCESSING_VERSION, SAMPLE_RATE, Cache, StoredRendition, cache_key
from .captions import to_vtt
from .chunks import ChunkJob
from .config import Settings
from .engines import Engine, get_engine
from .errors import EngineError
from .script import INTRO, Script, Sentence, build_script
from .workers import JobOutcome, WorkerPool

TIMINGS_VERSION = 1


@dataclass
class Plan:
    """What a render will produce and from which cached pieces."""

    script: Script
    voice: str
    chunk_keys: list[list[str]]  # per sentence, per chunk
    key: str  # the rendition's key


@dataclass
class Progress:
    """Where a render stands; sent to the progress callback after each sentence."""

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
    chunks_rendered: int = 0
    chunks_reused: int = 0
    engine_calls: int = 0
    from_cache: bool = False
    script: Script | None = field(default=None, repr=False)


class Renderer:
    """Renders articles with one settings object, one cache and one (lazy) pool of engine workers."""

    def __init__(self, settings: Settings, engine: str = "pyttsx3"):
        self.settings = settings
        self.cache = Cache(settings.cache_dir)
        self.engine: Engine = get_engine(engine)
        self._pool: WorkerPool | None = None

    # -- planning ------------------------------------------------------------------------------

    def plan(self, article: Article) -> Plan:
        """Work out the script and every cache key without rendering anything."""
        s = self.settings
        script = build_script(article, s)
        voice = self.engine.resolve_voice(s.voice, script.language)
        engine_version = self.engine.version()
        chunk_keys = [
            [
                cache_key(
                    kind="chunk", engine=self.engine.name, engine_version=engine_version, voice=voice,
                    rate=s.rate, text=chunk, sample_rate=SAMPLE_RATE, sample_format="s16le-mono",
                    processing=AUDIO_PROCESSING_VERSION, loudness=s.loudness_lufs, true_peak=s.true_peak_db,
                    fade_ms=s.fade_ms,
                )
                for chunk in sentence.chunks
            ]
            for sentence in script.sentences
        ]
        key = cache_key(
            kind="rendition", version=TIMINGS_VERSION,
            sentences=[[x.paragraph, x.text, x.spoken, keys] for x, keys in zip(script.sentences, chunk_keys)],
            pauses=[s.sentence_pause_ms, s.paragraph_pause_ms, s.title_pause_ms, s.clause_pause_ms],
            bitrate=s.bitrate_kbps, compression=s.mp3_compression_level,
            tags=[script.title, script.byline, script.site_name, script.date, script.source],
        )
        return Plan(script, voice, chunk_keys, key)

    # -- rendering -----------------------------------------------------------------------------

    def render(self, article: Article, progress: Callable[[Progress], None] | None = None) -> Rendition:
        """Render an article, reusing every cached chunk and a cached rendition if there is one."""
        plan = self.plan(article)
        stored = self.cache.get_rendition(plan.key)
        if stored is not None:
            reused = sum(len(k) for k in plan.chunk_keys)
            return _rendition(stored, chunks_reused=reused, from_cache=True, script=plan.script)
        return self._render_plan(plan, progress)

    def _render_plan(self, plan: Plan, progress: Callable[[Progress], None] | None) -> Rendition:
        s = self.settings
        missing = self._missing_chunks(plan)
        outcomes: queue.Queue[JobOutcome] = queue.Queue()
        for job in missing.values():
            self.pool.submit(job, outcomes)
        finished: dict[str, JobOutcome] = {}

        partial = self.cache.temp_file(".mp3")
        encoder = Mp3Encoder(partial, s.bitrate_kbps, s.mp3_compression_level)
        timed: list[dict[str, Any]] = []
        position = 0  # samples written so far
        try:
            for i, (sentence, keys) in enumerate(zip(plan.script.sentences, plan.chunk_keys)):
                if i > 0:
                    pause = silence(self._pause_ms(plan.script.sentences[i - 1], sentence))
                    encoder.write(pause)
                    # A boundary sits in the middle of the pause: the earlier sentence
                    # ends there and this one starts there, so sentences tile the audio.
                    boundary = position + pause.size // 2
                    timed[-1]["end_ms"] = _ms(boundary)
                    position += pause.size
                start = 0 if i == 0 else boundary
                for j, key in enumerate(keys):
                    if j > 0:
                        gap = silence(s.clause_pause_ms)
                        encoder.write(gap)
                        position += gap.size
                    samples = self._wait_for_chunk(key, sentence, missing, outcomes, finished)
                    encoder.write(samples)
                    position += samples.size
                timed.append(_sentence_timing(sentence, _ms(start), _ms(position)))
                if progress:
                    progress(Progress(plan.key, len(plan.script.sentences), i + 1, partial, timed, _ms(position)))
            encoder.close()
        except BaseException:
            encoder.abort()
            raise
        timings = {
            "version": TIMINGS_VERSION,
            "id": plan.key,
            "duration_ms": _ms(position),
            "title": plan.script.title,
            "sentences": timed,
        }
        write_id3(partial, self._tags(plan.script), _chapters(timed, _ms(position)))
        stored = self.cache.put_rendition(plan.key, partial, timings, to_vtt(timings))
        calls = sum(o.attempts for o in finished.values())
        total = sum(len(k) for k in plan.chunk_keys)
        return _rendition(stored, chunks_rendered=len(missing), chunks_reused=total - len(missing),
                          engine_calls=calls, script=plan.script)

    def _missing_chunks(self, plan: Plan) -> dict[str, ChunkJob]:
        """Jobs for the chunks that are not in the cache (or are there but corrupt)."""
        s = self.settings
        jobs: dict[str, ChunkJob] = {}
        for sentence, keys in zip(plan.script.sentences, plan.chunk_keys):
            for text, key in zip(sentence.chunks, keys):
                if key not in jobs and self.cache.get_chunk(key) is None:
                    jobs[key] = ChunkJob(key, text, plan.voice, s.rate, self.engine.name, str(self.cache.root),
                                         s.loudness_lufs, s.true_peak_db, s.fade_ms)
        return jobs

    def _wait_for_chunk(self, key: str, sentence: Sentence, missing: dict[str, ChunkJob],
                        outcomes: queue.Queue[JobOutcome], finished: dict[str, JobOutcome]):  # type: ignore[no-untyped-def]
        while key in missing and key not in finished:
            outcome = outcomes.get()
            finished[outcome.job.key] = outcome
        outcome = finished.get(key)
        if outcome is not None and not outcome.ok:
            raise EngineError(
                f"Could not render sentence {sentence.index + 1} ({_quote(sentence.text)}) after "
                f"{outcome.attempts} tries: {outcome.error}. Run again; if it keeps failing, reword that sentence."
            )
        samples = self.cache.get_chunk(key)
        if samples is None:
            raise EngineError(
                f"The audio for sentence {sentence.index + 1} ({_quote(sentence.text)}) vanished from the cache "
                "while rendering; is another process pruning it? Run again."
            )
        return samples

    def _pause_ms(self, before: Sentence, after: Sentence) -> int:
        s = self.settings
        if before.paragraph == INTRO and after.paragraph != INTRO:
            return s.title_pause_ms
        if before.paragraph != after.paragraph:
            return s.paragraph_pause_ms
        return s.sentence_pause_ms

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
            self._pool = WorkerPool(
                "listen.chunks:render_chunk", size=self.settings.jobs, timeout=self.settings.chunk_timeout_s,
                initializer="listen.chunks:warm_up",
            )
        return self._pool

    def start(self) -> None:
        """Boot the engine workers ahead of the first request (servers call this at start-up)."""
        self.pool.start_all()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ms(samples: int) -> int:
    return round(samples * 1000 / SAMPLE_RATE)


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _sentence_timing(sentence: Sentence, start_ms: int, end_ms: int) -> dict[str, Any]:
    return {
        "index": sentence.index,
        "paragraph": sentence.paragraph,
        "start_ms": start_ms,
        "end_ms": end_ms,
        "text": sentence.text,
        "spoken": sentence.spoken,
    }


def _chapters(timed: list[dict[str, Any]], duration_ms: int) -> list[tuple[int, int, str]]:
    """One chapter per paragraph (the intro is one too), titled with its first words."""
    starts: list[tuple[int, str]] = []
    for s in timed:
        if not starts or s["paragraph"] != timed[s["index"] - 1]["paragraph"]:
            words = s["text"].split()
            starts.append((s["start_ms"], " ".join(words[:8]) + (" …" if len(words) > 8 else "")))
    return [(start, starts[n + 1][0] if n + 1 < len(starts) else duration_ms, title)
            for n, (start, title) in enumerate(starts)]


def _rendition(stored: StoredRendition, **extra: Any) -> Rendition:
    timings = {k: v for k, v in stored.timings.items() if not k.startswith("_")}
    return Rendition(stored.key, stored.mp3, stored.vtt, stored.timings_path, timings, **extra)

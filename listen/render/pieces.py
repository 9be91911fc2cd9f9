"""Chunk audio and encoded pieces, made inside engine worker processes.

A chunk is one engine call: rendered, checked, trimmed, levelled and cached as
PCM. A piece is a run of up to a few sentences of one paragraph, with its pauses,
encoded to MP3 frames and cached with its layout; a rendition is its pieces end to
end, so editing one sentence re-encodes one piece, not the article.
`render_piece` runs in an engine worker (listen/render/workers.py), which owns the engine.

The main process builds PieceTasks (listen/render/tasks.py) and never touches samples, so this module
imports numpy, pydub and the engine only inside the functions workers run (the
workers' fork server loads them once, ahead of any task).
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listen.cache.chunks import get_chunk, put_chunk
from listen.cache.store import Cache
from listen.errors import EngineError, ListenError, RenderStoppedError
from listen.render.tasks import JingleTask, PieceTask, SentenceSpec
from listen.render.workers import STOP_SIGNAL

# Set by the stop signal (STOP_SIGNAL) while a task runs: the task
# ends before its next chunk, keeping the chunks it made.
_stop = {"asked": False, "listening": False}

if TYPE_CHECKING:
    import numpy as np


def render_piece(task: PieceTask | JingleTask) -> dict[str, Any]:
    """Render missing chunks, lay the piece out with its pauses, encode and cache it.

    Returns the layout (MP3 frames, each sentence's speech as sample offsets into the
    piece's PCM, each of its chunks' speech likewise, and each chunk's words as [spoken
    start, spoken end, start sample, end sample] in the chunk's text and the piece's PCM,
    where the engine said where its words fall) plus how many engine calls it took.
    """
    if isinstance(task, JingleTask):
        return render_jingle(task)
    # The audio stack loads in engine workers only (their fork server preloads it), never in the planner.
    import numpy as np

    from listen.audio.chunk import silence
    from listen.audio.mp3 import count_frames, encode_mp3

    _listen_for_stop()
    cache = Cache(Path(task.encoding.cache_dir))
    # The chunks not on disk are spoken first: the engine starts at once instead of after
    # reading and checking the piece's cached chunks (an edited sentence is rarely the first).
    spoken: dict[str, tuple[np.ndarray, list[list[int]] | None]] = {}
    for sentence in task.sentences:
        for key, text in sentence.chunks:
            if key not in spoken and not cache.chunk_path(key).exists():
                spoken[key] = _render_unless_stopped(task, cache, sentence, key, text)
    calls = len(spoken)
    audio = [silence(task.lead_pause_ms)]
    position = audio[0].size
    speech: list[list[int]] = []
    chunks: list[list[list[int]]] = []  # per sentence, each of its chunks' [start, end]
    words: list[list[list[list[int]]]] = []  # per sentence, per chunk, its words (empty: not known)
    for n, sentence in enumerate(task.sentences):
        if n > 0:
            audio.append(silence(task.sentence_pause_ms))
            position += audio[-1].size
        start = position
        chunks.append([])
        words.append([])
        for m, (key, text) in enumerate(sentence.chunks):
            if m > 0:
                audio.append(silence(task.clause_pause_ms))
                position += audio[-1].size
            cached = spoken.get(key) or get_chunk(cache, key)
            if cached is None:  # missing after all, or damaged: said again
                cached = _render_unless_stopped(task, cache, sentence, key, text)
                calls += 1
            samples, timed = cached
            audio.append(samples)
            chunks[-1].append([position, position + samples.size])
            words[-1].append([[a, b, position + s0, position + s1] for a, b, s0, s1 in timed or []])
            position += samples.size
        speech.append([start, position])
    mp3 = encode_mp3(np.concatenate(audio).tobytes(), task.encoding.bitrate_kbps, task.encoding.quality)
    layout = {
        "frames": count_frames(mp3),
        "pcm_samples": position,
        "speech": speech,
        "chunks": chunks,
        "words": words,
    }
    cache.put_piece(task.key, layout, mp3)
    return {**layout, "engine_calls": calls}


def render_jingle(task: JingleTask) -> dict[str, Any]:
    """Decode and level a jingle, put its pause on the article's side, encode and cache it as a piece.

    Its layout says where the jingle's sound lies ("jingle": [start, end] samples) and holds no
    speech, so the timeline only moves on by its frames.
    """
    import numpy as np

    from listen.audio.chunk import silence
    from listen.audio.jingle import jingle_samples
    from listen.audio.mp3 import count_frames, encode_mp3

    e = task.encoding
    sound = jingle_samples(Path(task.path), e.loudness_lufs, e.true_peak_db, e.fade_ms)
    before, after = silence(task.pause_before_ms), silence(task.pause_after_ms)
    pcm = np.concatenate([before, sound, after])
    mp3 = encode_mp3(pcm.tobytes(), e.bitrate_kbps, e.quality)
    layout = {
        "frames": count_frames(mp3),
        "pcm_samples": pcm.size,
        "speech": [],
        "chunks": [],
        "words": [],
        "jingle": [before.size, before.size + sound.size],
    }
    Cache(Path(e.cache_dir)).put_piece(task.key, layout, mp3)
    return {**layout, "engine_calls": 0}


def _listen_for_stop() -> None:
    """Forget a stop meant for an earlier task, and hear one for this task (workers run tasks on their main thread)."""
    _stop["asked"] = False
    if not _stop["listening"]:

        def asked(signum: int, frame: Any) -> None:
            _stop["asked"] = True

        signal.signal(STOP_SIGNAL, asked)
        _stop["listening"] = True


def _render_unless_stopped(
    task: PieceTask, cache: Cache, sentence: SentenceSpec, key: str, text: str
) -> tuple[np.ndarray, list[list[int]] | None]:
    """Speak a chunk, unless the render was asked to stop: a stop is seen between chunks."""
    if _stop["asked"]:
        raise RenderStoppedError("The render was stopped.")
    return _render_chunk(task, cache, sentence, key, text)


def _render_chunk(
    task: PieceTask, cache: Cache, sentence: SentenceSpec, key: str, text: str
) -> tuple[np.ndarray, list[list[int]] | None]:
    """Have the engine say one chunk, check it, trim, level and cache it with its word timings."""
    from listen.audio.chunk import check_plausible, level_and_fade, speech_bounds
    from listen.engines import get_engine
    from listen.engines.pipeline_rate import to_pipeline_rate

    try:
        spoken = to_pipeline_rate(
            get_engine(task.engine).synthesize(text, task.voice, task.rate, task.variant)
        )
        check_plausible(spoken.samples, text, task.rate)
    except ListenError as exc:
        raise EngineError(exc.message, sentence=sentence.index, sentence_text=sentence.text) from None
    cut, end = speech_bounds(spoken.samples)
    e = task.encoding
    processed = level_and_fade(spoken.samples[cut:end], e.loudness_lufs, e.true_peak_db, e.fade_ms)
    words = None
    if spoken.words:
        # Word positions move with the silence trimmed off the front (levelling and
        # fading keep every sample where it is).
        words = [
            [
                w.start,
                w.end,
                min(max(0, w.start_sample - cut), processed.size),
                min(max(0, w.end_sample - cut), processed.size),
            ]
            for w in spoken.words
        ]
    put_chunk(cache, key, processed, words)
    return processed, words


def warm_up(engines: tuple[str, ...] | None) -> None:
    """Start this worker's engines before the first real task (the first render can be lost).

    Their modules are loaded already: the fork server imports them (workers.engine_modules).
    Only the engines the renderer will use start (a pyttsx3-only service never pays for
    Piper's voice: about a second and 160 MB a worker); another a task names starts on that task.
    """
    from listen.engines import ENGINES, get_engine

    for name in engines or tuple(ENGINES):
        get_engine(name).load()

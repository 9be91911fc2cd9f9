"""Chunk audio: one engine call per chunk, checked, trimmed, levelled and cached.

`render_chunk` runs inside a worker process (listen/workers.py), which owns the
engine; it imports only what a worker needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .audio import process_chunk, read_engine_wav
from .cache import Cache
from .engines import get_engine


@dataclass(frozen=True)
class ChunkJob:
    """Everything a worker needs to render one chunk into the cache."""

    key: str
    text: str
    voice: str
    rate: int
    engine: str
    cache_dir: str
    loudness_lufs: float
    true_peak_db: float
    fade_ms: int


def render_chunk(job: ChunkJob) -> int:
    """Render, check and level one chunk, store it under its key; return its length in samples."""
    cache = Cache(Path(job.cache_dir))
    tmp = cache.temp_file(".wav")
    try:
        get_engine(job.engine).synthesize(job.text, job.voice, job.rate, str(tmp))
        samples = read_engine_wav(str(tmp), job.text, job.rate)
    finally:
        tmp.unlink(missing_ok=True)
    processed = process_chunk(samples, job.loudness_lufs, job.true_peak_db, job.fade_ms)
    cache.put_chunk(job.key, processed)
    return int(processed.size)


def warm_up(_: object) -> None:
    """Start this worker's engine before the first real job (the first render can be lost)."""
    from .engines.pyttsx3_engine import _worker_engine

    _worker_engine()

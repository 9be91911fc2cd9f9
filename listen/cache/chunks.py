"""Chunk audio in the cache: a chunk key and samples in, a checked FLAC entry out, and back.

Only engine workers read and write chunks (listen/render/pieces.py): this module loads
numpy and libsndfile (listen/audio/flac.py), which the process that plans and stitches,
using listen/cache/store.py alone, never does.
"""

from __future__ import annotations

from listen.audio.flac import Samples, decode_chunk_at_pipeline_rate, encode_chunk
from listen.audio.format import SAMPLE_RATE
from listen.cache.store import Cache


def get_chunk(cache: Cache, key: str) -> tuple[Samples, list[list[int]] | None] | None:
    """Return a chunk's samples and word timings, or None if missing; a corrupt entry is deleted."""
    return cache.read_checked(cache.chunk_path(key), decode_chunk_at_pipeline_rate)


def put_chunk(cache: Cache, key: str, samples: Samples, words: list[list[int]] | None = None) -> None:
    """Store a chunk's samples (at the pipeline's rate) and word timings under its key."""
    cache.write_atomic(cache.chunk_path(key), encode_chunk(samples, SAMPLE_RATE, words))

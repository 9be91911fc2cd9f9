"""Chunk audio as the cache stores it: 16-bit mono samples in, lossless FLAC bytes out, and back.

The FLAC's comment carries a sha256 of the samples (and of the engine's word timings), so
a read checks the very samples it decoded, not just the container. numpy and libsndfile
load only where chunks are read or written: in the engine workers.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import TYPE_CHECKING, Any, TypeAlias

from listen.audio.format import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

# int16 mono samples; named here so the cache can speak of them without importing numpy.
Samples: TypeAlias = "np.ndarray"


def encode_chunk(samples: Samples, rate: int, words: list[list[int]] | None = None) -> bytes:
    """Compress 16-bit mono samples losslessly as FLAC, with their sha256 (and word timings) in its comment.

    FLAC holds the same samples in about two thirds of a WAV's bytes. The comment is JSON:
    {"sha256": hex digest of the 16-bit little-endian samples followed by the words' JSON,
    "words": [[spoken start, spoken end, start sample, end sample], ...] when the engine gave
    them}, so a read checks the very samples it decoded, not just the container.
    """
    import soundfile  # libsndfile loads in engine workers only: the stitching process never reads samples

    data = samples.astype("<i2")
    comment: dict[str, Any] = {"sha256": _chunk_digest(data.tobytes(), words)}
    if words is not None:
        comment["words"] = words
    buffer = io.BytesIO()
    # FLAC level 7: 0.62 of the WAV's bytes on the seed's speech, at about 0.5 ms of an engine
    # worker's time per second of audio (level 8 saves 0.3% more for half as much time again).
    with soundfile.SoundFile(buffer, "w", rate, 1, "PCM_16", format="FLAC", compression_level=0.875) as f:
        f.comment = json.dumps(comment, separators=(",", ":"))
        f.write(data)
    return buffer.getvalue()


def decode_chunk(raw: bytes) -> tuple[Samples, int, list[list[int]] | None] | None:
    """Return (samples, rate, word timings or None) from encode_chunk's bytes, or None if anything is off."""
    import soundfile  # see encode_chunk

    try:
        with soundfile.SoundFile(io.BytesIO(raw)) as f:
            if f.format != "FLAC" or f.channels != 1 or f.subtype != "PCM_16":
                return None
            comment = json.loads(f.comment or "{}")
            samples = f.read(dtype="int16").astype("<i2", copy=False)
            rate = f.samplerate
        words = comment.get("words")
        if not samples.size or comment.get("sha256") != _chunk_digest(samples.tobytes(), words):
            return None
    except (soundfile.LibsndfileError, RuntimeError, ValueError, TypeError, AttributeError):
        return None
    return samples, rate, words


def decode_chunk_at_pipeline_rate(raw: bytes) -> tuple[Samples, list[list[int]] | None] | None:
    """Return (samples, word timings) from encode_chunk's bytes, or None if damaged or at another sample rate."""
    decoded = decode_chunk(raw)
    return (decoded[0], decoded[2]) if decoded is not None and decoded[1] == SAMPLE_RATE else None


def _chunk_digest(data: bytes, words: list[list[int]] | None) -> str:
    extra = b"" if words is None else json.dumps(words, separators=(",", ":")).encode("ascii")
    return hashlib.sha256(data + extra).hexdigest()

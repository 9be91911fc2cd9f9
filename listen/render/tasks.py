"""Piece and jingle tasks: what the renderer hands an engine worker, as plain data both sides import.

In: a piece's sentences with their chunk keys and spoken texts, its pauses, voice, rate,
engine, cache folder and encoding settings. The worker (listen/render/pieces.py) makes
the piece from it and caches it under the task's key. Nothing here loads audio code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from listen.config import RenderSettings


@dataclass(frozen=True)
class SentenceSpec:
    """One sentence of a piece: its index in the script, its text, and its chunks."""

    index: int
    text: str
    chunks: tuple[tuple[str, str], ...]  # (chunk key, spoken text)


@dataclass(frozen=True)
class Encoding:
    """How a worker levels, fades and encodes a piece, and the cache it puts it in: the same for every task."""

    cache_dir: str
    loudness_lufs: float
    true_peak_db: float
    fade_ms: int
    bitrate_kbps: int
    quality: int

    @classmethod
    def of(cls, settings: RenderSettings, cache_dir: Path) -> Encoding:
        return cls(
            str(cache_dir),
            settings.loudness_lufs,
            settings.true_peak_db,
            settings.fade_ms,
            settings.bitrate_kbps,
            settings.mp3_compression_level,
        )


@dataclass(frozen=True)
class PieceTask:
    """Everything a worker needs to make one piece and cache it under its key."""

    key: str
    lead_pause_ms: int
    sentences: tuple[SentenceSpec, ...]
    sentence_pause_ms: int
    clause_pause_ms: int
    voice: str
    rate: int
    engine: str
    encoding: Encoding
    timeout: float
    variant: str = ""  # the engine's model variant (Engine.variant), as in the chunk keys


@dataclass(frozen=True)
class JingleTask:
    """Everything a worker needs to make a jingle piece (branding audio) and cache it under its key."""

    key: str
    path: str  # the audio file, in any format ffmpeg reads
    pause_before_ms: int  # silence before it (the closing jingle) ...
    pause_after_ms: int  # ... or after it (the opening one)
    encoding: Encoding
    timeout: float

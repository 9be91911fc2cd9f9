"""One typed Settings object; the only place that reads LISTEN_* from the environment."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import SettingsError

MIN_RATE = 80
MAX_RATE = 450


def _default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    """Everything that changes what we render or how we serve it.

    Every field can be set from the environment as LISTEN_<FIELD NAME IN CAPITALS>;
    CLI flags and API fields override through `replace()`.
    """

    cache_dir: Path = Path("audio_cache")
    # Voice: None picks the engine's default voice for the article's language.
    voice: str | None = None
    rate: int = 170  # words per minute
    language: str | None = None  # None: detect from the article
    # Pauses inserted between trimmed chunks, in milliseconds.
    sentence_pause_ms: int = 350
    paragraph_pause_ms: int = 750
    title_pause_ms: int = 1000
    clause_pause_ms: int = 120  # between the pieces of one long sentence
    fade_ms: int = 8
    loudness_lufs: float = -16.0
    true_peak_db: float = -1.0
    bitrate_kbps: int = 64
    # libmp3lame's -compression_level: 0 is best and ~10x slower than 7; the
    # difference is inaudible for speech at 64 kb/s.
    mp3_compression_level: int = 7
    chunk_chars: int = 300
    chunk_timeout_s: float = 30.0
    jobs: int = field(default_factory=_default_jobs)
    max_input_bytes: int = 2_000_000
    intro: bool = True
    lexicon: Path | None = None
    # Web and fetching.
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 2_000_000
    allow_private_hosts: bool = False
    fetch_timeout_s: float = 10.0
    max_fetch_bytes: int = 5_000_000
    # Scaling out and limits.
    redis_url: str | None = None  # set: renders go to `listen worker` processes through Redis
    queue_limit: int = 100  # jobs waiting in the queue before new work gets 503
    api_keys: str | None = None  # comma-separated; set: POSTs need one
    rate_limit: str = "60/minute"  # new articles per API key and per client address

    def __post_init__(self) -> None:
        if not MIN_RATE <= self.rate <= MAX_RATE:
            raise SettingsError(
                f"Rate {self.rate} words per minute is out of range; "
                f"choose a rate from {MIN_RATE} to {MAX_RATE} (170 is a natural pace)."
            )
        if self.jobs < 1:
            raise SettingsError("jobs must be at least 1; use --jobs 1 for a single worker.")
        if self.queue_limit < 1:
            raise SettingsError("queue_limit must be at least 1; LISTEN_QUEUE_LIMIT=100 is a good start.")
        if self.chunk_chars < 40:
            raise SettingsError("chunk_chars must be at least 40 characters.")

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with the given fields changed; None values are ignored."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from LISTEN_* variables, then apply non-None overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"LISTEN_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, str(f.type), raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _parse(name: str, type_name: str, raw: str) -> Any:
    """Turn an environment string into the field's type, with a helpful error."""
    try:
        if "bool" in type_name:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if "Path" in type_name:
            return Path(raw)
        if type_name.startswith("int"):
            return int(raw)
        if type_name.startswith("float"):
            return float(raw)
        return raw
    except ValueError:
        raise SettingsError(
            f"LISTEN_{name.upper()}={raw!r} is not a valid {type_name}; fix or unset it."
        ) from None

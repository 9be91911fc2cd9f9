"""Jingle planning: render settings in; the opening and closing jingles a rendition carries, keyed by content, out.

A jingle is cached once as a piece (listen/render/pieces.py: render_jingle) under a key made
of the file's digest and all that shapes its audio, so every rendition with the same jingle
reuses it, and a new file under the same name is a new jingle. The pause that separates it
from the speech (a paragraph's) is part of it, on the article's side.
Nothing here loads audio code: the planner keys jingles, engine workers make them.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from listen.audio.format import AUDIO_PROCESSING_VERSION, SAMPLE_RATE
from listen.cache.store import cache_key, sha256_file
from listen.config import RenderSettings
from listen.errors import SettingsError
from listen.render.tasks import Encoding, JingleTask

JINGLE_VERSION = 1  # bump when the way a jingle piece is made changes


@dataclass(frozen=True)
class Jingle:
    """An opening or closing jingle of a rendition, and the key of its cached piece."""

    key: str
    path: Path
    closing: bool
    pause_ms: int


def jingles_for(settings: RenderSettings) -> tuple[Jingle | None, Jingle | None]:
    """The opening and closing jingles, as set (None where unset, or both None for "jingle": false)."""
    if not settings.jingle:
        return None, None
    return _jingle(settings, settings.jingle_in, closing=False), _jingle(
        settings, settings.jingle_out, closing=True
    )


def jingle_digests(settings: RenderSettings) -> list[str | None] | None:
    """The digests of the jingle files a rendition carries, for the article's key; None if it carries none."""
    opening, closing = jingles_for(settings)
    if opening is None and closing is None:
        return None
    return [_digest(j.path) if j else None for j in (opening, closing)]


def check_jingles(settings: RenderSettings) -> None:
    """Ask ffprobe whether each jingle file holds audio, so a wrong file stops start-up, not a render."""
    for jingle in filter(None, jingles_for(settings)):
        command = ["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries", "stream=codec_type"]
        try:
            done = subprocess.run(
                [*command, "-of", "csv=p=0", str(jingle.path)], capture_output=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            raise SettingsError(
                "A jingle needs ffmpeg to read it; install ffmpeg (apt install ffmpeg)."
            ) from None
        if done.returncode != 0 or b"audio" not in done.stdout:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            name = "LISTEN_JINGLE_OUT" if jingle.closing else "LISTEN_JINGLE_IN"
            raise SettingsError(
                f"ffmpeg cannot read the jingle {str(jingle.path)!r} ({said[-1] if said else 'no sound in it'}); "
                f"give {name} an audio file such as a WAV or MP3, or unset it."
            )


def jingle_task(jingle: Jingle, settings: RenderSettings, cache_dir: Path, timeout: float) -> JingleTask:
    """What an engine worker needs to make a jingle's piece."""
    return JingleTask(
        jingle.key,
        str(jingle.path),
        jingle.pause_ms if jingle.closing else 0,
        0 if jingle.closing else jingle.pause_ms,
        Encoding.of(settings, cache_dir),
        timeout=timeout,
    )


def _jingle(settings: RenderSettings, path: Path | None, closing: bool) -> Jingle | None:
    if path is None:
        return None
    key = cache_key(
        kind="jingle",
        version=JINGLE_VERSION,
        file=_digest(path),
        closing=closing,
        pause_ms=settings.paragraph_pause_ms,
        sample_rate=SAMPLE_RATE,
        processing=AUDIO_PROCESSING_VERSION,
        loudness=settings.loudness_lufs,
        true_peak=settings.true_peak_db,
        fade_ms=settings.fade_ms,
        bitrate=settings.bitrate_kbps,
        quality=settings.mp3_compression_level,
    )
    return Jingle(key, path, closing, settings.paragraph_pause_ms)


def _digest(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError as exc:
        raise SettingsError(
            f"The jingle {str(path)!r} cannot be read ({exc.strerror or exc}); put the file back, "
            "or unset LISTEN_JINGLE_IN / LISTEN_JINGLE_OUT."
        ) from None

"""Jingles: an audio file in any format ffmpeg reads in; its samples in the pipeline's format, levelled like speech, out.

A jingle (or a spoken sign-off) opens or closes every rendition. It is decoded once by
ffmpeg, brought to the loudness speech chunks are levelled to (listen/audio/chunk.py), so
the brand is neither louder nor quieter than the article, and its edges faded.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from listen.audio.chunk import level_and_fade
from listen.audio.format import CHANNELS, SAMPLE_RATE
from listen.errors import SettingsError

# Longer than this is not a jingle: most likely the wrong file (and it would sit in every rendition).
MAX_JINGLE_S = 60
DECODE_TIMEOUT_S = 60


def jingle_samples(path: Path, target_lufs: float, true_peak_db: float, fade_ms: int) -> np.ndarray:
    """Decode a jingle file and level it to the speech's loudness under the peak ceiling."""
    samples = decode(path)
    if samples.size > MAX_JINGLE_S * SAMPLE_RATE:
        raise SettingsError(
            f"The jingle {str(path)!r} lasts {samples.size / SAMPLE_RATE:.0f} s; a jingle may last "
            f"{MAX_JINGLE_S} s at most: cut it short, or unset LISTEN_JINGLE_IN / LISTEN_JINGLE_OUT."
        )
    return level_and_fade(samples, target_lufs, true_peak_db, fade_ms)


def decode(path: Path) -> np.ndarray:
    """Decode any audio file ffmpeg reads to 16-bit mono samples at the pipeline's rate."""
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path)]
    command += ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", str(CHANNELS), "-ar", str(SAMPLE_RATE), "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=DECODE_TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise SettingsError(
            "A jingle needs ffmpeg to read it; install ffmpeg (apt install ffmpeg)."
        ) from None
    except subprocess.TimeoutExpired:
        raise SettingsError(
            f"ffmpeg took over {DECODE_TIMEOUT_S} s to read the jingle {str(path)!r}."
        ) from None
    samples = np.frombuffer(done.stdout[: len(done.stdout) // 2 * 2], dtype="<i2")
    if done.returncode != 0 or not np.any(samples):
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[-1] if said else "no sound in it"
        raise SettingsError(
            f"ffmpeg cannot read the jingle {str(path)!r} ({reason}); give LISTEN_JINGLE_IN / "
            "LISTEN_JINGLE_OUT an audio file such as a WAV or MP3, or unset them."
        )
    return samples

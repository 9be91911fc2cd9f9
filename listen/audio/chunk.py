"""Chunk audio: check what the engine wrote, then trim, level and fade it.

Chunks are levelled one by one (listen/audio/loudness.py), so a rendition is a plain
concatenation that can be streamed while it is made and never holds the whole
article's PCM in memory. Encoding and tagging live in listen/audio/mp3.py.
"""

from __future__ import annotations

import numpy as np
from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from listen.audio.format import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH
from listen.audio.loudness import level
from listen.errors import EngineError
from listen.text.word_count import word_count

SILENCE_THRESHOLD_DBFS = -45.0
# LAME at 64 kb/s drops about 0.4 LU of K-weighted energy from espeak-ng speech
# (measured with ffmpeg's ebur128 before and after encoding), so chunks aim that much higher.
ENCODER_LOUDNESS_LOSS_LU = 0.4


def check_plausible(samples: np.ndarray, text: str, rate_wpm: int) -> None:
    """Refuse audio that is silent, or far too short or long for the words in the text."""
    if samples.size == 0:
        raise EngineError("The engine produced no audio.")
    peak = int(np.abs(samples.astype(np.int32)).max())
    if peak < 32768 * 10 ** (SILENCE_THRESHOLD_DBFS / 20):
        raise EngineError("The engine produced only silence.")
    # Words in any script: characters count where words are not written apart (Japanese, Chinese, Thai).
    words = max(1.0, word_count(text))
    expected = words * 60.0 / rate_wpm
    seconds = samples.size / SAMPLE_RATE
    if not 0.2 * expected - 0.3 <= seconds <= 4.0 * expected + 2.0:
        raise EngineError(
            f"The engine produced {seconds:.1f} s of audio for {words:.0f} words (expected about {expected:.1f} s)."
        )


# -- chunks ------------------------------------------------------------------------------------------


def to_segment(samples: np.ndarray) -> AudioSegment:
    return AudioSegment(
        data=samples.astype("<i2").tobytes(),
        sample_width=SAMPLE_WIDTH,
        frame_rate=SAMPLE_RATE,
        channels=CHANNELS,
    )


def speech_bounds(samples: np.ndarray) -> tuple[int, int]:
    """Where a chunk's speech starts and ends, in samples: its silence at both ends trimmed.

    A few ms are kept either side so consonant onsets and releases are not clipped.
    """
    segment = to_segment(samples)
    start = detect_leading_silence(segment, silence_threshold=SILENCE_THRESHOLD_DBFS, chunk_size=5)
    end = len(segment) - detect_leading_silence(
        segment.reverse(), silence_threshold=SILENCE_THRESHOLD_DBFS, chunk_size=5
    )
    # Milliseconds to samples as pydub slices (truncating), so the trim is what it always was.
    return (
        min(samples.size, int(max(0, start - 10) * SAMPLE_RATE / 1000)),
        min(samples.size, int(min(len(segment), end + 20) * SAMPLE_RATE / 1000)),
    )


def process_chunk(samples: np.ndarray, target_lufs: float, true_peak_db: float, fade_ms: int) -> np.ndarray:
    """Trim silence at both ends (speech_bounds), level, and fade the edges of one engine chunk."""
    start, end = speech_bounds(samples)
    return level_and_fade(samples[start:end], target_lufs, true_peak_db, fade_ms)


def level_and_fade(samples: np.ndarray, target_lufs: float, true_peak_db: float, fade_ms: int) -> np.ndarray:
    """Level a trimmed chunk to the loudness target under the peak ceiling, and fade its edges."""
    # float64: the levelling's FIR filters run as fast on it as on float32 (measured), with the precision.
    x = samples.astype(np.float64) / 32768.0
    # Leave a little headroom under the ceiling for the MP3 encoder's overshoot.
    x = level(x, target_lufs + ENCODER_LOUDNESS_LOSS_LU, true_peak_db - 1.0)
    leveled = (np.clip(x, -1.0, 32767 / 32768) * 32768).astype("<i2")
    segment = to_segment(leveled).fade_in(fade_ms).fade_out(fade_ms)
    return np.array(segment.get_array_of_samples(), dtype="<i2")


def silence(ms: int) -> np.ndarray:
    return np.zeros(round(SAMPLE_RATE * ms / 1000), dtype="<i2")

"""Audio: check engine output, trim and level each chunk, encode MP3 frames, tag the result.

Chunks are levelled one by one (listen/loudness.py), so a rendition is a plain
concatenation that can be streamed while it is made and never holds the whole
article's PCM in memory.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from .cache import SAMPLE_RATE
from .errors import EngineError, OutputError
from .loudness import level

SILENCE_THRESHOLD_DBFS = -45.0
# LAME at 64 kb/s drops about 0.4 LU of K-weighted energy from espeak-ng speech
# (measured with ffmpeg's ebur128 before and after encoding), so chunks aim that much higher.
ENCODER_LOUDNESS_LOSS_LU = 0.4


def read_engine_wav(path: str, text: str, rate_wpm: int) -> np.ndarray:
    """Read the engine's WAV and refuse anything that cannot be the text spoken."""
    try:
        with wave.open(path, "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise EngineError(f"The engine wrote {w.getnchannels()}-channel {8 * w.getsampwidth()}-bit audio; expected 16-bit mono.")
            rate, frames = w.getframerate(), w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise EngineError(f"The engine wrote a broken WAV file ({exc}).") from None
    samples = np.frombuffer(frames, dtype="<i2")
    if rate != SAMPLE_RATE:
        raise EngineError(f"The engine wrote {rate} Hz audio; expected {SAMPLE_RATE} Hz.")
    if samples.size == 0:
        raise EngineError("The engine wrote an empty WAV file.")
    check_plausible(samples, text, rate_wpm)
    return samples


def check_plausible(samples: np.ndarray, text: str, rate_wpm: int) -> None:
    """Refuse audio that is silent, or far too short or long for the words in the text."""
    peak = int(np.abs(samples.astype(np.int32)).max())
    if peak < 32768 * 10 ** (SILENCE_THRESHOLD_DBFS / 20):
        raise EngineError("The engine produced only silence.")
    words = max(1, len(text.split()))
    expected = words * 60.0 / rate_wpm
    seconds = samples.size / SAMPLE_RATE
    if not 0.2 * expected - 0.3 <= seconds <= 4.0 * expected + 2.0:
        raise EngineError(
            f"The engine produced {seconds:.1f} s of audio for {words} words (expected about {expected:.1f} s)."
        )


# -- chunks ------------------------------------------------------------------------------------------


def to_segment(samples: np.ndarray) -> AudioSegment:
    return AudioSegment(data=samples.astype("<i2").tobytes(), sample_width=2, frame_rate=SAMPLE_RATE, channels=1)


def process_chunk(samples: np.ndarray, target_lufs: float, true_peak_db: float, fade_ms: int) -> np.ndarray:
    """Trim silence at both ends, level, and fade the edges of one engine chunk."""
    segment = to_segment(samples)
    start = detect_leading_silence(segment, silence_threshold=SILENCE_THRESHOLD_DBFS, chunk_size=5)
    end = len(segment) - detect_leading_silence(segment.reverse(), silence_threshold=SILENCE_THRESHOLD_DBFS, chunk_size=5)
    # Keep a few ms either side so consonant onsets and releases are not clipped.
    segment = segment[max(0, start - 10) : min(len(segment), end + 20)]
    # float64: numpy's FFTs run faster on it than on float32.
    x = np.array(segment.get_array_of_samples(), dtype=np.float64) / 32768.0
    # Leave a little headroom under the ceiling for the MP3 encoder's overshoot.
    x = level(x, target_lufs + ENCODER_LOUDNESS_LOSS_LU, true_peak_db - 1.0)
    leveled = (np.clip(x, -1.0, 32767 / 32768) * 32768).astype("<i2")
    segment = to_segment(leveled).fade_in(fade_ms).fade_out(fade_ms)
    return np.array(segment.get_array_of_samples(), dtype="<i2")


def silence(ms: int) -> np.ndarray:
    return np.zeros(int(round(SAMPLE_RATE * ms / 1000)), dtype="<i2")


# -- encoding ----------------------------------------------------------------------------------------

# Samples a decoder puts before the first encoded sample: LAME's encoder delay
# (576) plus the decoder's filterbank delay (529). Pieces carry no gapless
# header, so every decoder plays these; timings account for them.
DECODER_OFFSET = 1105
SAMPLES_PER_FRAME = 576  # MPEG-2 layer III, as used at 22.05 kHz


def encode_mp3(samples: np.ndarray, bitrate_kbps: int, quality: int) -> bytes:
    """Encode PCM as a standalone run of CBR MP3 frames (no Xing header, so runs concatenate)."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_out_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(quality)
    return bytes(encoder.encode(samples.astype("<i2").tobytes()) + encoder.flush())


_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
_RATES_V2 = [22050, 24000, 16000]


def count_frames(mp3: bytes) -> int:
    """Count the MPEG-2 layer III frames in a run of frames, refusing anything else."""
    pos = frames = 0
    while pos + 4 <= len(mp3):
        header = int.from_bytes(mp3[pos : pos + 4], "big")
        if header >> 21 != 0x7FF or (header >> 19) & 3 != 2 or (header >> 17) & 3 != 1:
            raise OutputError("The MP3 encoder produced a frame we cannot read; reinstall lameenc.")
        bitrate = _BITRATES_V2[(header >> 12) & 0xF] * 1000
        rate = _RATES_V2[(header >> 10) & 3]
        pos += 72 * bitrate // rate + ((header >> 9) & 1)
        frames += 1
    if pos != len(mp3):
        raise OutputError("The MP3 encoder produced a truncated frame; reinstall lameenc.")
    return frames


def write_id3(path: Path, tags: dict[str, str], chapters: list[tuple[int, int, str]]) -> None:
    """Tag an MP3 (title, artist, album, date, comment) with a chapter at each paragraph start."""
    from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TPE1, TSSE, CTOCFlags

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.get("title") or "Untitled article"))
    if tags.get("artist"):
        id3.add(TPE1(encoding=3, text=tags["artist"]))
    id3.add(TALB(encoding=3, text=tags.get("album") or "listen"))
    if tags.get("date"):
        id3.add(TDRC(encoding=3, text=tags["date"]))
    if tags.get("comment"):
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags["comment"]))
    id3.add(TSSE(encoding=3, text="listen (pyttsx3 + espeak-ng, LAME)"))
    ids = []
    for n, (start, end, title) in enumerate(chapters):
        ids.append(f"ch{n}")
        id3.add(CHAP(element_id=f"ch{n}", start_time=start, end_time=end, sub_frames=[TIT2(encoding=3, text=title)]))
    if ids:
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text="Paragraphs")]))
    id3.save(str(path), v2_version=4)

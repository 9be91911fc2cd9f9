"""Audio: check engine output, trim and level each chunk, and encode the stitched MP3.

Chunks are levelled one by one (loudness to the target, peaks limited), so a
rendition is a plain concatenation that can be streamed while it is made and
never holds the whole article's PCM in memory.
"""

from __future__ import annotations

import wave
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from .cache import SAMPLE_RATE
from .errors import EngineError, OutputError

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


# -- levelling ---------------------------------------------------------------------------------------


def _k_weighting_gain(n: int, rate: int) -> np.ndarray:
    """Return |H(f)| of the ITU-R BS.1770 K-weighting filter at the rfft bins of n samples."""
    table = _k_weighting_table(rate)
    return np.interp(np.fft.rfftfreq(n, 1.0 / rate), np.linspace(0, rate / 2, table.size), table).astype(np.float32)


@lru_cache(maxsize=4)
def _k_weighting_table(rate: int, points: int = 8193) -> np.ndarray:
    """|H(f)| of the K-weighting filter on a fine grid from 0 Hz to Nyquist."""
    z = np.exp(-1j * np.pi * np.linspace(0, 1, points))

    def biquad(b: list[float], a: list[float]) -> np.ndarray:
        return np.abs((b[0] + b[1] * z + b[2] * z**2) / (a[0] + a[1] * z + a[2] * z**2))

    # High shelf (+4 dB above ~1.5 kHz), then high pass at 38 Hz; same design as pyloudnorm.
    gain, q, fc = 4.0, 1 / np.sqrt(2), 1500.0
    big_a = 10 ** (gain / 40)
    w0 = 2 * np.pi * fc / rate
    alpha = np.sin(w0) / (2 * q)
    cos, root = np.cos(w0), 2 * np.sqrt(big_a) * alpha
    shelf = biquad(
        [big_a * ((big_a + 1) + (big_a - 1) * cos + root), -2 * big_a * ((big_a - 1) + (big_a + 1) * cos),
         big_a * ((big_a + 1) + (big_a - 1) * cos - root)],
        [(big_a + 1) - (big_a - 1) * cos + root, 2 * ((big_a - 1) - (big_a + 1) * cos),
         (big_a + 1) - (big_a - 1) * cos - root],
    )
    w0 = 2 * np.pi * 38.0 / rate
    alpha, cos = np.sin(w0) / (2 * 0.5), np.cos(w0)
    highpass = biquad([(1 + cos) / 2, -(1 + cos), (1 + cos) / 2], [1 + alpha, -2 * cos, 1 - alpha])
    return (shelf * highpass).astype(np.float32)


def k_weighted(x: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Apply the K-weighting filter in the frequency domain.

    Block energies depend only on the filter's magnitude, so this matches the
    IIR filter of BS.1770 for loudness and keeps us free of scipy.
    """
    n = _fast_length(x.size)
    return np.fft.irfft(np.fft.rfft(x, n) * _k_weighting_gain(n, rate), n)[: x.size]


def integrated_loudness(x: np.ndarray) -> float:
    """Measure integrated loudness (LUFS) of float samples in [-1, 1]."""
    return _gated_block_loudness(_block_sums(np.square(k_weighted(x), dtype=np.float64)))


# Half-sample interpolator: an 8-tap Kaiser-windowed sinc. With the 1 dB of margin we
# keep under the true-peak ceiling, 2x oversampling is close enough to BS.1770's 4x,
# at a fraction of the cost of an FFT four times the chunk's length.
_HALF_SAMPLE = (np.sinc(np.arange(-3, 5) - 0.5) * np.kaiser(8, 5.0)).astype(np.float32)


def _oversampled_peaks(x: np.ndarray) -> np.ndarray:
    """Estimate the peak around each sample from the sample and the point half a sample on."""
    between = np.convolve(x, _HALF_SAMPLE[::-1], mode="full")[4 : 4 + x.size]
    return np.maximum(np.abs(x), np.abs(between))


def _fast_length(n: int) -> int:
    """Round up to a length of small prime factors: FFTs of awkward lengths are many times slower."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p3 = p5
        while p3 < best:
            p2 = p3
            while p2 < n:
                p2 *= 2
            best = min(best, p2)
            p3 *= 3
        p5 *= 5
    return best


# The leveller works on blocks of 105 samples (~4.8 ms): small enough for a smooth
# limiter, and 84 of them make BS.1770's 400 ms gating block, 21 its 100 ms step.
BLOCK = 105
GATE_BLOCKS, GATE_STEP = 84, 21


def _block_sums(values: np.ndarray) -> np.ndarray:
    blocks = -(-values.size // BLOCK)
    padded = np.zeros(blocks * BLOCK, dtype=np.float64)
    padded[: values.size] = values
    return padded.reshape(blocks, BLOCK).sum(axis=1)


def _block_maxima(values: np.ndarray) -> np.ndarray:
    blocks = -(-values.size // BLOCK)
    padded = np.zeros(blocks * BLOCK, dtype=values.dtype)
    padded[: values.size] = values
    return padded.reshape(blocks, BLOCK).max(axis=1)


def _gated_block_loudness(energies: np.ndarray) -> float:
    """Gated loudness (LUFS) from per-block sums of squared K-weighted samples, as BS.1770-4."""
    if energies.size < GATE_BLOCKS:
        z = np.array([energies.sum() / max(1, energies.size * BLOCK)])
    else:
        cumulative = np.concatenate([[0.0], np.cumsum(energies)])
        starts = np.arange(0, energies.size - GATE_BLOCKS + 1, GATE_STEP)
        z = (cumulative[starts + GATE_BLOCKS] - cumulative[starts]) / (GATE_BLOCKS * BLOCK)
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(z)
    kept = z[levels > -70]
    if kept.size == 0:
        return -np.inf
    relative = -0.691 + 10 * np.log10(kept.mean()) - 10
    kept = z[(levels > -70) & (levels > relative)]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def _limiter_block_gains(block_peaks: np.ndarray, ceiling_db: float) -> np.ndarray:
    """Per-block gains keeping peaks under the ceiling; each block takes its neighbours' minimum
    (look-ahead and hold), so interpolating between block centres never exceeds any block's need."""
    need = np.minimum(1.0, 10 ** (ceiling_db / 20) / np.maximum(block_peaks, 1e-9))
    edge = np.pad(need, 2, mode="edge")
    return np.min(np.stack([edge[i : i + need.size] for i in range(5)]), axis=0)


def level(x: np.ndarray, target_lufs: float, ceiling_db: float, context_ms: int = 175) -> np.ndarray:
    """Bring float samples to the target loudness with (near-)true peaks under the ceiling.

    Loudness is measured with the chunk sitting in silence as it will in the
    rendition (half a pause either side), so the stitched file meets the target.
    The K-weighting and the peaks are computed once; gain and limiting are then
    worked out on ~5 ms blocks (a slowly varying gain commutes with the filter
    closely enough), and the final gain is applied to the samples once.
    """
    energies = _block_sums(np.square(k_weighted(x), dtype=np.float64))
    context = np.zeros(int(round(context_ms / 1000 * SAMPLE_RATE / BLOCK)))
    energies = np.concatenate([context, energies, context])
    block_peaks = _block_maxima(_oversampled_peaks(x))
    first = _gated_block_loudness(energies)
    if not np.isfinite(first):
        return x
    gain = 10 ** ((target_lufs - first) / 20)
    for _ in range(6):  # limiting lowers loudness a little: re-aim, limit again
        gains = gain * _limiter_block_gains(block_peaks * gain, ceiling_db)
        squared = np.concatenate([np.ones(context.size), gains**2, np.ones(context.size)])
        error = target_lufs - _gated_block_loudness(energies * squared)
        if abs(error) < 0.02:
            break
        gain *= 10 ** (error / 20)
    centres = np.arange(gains.size) * BLOCK + BLOCK / 2
    return x * np.interp(np.arange(x.size), centres, gains).astype(x.dtype)


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
    x = np.array(segment.get_array_of_samples(), dtype=np.float32) / np.float32(32768.0)
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

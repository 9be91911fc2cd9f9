"""Loudness measurement and levelling against known signals (BS.1770's own reference)."""

from __future__ import annotations

import subprocess
import wave

import numpy as np
import pytest
from conftest import loudness

from listen.audio.format import SAMPLE_RATE
from listen.audio.loudness import _oversampled_peaks, integrated_loudness, level
from listen.engines import ENGINES
from listen.reading.plaintext import from_text
from listen.render.renderer import Renderer


def sine(freq: float, amplitude: float, seconds: float = 3.0) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize(("amplitude", "expected"), [(1.0, -3.01), (0.1, -23.01)])
def test_a_1_khz_sine_measures_as_bs1770_says(amplitude, expected):
    # BS.1770: a full-scale 1 kHz sine in one channel reads -3.01 LKFS.
    assert integrated_loudness(sine(1000, amplitude)) == pytest.approx(expected, abs=0.1)


def test_silence_between_speech_is_gated_out():
    burst = sine(1000, 0.1, 2.0)
    with_gap = np.concatenate([burst, np.zeros(SAMPLE_RATE * 4, dtype=np.float32), burst])
    # Averaged with the silence it would read 3 dB lower; gating leaves only the edge blocks' dip.
    assert integrated_loudness(with_gap) == pytest.approx(integrated_loudness(burst), abs=0.5)


def test_levelling_reaches_the_target_with_peaks_under_the_ceiling():
    rng = np.random.default_rng(1)
    # Spiky, speech-like: a quiet tone with loud clicks that force the limiter to work.
    x = sine(300, 0.05, 4.0)
    x[rng.integers(0, x.size, 40)] = 0.9
    out = level(x, target_lufs=-16.0, ceiling_db=-2.0, context_ms=0)
    assert integrated_loudness(out) == pytest.approx(-16.0, abs=0.3)
    assert 20 * np.log10(_oversampled_peaks(out).max()) <= -1.9


def test_the_peak_estimate_finds_a_peak_between_samples():
    # A tone at a quarter of the sample rate, sampled 45 degrees off its crests: every
    # sample is at 0.707 of the true peak; the estimate must see more than that.
    t = np.arange(2000)
    x = np.sin(2 * np.pi * t / 4 + np.pi / 4).astype(np.float32)
    assert np.abs(x).max() == pytest.approx(0.707, abs=0.01)
    assert _oversampled_peaks(x)[20:-20].max() > 0.95


@pytest.mark.engine
@pytest.mark.parametrize("voice", ["en-us", "en-us+f3", "de"])
def test_speech_measures_as_ffmpeg_ebur128_measures_it(voice, tmp_path):
    # Our K-weighting is a short FIR fitted to the filter; on real speech, low and high
    # voices alike, it must read what the reference implementation reads.
    wav = tmp_path / "speech.wav"
    text = "The committee met on Tuesday to discuss the budget, and several members raised concerns."
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(wav), text], check=True)
    with wave.open(str(wav)) as w:
        assert w.getframerate() == SAMPLE_RATE
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0
    assert integrated_loudness(x) == pytest.approx(loudness(wav)[0], abs=0.3)


@pytest.mark.engine
@pytest.mark.slow
def test_neural_speech_measures_as_ffmpeg_ebur128_measures_it(tmp_path):
    # Piper's spectrum is not espeak-ng's (more low end, breath noise): the FIR must read it right too.
    from listen.engines import get_engine
    from listen.engines.pipeline_rate import to_pipeline_rate

    piper = get_engine("piper")
    out = to_pipeline_rate(
        piper.synthesize(
            "The committee met on Tuesday to discuss the budget, and several members raised concerns.",
            piper.default_voice("en"),
            170,
        )
    )
    wav = tmp_path / "speech.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(out.samples.tobytes())
    assert integrated_loudness(out.samples / 32768.0) == pytest.approx(loudness(wav)[0], abs=0.3)


ARTICLE = """Harbour Repairs Begin

Work on the harbour wall starts next week. The council expects the repairs to take three months, and the ferry
will use the north pier until they are done.

Fishing boats may still land their catch at the old quay. A notice with the new times is posted at the ticket office.
"""


@pytest.mark.engine
@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.slow
def test_every_engines_mp3_is_minus_16_lufs_with_true_peak_at_most_minus_1_dbtp(renderer, settings, engine):
    rendition = Renderer(settings.replace(engine=engine), pool=renderer.pool).render(from_text(ARTICLE))
    integrated, peak = loudness(rendition.mp3)
    assert -17.0 <= integrated <= -15.0, integrated
    assert peak <= -1.0, peak

"""The pipeline's one sample rate: an engine's output, samples and word timings, brought to it.

Runs in engine workers only (listen/render/pieces.py): it is numpy's, which the process
that plans and stitches never loads, so it lives apart from the engine registry.
"""

from __future__ import annotations

import numpy as np

from listen.audio.format import SAMPLE_RATE as PIPELINE_SAMPLE_RATE
from listen.engines import Synthesis, WordTiming


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Change a chunk's sample rate by FFT (band-limited, so no aliasing; chunks are seconds long)."""
    if source_rate == target_rate or samples.size == 0:
        return samples
    n = samples.size
    m = max(1, round(n * target_rate / source_rate))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    keep = min(spectrum.size, m // 2 + 1)
    out = np.fft.irfft(spectrum[:keep], m) * (m / n)
    return np.clip(np.round(out), -32768, 32767).astype("<i2")


def to_pipeline_rate(synthesis: Synthesis) -> Synthesis:
    """Bring an engine's output to the pipeline's sample rate, word timings with it."""
    rate = synthesis.sample_rate
    if rate == PIPELINE_SAMPLE_RATE:
        return synthesis
    scale = PIPELINE_SAMPLE_RATE / rate
    words = (
        None
        if synthesis.words is None
        else [
            WordTiming(w.start, w.end, round(w.start_sample * scale), round(w.end_sample * scale))
            for w in synthesis.words
        ]
    )
    return Synthesis(resample(synthesis.samples, rate, PIPELINE_SAMPLE_RATE), PIPELINE_SAMPLE_RATE, words)

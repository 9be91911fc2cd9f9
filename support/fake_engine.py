"""Quick, deterministic stand-ins for the speech engines, for tests whose subject is not the audio.

In: the text, voice and rate an engine is asked to speak. Out: a Synthesis as the real engine
gives it: int16 mono samples at the pipeline's rate (22,050 Hz), voiced syllables with pauses at
punctuation, about as long as the words take at that rate (so the pipeline's plausibility check
passes), word times like Piper's alignment, the same bytes for the same input, and no model.

A stand-in keeps its engine's name, voices, default voices and phoneme alphabet (it asks the real
engine, which starts nothing to answer), so choosing a speaker, the voice lists and the API's
answers are as with the real engines; its version differs, so its chunks never pass for real ones.
The test session registers them by name through listen.engines' LISTEN_TEST_ENGINES hook:

    LISTEN_TEST_ENGINES=piper=support.fake_engine:FakePiper,pyttsx3=support.fake_engine:FakeEspeak
"""

from __future__ import annotations

import importlib
import os
import re
import time
import zlib
from typing import TYPE_CHECKING

from listen.engines import ENGINE_CLASSES, Engine, Synthesis, Voice, WordTiming
from listen.engines import PIPELINE_SAMPLE_RATE as RATE
from listen.text.word_count import word_count

if TYPE_CHECKING:
    from listen.config import RenderSettings

FAKE_VERSION = "fake-engine-1"
# What the fakes stand in for (tests/conftest.py sets LISTEN_TEST_ENGINES before listen is imported).
REAL = dict(ENGINE_CLASSES)  # the registry before the stand-ins

_TOKEN = re.compile(r"\[\[.*?\]\]|\S+")
# Scripts written without spaces between words (listen/text/word_count.py counts them by the character).
_UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]"
)
_VOWELS = re.compile(r"[aeiouyäöüéèêàáíóú]+", re.IGNORECASE)
# Pauses after a word ending in these, in seconds (a real voice's clause and sentence breaks).
_PAUSES = {",": 0.12, ";": 0.18, ":": 0.18, ".": 0.3, "!": 0.3, "?": 0.3}
_EDGE_S = 0.05  # silence before the first word and after the last, as engines leave


def syllables(token: str) -> int:
    """A word's syllables, roughly: its vowel groups (phoneme blocks and numbers count as two)."""
    if token.startswith("[["):
        return 2
    # Kana, Han, Thai...: counted as the plausibility check counts them (an average word is 1.5 syllables).
    unspaced = round(1.5 * word_count(token)) if _UNSPACED.search(token) else 0
    return max(1, len(_VOWELS.findall(token)), (sum(c.isdigit() for c in token) + 1) // 2, unspaced)


def speak(text: str, voice: str, rate_wpm: int) -> Synthesis:
    """Make speech-shaped audio and word times for a text, the same bytes for the same arguments."""
    import numpy as np

    seed = zlib.crc32(f"{voice}\n{rate_wpm}\n{text}".encode())
    noise = np.random.default_rng(seed)
    pitch = 100.0 + zlib.crc32(voice.encode()) % 120  # one steady pitch per voice
    per_syllable = 60.0 / max(rate_wpm, 1) / 1.5  # an average word is about 1.5 syllables
    parts = [np.zeros(int(_EDGE_S * RATE), dtype=np.float64)]
    position = parts[0].size
    words: list[WordTiming] = []
    for match in _TOKEN.finditer(text):
        start = position
        for _ in range(syllables(match.group())):
            n = int(per_syllable * RATE * noise.uniform(0.8, 1.2))
            t = np.arange(n) / RATE
            f0 = pitch * noise.uniform(0.9, 1.1)
            tone = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))
            envelope = np.sin(np.pi * np.arange(n) / n) ** 0.5  # rises and falls like a syllable
            parts.append(0.25 * envelope * (tone + 0.1 * noise.standard_normal(n)))
            position += n
        words.append(WordTiming(match.start(), match.end(), start, position))
        gap = int(RATE * (_PAUSES.get(match.group()[-1], 0.04)))
        parts.append(np.zeros(gap))
        position += gap
    parts.append(np.zeros(int(_EDGE_S * RATE)))
    samples = np.clip(np.round(np.concatenate(parts) * 32767), -32768, 32767).astype("<i2")
    return Synthesis(samples, RATE, words)


class _StandIn(Engine):
    """An engine that answers questions as the real one and speaks with `speak`."""

    real: str  # the engine it stands in for, as a registry name
    preload = ("support.fake_engine",)

    def __init__(self) -> None:
        module, _, cls = REAL[self.real].partition(":")
        self._real: Engine = getattr(importlib.import_module(module), cls)()
        self.name = self._real.name
        self.phoneme_alphabet = self._real.phoneme_alphabet

    def version(self, voice: str | None = None, variant: str = "") -> str:
        return f"{FAKE_VERSION}+{self.real}" + (f"+{variant}" if variant else "")

    def variant(self, settings: RenderSettings) -> str:
        return self._real.variant(settings)

    def voices(self) -> list[Voice]:
        return self._real.voices()

    def default_voice(self, language: str) -> str | None:
        return self._real.default_voice(language)

    def resolve_voice(self, voice: str | None, language: str) -> str:
        return self._real.resolve_voice(voice, language)

    def load(self) -> None:
        """Nothing to start."""

    def synthesize(self, text: str, voice: str, rate_wpm: int, variant: str = "") -> Synthesis:
        # A test of stopping a long render slows the stand-ins down (an engine's own pace: seconds a chunk).
        time.sleep(float(os.environ.get("LISTEN_FAKE_ENGINE_SECONDS_PER_CHUNK") or 0))
        return speak(text, voice, rate_wpm)


class FakePiper(_StandIn):
    real = "piper"


class FakeEspeak(_StandIn):
    real = "pyttsx3"


def use_real_engines() -> None:
    """Put the real engines back in this process's registry (engines already made are dropped)."""
    from listen import engines

    engines.ENGINES.update(REAL)
    engines._made.clear()


def real_warm_up(names: tuple[str, ...] | None) -> None:
    """A worker initializer: the real engines in this worker, started (listen.render.pieces.warm_up)."""
    from listen.render.pieces import warm_up

    use_real_engines()
    warm_up(names)

"""The Piper engine: text, a voice and a pace in, samples and word timings out (in a worker process).

Word timings come from the model itself (see patched_model and word_timings). A long
chunk is spoken in clause-sized inferences, and a pace in words per minute is turned
into Piper's length scale so that 170 wpm is one pace on every engine.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listen.engines import Engine, Synthesis, Voice, WordTiming
from listen.engines.piper.patched_model import MODEL_PATCH_VERSION, aligned_model, session, split_model
from listen.engines.piper.quantised_model import CALIBRATION_SENTENCES, int8_decoder, variant_name
from listen.engines.piper.voices import (
    BUNDLED,
    best_voice,
    files_digest,
    installed_voices,
    read_config,
    service_settings,
    speaker_of,
    voice_files,
)
from listen.engines.piper.word_timings import word_timings
from listen.errors import EngineError

if TYPE_CHECKING:
    from listen.config import RenderSettings

__all__ = ["BUNDLED", "MAX_INFERENCE_CHARS", "PiperEngine", "length_scale"]

# Pace calibration (bench/rate_calibration.py: the seed article's first 14 chunks, 323
# words, each trimmed as the pipeline trims it; words / seconds of speech, pauses at
# commas included). espeak-ng speaks a nominal rate at these measured words a minute...
ESPEAK_PACE = [(80.0, 81.0), (120.0, 114.3), (170.0, 160.7), (250.0, 229.6), (350.0, 305.0), (450.0, 400.3)]
# ...and Joe at these length scales at these. A rate maps to the length scale at which
# Piper speaks as many words a minute as espeak-ng does at that rate, so 170 wpm is one
# pace on both engines. Piper cannot go faster than about 320 wpm: below 0.3 the voice
# turns to mush, so faster rates are clamped there.
PIPER_PACE = [
    (0.3, 318.7),
    (0.4, 283.8),
    (0.5, 254.6),
    (0.7, 209.4),
    (1.0, 161.6),
    (1.4, 126.2),
    (1.8, 101.1),
]
MIN_LENGTH_SCALE, MAX_LENGTH_SCALE = 0.3, 3.0
# Where a long chunk may be cut for inference: after a clause's punctuation, outside "[[...]]".
_CLAUSE_BREAK = re.compile(r"(\[\[.*?\]\])|(?<=[,;:])\s+")
MAX_INFERENCE_CHARS = 160
# The decoder runs on windows of this many frames (256 samples each: 2.3 s of speech), each
# with this many frames of the audio either side as context, then dropped. The decoder's
# reach is under 16 frames: the samples are the same as from one run of the whole (tested).
DECODER_WINDOW_FRAMES = 200
DECODER_CONTEXT_FRAMES = 20

_loaded: dict[tuple[str, str], Any] = {}  # (voice id, precision) -> PiperVoice, in this worker process


class PiperEngine(Engine):
    name = "piper"
    phoneme_alphabet = "ipa"  # piper reads "[[...]]" as IPA phonemes
    # The last one loads the default voice in the fork server, to be shared by every worker.
    preload = (
        "listen.engines.piper.engine",
        "numpy",
        "onnxruntime",
        "piper.voice",
        "piper.config",
        "listen.engines.piper.shared_voice",
    )

    def version(self, voice: str | None = None, variant: str = "") -> str:
        # Here, not at the top: the engine workers' fork server imports this module and never
        # asks for a version, and importlib.metadata costs it 15 ms on the way to the first chunk.
        from importlib.metadata import version as package_version

        base = (
            f"piper-tts-{package_version('piper-tts')}+onnxruntime-{package_version('onnxruntime')}"
            f"+model-patch-{MODEL_PATCH_VERSION}"
        )
        if variant == "int8":  # float32 keeps the version it always had: its cached audio stays found
            base += f"+{variant_name()}"
        if voice is None:  # any voice it may pick: every voice's files
            return "+".join([base] + [files_digest(v.id) for v in self.voices()])
        return f"{base}+{files_digest(voice)}"

    def voices(self) -> list[Voice]:
        return installed_voices()

    def default_voice(self, language: str) -> str | None:
        return best_voice(self.voices(), language)

    def resolve_voice(self, voice: str | None, language: str) -> str:
        if voice and voice.strip().lower().endswith(".onnx"):
            voice_files(voice.strip())  # a clear error now if the file is missing or broken
            return str(Path(voice.strip()).resolve())
        return super().resolve_voice(voice, language)

    def variant(self, settings: RenderSettings) -> str:
        return settings.piper_precision

    def load(self) -> None:
        from listen.config import Settings

        _piper_voice(BUNDLED, Settings.from_env().render.piper_precision)

    def synthesize(self, text: str, voice: str, rate_wpm: int, variant: str = "") -> Synthesis:
        import numpy as np
        from piper import SynthesisConfig

        base, speaker = speaker_of(voice)
        model = _piper_voice(base, variant or "float32")
        config = SynthesisConfig(
            length_scale=model.config.length_scale * length_scale(rate_wpm),
            # A multi-speaker voice's first speaker unless one is chosen (NAME#SPEAKER).
            speaker_id=model.config.speaker_id_map.get(speaker, 0) if model.config.num_speakers > 1 else None,
        )
        parts: list[Any] = []
        words: list[WordTiming] | None = []
        offset = 0
        for at, segment in _segments(text, MAX_INFERENCE_CHARS):
            phonemes = []
            start = offset
            for chunk in model.synthesize(segment, config, include_alignments=True):
                if chunk.phoneme_alignments:
                    pos = offset
                    for a in chunk.phoneme_alignments:
                        phonemes.append((a.phoneme, pos, pos + int(a.num_samples)))
                        pos += int(a.num_samples)
                parts.append(chunk.audio_int16_array)
                offset += chunk.audio_int16_array.size
            timed = word_timings(segment, phonemes, _phonemizer(base)) if phonemes else None
            if words is not None and timed is not None and offset > start:
                words += [WordTiming(w.start + at, w.end + at, w.start_sample, w.end_sample) for w in timed]
            else:
                words = None  # one segment without alignments: no word timings rather than a gap
        if not parts:
            raise EngineError(f"Piper said nothing for: {text[:60]!r}")
        return Synthesis(np.concatenate(parts).astype("<i2"), model.config.sample_rate, words or None)


def _segments(text: str, limit: int) -> list[tuple[int, str]]:
    """Cut a long text at clause breaks into stretches of at most `limit` characters, with their offsets.

    Each stretch is one inference: onnxruntime's buffers grow with the audio one call
    makes (about 1.3 MB per character), so this bounds a worker's memory whatever the
    chunk. A clause longer than the limit stays whole; phoneme input is never cut.
    """
    cuts = [m.end() for m in _CLAUSE_BREAK.finditer(text) if not m.group(1)]
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        fits = [c for c in cuts if start < c <= start + limit]
        if not fits:
            later = [c for c in cuts if c > start + limit]
            if not later:
                break
            fits = later[:1]
        out.append((start, text[start : fits[-1]].rstrip()))
        start = fits[-1]
    out.append((start, text[start:]))
    return [(at, segment) for at, segment in out if segment.strip()]


def length_scale(rate_wpm: float) -> float:
    """Piper's length scale for a pace in words per minute (see ESPEAK_PACE and PIPER_PACE)."""
    target = _interpolate(ESPEAK_PACE, rate_wpm)
    # PIPER_PACE runs from fast to slow: read it as pace -> scale, in ascending pace.
    scale = _interpolate([(wpm, ls) for ls, wpm in reversed(PIPER_PACE)], target)
    return min(MAX_LENGTH_SCALE, max(MIN_LENGTH_SCALE, scale))


def _interpolate(points: list[tuple[float, float]], x: float) -> float:
    """Piecewise linear in log-log between measured points, extended along the end segments."""
    import math

    logs = [(math.log(a), math.log(b)) for a, b in points]
    lx = math.log(x)
    n = next((i for i in range(1, len(logs) - 1) if lx < logs[i][0]), len(logs) - 1)
    (x0, y0), (x1, y1) = logs[n - 1], logs[n]
    return math.exp(y0 + (lx - x0) * (y1 - y0) / (x1 - x0))


def _piper_voice(voice: str, precision: str = "float32") -> Any:
    """Load a voice once per worker process, with its alignment output, on PIPER_THREADS threads.

    At precision int8 its decoder is listen's int8 copy (quantised_model); a voice whose model
    cannot be split (multi-speaker) runs in float32 whatever the precision.
    """
    if (voice, precision) in _loaded:
        return _loaded[voice, precision]
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    model, config = voice_files(voice)
    options = onnxruntime.SessionOptions()
    # One worker per core, one thread each, is the default (see docs/benchmarks.md):
    # onnxruntime's own thread pool would otherwise fight the other workers for the cores.
    options.intra_op_num_threads = service_settings().piper_threads
    options.inter_op_num_threads = 1
    # Memory patterns are planned and kept per input shape, and every chunk has its own
    # length: with them a worker grew by 300 MB over 70 chunks; without, it stays flat.
    options.enable_mem_pattern = False
    copy = aligned_model(model)
    parts = split_model(copy)
    voice_config = PiperConfig.from_dict(read_config(config))
    loaded: Any
    if parts is None:
        loaded = _ArenaReturningSession(session(copy, options, voice_model=model))
    else:
        front, decoder = (session(part, options, voice_model=model) for part in parts)
        if precision == "int8":
            quantised = int8_decoder(parts[1], lambda: _calibration_feeds(front, decoder, voice_config))
            decoder = session(quantised, options, voice_model=model)
        loaded = _WindowedSession(front, decoder)
    _loaded[voice, precision] = PiperVoice(session=loaded, config=voice_config)
    return _loaded[voice, precision]


def _calibration_feeds(front: Any, decoder: Any, config: Any) -> list[dict[str, Any]]:
    """The decoder's inputs (windows of frames) for the calibration sentences, as the float voice makes them."""
    from piper import PiperVoice

    feeds_seen: list[dict[str, Any]] = []

    class Recording:  # the float decoder, keeping a copy of each window it is given
        def get_inputs(self) -> Any:
            return decoder.get_inputs()

        def run(self, outputs: Any, feeds: Any, run_options: Any = None) -> Any:
            feeds_seen.append({name: value.copy() for name, value in feeds.items()})
            return decoder.run(outputs, feeds, run_options)

    voice = PiperVoice(session=_WindowedSession(front, Recording()), config=config)
    for sentence in CALIBRATION_SENTENCES:
        for _ in voice.synthesize(sentence, include_alignments=True):
            pass
    return feeds_seen


class _ArenaReturningSession:
    """An onnxruntime session that gives its memory arena's free blocks back after each inference.

    An inference needs about 1 MB per character of text while it runs (the decoder's
    activations); the arena keeps the most any inference needed, rounded up to a power of
    two, so an idle worker held about 480 MB. Given back, it holds what the voice needs
    (about 180 MB) between inferences, and two workers rarely peak at once. It costs no
    measurable CPU (bench/memory_bench.py). Piper calls `run`; the rest is the session's.
    """

    def __init__(self, inner: Any):
        self._inner = inner
        self._run_options = _arena_returned()

    def run(self, outputs: Any, feeds: Any, run_options: Any = None) -> Any:
        return self._inner.run(outputs, feeds, run_options or self._run_options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _arena_returned() -> Any:
    """Run options that give onnxruntime's arena back once a run is done (see _ArenaReturningSession)."""
    import onnxruntime

    options = onnxruntime.RunOptions()
    options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    return options


class _WindowedSession:
    """A voice run as its front, then its decoder on windows of frames: what piper's `run` returns.

    One run of the whole decoder needs about 1.3 MB per character of the text (300 characters:
    400 MB); a window needs what 2.3 s of speech needs, however long the clause. Each window
    is decoded with DECODER_CONTEXT_FRAMES of its neighbours either side, beyond the
    decoder's reach, so the samples are those of one whole run.
    """

    def __init__(self, front: Any, decoder: Any):
        self._front, self._decoder = front, decoder
        self._decoder_input = decoder.get_inputs()[0].name
        self._run_options = _arena_returned()

    def run(self, outputs: Any, feeds: Any, run_options: Any = None) -> list[Any]:
        import numpy as np

        frames, *rest = self._front.run(None, feeds, self._run_options)
        count = frames.shape[-1]
        parts = []
        for start in range(0, count, DECODER_WINDOW_FRAMES):
            end = min(count, start + DECODER_WINDOW_FRAMES)
            low, high = max(0, start - DECODER_CONTEXT_FRAMES), min(count, end + DECODER_CONTEXT_FRAMES)
            window = np.ascontiguousarray(frames[..., low:high])
            samples = self._decoder.run(None, {self._decoder_input: window}, self._run_options)[0].reshape(-1)
            hop = samples.size // (high - low)  # samples per frame
            parts.append(samples[(start - low) * hop : (end - low) * hop])
        return [np.concatenate(parts).reshape(1, 1, -1), *rest]


@lru_cache(maxsize=8)
def _phonemizer(voice: str) -> Any:
    """Phonemise one word the way piper does the whole text (its own espeak-ng, the voice's language)."""
    model = _piper_voice(voice, next((p for v, p in _loaded if v == voice), "float32"))

    @lru_cache(maxsize=4096)  # an article says "the" hundreds of times; espeak-ng is asked once
    def phonemes(word: str) -> str:
        return "".join("".join(sentence) for sentence in model.phonemize(word))

    return phonemes

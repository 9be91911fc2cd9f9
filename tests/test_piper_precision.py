"""Piper's precision (LISTEN_PIPER_PRECISION): resolved where settings are made, part of every chunk key,
and an int8 voice that really speaks."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import SHORT_ARTICLE

from listen.config import INT8_PASSED_GATES_ON, Settings, resolve_precision
from listen.errors import SettingsError
from listen.reading.plaintext import from_text
from listen.render.plan import make_plan

AVX2_ONLY = frozenset({"sse4_2", "avx", "avx2", "fma"})
WITH_VNNI = AVX2_ONLY | {"avx512f", "avx512_vnni"}


def test_auto_precision_is_int8_only_on_a_kind_of_cpu_where_int8_passed_the_gates():
    for flags, kind in ((AVX2_ONLY, "avx2"), (WITH_VNNI, "vnni"), (frozenset(), "other")):
        expected = "int8" if kind in INT8_PASSED_GATES_ON else "float32"
        assert resolve_precision("auto", flags) == expected


def test_auto_is_resolved_when_the_settings_are_made_and_an_explicit_precision_is_kept():
    assert Settings.from_env({}).render.piper_precision in ("float32", "int8")
    assert Settings.from_env({"LISTEN_PIPER_PRECISION": "int8"}).render.piper_precision == "int8"
    assert Settings.from_env({"LISTEN_PIPER_PRECISION": " Float32 "}).render.piper_precision == "float32"


def test_an_unknown_precision_is_an_error_that_lists_the_choices():
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"LISTEN_PIPER_PRECISION": "fp16"})
    assert "LISTEN_PIPER_PRECISION='fp16'" in raised.value.message
    assert "auto, float32, int8" in raised.value.message


def test_an_unknown_precision_stops_the_command_with_the_error(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(SHORT_ARTICLE)
    done = subprocess.run(
        [sys.executable, "-m", "listen", "speak", str(article), "-o", str(tmp_path / "a.mp3")],
        capture_output=True,
        text=True,
        env=dict(os.environ, LISTEN_PIPER_PRECISION="bfloat16"),
        timeout=120,
    )
    assert done.returncode != 0
    assert "choose one of auto, float32, int8" in done.stderr
    assert not (tmp_path / "a.mp3").exists()


def test_each_precision_has_its_own_chunk_keys_and_article_key():
    plans = {
        precision: make_plan(
            from_text(SHORT_ARTICLE), Settings.of(engine="piper", piper_precision=precision).render
        )
        for precision in ("float32", "int8")
    }
    keys = {
        p: {k for piece in plan.pieces for ks in piece.chunk_keys for k in ks} for p, plan in plans.items()
    }
    assert keys["float32"]
    assert keys["int8"]
    assert not keys["float32"] & keys["int8"]
    assert plans["float32"].key != plans["int8"].key


def test_float32_keeps_the_engine_version_it_had_before_precision_was_a_setting():
    from listen.engines.piper.engine import BUNDLED, PiperEngine

    engine = PiperEngine()
    assert engine.version(BUNDLED, "float32") == engine.version(BUNDLED)
    assert engine.version(BUNDLED, "int8") != engine.version(BUNDLED)


@pytest.mark.engine
@pytest.mark.slow
def test_an_int8_voice_speaks_the_sentence_as_long_as_float32_with_every_word_timed():
    from listen.engines.piper.engine import BUNDLED, PiperEngine

    text = "The council approved the new budget after a long debate on Tuesday evening."
    engine = PiperEngine()
    said = {p: engine.synthesize(text, BUNDLED, 170, p) for p in ("float32", "int8")}
    f32, int8 = said["float32"], said["int8"]
    assert int8.sample_rate == f32.sample_rate == 22050
    assert abs(int8.samples.size - f32.samples.size) <= 0.02 * f32.samples.size
    loud = np.sqrt(np.mean(int8.samples.astype(np.float64) ** 2))
    assert loud > 0.3 * np.sqrt(np.mean(f32.samples.astype(np.float64) ** 2))
    assert not np.array_equal(int8.samples, f32.samples)  # the int8 decoder did the sums
    assert int8.words
    assert f32.words
    assert [(w.start, w.end) for w in int8.words] == [(w.start, w.end) for w in f32.words]
    for a, b in zip(int8.words, f32.words):
        assert abs(a.start_sample - b.start_sample) <= 0.01 * f32.sample_rate

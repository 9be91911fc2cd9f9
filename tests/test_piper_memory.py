"""The neural engine's memory: the voice loaded once and shared by the workers, inference memory given back."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from listen.engines.piper.engine import BUNDLED

pytestmark = pytest.mark.engine


@pytest.mark.slow  # over 1.5 s: make test-fast stays under a minute
def test_piper_workers_are_forked_with_the_default_voice_loaded_and_without_onnx():
    # The fork server loads the voice: its weights are shared by the workers, and their
    # first chunk does not wait for it. onnx (0.8 s, 30 MB) is needed only to make the model copy.
    # A fresh process: this test session's fork server is already running, with the fake engines.
    pool = textwrap.dedent(
        """
        import queue
        from listen.engines.piper.engine import PiperEngine
        from listen.render.workers import AUDIO_MODULES, WorkerPool

        if __name__ == "__main__":
            outcomes = queue.Queue()
            preload = AUDIO_MODULES + PiperEngine.preload
            with WorkerPool("worker_tasks:piper_voices_at_start", size=2, timeout=120, preload=preload) as pool:
                for _ in range(2):
                    pool.submit("start", outcomes)
                for _ in range(2):
                    outcome = outcomes.get(timeout=300)
                    print(outcome.result if outcome.ok else outcome.error)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "LISTEN_TEST_ENGINES"}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), env["PYTHONPATH"]])
    done = subprocess.run([sys.executable, "-c", pool], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.splitlines() == [str(([BUNDLED], False))] * 2


@pytest.mark.slow
def test_a_piper_worker_gives_back_the_memory_of_an_inference_once_it_is_done():
    # onnxruntime's arena used to keep what the longest inference needed (300 MB and more)
    # for the rest of the worker's life, idle or not.
    probe = textwrap.dedent(
        """
        import re
        from listen.engines.piper.engine import BUNDLED, PiperEngine

        def resident_mb():
            status = open("/proc/self/status").read()
            return int(re.search(r"VmRSS:\\s+(\\d+)", status).group(1)) // 1024

        engine = PiperEngine()
        engine.load()
        loaded = resident_mb()
        clause = "the council met on a rainy Tuesday in the old town hall to vote on the budget for the year "
        engine.synthesize((clause * 3).strip() + ".", BUNDLED, 175)
        print(loaded, resident_mb())
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded, after = map(int, done.stdout.split())
    assert after - loaded < 100, f"{after - loaded} MB kept after one inference"


@pytest.mark.slow
def test_a_long_clause_decoded_in_windows_gives_the_samples_of_one_whole_run(monkeypatch):
    # The decoder runs on windows of 200 frames with 20 either side: no clause costs more memory
    # than 2.3 s of speech, and the chunk's audio (and so its key) is what it was.
    from listen.engines.piper import engine

    text = (
        "the council met on a rainy Tuesday in the old town hall to vote on the budget for the "
        "year that comes and on the new bridge across the river that the town has wanted for long"
    )
    monkeypatch.setattr(engine, "_loaded", {})
    windowed = engine.PiperEngine().synthesize(text, BUNDLED, 175)
    assert type(engine._loaded[BUNDLED, "float32"].session).__name__ == "_WindowedSession"
    monkeypatch.setattr(engine, "_loaded", {})
    monkeypatch.setattr(engine, "split_model", lambda _model: None)
    whole = engine.PiperEngine().synthesize(text, BUNDLED, 175)
    assert windowed.samples.size > 3 * engine.DECODER_WINDOW_FRAMES * 256
    assert windowed.samples.tobytes() == whole.samples.tobytes()
    assert windowed.words == whole.words

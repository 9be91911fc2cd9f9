"""Task handlers for the worker-pool tests; they run inside worker processes."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _first_call(marker: str) -> bool:
    """True the first time a task with this marker runs (the marker file records it)."""
    path = Path(marker)
    first = not path.exists()
    path.touch()
    return first


def hang_first_time(marker: str) -> str:
    """Hang on the first call (as a stuck engine would), answer on the next."""
    if _first_call(marker):
        time.sleep(60)
    return f"done in {os.getpid()}"


def crash_first_time(marker: str) -> str:
    """Kill the worker process on the first call, answer on the next."""
    if _first_call(marker):
        os._exit(9)
    return f"done in {os.getpid()}"


def always_fail(_: str) -> str:
    raise RuntimeError("this task never works")


def durations_at_rates(rates: list[int]) -> list[float]:
    """Render one sentence at each rate in turn with the real engine; return the seconds of each."""
    from listen.engines import get_engine

    engine = get_engine("pyttsx3")
    engine.load()
    seconds = []
    for rate in rates:
        out = engine.synthesize("Speed matters to every listener.", "gmw/en-us", rate)
        seconds.append(out.samples.size / out.sample_rate)
    return seconds


def where_from(modules: list[str]) -> tuple[int, list[str]]:
    """The worker's parent process, and which of the modules were loaded before this task ran."""
    import sys

    return os.getppid(), [m for m in modules if m in sys.modules]


def engine_fails_on_sentence(index: int) -> str:
    """Fail as the engine does on one sentence: an EngineError that names the sentence by its index."""
    from listen.errors import EngineError

    raise EngineError("The engine produced only silence.", sentence=index, sentence_text="Silence is golden.")


def digests_in_turn(texts: list[str]) -> list[str]:
    """Render each text in turn in this one worker with the real engine; return each one's samples' sha256."""
    import hashlib

    from listen.engines import get_engine

    engine = get_engine("pyttsx3")
    return [
        hashlib.sha256(engine.synthesize(text, "gmw/en-us", 170).samples.tobytes()).hexdigest()
        for text in texts
    ]


def slowly_render_piece(task):
    """listen.render.pieces.render_piece with the stand-in engine taking 0.3 s a chunk."""
    from listen.render.pieces import render_piece

    os.environ["LISTEN_FAKE_ENGINE_SECONDS_PER_CHUNK"] = "0.3"
    return render_piece(task)


def piper_voices_at_start(_: object) -> tuple[list[str], bool]:
    """The Piper voices this worker had loaded before its first task, and whether it had imported onnx."""
    import sys

    from listen.engines.piper import engine

    return [voice for voice, _precision in engine._loaded], "onnx" in sys.modules


def _resident_mb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) // 1024


def scatter_the_heap(blocks: int) -> int:
    """Take and touch `blocks` blocks of 64 KB from the C heap, free all but the last; return RSS in MB.

    Blocks this size come from the heap (not their own mappings), and the last one, still
    held, keeps glibc from giving back the free space below it by itself: as an inference's
    freed buffers are, between the buffers that stay.
    """
    import ctypes

    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    taken = [libc.malloc(64 * 1024) for _ in range(blocks)]
    for block in taken:
        ctypes.memset(block, 1, 64 * 1024)
    for block in taken[:-1]:
        libc.free(block)
    return _resident_mb()


def scatter_then_measure(blocks: int) -> int:
    """Scatter the heap with `blocks` blocks (see scatter_the_heap), or with 0 just measure: RSS in MB."""
    return scatter_the_heap(blocks) if blocks else _resident_mb()


def parent_pid(_: object) -> int:
    """The process that forked this worker."""
    return os.getppid()


def sleep_then_say_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()

"""The engine worker pool: timeouts, respawns and retries, on real worker processes."""

from __future__ import annotations

import os
import queue
import threading
import time

import pytest

from listen.engines import ENGINES
from listen.errors import EngineError
from listen.render.workers import TaskOutcome, WorkerPool, engine_modules


def run_one(handler: str, task: str, timeout: float = 30) -> TaskOutcome:
    outcomes: queue.Queue[TaskOutcome] = queue.Queue()
    with WorkerPool(f"worker_tasks:{handler}", size=1, timeout=timeout) as pool:
        pool.submit(task, outcomes)
        return outcomes.get(timeout=120)


@pytest.mark.slow
def test_a_hung_worker_is_killed_and_the_task_retried_on_a_fresh_process(tmp_path):
    outcome = run_one("hang_first_time", str(tmp_path / "marker"), timeout=3)
    assert outcome.ok
    assert outcome.attempts == 2
    assert outcome.result.startswith("done in")


def test_a_crashed_worker_is_respawned_and_the_task_retried(tmp_path):
    outcome = run_one("crash_first_time", str(tmp_path / "marker"))
    assert outcome.ok
    assert outcome.attempts == 2
    assert outcome.result != f"done in {os.getpid()}"


def test_a_task_that_fails_twice_reports_its_error():
    outcome = run_one("always_fail", "x")
    assert not outcome.ok
    assert outcome.attempts == 2
    assert "this task never works" in outcome.error


def test_an_engine_error_reaches_the_parent_with_the_sentence_it_failed_on():
    outcome = run_one("engine_fails_on_sentence", 7)  # type: ignore[arg-type]
    assert not outcome.ok
    assert outcome.attempts == 2
    assert isinstance(outcome.exception, EngineError)
    assert outcome.exception.sentence == 7
    assert outcome.exception.sentence_text == "Silence is golden."
    assert outcome.exception.message == "The engine produced only silence."


@pytest.mark.engine
def test_each_engine_call_uses_its_own_rate_even_when_rates_alternate():
    # espeak-ng under pyttsx3 is asynchronous; a rate change used to land on the wrong call.
    rates = [120, 260, 120, 260, 170, 120]
    outcome = run_one("durations_at_rates", rates)  # type: ignore[arg-type]
    assert outcome.ok, outcome.error
    by_rate: dict[int, set[float]] = {}
    for rate, seconds in zip(rates, outcome.result):
        by_rate.setdefault(rate, set()).add(round(seconds, 2))
    assert all(len(v) == 1 for v in by_rate.values()), by_rate
    assert min(by_rate[120]) > 1.5 * max(by_rate[260])


@pytest.mark.engine
def test_a_chunk_comes_out_the_same_whatever_the_engine_said_before_it():
    # espeak-ng carries state from one utterance to the next: the same text used to come out
    # a few milliseconds different after other text, so renditions depended on worker count.
    same = "The council met on Tuesday to vote on the budget."
    texts = [
        same,
        "A much longer and quite different sentence comes first, with a pause, and more words.",
        same,
        "Short one.",
        same,
    ]
    outcome = run_one("digests_in_turn", texts)  # type: ignore[arg-type]
    assert outcome.ok, outcome.error
    first, _, second, _, third = outcome.result
    assert first == second == third


def test_engine_workers_are_forked_with_their_modules_loaded_once_by_a_server():
    # Spawned, each worker would import numpy, pydub, LAME and pyttsx3 itself: a fifth of a second of CPU each.
    outcomes: queue.Queue[TaskOutcome] = queue.Queue()
    every_engine = engine_modules(tuple(ENGINES))
    with WorkerPool("worker_tasks:where_from", size=2, timeout=30, preload=every_engine) as pool:
        for _ in range(2):
            pool.submit(list(every_engine), outcomes)
        results = [outcomes.get(timeout=120) for _ in range(2)]
    assert all(r.ok for r in results)
    for parent, loaded in (r.result for r in results):
        assert parent != os.getpid(), "forked by the server, not by this process"
        assert loaded == list(every_engine)


@pytest.mark.slow
def test_a_stopped_task_ends_at_its_next_chunk_keeping_the_chunks_it_made(tmp_path):
    from listen.config import Settings
    from listen.errors import RenderStoppedError
    from listen.reading.plaintext import from_text
    from listen.render.renderer import Renderer

    settings = Settings.of(cache_dir=tmp_path / "cache", engine_workers=1)
    renderer = Renderer(settings)
    body = " ".join(f"Stopped sentence {i} of one long paragraph is here." for i in range(6))
    plan = renderer.plan(from_text(f"A Headline To Stop\n\n{body}\n"))
    piece = max(plan.pieces, key=lambda p: len(p.sentences))
    assert len(piece.sentences) == 6
    task = renderer._task(piece, plan.speaker)
    chunks = lambda: list((tmp_path / "cache" / "chunks").rglob("*.flac"))  # noqa: E731
    with WorkerPool("worker_tasks:slowly_render_piece", size=1, timeout=60) as pool:
        stop, outcomes = threading.Event(), queue.Queue()
        pool.submit(task, outcomes, stop)
        deadline = time.monotonic() + 60
        while not chunks() and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        outcome = outcomes.get(timeout=60)
        assert isinstance(outcome.exception, RenderStoppedError)
        assert 1 <= len(chunks()) < 6, "stopped at a chunk, keeping those made"
        assert renderer.cache.get_piece(piece.key) is None
        # The worker goes on with the next task as usual; a queued task of a stopped render is dropped.
        pool.submit(task, outcomes, stop)
        assert isinstance(outcomes.get(timeout=60).exception, RenderStoppedError)
        pool.submit(task, outcomes)
        assert outcomes.get(timeout=60).ok
        assert renderer.cache.get_piece(piece.key) is not None
        assert len(chunks()) == 6


def test_a_worker_gives_the_memory_a_task_freed_back_to_the_system_before_the_next():
    # glibc kept an inference's freed buffers inside the worker, so its memory grew with the
    # article's length (200 MB to 345 MB over 250 Piper chunks).
    outcomes: queue.Queue[TaskOutcome] = queue.Queue()
    with WorkerPool("worker_tasks:scatter_then_measure", size=1, timeout=30) as pool:
        pool.submit(2_000, outcomes)  # 125 MB taken and freed but for the last block
        scattered = outcomes.get(timeout=120)
        pool.submit(0, outcomes)  # the same process, asked what it holds now
        after = outcomes.get(timeout=120)
    assert scattered.ok
    assert after.ok
    assert scattered.result - after.result > 100, (scattered.result, after.result)

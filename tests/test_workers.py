"""The engine worker pool: timeouts, respawns and retries, on real spawned processes."""

from __future__ import annotations

import os
import queue

from listen.workers import JobOutcome, WorkerPool


def run_one(handler: str, job: str, timeout: float = 30) -> JobOutcome:
    outcomes: queue.Queue[JobOutcome] = queue.Queue()
    with WorkerPool(f"worker_jobs:{handler}", size=1, timeout=timeout) as pool:
        pool.submit(job, outcomes)
        return outcomes.get(timeout=120)


def test_a_hung_worker_is_killed_and_the_job_retried_on_a_fresh_process(tmp_path):
    outcome = run_one("hang_first_time", str(tmp_path / "marker"), timeout=3)
    assert outcome.ok
    assert outcome.attempts == 2
    assert outcome.result.startswith("done in")


def test_a_crashed_worker_is_respawned_and_the_job_retried(tmp_path):
    outcome = run_one("crash_first_time", str(tmp_path / "marker"))
    assert outcome.ok
    assert outcome.attempts == 2
    assert outcome.result != f"done in {os.getpid()}"


def test_a_job_that_fails_twice_reports_its_error():
    outcome = run_one("always_fail", "x")
    assert not outcome.ok
    assert outcome.attempts == 2
    assert "this job never works" in outcome.error

"""The engine host: a fork server CLI commands share, which stays a while after the last one.

Each test gives the host a runtime folder of its own (XDG_RUNTIME_DIR), so it finds only its
own hosts, and stops them at the end.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from listen.render import engine_host
from listen.render.engine_host import EngineHost, host_key
from listen.render.workers import TaskOutcome, WorkerPool

PRELOAD = ("listen.render.engine_server",)


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch):
    """A runtime folder of this test's own; every host started in it is stopped afterwards.

    Not under tmp_path: a socket's path must be short (108 bytes at most).
    """
    folder = Path(tempfile.mkdtemp(prefix="listen-host-test-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder / "listen"
    for pid_file in (folder / "listen").glob("*.pid"):
        _stop(int(pid_file.read_text()))
    shutil.rmtree(folder, ignore_errors=True)


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A host that has left but is not yet reaped by init is not alive either.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def _wait_until(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _run(handler: str, task, host: EngineHost | None, pool_size: int = 1) -> TaskOutcome:
    outcomes: queue.Queue[TaskOutcome] = queue.Queue()
    with WorkerPool(
        f"worker_tasks:{handler}", size=pool_size, timeout=60, preload=PRELOAD, host=host
    ) as pool:
        pool.submit(task, outcomes)
        return outcomes.get(timeout=120)


def _host_pids(folder: Path) -> list[int]:
    return [int(p.read_text()) for p in folder.glob("*.pid")]


def test_workers_of_two_pools_are_forked_by_one_host_that_outlives_both(runtime):
    first = _run("parent_pid", "x", EngineHost(PRELOAD, linger_s=60))
    second = _run("parent_pid", "x", EngineHost(PRELOAD, linger_s=60))
    assert first.ok
    assert second.ok
    assert _wait_until(lambda: len(_host_pids(runtime)) == 1)
    (host,) = _host_pids(runtime)
    assert first.result == second.result == host != os.getpid()
    assert _alive(host)


def test_the_host_leaves_and_clears_its_socket_once_idle_for_its_linger_time(runtime):
    outcome = _run("parent_pid", "x", EngineHost(PRELOAD, linger_s=0.5))
    assert outcome.ok
    host = outcome.result
    assert _wait_until(lambda: not _alive(host))
    assert list(runtime.glob("*.sock")) == []
    assert list(runtime.glob("*.pid")) == []


def test_a_host_that_died_without_clearing_up_is_replaced(runtime):
    first = _run("parent_pid", "x", EngineHost(PRELOAD, linger_s=60)).result
    os.kill(first, signal.SIGKILL)  # its socket file stays behind, and refuses connections
    assert _wait_until(lambda: not _alive(first))
    assert list(runtime.glob("*.sock"))
    second = _run("parent_pid", "x", EngineHost(PRELOAD, linger_s=60))
    assert second.ok
    assert second.result not in (first, os.getpid())


def test_a_host_that_does_not_answer_leaves_the_pool_its_own_fork_server(runtime, monkeypatch):
    runtime.mkdir(mode=0o700)
    # Something listens on the host's socket but never forks: a hung host.
    hung = socket.socket(socket.AF_UNIX)
    hung.bind(str(runtime / f"{host_key(PRELOAD)}.sock"))
    hung.listen(8)
    monkeypatch.setattr(engine_host, "FORK_WAIT_S", 0.5)
    try:
        outcome = _run("parent_pid", "x", EngineHost(PRELOAD, linger_s=60))
    finally:
        hung.close()
    assert outcome.ok
    assert outcome.result != os.getpid()  # a worker all the same, from the pool's own fork server
    assert _host_pids(runtime) == []


def test_a_worker_the_host_forked_dies_with_the_command_it_works_for(runtime, tmp_path):
    # A command (here a small script) starts a long task on a hosted worker and is killed.
    script = textwrap.dedent(
        f"""
        import queue, sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
        from listen.render.engine_host import EngineHost
        from listen.render.workers import WorkerPool
        pool = WorkerPool("worker_tasks:sleep_then_say_pid", size=1, timeout=600,
                          preload={PRELOAD!r}, host=EngineHost({PRELOAD!r}, linger_s=60))
        pool.submit(300.0, queue.Queue())
        pool.slots[0].ensure_running()
        print(pool.slots[0].process.pid, flush=True)
        sys.stdin.read()
        """
    )
    command = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert command.stdout is not None
    worker = int(command.stdout.readline())
    assert _alive(worker)
    command.kill()
    command.wait()
    assert _wait_until(lambda: not _alive(worker))
    assert len(_host_pids(runtime)) == 1  # the host itself stays for the next command


def test_a_command_with_other_listen_settings_gets_its_own_host_and_other_variables_do_not_matter():
    base = {"HOME": "home-of-a", "LISTEN_RATE": "170", "PATH": "bin"}
    assert host_key(PRELOAD, {**base, "LOOP_ITEM": "one.txt"}) == host_key(
        PRELOAD, {**base, "LOOP_ITEM": "2"}
    )
    assert host_key(PRELOAD, base) != host_key(PRELOAD, {**base, "LISTEN_PIPER_THREADS": "2"})
    assert host_key(PRELOAD, base) != host_key(PRELOAD, {**base, "XDG_DATA_HOME": "elsewhere"})
    assert host_key(PRELOAD, base) != host_key(("listen.render.engine_server", "lameenc"), base)


def test_a_runtime_folder_others_may_enter_is_not_used(tmp_path, monkeypatch):
    folder = tmp_path / "run"
    (folder / "listen").mkdir(parents=True)
    os.chmod(folder / "listen", 0o755)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    assert engine_host.host_folder() is None
    outcome = _run("parent_pid", "x", EngineHost(PRELOAD, linger_s=60))
    assert outcome.ok  # from the pool's own fork server
    assert list((folder / "listen").iterdir()) == []


@pytest.mark.slow  # three `listen speak` commands
def test_listen_speak_twice_reuses_one_host_and_writes_the_same_audio_as_without_it(runtime, tmp_path):
    env = dict(os.environ, LISTEN_ENGINE_LINGER_S="60")
    article = tmp_path / "article.txt"
    article.write_text("A Headline\n\nThe first sentence is here. The second one follows.\n", "utf-8")

    def speak(out: str, cache: str, **extra: str) -> bytes:
        subprocess.run(
            [sys.executable, "-m", "listen", "speak", str(article), "-o", str(tmp_path / out),
             "--cache-dir", str(tmp_path / cache)],
            env={**env, **extra}, cwd=ROOT, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return (tmp_path / out).read_bytes()

    hosted = speak("one.mp3", "cache-one")
    assert len(_host_pids(runtime)) == 1
    assert speak("two.mp3", "cache-two") == hosted
    assert len(_host_pids(runtime)) == 1
    assert speak("own.mp3", "cache-own", LISTEN_ENGINE_LINGER_S="0") == hosted


def _hosted_env(tmp_path: Path) -> dict[str, str]:
    """A command that leaves a host, says when it runs in one (LISTEN_DEBUG), and finds listen from anywhere."""
    return dict(
        os.environ,
        LISTEN_ENGINE_LINGER_S="60",
        LISTEN_DEBUG="1",
        LISTEN_CACHE_DIR=str(tmp_path / "cache"),
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )


@pytest.mark.slow  # four `listen` commands
def test_with_a_host_running_a_command_runs_in_it_with_its_own_folder_streams_and_exit_status(
    runtime, tmp_path
):
    env = _hosted_env(tmp_path)
    article = "A Headline\n\nThe first sentence is here. The second follows.\n"
    first = run_cli("speak", "-", "-o", "first.mp3", stdin=article.encode(), cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert b"run by the engine host" not in first.stderr  # none was running: it left one
    assert len(_host_pids(runtime)) == 1

    # Standard input in, files out in the command's own folder, its messages on its stderr.
    piped = run_cli("speak", "-", "-o", "piped.mp3", stdin=article.encode(), cwd=tmp_path, env=env)
    assert piped.returncode == 0, piped.stderr
    assert b"listen: run by the engine host, as process" in piped.stderr
    assert b"Wrote piped.mp3 (" in piped.stderr
    assert (tmp_path / "piped.mp3").read_bytes() == (tmp_path / "first.mp3").read_bytes()
    assert (tmp_path / "piped.json").exists()
    # What goes wrong is said, with the status it has without a host.
    missing = run_cli("speak", "missing.txt", "-o", "x.mp3", cwd=tmp_path, env=env)
    assert b"run by the engine host" in missing.stderr
    assert missing.returncode == 2
    assert b"listen: error: missing.txt does not exist" in missing.stderr
    usage = run_cli("speak", cwd=tmp_path, env=env)
    assert b"run by the engine host" in usage.stderr
    assert usage.returncode == 2
    assert b"the following arguments are required" in usage.stderr
    assert len(_host_pids(runtime)) == 1


def _start_hosted_reader(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[str], int]:
    """`listen speak -` in the host, waiting on a standard input that stays open; and the hosted pid."""
    command = subprocess.Popen(
        [sys.executable, "-m", "listen", "speak", "-", "-o", "out.mp3"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True,
    )  # fmt: skip
    assert command.stderr is not None
    line = command.stderr.readline()
    assert "run by the engine host, as process" in line, line
    return command, int(line.split()[-1])


@pytest.mark.slow  # three `listen` commands
def test_a_hosted_command_stops_on_ctrl_c_and_dies_with_the_command_that_asked_for_it(runtime, tmp_path):
    env = _hosted_env(tmp_path)
    (tmp_path / "article.txt").write_text("A Headline\n\nOne sentence is here.\n")
    assert run_cli("speak", "article.txt", "-o", "first.mp3", cwd=tmp_path, env=env).returncode == 0

    # ^C as soon as the command is known to run (it may not have begun): it stops, as ^C does.
    command, hosted = _start_hosted_reader(env, tmp_path)
    command.send_signal(signal.SIGINT)
    assert command.wait(60) == 130
    assert _wait_until(lambda: not _alive(hosted))

    command, hosted = _start_hosted_reader(env, tmp_path)
    assert _alive(hosted)
    command.kill()
    command.wait()
    assert _wait_until(lambda: not _alive(hosted))
    assert len(_host_pids(runtime)) == 1  # the host stays


@pytest.mark.slow  # two `listen` commands
def test_a_command_whose_host_died_runs_in_its_own_process_and_leaves_a_new_host(runtime, tmp_path):
    env = _hosted_env(tmp_path)
    article = "A Headline\n\nOne sentence is here.\n"
    assert (
        run_cli("speak", "-", "-o", "first.mp3", stdin=article.encode(), cwd=tmp_path, env=env).returncode
        == 0
    )
    [dead] = _host_pids(runtime)
    _stop(dead)  # killed: its socket file stays behind
    assert _wait_until(lambda: not _alive(dead))
    assert list(runtime.glob("*.sock"))
    again = run_cli("speak", "-", "-o", "again.mp3", stdin=article.encode(), cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert b"run by the engine host" not in again.stderr
    assert (tmp_path / "again.mp3").read_bytes() == (tmp_path / "first.mp3").read_bytes()
    assert _wait_until(lambda: [p for p in _host_pids(runtime) if p != dead and _alive(p)])

"""The engine worker pool: processes that each own an engine, a timeout per task, a respawn on hang or crash.

Speech engines are not thread-safe and can hang (see DESIGN.md, known hazards),
so each one lives in its own process, built by that process's main thread.
A task that times out or kills its worker is retried once on a fresh process.
A task may carry a stop event: set, a queued task is dropped and a running one stops at
its next chunk (the worker is signalled; what it finished stays cached).
"""

from __future__ import annotations

import ctypes
import importlib
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import Any

from listen.engines import ENGINES, all_preloads
from listen.errors import ListenError, RenderStoppedError
from listen.lifetime import die_with_parent, die_with_process
from listen.render.engine_host import HOST_PRELOAD, EngineHost, HostUnavailable, supported

_STOP = None
# Sent to an engine worker whose task's render was stopped: it ends the task at its next chunk.
STOP_SIGNAL = signal.SIGUSR1
# How often a waiting slot looks at its task's stop event (and signals the worker again).
STOP_POLL_S = 0.25
STOPPED = "The render was stopped."
CLOSE_GRACE_S = 5.0  # how long closing the pool waits for busy workers before it kills them


@dataclass
class TaskOutcome:
    """What became of one task: its result, or the error that ended its last attempt."""

    task: Any
    result: Any = None
    error: str | None = None
    attempts: int = 1
    # The ListenError the handler raised, when it raised one: the parent can pass it on
    # as it is (a full cache is a CacheError, not an engine failure).
    exception: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _resolve(path: str) -> Callable[[Any], Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _worker_main(
    conn: Connection,
    handler_path: str,
    initializer_path: str | None,
    initializer_arg: Any,
    owner_pid: int | None = None,
) -> None:
    """Run tasks from the pipe until told to stop; the engine lives in this process only."""
    if owner_pid is not None and os.getppid() != owner_pid:
        # Forked by a fork server's one thread: die with it, and with the owner (a command's
        # own fork server exits with it; the engine host stays for the next command).
        # A worker spawned by the owner itself stops at the end of its pipe instead.
        die_with_parent()
        die_with_process(owner_pid)
    # Engines print progress to stdout; the parent's stdout may be the CLI's output.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    os.dup2(sys.stdout.fileno(), 1)
    if initializer_path:
        _resolve(initializer_path)(initializer_arg)
    handler = _resolve(handler_path)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is _STOP:
            return
        try:
            conn.send(("ok", handler(task)))
        except ListenError as exc:  # sent back whole: the parent decides on a retry
            conn.send(("error", exc))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"))
        give_back_free_memory()


def give_back_free_memory() -> bool:
    """Return the C heap's free pages to the system (glibc's malloc_trim); False where there is none.

    onnxruntime frees an inference's buffers after each run, but glibc keeps freed memory
    inside the process, scattered between blocks still in use, and takes more as the sizes
    vary: a Piper worker's resident memory grew from 200 MB to 345 MB over 250 chunks, and
    so with the article's length. Trimmed after each task (a piece: up to six sentences), it
    goes back to about 160 MB each time, at the cost of faulting the next piece's buffers in.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: its allocator keeps what it keeps
        return False
    trim(0)
    return True


class _Slot:
    """One worker process and the pipe to it; respawned after a hang or a crash."""

    def __init__(self, pool: WorkerPool):
        self.pool = pool
        self.process: Any = None  # a multiprocessing Process, or an engine_host.HostedProcess
        self.conn: Connection | None = None
        # Held while the process starts or is killed: a boot thread (WorkerPool.start)
        # and the slot's serving thread may both want it running.
        self.lock = threading.RLock()

    def ensure_running(self) -> None:
        with self.lock:
            if self.process is not None and self.process.is_alive():
                return
            self.kill()
            parent, child = multiprocessing.Pipe()
            pool = self.pool
            self.process = pool.launch(
                _worker_main, (child, pool.handler, pool.initializer, pool.initializer_arg, os.getpid())
            )
            child.close()
            self.conn = parent

    def boot(self) -> None:
        """Start the process ahead of its first task, unless the pool has closed meanwhile."""
        with self.lock:
            if not self.pool.closed:
                self.ensure_running()

    def kill(self) -> None:
        with self.lock:
            if self.process is not None and self.process.is_alive():
                self.process.kill()
                self.process.join(5)
            if self.conn is not None:
                self.conn.close()
            self.process = self.conn = None

    def run(self, task: Any, stop: threading.Event | None = None) -> tuple[str, Any]:
        """Send one task and wait for its answer, killing the worker if it takes too long.

        Once `stop` is set, the worker is signalled (again on every poll, in case the
        signal came before it started the task) and ends the task at its next chunk.
        """
        self.ensure_running()
        assert self.conn is not None
        assert self.process is not None
        timeout = getattr(task, "timeout", None) or self.pool.timeout  # a task may need longer than one chunk
        try:
            self.conn.send(task)
            waited = 0.0
            while not self.conn.poll(min(STOP_POLL_S, timeout - waited)):
                waited += STOP_POLL_S
                if waited >= timeout:
                    self.kill()
                    return "error", f"the engine did not finish within {timeout:g} s"
                if stop is not None and stop.is_set() and self.process.pid is not None:
                    os.kill(self.process.pid, STOP_SIGNAL)
            return self.conn.recv()
        except (EOFError, OSError):  # BrokenPipeError is an OSError
            code = self.process.exitcode if self.process else None
            self.kill()
            return "error", f"the engine process died (exit code {code})"


class WorkerPool:
    """Run tasks on `size` worker processes; results arrive on `outcomes` as they finish."""

    def __init__(
        self,
        handler: str,
        size: int,
        timeout: float,
        initializer: str | None = None,
        retries: int = 1,
        preload: tuple[str, ...] = (),
        initializer_arg: Any = None,
        host: EngineHost | None = None,
    ):
        """Workers are spawned afresh or, given modules to `preload`, forked from a server process
        that imported them once: each spawned worker would import them all again itself. Given
        an engine `host`, that server is the host, which outlives this pool (engine_host.py)."""
        self.handler = handler
        self.initializer = initializer
        self.initializer_arg = initializer_arg
        self.timeout = timeout
        self.retries = retries
        self.host = host
        self.context: Any = multiprocessing.get_context("forkserver" if preload else "spawn")
        if preload:
            self.context.set_forkserver_preload(list(preload))
        self.tasks: queue.Queue[tuple[Any, int, queue.Queue[TaskOutcome], threading.Event | None] | None] = (
            queue.Queue()
        )
        self.slots = [_Slot(self) for _ in range(size)]
        self.threads = [
            threading.Thread(target=self._serve, args=(slot,), daemon=True, name=f"listen-worker-{i}")
            for i, slot in enumerate(self.slots)
        ]
        self.closed = False
        for t in self.threads:
            t.start()

    def launch(self, target: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """Start one worker process: forked by the engine host if there is one and it answers, else our own."""
        if self.host is not None:
            try:
                return self.host.start(target, args)
            except HostUnavailable:
                self.host = None  # gone or hung: this pool's later workers come from its own fork server
        process = self.context.Process(target=target, args=args, daemon=True)
        process.start()
        return process

    def start(self, workers: int | None = None) -> None:
        """Boot workers now (all, or the first few), so the first tasks do not wait for an engine.

        Each boots on a thread of its own: a start can block until the fork server has
        imported the engine's modules, and the caller has work to do meanwhile.
        """
        for slot in self.slots[:workers]:
            if slot.process is None:
                threading.Thread(target=slot.boot, daemon=True, name="listen-worker-boot").start()

    def submit(
        self, task: Any, outcomes: queue.Queue[TaskOutcome], stop: threading.Event | None = None
    ) -> None:
        """Queue a task; its TaskOutcome goes to `outcomes` when done (or dropped, once `stop` is set)."""
        self.tasks.put((task, 1, outcomes, stop))

    def _serve(self, slot: _Slot) -> None:
        while True:
            item = self.tasks.get()
            if item is None:
                slot.kill()
                return
            task, attempt, outcomes, stop = item
            if stop is not None and stop.is_set():  # its render was stopped: never started, nor retried
                outcomes.put(TaskOutcome(task, error=STOPPED, exception=RenderStoppedError(STOPPED)))
                continue
            status, value = slot.run(task, stop)
            if status == "ok":
                outcomes.put(TaskOutcome(task, result=value, attempts=attempt))
            elif stop is not None and stop.is_set():
                outcomes.put(TaskOutcome(task, error=STOPPED, exception=RenderStoppedError(STOPPED)))
            elif attempt <= self.retries:
                self.tasks.put((task, attempt + 1, outcomes, stop))
            elif isinstance(value, ListenError):
                outcomes.put(TaskOutcome(task, error=value.message, attempts=attempt, exception=value))
            else:
                outcomes.put(TaskOutcome(task, error=value, attempts=attempt))

    def close(self, grace_s: float = CLOSE_GRACE_S) -> None:
        """Stop the workers once queued tasks are done, waiting `grace_s` in all.

        A worker still busy then (an engine that hangs, a long task nobody stopped) is killed:
        a server that is asked to stop must stop.
        """
        if self.closed:
            return
        self.closed = True
        for _ in self.threads:
            self.tasks.put(None)
        deadline = time.monotonic() + grace_s
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        for slot, t in zip(self.slots, self.threads):
            if t.is_alive():
                slot.kill()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# What engine workers import: loaded once by the fork server, they cost a worker nothing
# (imported by each spawned worker, they cost each a fifth of a second of CPU). Each worker
# starts its engines after the fork (pieces.warm_up), except Piper's default voice, which
# the server loads before forking so the workers share its weights (piper/shared_voice.py).
AUDIO_MODULES = (
    "listen.render.engine_server",
    "listen.render.pieces",
    "listen.audio.chunk",
    "listen.audio.mp3",
    "lameenc",
    "soundfile",
)


def engine_modules(engines: tuple[str, ...]) -> tuple[str, ...]:
    """The audio code and what these engines preload (engines.Engine.preload)."""
    return AUDIO_MODULES + all_preloads(engines)


def start_engine_server(engines: tuple[str, ...] = tuple(ENGINES), linger_s: float = 0.0) -> None:
    """Start the engine workers' fork server now, without waiting for it to load its modules.

    With `linger_s`, it is the engine host (found running, or started to stay that long
    after its last worker); without, or if no host can be had, this command's own.
    """
    host = engine_host(linger_s)
    if host is not None:
        try:
            host.connect()
            return
        except HostUnavailable:
            pass
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(engine_modules(engines)))
    forkserver.ensure_running()


def engine_host(linger_s: float) -> EngineHost | None:
    """The engine host CLI commands share, if there is to be one (a lingering one, on Linux)."""
    return EngineHost(HOST_PRELOAD, linger_s) if linger_s > 0 and supported() else None


def engine_pool(
    size: int, timeout: float, engines: tuple[str, ...] = tuple(ENGINES), linger_s: float = 0.0
) -> WorkerPool:
    """Make the pool of engine workers that render pieces (listen/render/pieces.py), with these engines started.

    A task for another engine still works: its worker starts that engine on the task.
    With `linger_s`, the workers come from the engine host (engine_host.py), which stays that
    long after the last one ends for the next command.
    """
    return WorkerPool(
        "listen.render.pieces:render_piece",
        size=size,
        timeout=timeout,
        initializer="listen.render.pieces:warm_up",
        initializer_arg=engines,
        preload=engine_modules(engines),
        host=engine_host(linger_s),
    )

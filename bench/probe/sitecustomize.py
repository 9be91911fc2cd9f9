"""A probe for bench/startup_bench.py: loaded by every Python process the bench starts (it puts this
folder first on PYTHONPATH). listen itself knows nothing of it. To the file named by
LISTEN_BENCH_PROBE it appends one line per event, "EVENT WALL CPU [SERVER_CPU]":
  task   the command's first task handed to the engine workers (CPU: the command's own so far)
  handed the command handed to the engine host to run (listen/cli/hosted.py; CPU: the caller's
         own so far: the task's CPU is then that of the command the host forked, since its fork)
  call   a worker's first Piper synthesis (CPU: the worker's own since its fork; SERVER_CPU: its
         fork server's, which has done nothing but start, import and load the voice by then)
Wall times are time.time(); CPU times are seconds of user and system time.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """User plus system CPU seconds of another process, from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _stamp(event: str, *extra: float) -> None:
    with open(os.environ["LISTEN_BENCH_PROBE"], "a", encoding="utf-8") as out:
        out.write(
            " ".join([event, f"{time.time():.6f}", f"{time.process_time():.4f}", *map(str, extra)]) + "\n"
        )


def _first_only(function, event, extra=lambda: ()):  # type: ignore[no-untyped-def]
    first = [True]

    def probed(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if first[0]:
            first[0] = False
            _stamp(event, *extra())
        return function(self, *args, **kwargs)

    return probed


def _probe_engine(module) -> None:  # type: ignore[no-untyped-def]
    module.PiperEngine.synthesize = _first_only(
        module.PiperEngine.synthesize, "call", lambda: (_cpu(os.getppid()),)
    )


def _probe_workers(module) -> None:  # type: ignore[no-untyped-def]
    module.WorkerPool.submit = _first_only(module.WorkerPool.submit, "task")


def _probe_hosted(module) -> None:  # type: ignore[no-untyped-def]
    wait = module._wait

    def probed(process):  # type: ignore[no-untyped-def]
        _stamp("handed")
        return wait(process)

    module._wait = probed


TARGETS = {
    "listen.engines.piper.engine": _probe_engine,
    "listen.render.workers": _probe_workers,
    "listen.cli.hosted": _probe_hosted,
}


class _Probe(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
        if name not in TARGETS:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module):  # type: ignore[no-untyped-def]
            run(module)
            TARGETS[name](module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if os.environ.get("LISTEN_BENCH_PROBE"):
    sys.meta_path.insert(0, _Probe())

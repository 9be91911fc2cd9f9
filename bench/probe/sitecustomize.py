"""A probe for bench/startup_bench.py: loaded by every Python process the bench starts (it puts this
folder first on PYTHONPATH), it appends the wall-clock time of each process's first Piper
synthesis to the file named by LISTEN_BENCH_PROBE. listen itself knows nothing of it."""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import time

TARGET = "listen.engines.piper.engine"


def _stamp() -> None:
    with open(os.environ["LISTEN_BENCH_PROBE"], "a", encoding="utf-8") as out:
        out.write(f"{time.time():.6f}\n")


class _Probe(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
        if name != TARGET:
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
            synthesize = module.PiperEngine.synthesize
            first = [True]

            def probed(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                if first[0]:
                    first[0] = False
                    _stamp()
                return synthesize(self, *args, **kwargs)

            module.PiperEngine.synthesize = probed

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if os.environ.get("LISTEN_BENCH_PROBE"):
    sys.meta_path.insert(0, _Probe())

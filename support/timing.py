"""How long a piece of work takes, for tests that check time grows linearly with the input.

The time is this thread's CPU time, not the wall clock: other processes on a busy machine
(a load of 5 on two cores) then cannot inflate one measurement against another. The best of a
few runs drops what noise remains (cache misses, page faults), which only ever adds time.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable


def cpu_seconds(
    work: Callable[[], object], repeat: int = 5, ignore: type[BaseException] | None = None
) -> float:
    """The least CPU time `work` took in `repeat` runs; an `ignore`d exception counts as an answer."""
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        with contextlib.suppress(*(ignore,) if ignore else ()):
            work()
        best = min(best, time.thread_time() - start)
    return best

"""Time one stats write (a beacon's UPSERT) in SQLite, and in Redis when redis-server is installed.

Target: under a millisecond per beacon. Prints the median and the 99th percentile of N writes
spread over 50 articles and 4 counters, as the server sees them (one connection per thread).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from listen.publish.stats import RedisStats, SQLiteStats

N = 5000
METRICS = ("play", "heard25", "heard50", "speed1.5")


def timed(store) -> list[float]:
    times = []
    for i in range(N):
        start = time.perf_counter()
        store.add(f"{i % 50:064x}", METRICS[i % len(METRICS)])
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    times.sort()
    p99 = times[int(len(times) * 0.99)]
    print(
        f"{name}: {N} writes, median {statistics.median(times):.3f} ms, p99 {p99:.3f} ms, max {times[-1]:.2f} ms "
        f"(target < 1 ms: {'met' if p99 < 1 else 'NOT met'})"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        report("SQLite (WAL)", timed(SQLiteStats(Path(folder) / "stats.sqlite3")))
        if shutil.which("redis-server"):
            from support.redis import RedisServer

            server = RedisServer(Path(folder)).start()
            try:
                report("Redis (HINCRBY)", timed(RedisStats(server.url)))
            finally:
                server.stop()


if __name__ == "__main__":
    main()

"""A Redis outage of a minute under two busy queue workers (issue #15, item 2).

A file of its own: its minute of waiting overlaps other files under pytest-xdist (--dist
loadfile) instead of lengthening tests/test_faults.py's. The minute is wall time on purpose:
what it outlasts lives in redis-server, on its clock (the workers' entries, their jobs'
heartbeats, and RQ's scheduler lock of 61 s, which a new scheduler takes over once it runs
out, to run the retries of the jobs the outage interrupted).
"""

from __future__ import annotations

import signal
import time

import pytest
from conftest import article_text
from redisserver import RedisServer, enqueue, start_worker, stop_worker, wait_for

from listen.config import Settings
from listen.queue.client import READY, RENDERING, RenderQueue
from listen.render.renderer import Renderer

# Longer sentences: a render lasts long enough for the outage to land in it.
SENTENCE = "Fault sentence {i} of article {n} says a little more than needed."


@pytest.mark.redis
@pytest.mark.slow
def test_two_busy_workers_ride_out_a_minute_without_redis_and_every_article_becomes_ready(tmp_path):
    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis", aof=True).start()
    cache = tmp_path / "cache"
    settings = Settings.of(cache_dir=cache, engine_workers=1, redis_url=server.url)
    workers = [
        start_worker(server.url, cache, heartbeat_s=1, name=f"busy-{n}", log=tmp_path / f"worker-{n}.log")
        for n in range(2)
    ]
    try:
        queue = RenderQueue(settings)
        keys = [enqueue(settings, article_text(30, SENTENCE))[1] for _ in range(4)]

        def both_busy() -> bool:
            states = [queue.status(k) or {} for k in keys]
            return sum(1 for i in states if i.get("status") == RENDERING and i.get("done", 0) >= 1) == 2

        wait_for(both_busy, timeout=120, every=0.1)
        queue.close()
        server.stop()  # mid-render, both workers busy
        time.sleep(65)
        assert [w.poll() for w in workers] == [None, None], "a worker exited while Redis was away"
        server.start()  # the same port and folder: the append-only file brings the queue back
        queue = RenderQueue(settings)
        wait_for(lambda: all(queue.status(k)["status"] == READY for k in keys), timeout=400, every=1)
        renderer = Renderer(settings)
        assert all(renderer.cache.get_rendition(k) is not None for k in keys)
        assert [w.poll() for w in workers] == [None, None], "a worker exited after Redis came back"
        queue.close()
        for w in workers:  # and SIGTERM still stops them
            w.send_signal(signal.SIGTERM)
        assert [w.wait(30) for w in workers] == [0, 0]
    finally:
        for w in workers:
            stop_worker(w)
        server.stop()

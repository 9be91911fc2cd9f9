"""Rendering through Redis with RQ: the web app and `listen batch --queue` enqueue, `listen worker` renders.

A job's id is its rendition key, so identical requests from any process share one
job (single-flight), a finished job is found again in the shared cache, and a
re-run of a job is harmless (idempotent). Jobs and their progress are JSON in
Redis (never pickles), so any web process can report on any job.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from .article import Article
from .config import Settings
from .errors import BusyError, ListenError, QueueError

log = logging.getLogger(__name__)

QUEUE_NAME = "listen"
RETRIES = 3  # after the first try; then the job is parked in RQ's failed registry
BACKOFF_S = (10, 30, 90)
HEARTBEAT_S = 5.0  # a worker that misses three beats is dead; its job goes back on the queue
RESULT_TTL_S = 3600  # the cache holds the result; Redis only needs to remember the job a while
FAILURE_TTL_S = 7 * 24 * 3600
QUEUED, RENDERING, READY, FAILED = "queued", "rendering", "ready", "failed"

# What a worker renders with comes from the request; where and how much comes from the worker's machine.
MACHINE_FIELDS = {"cache_dir", "jobs", "host", "port", "redis_url", "queue_limit", "api_keys", "rate_limit",
                  "max_body_bytes", "allow_private_hosts", "fetch_timeout_s", "max_fetch_bytes", "max_input_bytes"}
IN_CACHE = "@cache/"  # a lexicon stored in the shared cache, named relative to its root


def _rq() -> Any:
    try:
        import redis  # noqa: F401
        import rq
    except ImportError as exc:
        raise QueueError(f"Queue workers need the redis and rq packages ({exc}); run `pip install redis rq`.") from None
    return rq


def connect(url: str) -> Any:
    """Open a Redis connection and check it answers."""
    _rq()
    import redis

    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
        connection.ping()
    except (redis.RedisError, ValueError) as exc:
        raise QueueError(f"Cannot reach Redis at {url} ({exc}); start redis-server or fix LISTEN_REDIS_URL.") from None
    return connection


def payload(article: Article, settings: Settings) -> dict[str, Any]:
    """Describe a render as JSON: the article, and the settings that shape its audio."""
    fields = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings) if f.name not in MACHINE_FIELDS}
    lexicon = fields.get("lexicon")
    if lexicon is not None:
        path = Path(lexicon).resolve()
        root = Path(settings.cache_dir).resolve()
        # An inline lexicon lives in the shared cache, which a worker may mount elsewhere.
        fields["lexicon"] = IN_CACHE + str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    return {"article": dataclasses.asdict(article), "settings": fields}


def settings_from_payload(data: dict[str, Any], local: Settings) -> Settings:
    """Rebuild a job's settings on a worker: the job's audio settings, the worker's machine."""
    fields = dict(data)
    lexicon = fields.get("lexicon")
    if isinstance(lexicon, str):
        fields["lexicon"] = local.cache_dir / lexicon[len(IN_CACHE):] if lexicon.startswith(IN_CACHE) else Path(lexicon)
    known = {f.name for f in dataclasses.fields(Settings)} - MACHINE_FIELDS
    return dataclasses.replace(local, **{k: v for k, v in fields.items() if k in known})


class RenderQueue:
    """The web side (and batch's) of the queue: enqueue once per rendition key, read status back."""

    def __init__(self, settings: Settings, retries: int = RETRIES, backoff: tuple[int, ...] = BACKOFF_S):
        rq = _rq()
        from rq.serializers import JSONSerializer

        assert settings.redis_url
        self.settings = settings
        self.retries = retries
        self.backoff = list(backoff)
        self.connection = connect(settings.redis_url)
        self.queue = rq.Queue(QUEUE_NAME, connection=self.connection, serializer=JSONSerializer)

    def _fetch(self, key: str) -> Any:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job as RQJob

        try:
            return RQJob.fetch(key, connection=self.connection, serializer=self.queue.serializer)
        except NoSuchJobError:
            return None

    def submit(self, key: str, article: Article, settings: Settings, title: str = "", sentences: int = 0,
               chunks: int = 0) -> bool:
        """Enqueue a render unless a job with this key is queued or running; tell whether it was enqueued."""
        import redis
        from rq import Retry

        try:
            self.requeue_abandoned()
            job = self._fetch(key)
            status = _status(job)
            if status in (QUEUED, RENDERING):
                return False
            # Two web processes may race here: the claim makes one of them enqueue.
            if not self.connection.set(f"listen:claim:{key}", os.getpid(), nx=True, ex=10):
                return False
            try:
                waiting = self.queue.count
                if waiting >= self.settings.queue_limit:
                    raise BusyError(f"{waiting} articles are waiting for a worker; try again in a minute.")
                if job is not None:
                    job.delete()  # a finished job whose audio was pruned, or a failed one posted again
                self.queue.enqueue_call(
                    "listen.queue.render_job", args=(payload(article, settings),), job_id=key,
                    timeout=_job_timeout(settings, chunks), result_ttl=RESULT_TTL_S, failure_ttl=FAILURE_TTL_S,
                    retry=Retry(max=self.retries, interval=self.backoff) if self.retries else None,
                    meta={"title": title, "total": sentences, "done": 0},
                    description=f"render {title[:60]!r}",
                )
            finally:
                self.connection.delete(f"listen:claim:{key}")
        except redis.RedisError as exc:
            raise QueueError(f"Redis failed ({exc}); check that redis-server is running, then try again.") from None
        return True

    def status(self, key: str) -> dict[str, Any] | None:
        """Return a job's status and progress from Redis, or None if Redis has no such job."""
        import redis

        try:
            self.requeue_abandoned()  # any process that watches a job helps recover it
            job = self._fetch(key)
            if job is None:
                return None
            status = _status(job)
            meta = job.get_meta(refresh=False) or {}
        except redis.RedisError as exc:
            raise QueueError(f"Redis failed ({exc}); check that redis-server is running, then try again.") from None
        info = {"status": status, **meta}
        if status == FAILED and not meta.get("error"):
            info["error"] = "Rendering failed on a worker; post the article again to retry."
        return info

    def requeue_abandoned(self) -> None:
        """Put back on the queue (or park) jobs whose worker stopped sending heartbeats."""
        from rq.registry import StartedJobRegistry

        StartedJobRegistry(queue=self.queue).cleanup()

    @property
    def length(self) -> int:
        return self.queue.count

    def workers(self) -> int:
        """Count the workers listening on the queue."""
        from rq import Worker

        return Worker.count(queue=self.queue)

    def close(self) -> None:
        self.connection.close()


def _status(job: Any) -> str | None:
    if job is None:
        return None
    status = job.get_status(refresh=False)
    value = getattr(status, "value", status)
    if value in ("queued", "scheduled", "deferred"):
        return QUEUED
    if value == "started":
        return RENDERING
    if value == "finished":
        return READY
    if value in ("failed", "stopped", "canceled"):
        return FAILED
    return None


def _job_timeout(settings: Settings, chunks: int) -> int:
    """Give a job as long as every chunk at its timeout on one engine, and at least ten minutes."""
    return int(max(600, settings.chunk_timeout_s * max(chunks, 1)))


# -- the worker side ------------------------------------------------------------------------------

_worker: dict[str, Any] = {}  # this worker process's settings and renderer (one engine pool per process)


def render_job(data: dict[str, Any]) -> dict[str, Any]:
    """Render one queued article on this worker; the job's id must be the rendition's key."""
    from rq import get_current_job

    from .cache import StoredRendition  # noqa: F401 - keeps the import cost out of the render
    from .render import Renderer

    job = get_current_job()
    local: Settings = _worker["settings"]
    base: Renderer = _worker["renderer"]
    try:
        settings = settings_from_payload(data["settings"], local)
        renderer = Renderer(settings, pool=base.pool)
        plan = renderer.plan(Article(**data["article"]))
        if job is not None and plan.key != job.id:
            _park(job)  # another try on this worker would compute the same key
            raise QueueError(
                f"This worker ({socket.gethostname()}) makes a different rendition id for the article; "
                "run the same versions of listen and espeak-ng on every machine."
            )
        if renderer.cache.get_rendition(plan.key) is None:
            renderer.render_plan(plan, _meta_writer(job, str(local.cache_dir)))
        return {"id": plan.key}
    except ListenError as exc:
        if job is not None:
            job.meta["error"] = exc.message
            job.meta["tries"] = job.meta.get("tries", 0) + 1
            if exc.code in ("bad_input", "bad_setting"):
                _park(job)  # the same input fails the same way every time
            job.save_meta()
        raise


def _park(job: Any) -> None:
    job.retries_left = 0


def _meta_writer(job: Any, cache_root: str) -> Any:
    """Return a progress callback that keeps the job's meta up to date (at most every 0.2 s)."""
    last = [0.0]

    def write(p: Any) -> None:
        if job is None:
            return
        now = time.monotonic()
        if p.done < p.total and now - last[0] < 0.2:
            return
        last[0] = now
        job.meta.update(
            done=p.done, total=p.total, duration_ms=p.duration_ms, sentences=p.sentences[: p.done],
            partial=os.path.relpath(p.partial_mp3, cache_root) if p.partial_mp3 else None,
            sealed=p.done >= p.total, worker=socket.gethostname(),
        )
        job.save_meta()

    return write


def run_worker(settings: Settings, burst: bool = False, name: str | None = None,
               heartbeat_s: float = HEARTBEAT_S) -> int:
    """Render queued jobs until stopped (or, with burst, until the queue is empty)."""
    rq = _rq()
    from rq.serializers import JSONSerializer

    from .render import Renderer

    if not settings.redis_url:
        raise QueueError("Set LISTEN_REDIS_URL (e.g. redis://127.0.0.1:6379/0) so the worker knows where the queue is.")
    connection = connect(settings.redis_url)
    renderer = Renderer(settings)
    _worker.update(settings=settings, renderer=renderer)
    worker_class = _worker_class(rq, heartbeat_s)
    queue = rq.Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)
    worker = worker_class([queue], connection=connection, serializer=JSONSerializer, name=name,
                          worker_ttl=max(20, int(heartbeat_s * 4)), maintenance_interval=max(5, int(heartbeat_s * 2)))
    renderer.start()
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        renderer.close()
    return 0


def _worker_class(rq: Any, heartbeat_s: float) -> Any:
    """Make an RQ worker that renders in its own process (the engine pool outlives a job) and beats often."""

    class ListenWorker(rq.SimpleWorker):
        def get_heartbeat_ttl(self, job: Any, working_time: float = 0.0) -> int:
            # RQ's default is the whole job timeout plus a minute: far too long to notice a dead worker.
            return max(2, int(heartbeat_s * 3))

        def perform_job(self, job: Any, queue: Any, execution: Any = None) -> Any:
            stop = threading.Event()

            def beat() -> None:
                while not stop.wait(heartbeat_s):
                    try:
                        self.maintain_heartbeats(job, execution)
                    except Exception:  # Redis away for a moment: the next beat tries again
                        log.warning("heartbeat failed", exc_info=True)

            beater = threading.Thread(target=beat, daemon=True, name="listen-heartbeat")
            beater.start()
            try:
                return super().perform_job(job, queue, execution)
            finally:
                stop.set()
                beater.join(5)

    return ListenWorker

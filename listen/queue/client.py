"""The Redis queue's client side: enqueue a render and read its status back (RQ over Redis).

The web app and `listen batch --queue` enqueue here (the job's payload is made by
listen/queue/payload.py); `listen worker` renders (listen/queue/worker.py).

A job's id is its rendition key, so identical requests from any process share one
job (single-flight), a finished job is found again in the shared cache, and a
re-run of a job is harmless (idempotent). Jobs and their progress are JSON in
Redis (never pickles), so any web process can report on any job.
"""

from __future__ import annotations

import logging
import os
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from listen.article import Article
from listen.config import Settings
from listen.errors import BusyError, QueueError
from listen.queue.payload import payload

log = logging.getLogger(__name__)

QUEUE_NAME = "listen"
RETRIES = 3  # after the first try; then the job is parked in RQ's failed registry
BACKOFF_S = (10, 30, 90)
HEARTBEAT_S = 5.0  # a worker that misses three beats is dead; its job goes back on the queue
RESULT_TTL_S = 3600  # the cache holds the result; Redis only needs to remember the job a while
FAILURE_TTL_S = 7 * 24 * 3600


class JobStatus(StrEnum):
    """Where a job stands, as the API reports it (the one list of job status names)."""

    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


QUEUED, RENDERING, READY, FAILED = JobStatus.QUEUED, JobStatus.RENDERING, JobStatus.READY, JobStatus.FAILED


def stop_key(key: str) -> str:
    """The Redis key that asks the worker rendering a job to stop it at its next chunk."""
    return f"listen:stop:{key}"


def load_rq() -> Any:
    """Import RQ (and redis) on first use: the one-process web app and the CLI never need them,
    so this module imports them only inside functions (worker.py, which only `listen
    worker` loads, imports them at the top)."""
    try:
        import redis  # noqa: F401
        import rq
    except ImportError as exc:
        raise QueueError(
            f"Queue workers need the redis and rq packages ({exc}); run `pip install redis rq`."
        ) from None
    return rq


def connect(url: str) -> Any:
    """Open a Redis connection and check it answers."""
    load_rq()
    import redis

    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
        connection.ping()
    except (redis.RedisError, ValueError) as exc:
        raise QueueError(
            "The render queue (Redis) is not answering; try again in a minute.",
            f"Cannot reach Redis at {_address(url)} ({exc}); start redis-server or fix LISTEN_REDIS_URL.",
        ) from None
    return connection


def _address(url: str) -> str:
    """A Redis URL without its user name and password, for messages and logs."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _redis_failed(exc: Exception) -> QueueError:
    """Say that Redis failed: to clients without its address (nor credentials), the cause to the operator's log."""
    return QueueError(
        "The render queue (Redis) is not answering; try again in a minute.",
        f"Redis failed ({exc}); check that redis-server is running and LISTEN_REDIS_URL.",
    )


class RenderQueue:
    """The web side (and batch's) of the queue: enqueue once per rendition key, read status back."""

    def __init__(self, settings: Settings, retries: int = RETRIES, backoff: tuple[int, ...] = BACKOFF_S):
        rq = load_rq()
        from rq.serializers import JSONSerializer

        assert settings.service.redis_url
        self.settings = settings
        self.retries = retries
        self.backoff = list(backoff)
        self.connection = connect(settings.service.redis_url)
        self.queue = rq.Queue(QUEUE_NAME, connection=self.connection, serializer=JSONSerializer)

    def _fetch(self, key: str) -> Any:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job as RQJob

        try:
            return RQJob.fetch(key, connection=self.connection, serializer=self.queue.serializer)
        except NoSuchJobError:
            return None

    def submit(
        self,
        key: str,
        article: Article,
        settings: Settings,
        title: str = "",
        sentences: int = 0,
        chunks: int = 0,
        expected_ms: int = 0,
    ) -> bool:
        """Enqueue a render unless a job with this key is queued or running; tell whether it was enqueued."""
        import redis
        from rq import Retry

        try:
            self.requeue_abandoned()
            job = self._fetch(key)
            status = status_of(job)
            if status in (QUEUED, RENDERING):
                return False
            # Two web processes may race here: the claim makes one of them enqueue.
            if not self.connection.set(f"listen:claim:{key}", os.getpid(), nx=True, ex=10):
                return False
            try:
                waiting = self.queue.count
                if waiting >= self.settings.service.queue_limit:
                    raise BusyError(f"{waiting} articles are waiting for a worker; try again in a minute.")
                if job is not None:
                    job.delete()  # a finished job whose audio was pruned, or a failed one posted again
                self.connection.delete(stop_key(key))  # withdrawn before, posted again
                self.queue.enqueue_call(
                    "listen.queue.worker.render_job",
                    args=(payload(article, settings),),
                    job_id=key,
                    timeout=_job_timeout(settings, chunks),
                    result_ttl=RESULT_TTL_S,
                    failure_ttl=FAILURE_TTL_S,
                    retry=Retry(max=self.retries, interval=self.backoff) if self.retries else None,
                    meta={"title": title, "total": sentences, "done": 0, "expected_ms": expected_ms},
                    description=f"render {title[:60]!r}",
                )
            finally:
                self.connection.delete(f"listen:claim:{key}")
        except redis.RedisError as exc:
            raise _redis_failed(exc) from None
        return True

    def status(self, key: str) -> dict[str, Any] | None:
        """Return a job's status and progress from Redis, or None if Redis has no such job."""
        import redis

        try:
            self.requeue_abandoned()  # any process that watches a job helps recover it
            job = self._fetch(key)
            if job is None:
                return None
            status = status_of(job)
            meta = job.get_meta(refresh=False) or {}
        except redis.RedisError as exc:
            raise _redis_failed(exc) from None
        info = {"status": status, **meta}
        if status == FAILED and not meta.get("error"):
            info["error"] = "Rendering failed on a worker; post the article again to retry."
        tried = self.retries - job.retries_left if job.retries_left is not None else 0
        if status == QUEUED and tried > 0 and not meta.get("error"):
            # Its worker stopped (killed, its machine lost, or it lost Redis) mid-render: RQ's
            # clean-up failed that try and queued the job again. Say so, rather than "rendering".
            info["error"] = (
                f"The worker rendering this article stopped; it is queued again "
                f"(try {tried + 1} of {self.retries + 1})."
            )
        return info

    def stop(self, key: str) -> None:
        """Stop a job: taken off the queue if it waits, stopped at its next chunk by its worker if it renders."""
        import redis

        try:
            job = self._fetch(key)
            status = status_of(job)
            if status == QUEUED:
                job.cancel()
            elif status == RENDERING:
                self.connection.set(stop_key(key), 1, ex=RESULT_TTL_S)
        except redis.RedisError as exc:
            raise _redis_failed(exc) from None

    def requeue_abandoned(self) -> None:
        """Put back on the queue (or park) jobs whose worker stopped sending heartbeats."""
        from rq.registry import StartedJobRegistry

        StartedJobRegistry(queue=self.queue).cleanup()

    @property
    def length(self) -> int:
        """Count the jobs waiting for a worker."""
        import redis

        try:
            return int(self.queue.count)
        except redis.RedisError as exc:
            raise _redis_failed(exc) from None

    def workers(self) -> int:
        """Count the workers listening on the queue."""
        from rq import Worker

        return Worker.count(queue=self.queue)

    def close(self) -> None:
        self.connection.close()


def status_of(job: Any) -> str | None:
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
    return int(max(600, settings.service.chunk_timeout_s * max(chunks, 1)))

"""The Redis queue's worker side: `listen worker` takes render jobs from Redis and renders them.

A queue worker is one process with its own pool of engine workers (listen/render/workers.py);
it renders one job at a time, reporting progress in the job's meta for any web process to read.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import Any

import redis
import rq
import rq.job
from rq import Retry, get_current_job
from rq.exceptions import StopRequested
from rq.serializers import JSONSerializer
from rq.utils import import_attribute

from listen.config import ServiceSettings, Settings
from listen.errors import (
    ExitStatus,
    InputError,
    ListenError,
    QueueError,
    RenderStoppedError,
    SettingsError,
)
from listen.lifetime import die_with_parent
from listen.queue.client import HEARTBEAT_S, QUEUE_NAME, connect, stop_key
from listen.queue.payload import article_from_payload, settings_from_payload
from listen.render.renderer import Renderer

log = logging.getLogger(__name__)


# This worker process's settings, renderer (one engine pool per process), and the stop event of
# the job it renders (set when a web process asks, through Redis, for the job to stop).
_worker: dict[str, Any] = {"stop": threading.Event()}


def render_job(data: dict[str, Any]) -> dict[str, Any]:
    """Render one queued article on this worker; the job's id must be the rendition's key."""

    job = get_current_job()
    local: Settings = _worker["settings"]
    base: Renderer = _worker["renderer"]
    try:
        settings = settings_from_payload(data["render"], local)
        renderer = Renderer(settings, pool=base.pool)
        plan = renderer.plan(article_from_payload(data))
        if job is not None and plan.key != job.id and renderer.cache.keyed_id(plan.key) == job.id:
            plan.key = job.id  # a keyed server's id (web/job_manager.py), under the shared cache's secret
        if job is not None and plan.key != job.id:
            _park(job)  # another try on this worker would compute the same key
            raise QueueError(
                f"This worker ({socket.gethostname()}) makes a different rendition id for the article; "
                "run the same versions of listen and espeak-ng on every machine."
            )
        if renderer.cache.get_rendition(plan.key) is None:
            renderer.render_plan(plan, _meta_writer(job, str(local.service.cache_dir)), stop=_worker["stop"])
        stored = renderer.cache.get_rendition(plan.key)
        _webhooks(
            job,
            {
                "id": plan.key,
                "status": "ready",
                "duration_ms": stored.timings.get("duration_ms", 0) if stored else 0,
            },
            local,
        )
        return {"id": plan.key}
    except ListenError as exc:
        if job is not None:
            job.meta["error"] = exc.message
            job.meta["tries"] = job.meta.get("tries", 0) + 1
            if isinstance(exc, (InputError, SettingsError, RenderStoppedError)):
                _park(job)  # the same input fails the same way every time; a stopped job stays stopped
            job.save_meta()
            if not job.retries_left:  # no try left: this failure is final
                _webhooks(job, {"id": job.id, "status": "failed", "error": exc.message}, local)
        raise


def _webhooks(job: Any, outcome: dict[str, Any], local: Settings) -> None:
    """Queue the webhooks the web processes left for this article (see listen/publish/webhooks.py)."""
    if job is None:
        return
    from listen.publish.webhooks import take_subscriptions

    try:
        owed = take_subscriptions(job.connection, outcome["id"])
        if owed:
            enqueue_deliveries(job.connection, owed, outcome, local.service)
    except Exception:  # a webhook must never fail the render it reports
        log.exception("could not queue the webhooks of %s", outcome["id"])


def enqueue_deliveries(
    connection: Any, subscriptions: list[dict[str, str]], job: dict[str, Any], settings: ServiceSettings
) -> None:
    """Queue one delivery per webhook owed (listen/publish/webhooks.py); RQ retries a failed one after each wait."""
    from listen.publish.webhooks import event, retry_delays

    waits = [max(1, round(d)) for d in retry_delays(settings)]  # RQ counts whole seconds
    queue = rq.Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)
    for sub in subscriptions:
        queue.enqueue_call(
            "listen.publish.webhooks.delivery_job",
            args=(sub["url"], event(job, sub["audio_url"], sub.get("replaces")), uuid.uuid4().hex),
            retry=Retry(max=len(waits), interval=waits),
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=f"webhook {job.get('id', '')[:12]}",
        )


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
            done=p.done,
            total=p.total,
            duration_ms=p.duration_ms,
            sentences=p.sentences[: p.done],
            partial=os.path.relpath(p.partial_mp3, cache_root) if p.partial_mp3 else None,
            sealed=p.done >= p.total,
            worker=socket.gethostname(),
        )
        try:
            job.save_meta()
        except REDIS_AWAY as exc:  # the render goes on; the next piece's progress tries again
            last[0] = 0.0
            log.warning("progress not saved, Redis is away: %s", exc)

    return write


def run_worker(
    settings: Settings, burst: bool = False, name: str | None = None, heartbeat_s: float = HEARTBEAT_S
) -> int:
    """Render queued jobs until stopped (or, with burst, until the queue is empty)."""
    if not settings.service.redis_url:
        raise QueueError(
            "Set LISTEN_REDIS_URL (e.g. redis://127.0.0.1:6379/0) so the worker knows where the queue is."
        )
    connection = connect(settings.service.redis_url)
    # RQ's scheduler is a forked child of this process (forked by its main thread): killed
    # with us, even by SIGKILL, or it would hold the scheduler's lock in Redis for ever. With
    # it gone, the engine workers' fork server sees the last copy of its pipe close and exits,
    # and the engine workers die with it (listen/render/workers.py).
    os.register_at_fork(after_in_child=_die_with_worker(os.getpid()))
    renderer = Renderer(settings)
    _worker.update(settings=settings, renderer=renderer)
    worker_class = _worker_class(heartbeat_s)
    queue = rq.Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)
    renderer.start()
    pause = 1.0
    try:
        # RQ's worker quits its loop on any Redis error outside waiting for a job (saving a
        # result, its heartbeat, maintenance): ride out an outage by starting it again once
        # Redis answers. The job it had stays in RQ's started registry; when its heartbeats
        # have stopped, RQ's clean-up (this worker's or a web process's) puts it back on the queue.
        while True:
            worker = worker_class(
                [queue],
                connection=connection,
                serializer=JSONSerializer,
                name=name,
                worker_ttl=max(20, int(heartbeat_s * 4)),
                maintenance_interval=max(5, int(heartbeat_s * 2)),
            )
            started = time.monotonic()
            try:
                worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
            except REDIS_AWAY as exc:  # raised while it was tearing down
                log.warning("worker %s lost Redis: %s", worker.name, exc)
            if _stopping(worker) or (burst and _queue_done(queue)):
                break
            pause = 1.0 if time.monotonic() - started > 60 else min(pause * 2, 10.0)
            if not _wait_for_redis(connection, worker, pause):
                break
            log.warning("worker %s: Redis answers again; going on", worker.name)
    finally:
        renderer.close()
    return ExitStatus.OK


def _die_with_worker(worker_pid: int) -> Any:
    def child() -> None:
        die_with_parent(worker_pid)

    return child


REDIS_AWAY: tuple[type[Exception], ...] = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _stopping(worker: Any) -> bool:
    """Tell whether the worker was asked to stop (SIGTERM, Ctrl+C), busy or not."""
    return bool(worker._stop_requested or getattr(worker, "_shutdown_requested_date", None))


def _queue_done(queue: Any) -> bool:
    """Tell whether a burst worker has nothing left (a Redis error means it may have)."""
    try:
        return queue.count == 0 and queue.started_job_registry.count == 0
    except REDIS_AWAY:
        return False


def _wait_for_redis(connection: Any, worker: Any, pause: float) -> bool:
    """Wait (with backoff) until Redis answers, then retire the old worker's entry; False if stopped meanwhile."""
    delay = pause
    try:
        while True:
            time.sleep(delay)
            if _stopping(worker):
                return False
            try:
                connection.ping()
                break
            except REDIS_AWAY as exc:
                log.warning("Redis is away (%s); trying again in %.0f s", exc, min(delay * 2, 10.0))
                delay = min(delay * 2, 10.0)
        try:
            worker.register_death()  # its name may be used again
        except REDIS_AWAY:
            return True  # gone again: the next round waits once more
    except (KeyboardInterrupt, StopRequested):
        return False
    return True


# The only functions a listen worker runs, by the name a job gives. RQ would import and run
# whatever a job names, so anyone who can write to Redis could run any function (os.system
# included) as the worker's user: a job that names anything else is refused and logged.
# Jobs queued by releases before listen/ was grouped into packages by stage name the old
# module paths; they still run, with today's code.
JOB_FUNCTIONS = {
    "listen.queue.worker.render_job": "listen.queue.worker.render_job",
    "listen.publish.webhooks.delivery_job": "listen.publish.webhooks.delivery_job",
    "listen.queue_worker.render_job": "listen.queue.worker.render_job",
    "listen.webhooks.delivery_job": "listen.publish.webhooks.delivery_job",
}


class RefusedJobError(QueueError):
    """A job named a function (or a callback) that is not one of listen's job functions."""


class ListenJob(rq.job.Job):
    """An RQ job that runs only listen's own job functions, under today's or an earlier release's name."""

    @property
    def func(self) -> Any:
        target = JOB_FUNCTIONS.get(self.func_name or "")
        if target is None or self.instance is not None:
            raise _refuse(self, f"names {self.func_name!r}")
        return import_attribute(target)

    # RQ imports callbacks by name as well; listen queues none, so any is refused.
    @property
    def success_callback(self) -> Any:
        return _no_callback(self, self._success_callback_name)

    @property
    def failure_callback(self) -> Any:
        return _no_callback(self, self._failure_callback_name)

    @property
    def stopped_callback(self) -> Any:
        return _no_callback(self, self._stopped_callback_name)


def _no_callback(job: rq.job.Job, name: str | None) -> None:
    if name:
        raise _refuse(job, f"asks for the callback {name!r}")


def _refuse(job: rq.job.Job, what: str) -> RefusedJobError:
    message = (
        f"Refused job {job.id}: it {what}, which is not one of listen's job functions. "
        "Only listen puts jobs on its queue: require a password or an ACL user on Redis and never expose it "
        "(see docs/scaling-out.md)."
    )
    log.error(message)
    return RefusedJobError(message)


def _worker_class(heartbeat_s: float) -> Any:
    """Make an RQ worker that renders in its own process (the engine pool outlives a job) and beats often."""

    class ListenWorker(rq.SimpleWorker):
        job_class = ListenJob

        def subscribe(self) -> None:
            # RQ's listener for commands wakes once a minute; once unsubscribed, redis-py's stop()
            # waits for it, so a worker that was done (or asked to stop) lingered up to a minute.
            # Waking every second costs nothing and lets it go at once.
            self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
            self.pubsub = self.connection.pubsub()
            self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
            self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
                sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
            )

        def get_heartbeat_ttl(self, job: Any, working_time: float = 0.0) -> int:
            # RQ's default is the whole job timeout plus a minute: far too long to notice a dead worker.
            return max(2, int(heartbeat_s * 3))

        def perform_job(self, job: Any, queue: Any, execution: Any = None) -> Any:
            stop = threading.Event()
            render_stop = _worker["stop"] = threading.Event()

            def beat() -> None:
                while not stop.wait(heartbeat_s):
                    try:
                        self.maintain_heartbeats(job, execution)
                        if self.connection.exists(stop_key(job.id)):  # withdrawn: stop at the next chunk
                            render_stop.set()
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

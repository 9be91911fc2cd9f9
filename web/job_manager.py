"""The web app's job manager: background renders, one job per rendition id, single-flight, bounded.

In: posted articles (Submissions, read and planned in the intake pool) and Articles. Out: Jobs
(web/job.py) that a listener follows, found again by id, in memory or in the cache.
Without Redis a job renders on a small thread pool in this process; with Redis it is
a queue job (listen/queue/client.py) that a queue worker renders, and this process
reads its status back. In-process, the chunks themselves go to the renderer's
engine worker processes, which every job shares. Each job keeps what a listener
needs while it runs (progress, sentences timed so far, the growing partial MP3),
and a finished rendition is found again in the cache by its id after a restart.
Beside it: the cache's size (web/cache_trimmer.py) and what each rendition was made of
(web/article_records.py), so a damaged one is rendered again.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from listen.article import Article
from listen.cache.store import StoredRendition
from listen.config import Settings
from listen.errors import BusyError, GoneError, ListenError, NotFoundError, QueueError, RenderStoppedError
from listen.queue.client import FAILED, READY, RENDERING, RenderQueue
from listen.render.plan import Plan
from listen.render.renderer import Renderer

from .article_records import ArticleRecords
from .cache_trimmer import CacheTrimmer
from .intake import IntakePool, Outline, Planned, Submission, Unchanged
from .job import Job, PendingJob, QueuedJob, stamp_of, still_running, valid_id

log = logging.getLogger(__name__)

WITHDRAWN = "This article was withdrawn; post it again to render it (what was rendered is kept)."
SERVER_STOPPED = "The server stopped before this article was rendered; post it again."


class JobManager:
    """Render articles in the background: one job per id, a bounded queue, shared engine workers."""

    QUEUE_OUTAGE_S = 600.0  # how long a planned article waits for Redis before it fails

    def __init__(
        self, settings: Settings, threads: int = 2, max_pending: int | None = None, keep_finished: int = 512
    ):
        self.settings = settings
        self.base = Renderer(settings)
        self.cache = self.base.cache
        self.max_pending = settings.service.queue_limit if max_pending is None else max_pending
        # With Redis, `listen worker` processes render and this process only enqueues and reports.
        self.queue: RenderQueue | None = RenderQueue(settings) if settings.service.redis_url else None
        self.keep_finished = keep_finished
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="listen-render")
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.renderers: dict[Settings, Renderer] = {settings: self.base}
        self.renders_started = 0
        # Posted articles are read and planned in these processes, never in a request thread.
        self.intake = IntakePool(settings.service)
        # What each rendition was made of, so a damaged one can be rendered again.
        self.article_records = ArticleRecords(self.cache, settings, keep_finished)
        # Called (on an intake thread) when a post is planned and its rendition's job started.
        self.on_planned: list[Callable[[Submission, Job, Planned], None]] = []
        self.lock = threading.Lock()
        if settings.service.api_keys:
            self.cache.instance_secret()  # made on first start, not on the first article
        self.trimmer = CacheTrimmer(self.cache, settings.service)
        self.closing = False

    def start(self) -> None:
        """Boot the engine workers and planner processes now, so the first listener does not wait; start the trimmer."""
        if self.queue is None:
            self.base.start()
        self.intake.start()
        self.trimmer.start()

    def stream(self, job: Job) -> Iterator[bytes]:
        """Stream a job's audio, keeping its rendition from being pruned meanwhile."""
        with self.cache.using([job.id]):
            yield from job.stream()

    def close(self) -> None:
        """Stop taking work, stop running renders at their next chunk, then stop the engine workers.

        What the renders finished stays cached; a service manager's stop (SIGTERM) never
        waits for a long article to end.
        """
        self.closing = True
        with self.lock:
            running = [job for job in self.jobs.values() if still_running(job)]
        for job in running:
            job.stop.set()
        self.trimmer.close()
        self.intake.close()
        self.executor.shutdown(wait=True, cancel_futures=True)
        for job in list(self.jobs.values()):
            if job.status == RENDERING:  # cancelled before it started: release its listeners
                with job.cond:
                    job.status, job.error = FAILED, SERVER_STOPPED
                    job.cond.notify_all()
        self.base.close()
        if self.queue is not None:
            self.queue.close()

    def renderer(self, settings: Settings) -> Renderer:
        """Return a renderer for these settings that shares the one pool of engine workers."""
        with self.lock:
            r = self.renderers.get(settings)
            if r is None:
                # Jobs carry their own voice and rate, so every renderer can share the pool.
                r = Renderer(settings, pool=self.base.pool)
                if len(self.renderers) > 64:
                    self.renderers = {self.settings: self.base}
                self.renderers[settings] = r
            return r

    # -- taking articles ------------------------------------------------------------------------

    def accept(self, sub: Submission) -> Job:
        """Take a posted article: its job at once, the reading and planning done in the intake pool.

        A small article planned within `intake_wait_ms` gets its rendition's job (or its
        error) as before; a longer one gets a job under the request's id, which becomes the
        rendition's job once planned.
        """
        self.check_room()
        request_id = sub.request_id()
        if self.settings.service.api_keys:  # as a rendition's id: not computable from the text
            request_id = self.cache.keyed_id(request_id)
        if self.cache.is_withdrawn(request_id):  # posted again: its article may come back
            self.cache.restore(request_id)
        if sub.kind != "url":  # a page may have changed since: a URL is read again
            known = self.cache.get_alias(request_id)
            job = self.get(known) if known else None
            if job is not None and job.status != FAILED:
                return job
        with self.lock:
            current = self.jobs.get(request_id)
            underway = isinstance(current, PendingJob) and still_running(current)
            pending = current if isinstance(current, PendingJob) and underway else PendingJob(request_id)
            if not underway:
                self._remember(pending)
        if not underway:
            self._read(sub, pending)
        if pending.settled(self.settings.service.intake_wait_ms / 1000):
            if pending.target is not None:
                return pending.target
            assert pending.failure is not None
            raise pending.failure
        return pending

    def check_room(self) -> None:
        """Refuse a post at once when the renders waiting, and the posts being read, fill the queue (BusyError, 503)."""
        if self.queue is not None:
            waiting = self.queue.length + self.intake.in_hand
            if waiting >= self.settings.service.queue_limit:
                raise BusyError(f"{waiting} articles are waiting for a worker; try again in a minute.")
            return
        with self.lock:
            pending = sum(1 for j in self.jobs.values() if still_running(j) and not isinstance(j, PendingJob))
        pending += self.intake.in_hand
        if pending >= self.max_pending:
            raise BusyError(f"{pending} articles are already being read aloud; try again in a minute.")

    def _read(self, sub: Submission, pending: PendingJob) -> None:
        """Hand a submission to the intake pool; a full pool is a BusyError (503)."""
        try:
            self.intake.submit(sub, lambda result: self._planned(sub, pending, result))
        except BusyError:
            with self.lock:
                if self.jobs.get(pending.id) is pending:
                    del self.jobs[pending.id]
            raise

    def _planned(
        self, sub: Submission, pending: PendingJob, result: Planned | Unchanged | ListenError
    ) -> None:
        """Start rendering what the intake pool planned (on one of its threads)."""
        if isinstance(result, ListenError):
            pending.settle(None, result)
            return
        if isinstance(result, Unchanged):  # a refresh of a page that has not changed: its rendition stands
            previous = self.get(sub.previous) if sub.previous else None
            if previous is None:
                pending.settle(
                    None,
                    NotFoundError("The page has not changed, but its audio is gone; post its URL again."),
                )
            else:
                pending.settle(previous)
            return
        self._start_planned(sub, pending, result, waited_s=0.0)

    def _start_planned(self, sub: Submission, pending: PendingJob, planned: Planned, waited_s: float) -> None:
        """Start (or queue) a planned article; while Redis is away (a restart), try again with backoff.

        A brief outage is not the article's failure: it waits, saying so, and is queued when
        Redis answers; only an outage longer than QUEUE_OUTAGE_S fails it.
        """
        if pending.stop.is_set():  # withdrawn while it was being read (or waited): never rendered
            pending.settle(None, GoneError(WITHDRAWN))
            return
        try:
            job = self._start(self.renderer(sub.settings), planned.outline, planned.article, planned.plan)
        except QueueError as exc:
            if self.closing or waited_s >= self.QUEUE_OUTAGE_S:
                pending.settle(None, exc)
                return
            log.warning("request %s waits for Redis: %s", pending.request_id, exc.message)
            with pending.cond:
                pending.error = "The render queue is not answering for a moment; this article waits for it."
            delay = min(max(1.0, waited_s), 10.0)  # 1, 1, 2, 4, 8, 10, 10... seconds
            timer = threading.Timer(delay, self._start_planned, (sub, pending, planned, waited_s + delay))
            timer.daemon = True
            timer.start()
            return
        except ListenError as exc:
            pending.settle(None, exc)
            return
        with pending.cond:
            pending.error = None
        self._started(sub, pending, job, planned)

    def _started(self, sub: Submission, pending: PendingJob, job: Job, result: Planned) -> None:
        """Let the request's id find the rendition, run the hooks, and hand the request over to its job."""
        if pending.id != job.id:
            try:  # the request's id finds the rendition from any web process, and after a restart
                self.cache.put_alias(pending.id, job.id)
            except ListenError as exc:  # the job's own error will say more; this process still knows
                log.warning("request %s: %s", pending.id, exc.message)
        for hook in self.on_planned:
            try:
                hook(sub, job, result)
            except Exception:  # a side record must not lose the render
                log.exception("after planning %s", job.id)
        pending.settle(job)
        with self.lock:
            if pending.request_id == job.id and self.jobs.get(job.id) is pending:
                del self.jobs[job.id]  # rendered again under its own id: the new job answers for it

    def submit(self, article: Article, settings: Settings | None = None) -> Job:
        """Start rendering an article unless the same rendition is ready or under way (plans here)."""
        renderer = self.renderer(settings or self.settings)
        plan = renderer.plan(article)
        return self._start(renderer, Outline.of(plan, renderer.settings.render), article, plan)

    def _start(self, renderer: Renderer, outline: Outline, article: Article, plan: Plan | None) -> Job:
        """Start rendering a planned article unless the same rendition is ready or under way.

        With queue workers, the outline is enough; in this process the plan is rendered.
        """
        if self.settings.service.api_keys:  # a keyed server: ids must not be computable from the text
            outline = dataclasses.replace(outline, rendition_id=renderer.cache.keyed_id(outline.rendition_id))
            if plan is not None:
                plan.key = outline.rendition_id
        self.article_records.add(outline.rendition_id, article, renderer.settings)
        if self.cache.is_withdrawn(outline.rendition_id):  # posted again: it comes back
            self.cache.restore(outline.rendition_id)
        if self.queue is not None:
            return self._enqueue(renderer, outline, article)
        assert plan is not None, "a render in this process needs its plan"
        rendition_id = outline.rendition_id
        with self.lock:
            job = self._live(rendition_id)
            if job is not None:
                return job
        stored = renderer.cache.get_rendition(rendition_id)
        with self.lock:
            job = self._live(rendition_id)
            if job is not None:
                return job  # another request started (or even finished) it while we looked in the cache
            if stored is not None:
                job = Job.from_stored(stored)
                self._remember(job)
                return job
            pending = sum(1 for j in self.jobs.values() if still_running(j) and not isinstance(j, PendingJob))
            if pending >= self.max_pending:
                raise BusyError(f"{pending} articles are already being read aloud; try again in a minute.")
            job = Job(rendition_id, plan.script.title)
            job.total, job.expected_ms = len(plan.script.sentences), outline.expected_ms
            self._remember(job)
            self.renders_started += 1
        self.executor.submit(self._run, renderer, plan, job)
        return job

    # -- finding jobs ---------------------------------------------------------------------------

    def get(self, job_id: str) -> Job | None:
        """Find a job by id (a rendition's or a request's), in memory or (after a restart) finished in the cache.

        A withdrawn article has none (see `withdrawn`).
        """
        if not valid_id(job_id) or self.cache.is_withdrawn(job_id):
            return None
        with self.lock:
            job = self.jobs.get(job_id)
        if isinstance(job, PendingJob):
            return job if job.target is None else self.get(job.target.id)
        if self.queue is not None:
            return self._queued(job_id)
        # Check the files outside the lock: every audio request passes here.
        if job is not None and job.status != READY:
            return job
        if job is not None:
            return job if self._verified(job) else self._render_again(job)
        present = self.cache.rendition_paths(job_id)[1].exists()
        stored = self.cache.get_rendition(job_id)
        if stored is None:
            # Files there but failing their digest (now deleted): damaged, so rendered again.
            return self._render_again(Job(job_id)) if present else self._aliased(job_id)
        job = Job.from_stored(stored)
        with self.lock:
            current = self.jobs.get(job_id)
            if current is not None and current.status == RENDERING:
                return current
            self._remember(job)
        return job

    def _enqueue(self, renderer: Renderer, outline: Outline, article: Article) -> Job:
        """Hand a render to the queue's workers, unless it is done or already queued anywhere."""
        assert self.queue is not None
        stored = renderer.cache.get_rendition(outline.rendition_id)
        if stored is not None:
            return Job.from_stored(stored)
        if self.queue.submit(
            outline.rendition_id,
            article,
            renderer.settings,
            outline.title,
            outline.sentences,
            outline.chunks,
            outline.expected_ms,
        ):
            with self.lock:
                self.renders_started += 1
        job = QueuedJob(outline.rendition_id, self.queue, self.cache)
        job.title, job.total, job.expected_ms = outline.title, outline.sentences, outline.expected_ms
        job.refresh(force=True)
        return job

    def _queued(self, job_id: str) -> Job | None:
        """Find a job in the shared cache (finished) or in Redis (queued, rendering, failed)."""
        assert self.queue is not None
        with self.lock:
            known = self.jobs.get(job_id)
        # Hash a finished rendition again only when its files change; check them outside
        # the lock, since every audio request passes here.
        if known is not None and known.status == READY:
            return known if self._verified(known) else self._render_again(known)
        present = self.cache.rendition_paths(job_id)[1].exists()
        stored = self.cache.get_rendition(job_id)
        if stored is not None:
            job = Job.from_stored(stored)
            with self.lock:
                self._remember(job)
            return job
        info = self.queue.status(job_id)
        if info is None:  # Redis forgot it (a finished job's record expires): damaged files say it was ours
            return self._render_again(Job(job_id)) if present else self._aliased(job_id)
        if info["status"] == READY:  # finished, but its files are damaged or gone
            again = self._render_again(Job(job_id, info.get("title", "")))
            if again is not None:
                return again
        job = QueuedJob(job_id, self.queue, self.cache)
        job.apply(info)
        return job

    # -- withdrawing articles -------------------------------------------------------------------

    def withdraw(self, job: Job) -> bool:
        """Withdraw an article: its render stops at the next chunk (what it made stays cached),
        its finished files go, and its id answers 410 Gone until it is posted again.

        Return whether a render was under way.
        """
        ids = {job.id}
        if isinstance(job, PendingJob):
            ids.add(job.request_id)
        for article_id in ids:
            self.cache.withdraw(article_id)
        rendering = still_running(job) or job.status == RENDERING
        for each in (job, getattr(job, "target", None)):
            if each is not None:
                each.stop.set()
        planned = not (isinstance(job, PendingJob) and job.target is None)
        if self.queue is not None and rendering and planned:  # on a worker, or still waiting for one
            self.queue.stop(job.id)
        with self.lock:
            for article_id in ids:
                self.jobs.pop(article_id, None)
        if not rendering:
            self.cache.delete_rendition(job.id)
        return rendering

    def withdrawn(self, article_id: str) -> bool:
        """Tell whether an id (a rendition's, or a request's that led to one) was withdrawn and not posted again since."""
        if not valid_id(article_id):
            return False
        target = self.cache.get_alias(article_id)
        return any(self.cache.is_withdrawn(i) for i in (article_id, target) if i)

    def _live(self, rendition_id: str) -> Job | None:
        """Return the job of a rendition if it is rendering, or ready with its files intact (lock held)."""
        job = self.jobs.get(rendition_id)
        if job is None or isinstance(job, PendingJob) or job.stop.is_set():
            return None
        if job.status == RENDERING or (
            job.status == READY and job.stamp is not None and job.stamp.still(stamp_of(job.rendition))
        ):
            self.jobs.move_to_end(rendition_id)
            return job
        return None

    def _verified(self, job: Job) -> bool:
        """Tell whether a ready job's files are as verified; files that changed are hashed again.

        A rendition is checked against its digest before this process first serves it, whenever
        the size, times or inode of one of its files change, and while its last change is too
        recent for the file system's times to show another (web/job.py's Stamp); a damaged one
        is deleted by the cache, never served.
        """
        if job.stamp is not None and job.stamp.still(stamp_of(job.rendition)):
            return True
        stored = self.cache.get_rendition(job.id)
        if stored is None:
            return False
        with job.cond:
            job.rendition, job.stamp = stored, stamp_of(stored)
        return True

    def _render_again(self, job: Job) -> Job | None:
        """Render a damaged (or vanished) rendition again from what it was made of, if known."""
        record = self.article_records.find(job.id)
        with self.lock:
            if self.jobs.get(job.id) is job:
                del self.jobs[job.id]
            current = self.jobs.get(job.id)
            if current is not None:
                return current  # another request found it damaged first
            if record is None:
                return None  # its article is unknown here: posting it again renders it
            log.warning("rendition %s is damaged or gone; rendering it again", job.id)
            pending = PendingJob(job.id, job.title)
            self._remember(pending)
        article, settings = record
        self._read(Submission("article", article, settings), pending)
        return pending

    def _aliased(self, request_id: str) -> Job | None:
        """Find a rendition by the id of the request that made it (answered before it was planned)."""
        target = self.cache.get_alias(request_id)
        return self.get(target) if target and target != request_id else None

    def _remember(self, job: Job) -> None:
        self.jobs[job.id] = job
        self.jobs.move_to_end(job.id)
        finished = [k for k, j in self.jobs.items() if not still_running(j)]
        for k in finished[: max(0, len(finished) - self.keep_finished)]:
            del self.jobs[k]

    def _run(self, renderer: Renderer, plan: Plan, job: Job) -> None:
        try:
            # The plan is already made (it gave the id); planning again would delay first audio.
            rendition = renderer.render_plan(plan, job.on_progress, stop=job.stop)
            stored = StoredRendition(
                rendition.key,
                rendition.mp3,
                rendition.timings_path,
                rendition.vtt,
                json.loads(rendition.timings_path.read_text("utf-8")),
            )
            with job.cond:
                job.engine_calls = rendition.engine_calls
                job.finish(stored)
                job.cond.notify_all()
        except BaseException as exc:  # a failed render must never leave listeners waiting
            if isinstance(exc, RenderStoppedError):
                message = SERVER_STOPPED if self.closing else WITHDRAWN
            elif isinstance(exc, ListenError):
                message = exc.public  # readers see it; a hint for the operator is in the log
                if exc.hint:
                    log.warning("render %s failed: %s", job.id, exc.message)
            else:
                log.exception("render %s failed", job.id)
                message = f"Rendering failed unexpectedly ({type(exc).__name__}); try again."
            with job.cond:
                job.status = FAILED
                job.error = message
                job.cond.notify_all()
        finally:
            self.trimmer.ask()  # a render adds to the cache, finished or not

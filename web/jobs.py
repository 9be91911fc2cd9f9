"""The web app's jobs: background renders, one per rendition id, single-flight, bounded.

Without Redis a job renders on a small thread pool in this process; with Redis it is
a queue job (listen/render_queue.py) that a queue worker renders, and this process
reads its status back. In-process, the chunks themselves go to the renderer's
engine worker processes, which every job shares. Each job keeps what a listener
needs while it runs (progress, sentences timed so far, the growing partial MP3),
and a finished rendition is found again in the cache by its id after a restart.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from listen.article import Article
from listen.cache import StoredRendition
from listen.config import Settings
from listen.errors import BusyError, InputError, ListenError
from listen.lexicon import Lexicon
from listen.mp3 import id3_size
from listen.queue_worker import settings_from_payload
from listen.render import TIMINGS_VERSION, Plan, Progress, Renderer
from listen.render_queue import FAILED, QUEUED, READY, RENDERING, RenderQueue, payload

from .intake import IntakePool, Outline, Planned, Submission

log = logging.getLogger(__name__)

ID_RE = re.compile(r"^[0-9a-f]{64}$")


def valid_id(text: str) -> bool:
    """Tell whether text can be a rendition id (so it is safe to build a cache path from)."""
    return bool(ID_RE.match(text))


class Job:
    """One rendition: rendering, ready or failed, with what a listener can use so far."""

    def __init__(self, key: str, title: str = ""):
        self.id = key
        self.title = title
        self.status = RENDERING
        self.done = 0
        self.total = 0
        self.error: str | None = None
        self.partial: Path | None = None
        self.sentences: list[dict[str, Any]] = []
        self.duration_ms = 0
        self.rendition: StoredRendition | None = None
        self.engine_calls = 0
        self.modified = time.time()  # Last-Modified; the cache's mtimes move on every read
        # Set once the last piece is in the partial file: streams then stop reading it and
        # carry on in the finished file, which is the same frames behind an ID3 tag.
        self.sealed = False
        # The rendition's files as last verified against their digest: (size, mtime) of each.
        self.stamp: tuple[tuple[int, int], ...] | None = None
        self.cond = threading.Condition()

    @classmethod
    def from_stored(cls, stored: StoredRendition) -> Job:
        job = cls(stored.key, stored.timings.get("title", ""))
        job._finish(stored)
        return job

    def _finish(self, stored: StoredRendition) -> None:
        self.rendition = stored
        self.stamp = stamp_of(stored)
        try:
            self.modified = stored.mp3.stat().st_mtime
        except OSError:
            pass
        self.sentences = stored.timings.get("sentences", [])
        self.duration_ms = stored.timings.get("duration_ms", 0)
        self.title = stored.timings.get("title", self.title)
        self.done = self.total = len(self.sentences)
        self.status = READY

    @property
    def progress(self) -> float:
        if self.status == READY:
            return 1.0
        return round(self.done / self.total, 4) if self.total else 0.0

    def on_progress(self, p: Progress) -> None:
        """Record a render's progress (called on the render thread after each sentence)."""
        with self.cond:
            self.partial = p.partial_mp3
            self.done, self.total = p.done, p.total
            self.sentences = p.sentences  # the renderer's own list; snapshot() copies
            self.duration_ms = p.duration_ms
            if p.done >= p.total:
                self.sealed = True
            self.cond.notify_all()

    def timings(self) -> dict[str, Any]:
        """Return the timings JSON (the cached one without private keys once ready)."""
        with self.cond:
            if self.rendition is not None:
                return self.rendition.public_timings()
            return {"version": TIMINGS_VERSION, "id": self.id, "duration_ms": self.duration_ms, "title": self.title,
                    "sentences": [dict(s) for s in self.sentences[: self.done]]}

    def snapshot(self, since: int | None = None) -> dict[str, Any]:
        """Describe the job for the API; with `since`, only the sentences from that index on.

        A player polling a long article asks for what it lacks: sending every sentence so far on
        every poll came to megabytes over a 20,000-word article.
        """
        with self.cond:
            data: dict[str, Any] = {
                "id": self.id,
                "status": self.status,
                "progress": self.progress,
                "title": self.title,
                "duration_ms": self.duration_ms,
                "sentences": [dict(s) for s in self.sentences[since or 0 : self.done]],
            }
            if since is not None:
                data["since"] = since
            if self.error:
                data["error"] = self.error
            return data

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job is ready or failed; return whether it finished in time."""
        end = None if timeout is None else time.monotonic() + timeout
        with self.cond:
            while self.status == RENDERING:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._idle(left)
        return True

    def _idle(self, timeout: float | None) -> None:
        """Wait (lock held) for news of the render; a queued job polls Redis instead."""
        self.cond.wait(timeout)

    def stream(self, poll_s: float = 0.02, block: int = 64 * 1024) -> Iterator[bytes]:
        """Yield the MP3 as it grows, then the rest from the cache once the render is done.

        The partial file is bare MP3 frames, appended a piece at a time; the finished file
        is the same frames behind an ID3 tag. Audio offsets are counted after any tag, so
        a stream can switch files mid-way without a gap or a repeat.
        """
        f = None
        head = b""
        audio_start: int | None = None
        skip = 0  # bytes of a tag at the start of the partial file still to pass over
        sent = 0  # audio bytes (after the tag) sent from the partial file
        try:
            while True:
                with self.cond:
                    if self.status != RENDERING:
                        break
                    data = b""
                    if not self.sealed and self.partial is not None:
                        if f is None:
                            try:
                                f = open(self.partial, "rb")  # noqa: SIM115 - closed in finally
                            except FileNotFoundError:  # a worker elsewhere finished and removed it
                                self.partial = None
                        data = f.read(block) if f is not None else b""
                    if not data:
                        self._idle(poll_s)
                        continue
                if audio_start is None:
                    head += data
                    audio_start = id3_size(head)
                    if audio_start is None:
                        continue
                    data, head = head, b""
                    skip = audio_start
                if skip:
                    cut = min(skip, len(data))
                    data, skip = data[cut:], skip - cut
                if data:
                    sent += len(data)
                    yield data
        finally:
            if f is not None:
                f.close()
        if self.status != READY or self.rendition is None:
            return  # failed: the listener gets what there was; the API says why
        with open(self.rendition.mp3, "rb") as final:
            start = id3_size(final.read(10)) or 0
            final.seek(start + sent if sent else 0)
            while chunk := final.read(block):
                yield chunk


class PendingJob(Job):
    """A posted article being read and planned: it becomes its rendition's job once planned.

    Its id is the request's; the rendition's id (its key) is known only after planning.
    """

    def __init__(self, key: str, title: str = ""):
        self.target: Job | None = None
        super().__init__(key, title)
        self.failure: ListenError | None = None

    # Once planned, the request's job speaks for its rendition's, its id included.
    @property  # type: ignore[override]
    def id(self) -> str:
        return self.target.id if self.target is not None else self._id

    @id.setter
    def id(self, value: str) -> None:
        self._id = value

    @property  # type: ignore[override]
    def status(self) -> str:
        return self.target.status if self.target is not None else self._status

    @status.setter
    def status(self, value: str) -> None:
        self._status = value

    @property  # type: ignore[override]
    def error(self) -> str | None:
        return self.target.error if self.target is not None else self._error

    @error.setter
    def error(self, value: str | None) -> None:
        self._error = value

    @property  # type: ignore[override]
    def rendition(self) -> StoredRendition | None:
        return self.target.rendition if self.target is not None else self._rendition

    @rendition.setter
    def rendition(self, value: StoredRendition | None) -> None:
        self._rendition = value

    def snapshot(self, since: int | None = None) -> dict[str, Any]:
        return self.target.snapshot(since) if self.target is not None else super().snapshot(since)

    def timings(self) -> dict[str, Any]:
        return self.target.timings() if self.target is not None else super().timings()

    def settle(self, target: Job | None, failure: ListenError | None = None) -> None:
        """Hand over to the rendition's job, or fail with the reader's error."""
        with self.cond:
            if target is not None:
                self.target = target
            else:
                self.failure = failure
                self._status, self._error = FAILED, failure.public if failure else "Reading this article failed."
                if failure is not None and failure.hint:  # a step only the operator can take: the log's
                    log.warning("article %s: %s", self._id, failure.message)
            self.cond.notify_all()

    def settled(self, timeout: float) -> bool:
        """Wait up to timeout for planning to end; tell whether it has."""
        end = time.monotonic() + timeout
        with self.cond:
            while self.target is None and self._status == RENDERING:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
        return True

    def wait(self, timeout: float | None = None) -> bool:
        end = None if timeout is None else time.monotonic() + timeout
        while not self.settled(1.0 if end is None else max(0.0, min(1.0, end - time.monotonic()))):
            if end is not None and time.monotonic() >= end:
                return False
        if self.target is None:
            return True
        return self.target.wait(None if end is None else max(0.0, end - time.monotonic()))

    def stream(self, poll_s: float = 0.02, block: int = 64 * 1024) -> Iterator[bytes]:
        """Wait for the plan, then stream the rendition's audio as it renders."""
        while not self.settled(1.0):
            pass
        if self.target is not None:
            yield from self.target.stream(poll_s, block)


class JobManager:
    """Render articles in the background: one job per id, a bounded queue, shared engine workers."""

    def __init__(self, settings: Settings, threads: int = 2, max_pending: int | None = None, keep_finished: int = 512):
        self.settings = settings
        self.base = Renderer(settings)
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
        # What each rendition was made from, so a damaged one can be rendered again.
        self.sources: OrderedDict[str, Submission] = OrderedDict()
        # Called (on an intake thread) when a post is planned and its rendition's job started.
        self.on_planned: list[Callable[[Submission, Job, Planned], None]] = []
        self.lock = threading.Lock()
        if settings.service.api_keys:
            self.base.cache.instance_secret()  # made on first start, not on the first article
        # Keeping the cache under LISTEN_CACHE_MAX_SIZE: a thread prunes after renders finish.
        self.trim_wanted = threading.Event()
        self.trimmer: threading.Thread | None = None
        self.closing = False

    def start(self) -> None:
        """Boot the engine workers and planner processes now, so the first listener does not wait; start the trimmer."""
        if self.queue is None:
            self.base.start()
        self.intake.start()
        if self.settings.service.cache_max_bytes is not None and self.trimmer is None:
            self.trimmer = threading.Thread(target=self._trim_loop, name="listen-cache-trim", daemon=True)
            self.trimmer.start()
            self.trim_wanted.set()  # the cache may be over the limit already

    # -- the cache's size ---------------------------------------------------------------------------

    TRIM_EVERY_S = 300.0  # also prune now and then: queue workers elsewhere fill the cache too
    TRIM_GAP_S = 5.0  # at most one walk of the cache this often, however many renders finish
    # Entries used this recently stay: a queue worker in another process may be reading them,
    # and its pins (Cache.using) are not visible here. This process's renders and streams pin theirs.
    TRIM_IDLE_S = 60.0

    def trim_cache(self) -> tuple[int, int]:
        """Prune least recently used entries until the cache is under LISTEN_CACHE_MAX_SIZE."""
        limit = self.settings.service.cache_max_bytes
        if limit is None:
            return 0, 0
        removed, freed = self.base.cache.prune(limit, min_idle_s=self.TRIM_IDLE_S)
        if removed:
            log.info("cache over %s: removed %d least recently used entries (%.1f MB)",
                     self.settings.service.cache_max_size, removed, freed / 1e6)
        return removed, freed

    def _trim_loop(self) -> None:
        while not self.closing:
            self.trim_wanted.wait(self.TRIM_EVERY_S)
            if self.closing:
                return
            self.trim_wanted.clear()
            try:
                self.trim_cache()
            except Exception:  # a failed prune must not stop the next one; the disk-full errors say why
                log.exception("pruning the cache failed")
            time.sleep(self.TRIM_GAP_S)

    def stream(self, job: Job) -> Iterator[bytes]:
        """Stream a job's audio, keeping its rendition from being pruned meanwhile."""
        with self.base.cache.using([job.id]):
            yield from job.stream()

    def close(self) -> None:
        """Stop taking work, let running renders end, then stop the engine workers."""
        self.closing = True
        self.trim_wanted.set()
        self.intake.close()
        self.executor.shutdown(wait=True, cancel_futures=True)
        for job in list(self.jobs.values()):
            if job.status == RENDERING:  # cancelled before it started: release its listeners
                with job.cond:
                    job.status, job.error = FAILED, "The server stopped before this article was rendered; post it again."
                    job.cond.notify_all()
        self.base.close()
        if self.queue is not None:
            self.queue.close()

    # -- per-request settings -------------------------------------------------------------------

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

    def inline_lexicon(self, rules: object) -> Path:
        """Check inline lexicon rules and store them by content, for settings.lexicon to name."""
        if not isinstance(rules, (list, dict)):
            raise InputError('"lexicon" must be a list of rules such as [{"match": "DEA", "say": "D E A"}].')
        entries = rules.get("rules", rules) if isinstance(rules, dict) else rules
        if isinstance(entries, list):
            if len(entries) > 500:
                raise InputError("An inline lexicon may have at most 500 rules; keep the rest in a lexicon file.")
            # A user's regex runs on our threads: a catastrophic one would hang them.
            if any(isinstance(e, dict) and e.get("regex") for e in entries):
                raise InputError("Inline lexicon rules cannot be regular expressions; use plain words or phrases.")
        Lexicon.from_data(rules, source="lexicon")  # raises InputError saying what is wrong
        raw = json.dumps(rules, sort_keys=True, ensure_ascii=False).encode("utf-8")
        path = self.base.cache.root / "lexicons" / f"{hashlib.sha256(raw).hexdigest()}.json"
        if not path.exists():
            self.base.cache.write_atomic(path, raw)
        return path

    # -- jobs -----------------------------------------------------------------------------------

    def accept(self, sub: Submission) -> Job:
        """Take a posted article: its job at once, the reading and planning done in the intake pool.

        A small article planned within `intake_wait_ms` gets its rendition's job (or its
        error) as before; a longer one gets a job under the request's id, which becomes the
        rendition's job once planned.
        """
        self._check_room()
        key = sub.key()
        if self.settings.service.api_keys:  # as a rendition's id: not computable from the text
            key = self.base.cache.keyed_id(key)
        if sub.source != "url":  # a page may have changed since: a URL is read again
            known = self.base.cache.get_alias(key)
            job = self.get(known) if known else None
            if job is not None and job.status != FAILED:
                return job
        with self.lock:
            current = self.jobs.get(key)
            underway = isinstance(current, PendingJob) and _running(current)
            pending = current if isinstance(current, PendingJob) and underway else PendingJob(key)
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

    def _check_room(self) -> None:
        """Refuse a post at once when the renders waiting already fill the queue (BusyError, 503)."""
        if self.queue is not None:
            waiting = self.queue.length
            if waiting >= self.settings.service.queue_limit:
                raise BusyError(f"{waiting} articles are waiting for a worker; try again in a minute.")
            return
        with self.lock:
            pending = sum(1 for j in self.jobs.values() if _running(j) and not isinstance(j, PendingJob))
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

    def _planned(self, sub: Submission, pending: PendingJob, result: Planned | ListenError) -> None:
        """Start rendering what the intake pool planned (on one of its threads)."""
        if isinstance(result, ListenError):
            pending.settle(None, result)
            return
        try:
            job = self._start(self.renderer(sub.settings), result.outline, result.article, result.plan)
        except ListenError as exc:
            pending.settle(None, exc)
            return
        if pending.id != job.id:
            try:  # the request's id finds the rendition from any web process, and after a restart
                self.base.cache.put_alias(pending.id, job.id)
            except ListenError as exc:  # the job's own error will say more; this process still knows
                log.warning("request %s: %s", pending.id, exc.message)
        for hook in self.on_planned:
            try:
                hook(sub, job, result)
            except Exception:  # noqa: BLE001 - a side record must not lose the render
                log.exception("after planning %s", job.id)
        pending.settle(job)
        with self.lock:
            if pending._id == job.id and self.jobs.get(job.id) is pending:
                del self.jobs[job.id]  # rendered again under its own id: the new job answers for it

    def submit(self, article: Article, settings: Settings | None = None) -> Job:
        """Start rendering an article unless the same rendition is ready or under way (plans here)."""
        renderer = self.renderer(settings or self.settings)
        plan = renderer.plan(article)
        return self._start(renderer, Outline.of(plan), article, plan)

    def _start(self, renderer: Renderer, outline: Outline, article: Article, plan: Plan | None) -> Job:
        """Start rendering a planned article unless the same rendition is ready or under way.

        With queue workers, the outline is enough; in this process the plan is rendered.
        """
        if self.settings.service.api_keys:  # a keyed server: ids must not be computable from the text
            outline = dataclasses.replace(outline, key=renderer.cache.keyed_id(outline.key))
            if plan is not None:
                plan.key = outline.key
        with self.lock:
            self.sources[outline.key] = Submission("article", article, renderer.settings)
            self.sources.move_to_end(outline.key)
            while len(self.sources) > self.keep_finished:
                self.sources.popitem(last=False)
        self._keep_source(outline.key, article, renderer.settings)
        if self.queue is not None:
            return self._enqueue(renderer, outline, article)
        assert plan is not None, "a render in this process needs its plan"
        with self.lock:
            job = self._live(plan.key)
            if job is not None:
                return job
        stored = renderer.cache.get_rendition(plan.key)
        with self.lock:
            job = self._live(plan.key)
            if job is not None:
                return job  # another request started (or even finished) it while we looked in the cache
            if stored is not None:
                job = Job.from_stored(stored)
                self._remember(job)
                return job
            pending = sum(1 for j in self.jobs.values() if _running(j) and not isinstance(j, PendingJob))
            if pending >= self.max_pending:
                raise BusyError(f"{pending} articles are already being read aloud; try again in a minute.")
            job = Job(plan.key, plan.script.title)
            job.total = len(plan.script.sentences)
            self._remember(job)
            self.renders_started += 1
        self.executor.submit(self._run, renderer, plan, job)
        return job

    def get(self, key: str) -> Job | None:
        """Find a job by id, in memory or (after a restart) finished in the cache."""
        if not valid_id(key):
            return None
        with self.lock:
            job = self.jobs.get(key)
        if isinstance(job, PendingJob):
            return job if job.target is None else self.get(job.target.id)
        if self.queue is not None:
            return self._queued(key)
        # Check the files outside the lock: every audio request passes here.
        if job is not None and job.status != READY:
            return job
        if job is not None:
            return job if self._verified(job) else self._render_again(job)
        present = self.base.cache.rendition_paths(key)[1].exists()
        stored = self.base.cache.get_rendition(key)
        if stored is None:
            # Files there but failing their digest (now deleted): damaged, so rendered again.
            return self._render_again(Job(key)) if present else self._aliased(key)
        job = Job.from_stored(stored)
        with self.lock:
            current = self.jobs.get(key)
            if current is not None and current.status == RENDERING:
                return current
            self._remember(job)
        return job

    def _enqueue(self, renderer: Renderer, outline: Outline, article: Article) -> Job:
        """Hand a render to the queue's workers, unless it is done or already queued anywhere."""
        assert self.queue is not None
        stored = renderer.cache.get_rendition(outline.key)
        if stored is not None:
            return Job.from_stored(stored)
        if self.queue.submit(outline.key, article, renderer.settings, outline.title, outline.sentences, outline.chunks):
            with self.lock:
                self.renders_started += 1
        job = QueuedJob(outline.key, self)
        job.title, job.total = outline.title, outline.sentences
        job.refresh(force=True)
        return job

    def _queued(self, key: str) -> Job | None:
        """Find a job in the shared cache (finished) or in Redis (queued, rendering, failed)."""
        assert self.queue is not None
        with self.lock:
            known = self.jobs.get(key)
        # Hash a finished rendition again only when its files change; check them outside
        # the lock, since every audio request passes here.
        if known is not None and known.status == READY:
            return known if self._verified(known) else self._render_again(known)
        present = self.base.cache.rendition_paths(key)[1].exists()
        stored = self.base.cache.get_rendition(key)
        if stored is not None:
            job = Job.from_stored(stored)
            with self.lock:
                self._remember(job)
            return job
        info = self.queue.status(key)
        if info is None:  # Redis forgot it (a finished job's record expires): damaged files say it was ours
            return self._render_again(Job(key)) if present else self._aliased(key)
        if info["status"] == READY:  # finished, but its files are damaged or gone
            again = self._render_again(Job(key, info.get("title", "")))
            if again is not None:
                return again
        job = QueuedJob(key, self)
        job.apply(info)
        return job

    def _live(self, key: str) -> Job | None:
        """Return the job for a key if it is rendering, or ready with its files intact (lock held)."""
        job = self.jobs.get(key)
        if job is None or isinstance(job, PendingJob):
            return None
        if job.status == RENDERING or (job.status == READY and stamp_of(job.rendition) == job.stamp):
            self.jobs.move_to_end(key)
            return job
        return None

    def _verified(self, job: Job) -> bool:
        """Tell whether a ready job's files are as verified; files that changed are hashed again.

        A rendition is checked against its digest before this process first serves it and
        whenever the size or modification time of one of its files changes; a damaged one
        is deleted by the cache, never served.
        """
        if job.stamp is not None and stamp_of(job.rendition) == job.stamp:
            return True
        stored = self.base.cache.get_rendition(job.id)
        if stored is None:
            return False
        with job.cond:
            job.rendition, job.stamp = stored, stamp_of(stored)
        return True

    def _source_path(self, key: str) -> Path:
        return self.base.cache.root / "articles" / key[:2] / f"{key}.json"

    def _keep_source(self, key: str, article: Article, settings: Settings) -> None:
        """Keep what a rendition is made of in the cache, so any process can render it again if damaged."""
        path = self._source_path(key)
        if path.exists():
            return
        try:
            self.base.cache.write_atomic(path, json.dumps(payload(article, settings), ensure_ascii=False).encode())
        except ListenError as exc:  # a full disk: the render will say so; only a repair is lost
            log.warning("article %s not kept for repairs: %s", key, exc.message)

    def _kept_source(self, key: str) -> Submission | None:
        """What a rendition was made of, as an earlier process (or another) kept it."""
        try:
            data = json.loads(self._source_path(key).read_text("utf-8"))
            return Submission("article", Article(**data["article"]), settings_from_payload(data["render"], self.settings))
        except (OSError, ValueError, KeyError, TypeError, ListenError):
            return None

    def _render_again(self, job: Job) -> Job | None:
        """Render a damaged (or vanished) rendition again from what it was made of, if known."""
        sub = self.sources.get(job.id) or self._kept_source(job.id)
        with self.lock:
            if self.jobs.get(job.id) is job:
                del self.jobs[job.id]
            current = self.jobs.get(job.id)
            if current is not None:
                return current  # another request found it damaged first
            if sub is None:
                return None  # its article is unknown here: posting it again renders it
            log.warning("rendition %s is damaged or gone; rendering it again", job.id)
            pending = PendingJob(job.id, job.title)
            self._remember(pending)
        self._read(sub, pending)
        return pending

    def _aliased(self, key: str) -> Job | None:
        """Find a rendition by the id of the request that made it (answered before it was planned)."""
        target = self.base.cache.get_alias(key)
        return self.get(target) if target and target != key else None

    def _remember(self, job: Job) -> None:
        self.jobs[job.id] = job
        self.jobs.move_to_end(job.id)
        finished = [k for k, j in self.jobs.items() if not _running(j)]
        for k in finished[: max(0, len(finished) - self.keep_finished)]:
            del self.jobs[k]

    def _run(self, renderer: Renderer, plan: Plan, job: Job) -> None:
        try:
            # The plan is already made (it gave the id); planning again would delay first audio.
            rendition = renderer.render_plan(plan, job.on_progress)
            stored = StoredRendition(rendition.key, rendition.mp3, rendition.timings_path, rendition.vtt,
                                     json.loads(rendition.timings_path.read_text("utf-8")))
            with job.cond:
                job.engine_calls = rendition.engine_calls
                job._finish(stored)
                job.cond.notify_all()
        except BaseException as exc:  # a failed render must never leave listeners waiting
            if isinstance(exc, ListenError):
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
            self.trim_wanted.set()  # a render adds to the cache, finished or not


class QueuedJob(Job):
    """A job that a queue worker renders, possibly on another machine: its state comes from Redis."""

    POLL_S = 0.25

    def __init__(self, key: str, manager: JobManager):
        super().__init__(key)
        self.manager = manager
        self.checked = 0.0

    def refresh(self, force: bool = False) -> None:
        """Read the job's state back from Redis (at most every POLL_S unless forced)."""
        now = time.monotonic()
        if self.status != RENDERING or (not force and now - self.checked < self.POLL_S):
            return
        self.checked = now
        assert self.manager.queue is not None
        try:
            info = self.manager.queue.status(self.id)
        except ListenError as exc:  # Redis away for a moment: keep what we knew, say so in the log
            log.warning("job %s: %s", self.id, exc.message)
            return
        self.apply(info)

    def apply(self, info: dict[str, Any] | None) -> None:
        """Take a status from the queue: progress while rendering, the cached files when ready."""
        cache = self.manager.base.cache
        with self.cond:
            state = info["status"] if info else None
            if state in (QUEUED, RENDERING):
                assert info is not None
                self.title = info.get("title") or self.title
                self.error = info.get("error")  # a try that failed, and is being retried
                self.done, self.total = info.get("done", 0), info.get("total", self.total)
                if "sentences" in info:
                    self.sentences = info["sentences"]
                    self.duration_ms = info.get("duration_ms", 0)
                    self.sealed = bool(info.get("sealed"))
                    if info.get("partial") and self.partial is None:
                        self.partial = cache.root / info["partial"]
            elif state == FAILED:
                self.status, self.error = FAILED, (info or {}).get("error")
            else:
                stored = cache.get_rendition(self.id)
                if stored is not None:
                    self._finish(stored)
                elif state == READY:
                    self.status, self.error = FAILED, (
                        "A worker finished this article but its audio is not in this server's cache (pruned, "
                        "damaged, or the workers use another cache folder); post the article again.")
                else:
                    self.status, self.error = FAILED, (
                        "The queue lost this job (was Redis restarted without persistence?); post the article again.")
            self.cond.notify_all()

    def _idle(self, timeout: float | None) -> None:
        self.cond.wait(min(timeout, self.POLL_S) if timeout is not None else self.POLL_S)
        self.refresh()

    def snapshot(self, since: int | None = None) -> dict[str, Any]:
        self.refresh()
        return super().snapshot(since)

    def timings(self) -> dict[str, Any]:
        self.refresh()
        return super().timings()


def _running(job: Job) -> bool:
    """Tell whether a job is still at work (a planned request hands over to its rendition's job)."""
    if isinstance(job, PendingJob):
        return job.target is None and job._status == RENDERING
    return job.status == RENDERING


def stamp_of(rendition: StoredRendition | None) -> tuple[tuple[int, int], ...] | None:
    """The size and modification time of a rendition's files, or None if one is missing."""
    if rendition is None:
        return None
    try:
        stats = [p.stat() for p in (rendition.mp3, rendition.timings_path, rendition.vtt)]
    except OSError:
        return None
    return tuple((st.st_size, st.st_mtime_ns) for st in stats)

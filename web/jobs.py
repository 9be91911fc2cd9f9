"""The web app's jobs: background renders, one per rendition id, single-flight, bounded.

Without Redis a job renders on a small thread pool in this process; with Redis it is
a queue job (listen/render_queue.py) that a queue worker renders, and this process
reads its status back. In-process, the chunks themselves go to the renderer's
engine worker processes, which every job shares. Each job keeps what a listener
needs while it runs (progress, sentences timed so far, the growing partial MP3),
and a finished rendition is found again in the cache by its id after a restart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from listen.article import Article
from listen.cache import StoredRendition
from listen.config import Settings
from listen.errors import BusyError, InputError, ListenError
from listen.lexicon import Lexicon
from listen.mp3 import id3_size
from listen.render import TIMINGS_VERSION, Plan, Progress, Renderer
from listen.render_queue import FAILED, QUEUED, READY, RENDERING, RenderQueue

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
        self.cond = threading.Condition()

    @classmethod
    def from_stored(cls, stored: StoredRendition) -> Job:
        job = cls(stored.key, stored.timings.get("title", ""))
        job._finish(stored)
        return job

    def _finish(self, stored: StoredRendition) -> None:
        self.rendition = stored
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

    def snapshot(self) -> dict[str, Any]:
        """Describe the job for the API."""
        with self.cond:
            data: dict[str, Any] = {
                "id": self.id,
                "status": self.status,
                "progress": self.progress,
                "title": self.title,
                "duration_ms": self.duration_ms,
                "sentences": [dict(s) for s in self.sentences[: self.done]],
            }
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
        self.lock = threading.Lock()
        if settings.service.api_keys:
            self.base.cache.instance_secret()  # made on first start, not on the first article

    def start(self) -> None:
        """Boot the engine workers now, so the first listener does not wait for them."""
        if self.queue is None:
            self.base.start()

    def close(self) -> None:
        """Stop taking work, let running renders end, then stop the engine workers."""
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

    def submit(self, article: Article, settings: Settings | None = None) -> Job:
        """Start rendering an article unless the same rendition is ready or under way."""
        renderer = self.renderer(settings or self.settings)
        plan = renderer.plan(article)
        if self.settings.service.api_keys:  # a keyed server: ids must not be computable from the text
            plan.key = renderer.cache.keyed_id(plan.key)
        if self.queue is not None:
            return self._enqueue(renderer, plan, article)
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
            pending = sum(1 for j in self.jobs.values() if j.status == RENDERING)
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
        if self.queue is not None:
            return self._queued(key)
        with self.lock:
            job = self.jobs.get(key)
        # Check the files outside the lock: every audio request passes here.
        if job is not None and (job.status != READY or _intact(job)):
            return job
        stored = self.base.cache.get_rendition(key)
        if stored is None:
            return None
        job = Job.from_stored(stored)
        with self.lock:
            current = self.jobs.get(key)
            if current is not None and current.status == RENDERING:
                return current
            self._remember(job)
        return job

    def _enqueue(self, renderer: Renderer, plan: Plan, article: Article) -> Job:
        """Hand a render to the queue's workers, unless it is done or already queued anywhere."""
        assert self.queue is not None
        stored = renderer.cache.get_rendition(plan.key)
        if stored is not None:
            return Job.from_stored(stored)
        sentences = plan.script.sentences
        if self.queue.submit(plan.key, article, renderer.settings, plan.script.title, len(sentences),
                             sum(len(s.chunks) for s in sentences)):
            with self.lock:
                self.renders_started += 1
        job = QueuedJob(plan.key, self)
        job.title, job.total = plan.script.title, len(plan.script.sentences)
        job.refresh(force=True)
        return job

    def _queued(self, key: str) -> Job | None:
        """Find a job in the shared cache (finished) or in Redis (queued, rendering, failed)."""
        assert self.queue is not None
        with self.lock:
            known = self.jobs.get(key)
        # A finished rendition never changes: no need to hash it again; check its files
        # outside the lock, since every audio request passes here.
        if known is not None and known.status == READY and _intact(known):
            return known
        stored = self.base.cache.get_rendition(key)
        if stored is not None:
            job = Job.from_stored(stored)
            with self.lock:
                self._remember(job)
            return job
        info = self.queue.status(key)
        if info is None:
            return None
        job = QueuedJob(key, self)
        job.apply(info)
        return job

    def _live(self, key: str) -> Job | None:
        """Return the job for a key if it is rendering, or ready with its files intact (lock held)."""
        job = self.jobs.get(key)
        if job is not None and (job.status == RENDERING or (job.status == READY and _intact(job))):
            self.jobs.move_to_end(key)
            return job
        return None

    def _remember(self, job: Job) -> None:
        self.jobs[job.id] = job
        self.jobs.move_to_end(job.id)
        finished = [k for k, j in self.jobs.items() if j.status != RENDERING]
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

    def snapshot(self) -> dict[str, Any]:
        self.refresh()
        return super().snapshot()

    def timings(self) -> dict[str, Any]:
        self.refresh()
        return super().timings()


def _intact(job: Job) -> bool:
    """Tell whether a ready job's files are still in the cache (pruning may have removed them)."""
    r = job.rendition
    return r is not None and r.mp3.exists() and r.timings_path.exists() and r.vtt.exists()

"""A web job: one rendition as a listener sees it while it renders, once ready, or failed.

A Job renders in this process (web/job_manager.py runs it); a PendingJob is a posted article
still being read and planned, which hands over to its rendition's job; a QueuedJob is
rendered by a queue worker, maybe on another machine, and reads its state from Redis.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from listen.audio.mp3 import id3_size
from listen.cache.store import Cache, StoredRendition
from listen.errors import ListenError
from listen.queue.client import FAILED, QUEUED, READY, RENDERING, RenderQueue
from listen.render.renderer import Progress
from listen.render.timings import TIMINGS_VERSION

log = logging.getLogger(__name__)

ID_RE = re.compile(r"^[0-9a-f]{64}$")


def valid_id(text: str) -> bool:
    """Tell whether text can be a rendition id (so it is safe to build a cache path from)."""
    return bool(ID_RE.match(text))


class Job:
    """One rendition: rendering, ready or failed, with what a listener can use so far."""

    def __init__(self, job_id: str, title: str = ""):
        self.id = job_id
        self.title = title
        self.status = RENDERING
        self.done = 0
        self.total = 0
        self.error: str | None = None
        self.partial: Path | None = None
        self.sentences: list[dict[str, Any]] = []
        self.duration_ms = 0
        self.expected_ms = 0  # the audio's expected length (words and rate), for players while it renders
        self.rendition: StoredRendition | None = None
        self.engine_calls = 0
        self.modified = time.time()  # Last-Modified; the cache's mtimes move on every read
        # Set once the last piece is in the partial file: streams then stop reading it and
        # carry on in the finished file, which is the same frames behind an ID3 tag.
        self.sealed = False
        # The rendition's files as last verified against their digest (see stamp_of).
        self.stamp: Stamp | None = None
        self.cond = threading.Condition()
        # Set to stop the render at its next chunk: the article withdrawn, or the server stopping.
        self.stop = threading.Event()

    @classmethod
    def from_stored(cls, stored: StoredRendition) -> Job:
        job = cls(stored.key, stored.timings.get("title", ""))
        job.finish(stored)
        return job

    def finish(self, stored: StoredRendition) -> None:
        """Take the finished rendition (lock held by the caller, unless no one else can see the job yet)."""
        self.rendition = stored
        self.stamp = stamp_of(stored)
        with contextlib.suppress(OSError):
            self.modified = stored.mp3.stat().st_mtime
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
            return {
                "version": TIMINGS_VERSION,
                "id": self.id,
                "duration_ms": self.duration_ms,
                "title": self.title,
                "sentences": [dict(s) for s in self.sentences[: self.done]],
            }

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
            if self.status == RENDERING and self.expected_ms:
                data["expected_ms"] = self.expected_ms
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

    Its id is the request's; the rendition's id is known only after planning.
    """

    def __init__(self, request_id: str, title: str = ""):
        self.target: Job | None = None
        super().__init__(request_id, title)
        self.failure: ListenError | None = None

    # Once planned, the request's job speaks for its rendition's, its id included.
    @property  # type: ignore[override]
    def id(self) -> str:
        return self.target.id if self.target is not None else self._id

    @id.setter
    def id(self, value: str) -> None:
        self._id = value

    @property
    def request_id(self) -> str:
        """The id it was posted under, which stays the same once planned."""
        return self._id

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
                self._status, self._error = (
                    FAILED,
                    failure.public if failure else "Reading this article failed.",
                )
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


class QueuedJob(Job):
    """A job that a queue worker renders, possibly on another machine: its state comes from Redis."""

    POLL_S = 0.25

    def __init__(self, job_id: str, queue: RenderQueue, cache: Cache):
        super().__init__(job_id)
        self.queue = queue
        self.cache = cache  # shared with the workers: where a finished rendition is found
        self.checked = 0.0

    def refresh(self, force: bool = False) -> None:
        """Read the job's state back from Redis (at most every POLL_S unless forced)."""
        now = time.monotonic()
        if self.status != RENDERING or (not force and now - self.checked < self.POLL_S):
            return
        self.checked = now
        try:
            info = self.queue.status(self.id)
        except ListenError as exc:  # Redis away for a moment: keep what we knew, say so in the log
            log.warning("job %s: %s", self.id, exc.message)
            return
        self.apply(info)

    def apply(self, info: dict[str, Any] | None) -> None:
        """Take a status from the queue: progress while rendering, the cached files when ready."""
        with self.cond:
            state = info["status"] if info else None
            if state in (QUEUED, RENDERING):
                assert info is not None
                self.title = info.get("title") or self.title
                self.error = info.get("error")  # a try that failed, and is being retried
                self.done, self.total = info.get("done", 0), info.get("total", self.total)
                self.expected_ms = info.get("expected_ms") or self.expected_ms
                if "sentences" in info:
                    self.sentences = info["sentences"]
                    self.duration_ms = info.get("duration_ms", 0)
                    self.sealed = bool(info.get("sealed"))
                    if info.get("partial") and self.partial is None:
                        self.partial = self.cache.root / info["partial"]
            elif state == FAILED:
                self.status, self.error = FAILED, (info or {}).get("error")
            else:
                stored = self.cache.get_rendition(self.id)
                if stored is not None:
                    self.finish(stored)
                elif state == READY:
                    self.status, self.error = (
                        FAILED,
                        (
                            "A worker finished this article but its audio is not in this server's cache (pruned, "
                            "damaged, or the workers use another cache folder); post the article again."
                        ),
                    )
                else:
                    self.status, self.error = (
                        FAILED,
                        (
                            "The queue lost this job (was Redis restarted without persistence?); post the article again."
                        ),
                    )
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


def still_running(job: Job) -> bool:
    """Tell whether a job is still at work (a planned request hands over to its rendition's job)."""
    if isinstance(job, PendingJob):
        return job.target is None and job._status == RENDERING
    return job.status == RENDERING


def stamp_of(rendition: StoredRendition | None) -> Stamp | None:
    """What a rendition's files look like: size, modification and change times, and inode of each,
    and when they were looked at; None if one is missing.

    The change time moves on every write, even one that puts the modification time back
    (as `touch -r`, `cp -p` or rsync do), and cannot be set by hand; the inode moves when a
    file is replaced.
    """
    if rendition is None:
        return None
    try:
        stats = [p.stat() for p in (rendition.mp3, rendition.timings_path, rendition.vtt)]
    except OSError:
        return None
    files = tuple((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for st in stats)
    return Stamp(files, time.time_ns())


# A file system keeps times to its own grain (a second or two on some): a write within that time
# of the last look may leave the times as they were, so a look that close is not relied on.
STAMP_GRAIN_NS = 2_000_000_000


class Stamp(NamedTuple):
    files: tuple[tuple[int, int, int, int], ...]
    taken_ns: int

    def still(self, now: Stamp | None) -> bool:
        """Tell whether the files are as this stamp saw them, as far as their times can say."""
        if now is None or now.files != self.files:
            return False
        return self.taken_ns - max(max(f[1], f[2]) for f in self.files) >= STAMP_GRAIN_NS

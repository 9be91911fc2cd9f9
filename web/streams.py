"""Streams of an article's audio while it renders: each holds a request thread, so they are few.

In: a request for a rendering article's audio, its article id and its client. Out: a slot the
stream holds until it ends, or a BusyError (503 with Retry-After) when there is none.

waitress serves requests on a fixed set of threads (web/serve.py: 32). Finished audio costs
none once answered (waitress sends the file itself; `sent_by_the_server` hands it byte ranges
too), but a stream of audio still rendering
keeps its thread until the render ends and the client has read the rest: 32 idle sockets
reading a byte at a time once took every thread. So such streams are capped in all, per
article and per client; a player refused one polls the article's status and plays the
finished file when it is ready.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from flask import Response, request

from listen.errors import BusyError

REQUEST_THREADS = 32  # waitress's threads (web/serve.py)
# At most a quarter of the threads stream rendering audio, one article at most half of those,
# one client two (a page and an embed of it). The other threads answer everything else.
ALL_STREAMS = REQUEST_THREADS // 4
PER_ARTICLE = ALL_STREAMS // 2
PER_CLIENT = 2


class StreamSlots:
    """Count the streams of rendering audio under way, in all, per article and per client."""

    def __init__(
        self, total: int = ALL_STREAMS, per_article: int = PER_ARTICLE, per_client: int = PER_CLIENT
    ):
        self.total = total
        self.per_article = per_article
        self.per_client = per_client
        self.lock = threading.Lock()
        self.articles: Counter[str] = Counter()
        self.clients: Counter[str] = Counter()
        self.refused = 0  # streams refused since start: what the bench and tests watch

    @property
    def held(self) -> int:
        return sum(self.articles.values())

    def take(self, article: str, client: str) -> Slot:
        """Take a slot for one stream, or raise BusyError saying when to come back."""
        with self.lock:
            if self.clients[client] >= self.per_client:
                self.refused += 1
                raise BusyError(
                    "You are already streaming audio that is still being prepared; "
                    "wait for it to be ready, then play it in full (try again in a minute)."
                )
            if self.articles[article] >= self.per_article or self.held >= self.total:
                self.refused += 1
                raise BusyError(
                    "Too many listeners are streaming audio that is still being prepared; "
                    "it plays in full as soon as it is ready (try again in a minute)."
                )
            self.articles[article] += 1
            self.clients[client] += 1
        return Slot(self, article, client)

    def _give_back(self, article: str, client: str) -> None:
        with self.lock:
            self.articles[article] -= 1
            self.clients[client] -= 1
            self.articles += Counter()  # drop the zeros
            self.clients += Counter()


class Slot:
    """One stream's place, given back once (when the stream ends, fails or is closed)."""

    def __init__(self, slots: StreamSlots, article: str, client: str):
        self.slots = slots
        self.article = article
        self.client = client
        self.given_back = False

    def give_back(self) -> None:
        if not self.given_back:
            self.given_back = True
            self.slots._give_back(self.article, self.client)


class HeldStream:
    """A response body that holds its slot until the server closes it (WSGI calls close() whatever happens).

    An iterator rather than a generator: a generator never started runs no `finally` when closed.
    """

    def __init__(self, first: bytes, rest: Iterator[bytes], slot: Slot):
        self.first: bytes | None = first
        self.rest = rest
        self.slot = slot

    def __iter__(self) -> HeldStream:
        return self

    def __next__(self) -> bytes:
        if self.first is not None:
            first, self.first = self.first, None
            return first
        return next(self.rest)

    def close(self) -> None:
        try:
            close = getattr(self.rest, "close", None)
            if close is not None:
                close()
        finally:
            self.slot.give_back()


def sent_by_the_server(response: Response, path: Path) -> Response:
    """Hand a byte range of a finished file to the server to send, as it sends a whole file.

    werkzeug answers a Range by wrapping the file in an iterator that the request thread runs,
    so a client reading slowly held that thread once waitress's buffer (16 MB) was full. The
    server's own file wrapper (PEP 3333's wsgi.file_wrapper) sends the file from where it
    stands, no more than Content-Length, from waitress's main loop: no thread waits.
    """
    wrapper = request.environ.get("wsgi.file_wrapper")
    if response.status_code != 206 or response.content_range is None or wrapper is None:
        return response
    start = response.content_range.start
    if start is None:
        return response
    ranged = response.response
    f = open(path, "rb")  # noqa: SIM115 - the server closes it once sent
    f.seek(start)
    response.response = wrapper(f)
    close = getattr(ranged, "close", None)
    if close is not None:
        close()  # werkzeug's range iterator, and the file it had opened
    return response

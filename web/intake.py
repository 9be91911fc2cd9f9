"""Reading and planning posted articles in processes apart from the threads that serve requests.

In: a Submission (what a POST carries: its input kind, the text, HTML, URL or file, and the
render settings). Out: a Planned article (the Article, its outline and plan), or the error
that says why it cannot be read, handed to a callback on a thread of this process.

Fetching a URL, extracting a page and planning a script (segmenting and normalising every
sentence) take time that grows with the input, and in a request thread they held the
interpreter while every other request waited. Here a bounded pool of processes does that
work: each process has a thread of the web app that hands it one post at a time and waits
for it with a deadline, past which the process is killed and replaced. When every process
is busy and `intake_limit` posts are in hand, a new post gets 503 with Retry-After; but a cheap
one (a text, page or file of ordinary length, which cannot wait on another server) is taken while
the render queue has room, so a burst of ordinary posts is never refused.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import multiprocessing
import os
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any

from listen import errors as listen_errors
from listen.article import Article
from listen.cache.store import cache_key
from listen.config import RenderSettings, ServiceSettings, Settings
from listen.engines import ENGINES, get_engine
from listen.errors import BusyError, InputError, ListenError
from listen.reading.fetch import Page, fetch
from listen.reading.loader import from_bytes, from_html_text, from_page, from_pasted, from_ssml_text, from_url
from listen.reading.plaintext import decode_text
from listen.render.plan import Plan, script_code_fingerprint
from listen.render.renderer import Renderer
from listen.text.script import Script

from .source_edits import Edits

log = logging.getLogger(__name__)


# A post this long or shorter (about 15,000 words of text) is planned in well under a second.
CHEAP_BYTES = 100_000


@dataclass(frozen=True)
class Submission:
    """What a POST asked for, before anything is read: the work the intake pool does."""

    kind: str  # the input kind: "text", "html", "ssml", "url", "file", or "article" (already read: a render again)
    value: Any  # str for text, html and url; bytes for a file; an Article
    settings: Settings
    name: str = ""  # an uploaded file's name
    title: str | None = None  # the request's own title, overriding the article's
    nonce: str = ""  # set for a URL: each post reads the page again
    # A refresh: the page's validators from its last fetch (a conditional GET), and the rendition
    # it made, which stands when the page answers 304 Not Modified.
    etag: str | None = None
    last_modified: str | None = None
    previous: str = ""

    @property
    def cheap(self) -> bool:
        """Whether reading it is quick and bounded: text, HTML or a file of ordinary length (a URL waits on another server)."""
        return self.kind in ("text", "html", "file") and len(self.value) <= CHEAP_BYTES

    source: str = (
        ""  # posted HTML or text's stable address (a CMS's permalink): one /s/ address for its versions
    )
    # Speech for OpenAI's API (web/openai_speech.py): audio asked for, not an article published,
    # so no feed lists it (web/feed.py).
    clip: bool = False
    # An editor's skips and pauses kept for this source (web/source_edits.py): read with them.
    edits: Edits = field(default_factory=Edits)

    def request_id(self) -> str:
        """Name the request: the same input and render settings give the same request id.

        A URL's page may change between posts, so its request is keyed by the post too
        (`nonce`, given by the caller); text, HTML and files are keyed by their bytes.
        """
        value = self.value
        if isinstance(value, Article):
            value = asdict(value)
        elif isinstance(value, bytes):
            value = sha256(value).hexdigest()
        elif isinstance(value, str) and len(value) > 4096:
            value = sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
        lexicon = self.settings.render.lexicon
        rules = (
            sha256(Path(lexicon).read_bytes()).hexdigest() if lexicon and Path(lexicon).is_file() else None
        )
        # "source" here is the input kind, under the name request ids have always hashed it by.
        return cache_key(
            kind="request",
            source=self.kind,
            value=value,
            name=self.name,
            title=self.title,
            nonce=self.nonce,
            # Only when given: the request ids of posts without a source stay what they were.
            **({"article_source": self.source} if self.source else {}),
            **({"edits": asdict(self.edits)} if self.edits else {}),
            settings=asdict(self.settings.render),
            lexicon=rules,
            engines={name: get_engine(name).version() for name in ENGINES},
            code=script_code_fingerprint(),
        )


@dataclass(frozen=True)
class Outline:
    """What the queue needs of a plan: the rendition's id (its cache key, or keyed id), title and size."""

    rendition_id: str
    title: str
    sentences: int
    chunks: int
    expected_ms: int = 0  # how long the audio should last, shown while it renders

    @classmethod
    def of(cls, plan: Plan, render: RenderSettings) -> Outline:
        return cls(
            plan.key,
            plan.script.title,
            len(plan.script.sentences),
            sum(len(s.chunks) for s in plan.script.sentences),
            expected_ms(plan.script, render),
        )


# Scripts written without spaces between words (Thai, kana, Han): about two characters a word.
UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff]")
# Both engines speak a nominal 170 words a minute at about 161 (bench/rate_calibration.py).
SPOKEN_PACE = 161 / 170


def expected_ms(script: Script, render: RenderSettings) -> int:
    """Estimate an article's length from its words, the rate and the pauses, before any audio exists.

    The player shows it while the article renders, rather than a total that grows as it goes.
    """
    said = [s.spoken for s in script.sentences]
    words = sum(len(text.split()) + len(UNSPACED.findall(text)) // 2 for text in said)
    paragraphs = len({s.paragraph for s in script.sentences})
    pauses = len(said) * render.sentence_pause_ms + paragraphs * (
        render.paragraph_pause_ms - render.sentence_pause_ms
    )
    return round(words * 60_000 / (render.rate * SPOKEN_PACE)) + pauses


@dataclass
class Unchanged:
    """A refresh whose page answered 304 Not Modified: its newest rendition stands."""


@dataclass
class Planned:
    """A submission read and planned: the article, its outline, and the plan to render in this process.

    With queue workers the plan stays behind (a worker plans again): a huge article's
    plan takes the web process a second to unpickle, holding the interpreter.
    """

    article: Article
    outline: Outline
    plan: Plan | None
    page: Page | None = None  # a fetched page's validators (its text left out), for refresh on edit


def read(sub: Submission) -> tuple[Article | None, Page | None]:
    """Read the article a submission names (fetching, decoding and extracting as needed).

    The readers are the command line's (listen/reading/loader.py). A URL with its scheme
    also gives the fetched page's validators, for a refresh later; a refresh whose page has
    not changed gives no article.
    """
    settings = sub.settings
    page = None
    if sub.kind == "article":
        article = sub.value
    elif sub.kind == "file":
        article = from_bytes(sub.value, sub.name or "upload", settings)
    elif sub.kind == "url" and not re.match(r"^https?://", sub.value, re.I):
        article = from_url(sub.value, settings)  # no scheme: tried over https, then http
    elif sub.kind == "url":
        fetched = fetch(sub.value, settings.service, etag=sub.etag, last_modified=sub.last_modified)
        if fetched.not_modified:
            return None, fetched
        article = from_page(fetched, sub.value, settings)
        page = dataclasses.replace(fetched, text="")
    else:
        text = decode_text(
            sub.value.encode("utf-8", "replace"), f"The {sub.kind}", settings.service.max_input_bytes
        )
        # from_pasted: readers paste what they have into the one box: an article's text, a page's HTML, or an address.
        if sub.kind == "ssml":
            article = from_ssml_text(text, settings)
        else:
            article = from_html_text(text, settings) if sub.kind == "html" else from_pasted(text, settings)
    if sub.source:
        article.source = sub.source
    if sub.edits:
        article.skipped, article.pauses = list(sub.edits.skipped), dict(sub.edits.pauses)
    if sub.title and sub.title.strip():
        article.title = " ".join(sub.title.split())[:300]
    return article, page


def read_and_plan(sub: Submission, renderer: Renderer) -> Planned | Unchanged:
    """Read a submission and work out its plan (every cache key), rendering nothing."""
    article, page = read(sub)
    if article is None:
        return Unchanged()
    plan = renderer.plan(article)
    if not plan.script.sentences and sub.edits:
        # The new version's every sentence was skipped in an older one: read it whole instead.
        article = dataclasses.replace(article, skipped=[], pauses={})
        plan = renderer.plan(article)
    return Planned(
        article, Outline.of(plan, sub.settings.render), None if sub.settings.service.redis_url else plan, page
    )


# -- the planner processes -------------------------------------------------------------------------


@dataclass
class Failure:
    """A ListenError crossing the process boundary by name (its subclasses' constructors differ)."""

    kind: str
    public: str
    hint: str = ""

    @classmethod
    def of(cls, exc: ListenError) -> Failure:
        return cls(type(exc).__name__, exc.public, exc.hint)

    def error(self) -> ListenError:
        cls = getattr(listen_errors, self.kind, None)
        if not (isinstance(cls, type) and issubclass(cls, ListenError)):
            cls = ListenError
        exc = cls.__new__(cls)
        ListenError.__init__(exc, self.public, self.hint)
        return exc


def _warm() -> None:
    """Import the readers and the sentence splitter as the process starts, not on the first post."""
    import listen.reading.htmlpage  # noqa: F401
    from listen.text.segment import split_sentences

    split_sentences("Warm up. The tokenizer loads now.")


def _serve(conn: Any) -> None:
    """A planner process: read and plan submissions until the pipe closes."""
    # Below the web process and the engines: planning a huge article must not take the
    # cores that answer requests and render audio.
    os.nice(10)
    _warm()
    conn.send(READY)  # the deadline of the first post starts now, not while this process boots
    renderers: dict[Settings, Renderer] = {}
    while True:
        try:
            sub = conn.recv()
        except (EOFError, OSError):
            return
        try:
            renderer = renderers.get(sub.settings)
            if renderer is None:
                renderers.clear()  # one at a time: requests' settings rarely repeat
                renderer = renderers[sub.settings] = Renderer(sub.settings)
            result: Planned | Unchanged | Failure = read_and_plan(sub, renderer)
        except ListenError as exc:
            result = Failure.of(exc)
        except Exception as exc:  # reported to the poster; the process carries on
            logging.getLogger(__name__).exception("reading an article failed")
            result = Failure(
                "ListenError",
                f"Reading this article failed unexpectedly ({type(exc).__name__}); "
                "check it is an article, then try again.",
            )
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


Done = Callable[[Planned | Unchanged | ListenError], None]

READY = "ready"
# How long a new planner process may take to start and warm up, on a busy machine. It is not
# part of any post's reading deadline: a post's deadline counts reading and planning only.
STARTUP_S = 120.0


class IntakePool:
    """A bounded pool of planner processes, each driven by one thread of this process."""

    def __init__(self, settings: ServiceSettings):
        self.limit = settings.intake_limit
        # Cheap posts wait their turn in hand up to the render queue's size (the job manager
        # refuses them once renders waiting and posts in hand fill it).
        self.cheap_limit = max(settings.intake_limit, settings.queue_limit)
        self.timeout_s = settings.intake_timeout_s
        self.workers = settings.intake_workers
        self.tasks: queue.Queue[tuple[Submission, Done] | None] = queue.Queue()
        self.in_hand = 0  # submissions waiting or being read
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.processes: list[Any] = []
        self.closed = False
        # Spawned, not forked: this process has threads, and a fork could copy a held lock (the
        # engine workers' fork server preloads the audio stack, which planning never needs).
        self.context = multiprocessing.get_context("spawn")

    def start(self) -> None:
        with self.lock:
            if self.threads or self.closed:
                return
            for n in range(self.workers):
                thread = threading.Thread(target=self._drive, name=f"listen-intake-{n}", daemon=True)
                self.threads.append(thread)
                thread.start()

    def submit(self, sub: Submission, done: Done) -> None:
        """Queue a submission; `done` hears its Planned or its error. BusyError when full."""
        self.start()
        with self.lock:
            limit = self.cheap_limit if sub.cheap else self.limit
            if self.in_hand >= limit:
                raise BusyError(f"{self.in_hand} posted articles are being read; try again in a minute.")
            self.in_hand += 1
        self.tasks.put((sub, done))

    def close(self) -> None:
        """Stop the planner processes (posts being read fail) and their threads."""
        with self.lock:
            self.closed = True
            threads = list(self.threads)
        for _ in threads:
            self.tasks.put(None)
        # Kill first: a thread waiting on its process's answer wakes with EOFError and sees the end.
        for process in list(self.processes):
            if process.is_alive():
                process.kill()
            process.join(timeout=5)
            _ALL.discard(process)
        for thread in threads:
            thread.join(timeout=5)

    def _spawn(self) -> tuple[Any, Any]:
        parent, child = self.context.Pipe()
        # Not a daemon: planning may start a process of its own (the engine lists its voices in one).
        process = self.context.Process(target=_serve, args=(child,), daemon=False, name="listen-planner")
        process.start()
        child.close()
        self.processes.append(process)
        _ALL.add(process)
        return process, _Planner(parent)

    def _retire(self, process: Any, conn: Any) -> None:
        conn.close()
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        if process in self.processes:
            self.processes.remove(process)
        _ALL.discard(process)

    def _drive(self) -> None:
        """Hand submissions to one planner process in turn, replacing it when it hangs or dies."""
        process: Any = None
        conn: Any = None
        while True:
            item = self.tasks.get()
            if item is None:
                break
            sub, done = item
            result: Planned | Unchanged | ListenError
            try:
                if self.closed:
                    raise EOFError("the server is stopping")
                if process is None or not process.is_alive():
                    if process is not None:
                        self._retire(process, conn)
                    process, conn = self._spawn()
                result = self._one(process, conn, sub)
            except _Overdue:
                self._retire(process, conn)
                process = None
                if not self.closed:  # its replacement warms up now, before the next post arrives
                    process, conn = self._spawn()
                result = InputError(
                    f"Reading this article took more than {self.timeout_s:.0f} s and was stopped; "
                    "send a shorter article, or its text instead of its URL."
                )
            except (OSError, EOFError, ValueError) as exc:  # the process died under it
                if process is not None:
                    self._retire(process, conn)
                process = None
                result = ListenError(f"Reading this article failed ({type(exc).__name__}); try again.")
            with self.lock:
                self.in_hand -= 1
            try:
                done(result)
            except Exception:  # a broken callback must not stop this thread
                log.exception("after reading an article")
        if process is not None:
            self._retire(process, conn)

    def _one(self, process: Any, conn: _Planner, sub: Submission) -> Planned | Unchanged | ListenError:
        conn.wait_ready()
        conn.send(sub)
        if not conn.poll(self.timeout_s):
            raise _Overdue
        result = conn.recv()
        return result.error() if isinstance(result, Failure) else result


# Every planner process of this process, stopped at exit even if no one closed its pool
# (multiprocessing would otherwise wait at exit for them, and they for a post).
_ALL: set[Any] = set()


@atexit.register
def _stop_all() -> None:
    for process in list(_ALL):
        if process.is_alive():
            process.kill()


class _Overdue(Exception):
    """A planner process ran past the deadline and was killed."""


class _Planner:
    """The pipe to one planner process, which says READY once it has started and warmed up."""

    def __init__(self, conn: Any):
        self.conn = conn
        self.ready = False

    def wait_ready(self) -> None:
        """Wait for the process's READY; EOFError if it died or never got there."""
        if self.ready:
            return
        if not self.conn.poll(STARTUP_S) or self.conn.recv() != READY:
            raise EOFError("the planner process did not start")
        self.ready = True

    def send(self, obj: Any) -> None:
        self.conn.send(obj)

    def poll(self, timeout: float) -> bool:
        return bool(self.conn.poll(timeout))

    def recv(self) -> Any:
        return self.conn.recv()

    def close(self) -> None:
        self.conn.close()

"""Shared fixtures: a fresh cache per test, one set of engine workers per session, web apps, Redis, audio probes.

Engines: every test renders with the quick fake engines (support/fake_engine.py) standing in for
Piper and espeak-ng under their own names, in this process and in every process it starts;
a test or module marked `engine` renders with the real ones (see _real_engines).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Before listen is imported, here and in every process the tests start (engine workers, `listen`
# commands, queue workers): they read the engine registry from it, and import support/ by the path.
os.environ["LISTEN_TEST_ENGINES"] = (
    "piper=support.fake_engine:FakePiper,pyttsx3=support.fake_engine:FakeEspeak"
)
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
# `listen` commands the tests start keep no engine host running after them (a test that is about
# the host turns it on): hundreds of commands, each with its own settings, would leave hundreds.
os.environ["LISTEN_ENGINE_LINGER_S"] = "0"
# Voices installed on this machine (`listen voices install`) must not change which voice the tests hear.
os.environ["LISTEN_PIPER_VOICES"] = tempfile.mkdtemp(prefix="listen-test-voices-")

import pytest  # noqa: E402
from flask import Flask  # noqa: E402
from redisserver import RedisServer  # noqa: E402

from listen import engines  # noqa: E402
from listen.config import Settings  # noqa: E402
from listen.render import renderer as renderer_module  # noqa: E402
from listen.render.renderer import Renderer  # noqa: E402
from listen.render.workers import WorkerPool, engine_modules, start_engine_server  # noqa: E402
from support import fake_engine  # noqa: E402
from support.browser import CHROMIUM, UNPACED, chromium, launched  # noqa: E402
from web import close_app, create_app, manager_of  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed-article.txt"

SHORT_ARTICLE = """A Short Test Headline

The first paragraph has two sentences. This is the second one.

A second paragraph follows the first. It ends here.
"""


_articles = itertools.count()


def article_text(sentences: int = 2, sentence: str = "Sentence {i} of article {n} is here.") -> str:
    """A short article no other test has posted, so it renders from scratch."""
    n = next(_articles)
    body = " ".join(sentence.format(i=i + 1, n=n) for i in range(sentences))
    return f"Test Headline Number {n}\n\n{body}\n"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.of(cache_dir=tmp_path / "cache", engine_workers=2)


# -- engines -------------------------------------------------------------------------------------


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the engine workers' fork server now, so it (and every worker forked from it) has the fakes."""
    assert engines.ENGINES["piper"] == "support.fake_engine:FakePiper", "listen was imported before conftest"
    start_engine_server()


# Files whose long waits should start first under pytest-xdist (--dist loadfile hands files out
# in collection order): started last, the minute of a Redis outage alone would end the run.
LONG_FILES_FIRST = ("test_redis_outage.py", "test_wordpress.py", "test_voice_catalogue.py", "test_embed.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by what they start (a headless browser, a real redis-server); long files first."""
    # In that order, then the rest in theirs (a stable sort).
    items.sort(key=lambda item: (*LONG_FILES_FIRST, item.path.name).index(item.path.name))
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
        if names & {"redis_server", "redis_url"}:
            item.add_marker(pytest.mark.redis)


def real_engine_pool(
    size: int, timeout: float, engines: tuple[str, ...] | None = None, linger_s: float = 0.0
) -> WorkerPool:  # engine_pool's signature (the tests start no engine host: see LISTEN_ENGINE_LINGER_S)
    """listen.render.workers.engine_pool, but each worker puts the real engines back before it starts them."""
    return WorkerPool(
        "listen.render.pieces:render_piece",
        size=size,
        timeout=timeout,
        initializer="support.fake_engine:real_warm_up",
        initializer_arg=engines,
        preload=engine_modules(()),
    )  # the fork server is the session's: the real engines load in each worker


@contextmanager
def real_engines() -> Iterator[None]:
    """The real engines in this process, in the processes it starts, and in the renderers' new worker pools."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("LISTEN_TEST_ENGINES", raising=False)  # nested: a module and its test may both ask
        for name, path in fake_engine.REAL.items():
            mp.setitem(engines.ENGINES, name, path)
        mp.setattr(engines, "_made", {})
        mp.setattr(renderer_module, "engine_pool", real_engine_pool)
        yield


@pytest.fixture(scope="module", autouse=True)
def _real_engines_for_module(request):
    """A module marked `engine` (pytestmark) renders with the real engines throughout, module fixtures included."""
    if request.node.get_closest_marker("engine"):  # the node is the module here
        with real_engines():
            yield
    else:
        yield


@pytest.fixture(autouse=True)
def _real_engines(request):
    """A test marked `engine` renders with the real engines: its subject is the audio itself."""
    if request.node.get_closest_marker("engine"):
        with real_engines():
            yield
    else:
        yield


@pytest.fixture(scope="session")
def _workers(tmp_path_factory):
    """One renderer's worker processes, shared: booting engines for every test would be slow."""
    renderer = Renderer(Settings.of(cache_dir=tmp_path_factory.mktemp("pool-owner-cache"), engine_workers=2))
    yield renderer.pool
    renderer.close()


@pytest.fixture(scope="session")
def _real_workers():
    """Worker processes with the real engines, shared by the tests marked `engine`."""
    with real_engine_pool(2, Settings.of().service.chunk_timeout_s) as pool:
        yield pool


@pytest.fixture
def renderer(request, settings: Settings):
    # The workers are stateless: every job names its own cache.
    pool = request.getfixturevalue(
        "_real_workers" if request.node.get_closest_marker("engine") else "_workers"
    )
    return Renderer(settings, pool=pool)


@contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` (as mount's -o size=) at a new directory `mount`, unmounted afterwards.

    Skips the test where it cannot be mounted (it needs root)."""
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# -- web apps and Redis --------------------------------------------------------------------------


@contextmanager
def running_app(cache_dir: Path, *, start_workers: bool = True, **fields) -> Iterator[Flask]:
    """A web app on its own cache, without the sample article, closed afterwards.

    `fields` are settings by name (two engine workers unless given). A post waits up to 30 s
    for its article to be planned, so most tests see the rendition's id at once; tests of the
    intake pool itself set intake_wait_ms.
    """
    defaults = {"engine_workers": 2, "intake_workers": 1, "intake_wait_ms": 30000}
    app = create_app(
        Settings.of(cache_dir=cache_dir, **{**defaults, **fields}),
        start_workers=start_workers,
        render_sample=False,
    )
    try:
        yield app
    finally:
        close_app(app)


@contextmanager
def serving(app, threads: int = 8, **adjustments) -> Iterator[int]:
    """Serve the app with waitress on a loopback port, as `listen serve` does (waitress `adjustments` may be given)."""
    from waitress import create_server

    # As web/serve.py: the forwarding headers reach the app, which decides whom to believe.
    server = create_server(
        app, host="127.0.0.1", port=0, threads=threads, clear_untrusted_proxy_headers=False, **adjustments
    )
    stopped = threading.Event()

    def run() -> None:  # server.run() without end: its loop must stop before its sockets close
        while not stopped.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)
    finally:
        stopped.set()
        thread.join(5)
        server.close()


@pytest.fixture(scope="module")
def app(request, tmp_path_factory):
    """One web app per test module; the module's APP_SETTINGS (settings by name) adjusts it."""
    with running_app(
        tmp_path_factory.mktemp("web-cache"), **getattr(request.module, "APP_SETTINGS", {})
    ) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_app(tmp_path):
    """Make web apps with given service or render settings, each on this test's cache; close them after."""
    apps = []

    def make(**fields):
        app = create_app(
            Settings.of(cache_dir=tmp_path / "cache", engine_workers=1, **fields), render_sample=False
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


def post_ready(client, app, **fields) -> dict:
    """POST an article with these fields and wait until it is ready; return the response's JSON."""
    response = client.post("/api/v1/articles", json=fields)
    assert response.status_code in (200, 202), response.json
    job = manager_of(app).get(response.json["id"])
    assert job.wait(60), job.error
    assert job.status == "ready", job.error
    return response.json


@pytest.fixture
def warm_cache(tmp_path):
    """A cache that already holds a rendered article."""
    cache = tmp_path / "cache"
    article = tmp_path / "short.txt"
    article.write_text(SHORT_ARTICLE)
    result = run_cli("speak", str(article), "-o", str(tmp_path / "short.mp3"), "--cache-dir", str(cache))
    assert result.returncode == 0, result.stderr
    return cache


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """A real redis-server for the test module (tests may stop and start it)."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server) -> str:
    """The module's Redis, running and empty."""
    if redis_server.process is None:
        redis_server.start()  # a test before this one stopped it and failed before starting it again
    redis_server.flush()
    return redis_server.url


def run_cli(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the real `listen` command in a child process (in this environment, or `env`)."""
    return subprocess.run(
        [sys.executable, "-m", "listen", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_streams",
            "-show_format",
            "-show_chapters",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return json.loads(out)


def ffmpeg_filter_log(path: Path, audio_filter: str) -> str:
    """Run one of ffmpeg's measuring filters over a file; return what it logged."""
    command = ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", audio_filter, "-f", "null", "-"]
    return subprocess.run(command, capture_output=True, text=True).stderr


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP), by ffmpeg's ebur128 filter."""
    err = ffmpeg_filter_log(path, "ebur128=peak=true:framelog=verbose")
    summary = err[err.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def silences(path: Path, noise_db: int = -45, min_s: float = 0.2) -> list[tuple[float, float]]:
    """Pauses in the audio as (start_s, end_s), by ffmpeg's silencedetect filter."""
    err = ffmpeg_filter_log(path, f"silencedetect=noise={noise_db}dB:d={min_s}")
    starts = [float(x) for x in re.findall(r"silence_start: (-?[\d.]+)", err)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", err)]
    return list(zip(starts, ends))


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a module's page tests."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with chromium() as started:
        yield started


@pytest.fixture(scope="module")
def bar_browser(browser):
    """A headless Chromium for pages under 90 px high, the embed's bar (support.browser.UNPACED)."""
    with launched(browser.browser_type, *UNPACED) as unpaced:
        yield unpaced

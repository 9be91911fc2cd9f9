"""Shared fixtures: a fresh cache per test, one set of engine workers per session, web apps, Redis, audio probes."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from redisserver import RedisServer

from listen.config import Settings
from listen.render.renderer import Renderer
from web import close_app, create_app, manager_of

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


@pytest.fixture(scope="session")
def _workers(tmp_path_factory):
    """One renderer's worker processes, shared: booting engines for every test would be slow."""
    renderer = Renderer(Settings.of(cache_dir=tmp_path_factory.mktemp("pool-owner-cache"), engine_workers=2))
    yield renderer.pool
    renderer.close()


@pytest.fixture
def renderer(settings: Settings, _workers):
    yield Renderer(settings, pool=_workers)  # the workers are stateless: every job names its own cache


@contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` (as mount's -o size=) at a new directory `mount`, unmounted afterwards.

    Skips the test where it cannot be mounted (it needs root)."""
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True)
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
    app = create_app(Settings.of(cache_dir=cache_dir, **{**defaults, **fields}), start_workers=start_workers,
                     render_sample=False)
    try:
        yield app
    finally:
        close_app(app)


@pytest.fixture(scope="module")
def app(request, tmp_path_factory):
    """One web app per test module; the module's APP_SETTINGS (settings by name) adjusts it."""
    with running_app(tmp_path_factory.mktemp("web-cache"), **getattr(request.module, "APP_SETTINGS", {})) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_app(tmp_path):
    """Make web apps with given service or render settings, each on this test's cache; close them after."""
    apps = []

    def make(**fields):
        app = create_app(Settings.of(cache_dir=tmp_path / "cache", engine_workers=1, **fields), render_sample=False)
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
    assert job.wait(60) and job.status == "ready", job.error
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


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `listen` command in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "listen", *args], input=stdin, capture_output=True, cwd=cwd, timeout=300
    )


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-show_chapters", "-of", "json", str(path)],
        capture_output=True, check=True, text=True,
    ).stdout
    return json.loads(out)


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP), by ffmpeg's ebur128 filter."""
    err = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true:framelog=verbose",
         "-f", "null", "-"], capture_output=True, text=True,
    ).stderr
    summary = err[err.rindex("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def silences(path: Path, noise_db: int = -45, min_s: float = 0.2) -> list[tuple[float, float]]:
    """Pauses in the audio as (start_s, end_s), by ffmpeg's silencedetect filter."""
    err = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", f"silencedetect=noise={noise_db}dB:d={min_s}",
         "-f", "null", "-"], capture_output=True, text=True,
    ).stderr
    starts = [float(x) for x in re.findall(r"silence_start: (-?[\d.]+)", err)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", err)]
    return list(zip(starts, ends))

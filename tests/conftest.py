"""Shared fixtures: a fresh cache per test, one set of engine workers per session, audio probes."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from listen.config import Settings
from listen.render import Renderer

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
def _workers():
    """One renderer's worker processes, shared: booting engines for every test would be slow."""
    renderer = Renderer(Settings.of(cache_dir=Path("/tmp/listen-unused"), engine_workers=2))
    yield renderer.pool
    renderer.close()


@pytest.fixture
def renderer(settings: Settings, _workers):
    yield Renderer(settings, pool=_workers)  # the workers are stateless: every job names its own cache


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

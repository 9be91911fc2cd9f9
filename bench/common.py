"""What the benchmarks share: the naive pipeline they compare against, starting a real `listen serve`,
and stopping what they start. What tests use too (ports, Redis, page servers) is in support/."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The benchmarks run as scripts (bench/ on sys.path): the repository root makes support/ and listen importable.
sys.path.insert(0, str(ROOT))
SEED = ROOT / "tests" / "fixtures" / "seed-article.txt"


def naive_seconds(text_path: Path, tmp: Path) -> float:
    """Time espeak-ng of the whole text to WAV, then ffmpeg to a 64 kb/s MP3."""
    wav, mp3 = tmp / "naive.wav", tmp / "naive.mp3"
    start = time.perf_counter()
    subprocess.run(["espeak-ng", "-w", str(wav), "-f", str(text_path)], check=True)
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-b:a", "64k", str(mp3)], check=True
    )
    return time.perf_counter() - start


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Ask a process to stop, and kill it if it has not within the timeout."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def start_server(port: int, cache: Path, **env: str) -> subprocess.Popen:
    """Start `listen serve` on loopback, wait for its "serving" line, then drain its log in a thread."""
    environ = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "listen", "serve", "--port", str(port), "--cache-dir", str(cache)],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "serving" not in line:
        proc.kill()
        raise RuntimeError(f"the server did not start: {line}{proc.stdout.read()}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain its log
    return proc

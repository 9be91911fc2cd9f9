"""What the benchmarks share: the naive pipeline they compare against, and stopping what they start."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seed-article.txt"


def naive_seconds(text_path: Path, tmp: Path) -> float:
    """Time espeak-ng of the whole text to WAV, then ffmpeg to a 64 kb/s MP3."""
    wav, mp3 = tmp / "naive.wav", tmp / "naive.mp3"
    start = time.perf_counter()
    subprocess.run(["espeak-ng", "-w", str(wav), "-f", str(text_path)], check=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-b:a", "64k", str(mp3)], check=True)
    return time.perf_counter() - start


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Ask a process to stop, and kill it if it has not within the timeout."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()

"""What the benchmarks share: the naive pipeline they compare against, starting a real `listen serve`,
and stopping what they start. What tests use too (ports, Redis, page servers) is in support/."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The benchmarks run as scripts (bench/ on sys.path): the repository root makes support/ and listen importable.
sys.path.insert(0, str(ROOT))
SEED = ROOT / "tests" / "fixtures" / "seed-article.txt"
# Each `listen` command a bench starts starts and stops its own engines, as on a first run
# (a cold render counts loading the voice); engine_host() measures the engine host.
os.environ.setdefault("LISTEN_ENGINE_LINGER_S", "0")
TICKS = os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def engine_host(linger_s: float) -> Iterator[Path]:
    """`listen` commands started inside share an engine host (listen/render/engine_host.py).

    The hosts live in a runtime folder of the bench's own, and are stopped at the end; the
    folder is yielded (host_cpu reads what its hosts spent).
    """
    folder = Path(tempfile.mkdtemp(prefix="listen-bench-run-"))
    saved = {name: os.environ.get(name) for name in ("XDG_RUNTIME_DIR", "LISTEN_ENGINE_LINGER_S")}
    os.environ.update(XDG_RUNTIME_DIR=str(folder), LISTEN_ENGINE_LINGER_S=str(linger_s))
    try:
        yield folder
    finally:
        for pid in host_pids(folder):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(folder, ignore_errors=True)


def host_pids(folder: Path) -> list[int]:
    return [int(p.read_text()) for p in folder.glob("listen/*.pid")]


def host_cpu(folder: Path) -> float:
    """CPU seconds the engine hosts in this runtime folder and their ended workers have spent so far."""
    total = 0.0
    for pid in host_pids(folder):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / TICKS  # utime, stime, cutime, cstime
    return total


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

"""What the benchmarks share: the naive pipeline they compare against, starting a real `listen serve`,
a dripping page server (the tests use it too), and stopping what they start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
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


def start_server(port: int, cache: Path, **env: str) -> subprocess.Popen:
    """Start `listen serve` on loopback, wait for its "serving" line, then drain its log in a thread."""
    environ = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    proc = subprocess.Popen([sys.executable, "-m", "listen", "serve", "--port", str(port), "--cache-dir", str(cache)],
                            cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "serving" not in line:
        proc.kill()
        raise RuntimeError(f"the server did not start: {line}{proc.stdout.read()}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain its log
    return proc


class DripServer:
    """A page server on loopback that sends its answer one byte every `every_s` seconds."""

    HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: " + b"x" * 400 + b"\r\n\r\n"
    BODY = b"One slow sentence after another. " * 20

    def __init__(self, where: str = "body", every_s: float = 0.5, head: bytes = HEAD, body: bytes = BODY):
        # In the headers, the whole answer drips; in the body, the headers come at once.
        self.at_once, self.drip = (b"", head + body) if where == "headers" else (head, body)
        self.every_s = every_s
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str = "/slow") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(self.at_once)
                for byte in self.drip:
                    if self.stopped.wait(self.every_s):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()

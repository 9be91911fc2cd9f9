"""Memory of the whole process tree of `listen speak` (neural engine) against the naive pipeline, same words.

Ours: the real `listen speak --engine piper --jobs 2` on the seed body repeated to each
length (every copy worded differently, so nothing is reused): the CLI (which plans and
stitches), the engines' fork server and two engine workers. Naive: `python -m piper` on the
same text to WAV, then ffmpeg to a 64 kb/s MP3. Every process of each tree is sampled from
/proc/PID/smaps_rollup every 50 ms; the figures are the peaks of the tree's sums:
  PSS  proportional set size: a page shared by n processes counts 1/n in each (the truth
       for a tree of forked processes, whose shared pages RSS counts once per process)
  RSS  resident set size, summed as `ps` would add it
and, per engine worker, its PSS once the voice is loaded and idle (its least) and reading
(its most). Target (issue 24): at most 700 MB PSS for 10,000 words, flat in length.

    python bench/memory_bench.py [--words 2500 10000] [--skip-naive]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from common import ROOT  # bench/ is on sys.path when run as a script
from pipeline_bench import LISTEN, long_article
from piper_bench import model_files

TARGET_MB = 700
LOADED_KB = 100 * 1024  # a worker past this has the voice loaded


def rollup(pid: int) -> tuple[int, int]:
    """RSS and PSS of one process in KB (0, 0 once it is gone)."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0, 0
    fields = {line.split(":")[0]: line.split()[1] for line in lines[1:] if ":" in line}
    return int(fields.get("Rss", 0)), int(fields.get("Pss", 0))


def tree(pid: int) -> list[tuple[int, int]]:
    """(pid, depth) of a process and all its descendants."""
    out, stack = [], [(pid, 0)]
    while stack:
        p, depth = stack.pop()
        out.append((p, depth))
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [(int(c), depth + 1) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Sampler:
    """Peak sums of a process tree's RSS and PSS, and each engine worker's least and most PSS."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_rss = self.peak_pss = 0
        self.workers: dict[int, list[int]] = defaultdict(list)  # pid -> PSS samples once loaded
        self.roles: dict[str, int] = {}  # "CLI", "fork server", "workers": PSS when the tree's peaked
        self.ended = threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        while not self.ended.is_set():
            rss = pss = 0
            roles: dict[str, int] = defaultdict(int)
            for p, depth in tree(self.pid):
                r, s = rollup(p)
                rss, pss = rss + r, pss + s
                # The fork server is the CLI's child; the engine workers are its children.
                role = (
                    "CLI"
                    if depth == 0
                    else "fork server"
                    if "forkserver" in command_line(p) and depth == 1
                    else "other"
                )
                if depth == 2:
                    role = "workers"
                    if r > LOADED_KB:
                        self.workers[p].append(s)
                roles[role] += s
            if pss > self.peak_pss:
                self.roles = dict(roles)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            time.sleep(0.05)

    def stop(self) -> None:
        self.ended.set()
        self.thread.join()


def measured(command: list[str], stdin: Path | None = None) -> tuple[float, Sampler]:
    start = time.perf_counter()
    with open(stdin or os.devnull, "rb") as source:
        proc = subprocess.Popen(
            command, cwd=ROOT, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        sampler = Sampler(proc.pid)
        code = proc.wait()
    sampler.stop()
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(command)}")
    return time.perf_counter() - start, sampler


def ours(text: Path, work: Path) -> None:
    cache = work / f"cache-{text.stem}"
    shutil.rmtree(cache, ignore_errors=True)
    command = [*LISTEN, "speak", str(text), "-o", str(work / "ours.mp3"), "--cache-dir", str(cache)]
    seconds, s = measured([*command, "--engine", "piper", "--jobs", "2"])
    print(
        f"  ours:  {seconds:6.1f} s; whole tree peak {s.peak_pss / 1024:5.0f} MB PSS, {s.peak_rss / 1024:5.0f} MB RSS "
        f"(target <= {TARGET_MB} MB PSS: {'ok' if s.peak_pss / 1024 <= TARGET_MB else 'MISSED'})"
    )
    print(
        "         at the peak, PSS by process: "
        + ", ".join(f"{r} {kb / 1024:.0f} MB" for r, kb in s.roles.items())
    )
    for n, samples in enumerate(s.workers.values(), 1):
        print(
            f"         worker {n}: {min(samples) / 1024:4.0f} MB PSS idle (voice loaded), {max(samples) / 1024:4.0f} MB reading"
        )


def naive(text: Path, work: Path) -> None:
    model, config = model_files()
    wav = work / "naive.wav"
    piper = [sys.executable, "-m", "piper", "-m", str(model), "-c", str(config), "-f", str(wav)]
    seconds, s = measured(piper, stdin=text)
    encode, e = measured(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-b:a", "64k", str(work / "naive.mp3")]
    )
    print(
        f"  naive: {seconds + encode:6.1f} s; python -m piper peak {s.peak_pss / 1024:5.0f} MB PSS, "
        f"{s.peak_rss / 1024:5.0f} MB RSS; then ffmpeg {e.peak_pss / 1024:.0f} MB PSS"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, nargs="+", default=[2_500, 10_000])
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="listen-memory-bench-"))
    try:
        for wanted in args.words:
            text, words = long_article(work, wanted)
            print(f"{words:,} words, voice en_US-joe-medium:")
            ours(text, work)
            if not args.skip_naive:
                naive(text, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

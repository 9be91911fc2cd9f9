"""Speed and memory of `listen speak` against the naive pipeline, timed in the same run.

Naive: `espeak-ng -w` of the whole seed text, then `ffmpeg -b:a 64k` to MP3.
Ours: the real `listen speak` command (a fresh process each time, start-up included):
  cold      an empty cache
  unchanged the same article again
  edited    one sentence changed
  long      the seed body repeated to 19,000 words or more: wall time and peak RSS of the
            whole process tree (the CLI, its engine workers and any encoder), sampled from /proc.
Each figure is the median of --repeat runs, each made right after a naive run.

    python bench/pipeline_bench.py [--repeat 5] [--skip-long]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT, SEED, naive_seconds  # bench/ is on sys.path when run as a script

LISTEN = [sys.executable, "-m", "listen"]


def timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def speak(text: Path, cache: Path, out: Path) -> float:
    return timed([*LISTEN, "speak", str(text), "-o", str(out), "--cache-dir", str(cache)], cwd=ROOT)


def tree_rss_kb(pid: int, field: str = "VmRSS", source: str = "status") -> int:
    """Resident memory of a process and all its descendants, in KB.

    VmRSS (from status) counts pages shared by forked processes once in each; Pss (from
    smaps_rollup) divides each shared page among the processes that share it.
    """
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/{source}").read_text()
            total += int(
                next(line.split()[1] for line in status.splitlines() if line.startswith(field + ":"))
            )
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def speak_with_peak_rss(
    text: Path, cache: Path, out: Path, pss: list[int] | None = None
) -> tuple[float, int, int]:
    """Run `listen speak`; return wall time, peak tree RSS and peak RSS of the CLI process alone.

    Given a list, `pss` gets the peak proportional set size of the tree appended.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*LISTEN, "speak", str(text), "-o", str(out), "--cache-dir", str(cache)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = [0, 0]
    ended = threading.Event()

    def sample() -> None:
        # Not proc.poll(): it would reap the process before os.wait4 can read its usage.
        while not ended.is_set():
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            if pss is not None:
                peak[1] = max(peak[1], tree_rss_kb(proc.pid, "Pss", "smaps_rollup"))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    ended.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    sampler.join()
    if pss is not None:
        pss.append(peak[1])
    if proc.returncode != 0:
        raise SystemExit(f"listen speak failed on {text}")
    return time.perf_counter() - start, peak[0], usage.ru_maxrss


def paired(fn, naive, repeat: int) -> tuple[float, float, float]:
    """Time fn right after the naive pipeline, repeat times; return medians of ours, naive and ratio.

    This machine's speed drifts by tens of percent within a minute: a ratio of two
    runs made back to back is steadier than a ratio of two separate bests.
    """
    ours, base, ratios = [], [], []
    for _ in range(repeat):
        b = naive()
        o = fn()
        ours.append(o)
        base.append(b)
        ratios.append(o / b)
    return statistics.median(ours), statistics.median(base), statistics.median(ratios)


def edited_runs(speak, work: Path, repeat: int):
    """A run that speaks the seed with one sentence edited (a new edit each call) into work/cache."""
    edits = [
        SEED.read_text("utf-8").replace("a thriving center", f"a thriving hub number {n}")
        for n in range(repeat)
    ]

    def edited() -> float:
        path = work / "edited.txt"
        path.write_text(edits.pop(), "utf-8")
        return speak(path, work / "cache", work / "edited.mp3")

    return edited


def long_article(work: Path, words_wanted: int) -> tuple[Path, int]:
    """The seed body repeated, each copy worded a little differently so no sentence's audio is reused."""
    lines = SEED.read_text("utf-8").splitlines()
    body = [line for line in lines[2:] if line.strip() and not line.startswith(("Fact Checker", "Verify"))][
        :17
    ]
    per_copy = sum(len(line.split()) for line in body)
    copies = -(-words_wanted // per_copy)
    text = [f"In part {n + 1}, {p[0].lower()}{p[1:]}" for n in range(copies) for p in body]
    path = work / f"long-{words_wanted}.txt"
    path.write_text("\n".join([lines[1], *text]) + "\n", "utf-8")
    return path, sum(len(p.split()) for p in text)


def main() -> None:
    # These figures are espeak-ng's against the naive espeak-ng pipeline: pin the engine
    # (bench/piper_bench.py measures the neural one against naive Piper).
    os.environ.setdefault("LISTEN_ENGINE", "pyttsx3")
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-long", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="listen-bench-"))
    try:

        def naive() -> float:
            return naive_seconds(SEED, work)

        def cold() -> float:
            shutil.rmtree(work / "cache", ignore_errors=True)
            return speak(SEED, work / "cache", work / "out.mp3")

        def again() -> float:
            return speak(SEED, work / "cache", work / "out.mp3")

        edited = edited_runs(speak, work, args.repeat)

        print(
            f"each figure: the median of {args.repeat} runs, each right after a run of the naive pipeline "
            "(espeak-ng -w + ffmpeg -b:a 64k) on the seed article"
        )
        for name, fn, target in (
            ("cold render", cold, 0.8),
            ("unchanged again", again, 0.25),
            ("one sentence edited", edited, 0.35),
        ):
            seconds, base, ratio = paired(fn, naive, args.repeat)
            print(
                f"{name:22} {seconds:6.2f} s against naive {base:5.2f} s: {ratio:5.2f}x  (target <= {target}x) "
                f"{'ok' if ratio <= target else 'MISSED'}"
            )
        if not args.skip_long:
            long_text, words = long_article(work, 19_000)
            seconds, tree_kb, cli_kb = speak_with_peak_rss(long_text, work / "cache-long", work / "long.mp3")
            print(
                f"long article ({words} words): {seconds:.1f} s; peak RSS {tree_kb / 1024:.0f} MB for the whole "
                f"process tree, {cli_kb / 1024:.0f} MB for the CLI process (target < 300 MB)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

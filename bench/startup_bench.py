"""Start-up of `listen speak` on a once-edited article: process start to its first engine call.

An edited sentence costs one chunk and one piece; what is left is start-up. The seed article
is rendered once with the neural engine, then each run edits one sentence (a new edit each
time) and times, from just before the process is started:
  first call  the first Piper synthesis in any engine worker (bench/probe/sitecustomize.py,
              put first on PYTHONPATH, stamps it; listen itself is not changed for the bench)
  done        the process's exit, the MP3 written
and the same edited run of the naive pipeline is not comparable (it reads everything), so the
figure stands alone against the target: at most 0.5 s to the first engine call.

    python bench/startup_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import ROOT, SEED  # bench/ is on sys.path when run as a script
from pipeline_bench import LISTEN

PROBE = Path(__file__).resolve().parent / "probe"
TARGET_S = 0.5


def speak(text: Path, cache: Path, out: Path, probe: Path) -> tuple[float, float | None]:
    """Run `listen speak --engine piper`; return seconds to the first synthesis (None if none) and to exit."""
    probe.unlink(missing_ok=True)
    # As installed: Python reads its compiled modules (a shell that says PYTHONDONTWRITEBYTECODE
    # would have every run compile the whole pipeline again, a quarter second).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = dict(
        env,
        LISTEN_BENCH_PROBE=str(probe),
        PYTHONPATH=os.pathsep.join(p for p in (str(PROBE), str(ROOT), os.environ.get("PYTHONPATH")) if p),
    )
    command = [*LISTEN, "speak", str(text), "-o", str(out), "--cache-dir", str(cache), "--engine", "piper"]
    start = time.time()
    subprocess.run(
        command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    done = time.time() - start
    stamps = [float(line) for line in probe.read_text().split()] if probe.exists() else []
    return (min(stamps) - start if stamps else None), done


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="listen-startup-bench-"))
    try:
        cache, probe = work / "cache", work / "probe.txt"
        speak(SEED, cache, work / "out.mp3", probe)  # the article once, cold
        firsts, totals = [], []
        for n in range(args.repeat):
            edited = work / "edited.txt"
            edited.write_text(
                SEED.read_text("utf-8").replace("a thriving center", f"a thriving hub number {n}"), "utf-8"
            )
            first, total = speak(edited, cache, work / "edited.mp3", probe)
            if first is None:
                raise SystemExit("no engine call on an edited article: is the edit in the text?")
            firsts.append(first)
            totals.append(total)
            print(f"run {n + 1}: first engine call at {first:.3f} s, done at {total:.3f} s")
        first = statistics.median(firsts)
        print(
            f"once-edited seed article, median of {args.repeat}: first engine call {first:.3f} s after process "
            f"start (target <= {TARGET_S} s: {'ok' if first <= TARGET_S else 'MISSED'}); "
            f"whole run {statistics.median(totals):.3f} s"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

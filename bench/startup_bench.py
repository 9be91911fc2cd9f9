"""Start-up of `listen speak` on a once-edited article: process start to its first engine call.

An edited sentence costs one chunk and one piece; what is left is start-up. The seed article
is rendered once with the neural engine, then each run edits one sentence (a new edit each
time) and times, from just before the process is started, in two settings:
  host        the engine host the previous command left (LISTEN_ENGINE_LINGER_S, the default:
              listen/render/engine_host.py); it forks the command itself, with its code
              imported (listen/cli/hosted.py), and the command's workers, at once
  own         LISTEN_ENGINE_LINGER_S=0: the command starts its own fork server, which imports
              the audio code and loads the voice before it forks a worker
and, in each:
  first call  the first Piper synthesis in any engine worker (bench/probe/sitecustomize.py,
              put first on PYTHONPATH, stamps it; listen itself is not changed for the bench)
  done        the process's exit, the MP3 written
and the same edited run of the naive pipeline is not comparable (it reads everything), so the
figure stands alone against the target: at most 0.5 s to the first engine call. The probe
stamps only processes started with it: the host is started by the first (cold) run.

The machine may be shared, which stretches wall-clock times; the CPU each of the two paths to
the first call spent is printed beside them (the command: Python, reading and planning, to its
first task; run by the host, the caller's Python to the hand-off and the forked command's
reading and planning; the fork server: Python, its imports and the voice; the worker: its fork to the
call), and the load average.

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
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, SEED, engine_host  # bench/ is on sys.path when run as a script
from pipeline_bench import LISTEN

PROBE = Path(__file__).resolve().parent / "probe"
TARGET_S = 0.5


@dataclass
class Run:
    first: float | None  # seconds from the process's start to the first synthesis; None: none
    done: float  # seconds to the process's exit
    command_cpu: float = 0.0  # CPU seconds of the command up to its first task
    server_cpu: float = 0.0  # CPU seconds of the fork server up to the first synthesis
    worker_cpu: float = 0.0  # CPU seconds of that worker from its fork to the call


def speak(text: Path, cache: Path, out: Path, probe: Path) -> Run:
    """Run `listen speak --engine piper`; say when the first synthesis came and what CPU led to it."""
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
    lines = [line.split() for line in probe.read_text().splitlines()] if probe.exists() else []
    tasks = [line for line in lines if line[0] == "task"]
    # Run by the engine host: the caller's CPU to the hand-off, then the forked command's to its task.
    handed = sum(float(line[2]) for line in lines if line[0] == "handed")
    calls = sorted((line for line in lines if line[0] == "call"), key=lambda line: float(line[1]))
    if not calls:
        return Run(None, done)
    return Run(
        float(calls[0][1]) - start,
        done,
        command_cpu=(float(tasks[0][2]) if tasks else 0.0) + handed,
        server_cpu=float(calls[0][3]),
        worker_cpu=float(calls[0][2]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for name, linger_s in (("host", 300.0), ("own", 0.0)):
        with engine_host(linger_s):
            edited_runs(name, args.repeat)


def edited_runs(name: str, repeat: int) -> None:
    """Render the seed cold, then `repeat` once-edited runs; print each and their medians."""
    work = Path(tempfile.mkdtemp(prefix="listen-startup-bench-"))
    try:
        cache, probe = work / "cache", work / "probe.txt"
        speak(SEED, cache, work / "out.mp3", probe)  # the article once, cold
        runs = []
        for n in range(repeat):
            edited = work / "edited.txt"
            edited.write_text(
                SEED.read_text("utf-8").replace("a thriving center", f"a thriving hub number {n}"), "utf-8"
            )
            run = speak(edited, cache, work / "edited.mp3", probe)
            if run.first is None:
                raise SystemExit("no engine call on an edited article: is the edit in the text?")
            runs.append(run)
            print(
                f"{name} run {n + 1}: first engine call at {run.first:.3f} s, done at {run.done:.3f} s; CPU: the "
                f"command {run.command_cpu:.3f} s to its first task, the fork server {run.server_cpu:.3f} s, "
                f"the worker {run.worker_cpu:.3f} s (load average {os.getloadavg()[0]:.1f})"
            )
        first = statistics.median(r.first or 0.0 for r in runs)
        server = (
            "(the host's, since it started)"
            if name == "host"
            else f"{statistics.median(r.server_cpu for r in runs):.3f} s"
        )
        print(
            f"{name}: once-edited seed article, median of {repeat}: first engine call {first:.3f} s after "
            f"process start (target <= {TARGET_S} s: {'ok' if first <= TARGET_S else 'MISSED'}); whole run "
            f"{statistics.median(r.done for r in runs):.3f} s; CPU to it: the command "
            f"{statistics.median(r.command_cpu for r in runs):.3f} s, the fork server {server}, the worker "
            f"{statistics.median(r.worker_cpu for r in runs):.3f} s; load average {os.getloadavg()}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

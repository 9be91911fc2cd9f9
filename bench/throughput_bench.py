"""What rendering costs: audio minutes made per CPU minute, cold, for each engine and variant; how the
wall-clock rate scales from one engine worker to two; and the issue's figures against the naive
pipeline (`python -m piper` + ffmpeg, same voice) on the same words.

The same words: the article as listen reads it (`listen script --json`: the title and the
body's sentences as written), saved as plain text, is what both sides read; the naive pipeline
reading a page would also read its furniture aloud.

CPU time is that of every process a run starts, however deep (the command, the engines' fork
server, the engine workers, espeak-ng's children, ffmpeg): this process makes itself their
subreaper (Linux's PR_SET_CHILD_SUBREAPER), so a process orphaned when its parent exits is
waited for here, and getrusage(RUSAGE_CHILDREN) counts it. CPU figures hold on a machine shared
with other work; wall-clock figures do not, so each is printed with the load average.

A variant is an engine name, optionally with settings for it: `piper`,
`piper:LISTEN_PIPER_PRECISION=int8`, `pyttsx3`. By default: Piper, Piper in int8 where
listen/config.py knows LISTEN_PIPER_PRECISION, and pyttsx3 (espeak-ng).

    python bench/throughput_bench.py [--text FILE] [--variants piper pyttsx3] [--skip-scaling]
                                     [--skip-naive] [--repeat 1]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, SEED, engine_host, host_cpu, host_pids  # bench/ is on sys.path when run as a script
from pipeline_bench import LISTEN
from piper_bench import model_files

PR_SET_CHILD_SUBREAPER = 36


@dataclass
class Cost:
    wall_s: float
    cpu_s: float  # user + system of every process the run started
    load: float  # the one-minute load average when it ended


def become_subreaper() -> None:
    """Have orphaned descendants (the fork server, outliving the command) reparented to this process."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("this bench needs Linux (prctl PR_SET_CHILD_SUBREAPER)")


def children() -> list[int]:
    """This process's children, ended or not (a zombie still counts until it is waited for)."""
    return [
        int(c) for task in Path("/proc/self/task").iterdir() for c in (task / "children").read_text().split()
    ]


def host_pids_here() -> list[int]:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return host_pids(Path(runtime)) if runtime else []


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], env: dict[str, str] | None = None, stdin: Path | None = None) -> Cost:
    """Run a command to its end and every process it started to theirs; what it cost."""
    cpu, start = children_cpu(), time.perf_counter()
    with open(stdin or os.devnull, "rb") as source:
        subprocess.run(
            command,
            cwd=ROOT,
            env=dict(os.environ, **(env or {})),
            stdin=source,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    # The orphans, reparented here: wait until every last one has ended, but for an engine
    # host, which stays for the next command (its CPU is read from it: common.host_cpu).
    while set(children()) - set(host_pids_here()):
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        time.sleep(0.01)
    return Cost(time.perf_counter() - start, children_cpu() - cpu, os.getloadavg()[0])


def same_words(source: Path, work: Path) -> Path:
    """The article as listen reads it (title and sentences as written), as a plain-text file."""
    out = subprocess.run(
        [*LISTEN, "script", "--json", str(source)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    script = json.loads(out.splitlines()[0])
    paragraphs = [" ".join(s["text"] for s in p["sentences"]) for p in script["paragraphs"]]
    path = work / "same-words.txt"
    path.write_text("\n\n".join([script["title"], *paragraphs]) + "\n", "utf-8")
    return path


def parse_variant(variant: str) -> tuple[str, dict[str, str]]:
    """`piper:LISTEN_PIPER_PRECISION=int8` -> ("piper", {"LISTEN_PIPER_PRECISION": "int8"})."""
    engine, _, settings = variant.partition(":")
    env = dict(pair.split("=", 1) for pair in settings.split(",") if pair)
    return engine, env


def default_variants() -> list[str]:
    variants = ["piper"]
    # The int8 voice is a setting another change brings (issue 24 item 2); ask for it once it is there.
    if "LISTEN_PIPER_PRECISION" in (ROOT / "listen" / "config.py").read_text("utf-8"):
        variants.append("piper:LISTEN_PIPER_PRECISION=int8")
    return [*variants, "pyttsx3"]


def speak(text: Path, cache: Path, out: Path, variant: str, jobs: int) -> tuple[Cost, float]:
    """A `listen speak` of text into cache; its cost and the seconds of audio it made."""
    engine, env = parse_variant(variant)
    command = [*LISTEN, "speak", str(text), "-o", str(out), "--cache-dir", str(cache)]
    cost = run([*command, "--engine", engine, "--jobs", str(jobs)], dict(env, LISTEN_PIPER_THREADS="1"))
    audio_s = json.loads(out.with_suffix(".json").read_text("utf-8"))["duration_ms"] / 1000
    return cost, audio_s


def cold(text: Path, work: Path, variant: str, jobs: int) -> tuple[Cost, float]:
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    return speak(text, cache, work / "out.mp3", variant, jobs)


def naive(text: Path, work: Path) -> Cost:
    """`python -m piper` of the text to WAV, then ffmpeg to a 64 kb/s MP3: one cost for both."""
    model, config = model_files()
    wav = work / "naive.wav"
    piper = run(
        [sys.executable, "-m", "piper", "-m", str(model), "-c", str(config), "-f", str(wav)], stdin=text
    )
    mp3 = run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-b:a", "64k", str(work / "naive.mp3")])
    return Cost(piper.wall_s + mp3.wall_s, piper.cpu_s + mp3.cpu_s, mp3.load)


def throughput(text: Path, work: Path, variants: list[str], repeat: int, scaling: bool) -> None:
    print("cold renders, the CPU of every process counted; audio minutes made per CPU minute:")
    for variant in variants:
        costs = {}
        for jobs in (2, 1) if scaling else (2,):
            runs = [cold(text, work, variant, jobs) for _ in range(repeat)]
            cost = Cost(
                *(statistics.median(getattr(c, f) for c, _ in runs) for f in ("wall_s", "cpu_s", "load"))
            )
            audio = runs[0][1]
            costs[jobs] = cost, audio
            print(
                f"  {variant:36} {jobs} worker{'s' if jobs > 1 else ' '}: {audio / 60:5.2f} min of audio, "
                f"{cost.cpu_s:6.1f} s CPU = {audio / cost.cpu_s:5.1f} audio min per CPU min; "
                f"wall {cost.wall_s:6.1f} s = {audio / cost.wall_s:5.1f}x real time (load average {cost.load:.1f})"
            )
        if scaling:
            (one, audio), (two, _) = costs[1], costs[2]
            print(
                f"  {variant:36} one worker to two: wall-clock throughput x{one.wall_s / two.wall_s:.2f} "
                f"(CPU x{two.cpu_s / one.cpu_s:.2f} for the same audio)"
            )


def edited_runs(text: Path, work: Path, host: Path | None = None) -> Callable[[], Cost]:
    """Render the article once; then each call renders it with its first body sentence edited anew.

    Given the runtime folder of an engine host (common.engine_host), a call's CPU counts what the
    host and the workers it forked spent during it.
    """
    cold(text, work, "piper", 2)
    words = text.read_text("utf-8")
    end = words.index(". ", words.index("\n\n"))  # the body's first sentence, a few words longer each time
    edits = iter(range(1_000))

    def edited() -> Cost:
        changed = work / "edited.txt"
        changed.write_text(words[:end] + f", edit number {next(edits)}" + words[end:], "utf-8")
        hosted = host_cpu(host) if host else 0.0
        cost = speak(changed, work / "cache", work / "edited.mp3", "piper", 2)[0]
        if host:
            time.sleep(
                0.2
            )  # the host reaps the workers that ended with the command: their CPU is counted then
            cost.cpu_s += host_cpu(host) - hosted
        return cost

    return edited


def against_naive(text: Path, work: Path, repeat: int) -> None:
    """The issue's figures, Piper against the naive Piper pipeline on the same words, pairs back to back."""
    print(
        "against the naive pipeline (python -m piper + ffmpeg -b:a 64k), the same words, pairs back to back:"
    )
    pair("cold render", lambda: cold(text, work, "piper", 2)[0], text, work, repeat)
    pair("one sentence edited", edited_runs(text, work), text, work, repeat)
    with engine_host(300.0) as host:  # the engine host CLI commands leave by default
        pair("edited, host running", edited_runs(text, work, host), text, work, repeat)
    print(
        "  memory of the whole tree on 10,000 words: python bench/memory_bench.py (the same words for both)"
    )


def pair(name: str, ours: Callable[[], Cost], text: Path, work: Path, repeat: int) -> None:
    """Print ours against the naive pipeline, each of `repeat` pairs run back to back."""
    pairs = [(naive(text, work), ours()) for _ in range(repeat)]
    wall = statistics.median(o.wall_s / b.wall_s for b, o in pairs)
    cpu = statistics.median(o.cpu_s / b.cpu_s for b, o in pairs)
    b, o = pairs[len(pairs) // 2]
    print(
        f"  {name:22} wall {o.wall_s:6.2f} s against {b.wall_s:6.2f} s = {wall:.3f}x; "
        f"CPU {o.cpu_s:6.2f} s against {b.cpu_s:6.1f} s = {cpu:.3f}x (load average {o.load:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--text", type=Path, default=SEED, help="the article (default: the seed page's text)")
    parser.add_argument(
        "--variants", nargs="+", help="engine[:SETTING=VALUE,...] (default: every one there is)"
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-scaling", action="store_true", help="only two workers, not one as well")
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="listen-throughput-bench-"))
    try:
        text = same_words(args.text, work)
        print(f"{args.text.name}, as listen reads it: {len(text.read_text('utf-8').split()):,} words")
        throughput(text, work, args.variants or default_variants(), args.repeat, not args.skip_scaling)
        if not args.skip_naive:
            against_naive(text, work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

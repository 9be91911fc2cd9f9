"""Score body extraction on tests/pages: word-4-gram F1, ours against trafilatura alone.

Run: .venv/bin/python bench/extraction_eval.py [--pages DIR]
Each DIR/NAME.html (default tests/pages) has its expected body in NAME.txt (blank lines between
paragraphs), and NAME.json may name the page's kind ("live blog", "long-form with subheadings"...):
the report gives the mean F1 per kind. A page we refuse scores 0 and is listed as refused.
tests/pages-heldout holds pages written without looking at the extractor: score them
with --pages tests/pages-heldout for an estimate that was not tuned on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from support.extraction import PAGES, f1, kind, ours_or_refused, pages, trafilatura_alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=Path, default=PAGES, help="folder of NAME.html + NAME.txt (default tests/pages)"
    )
    folder = parser.parse_args().pages
    saved = pages(folder)
    if not saved:
        sys.exit(f"no NAME.html with a NAME.txt in {folder}")
    rows = []
    refused = []
    for name, html, expected in saved:
        body = ours_or_refused(html)
        if body is None:
            refused.append(name)
        rows.append((name, f1(body or "", expected), f1(trafilatura_alone(html), expected)))
    print(f"{'page':40} {'ours':>6} {'trafilatura':>12}")
    for name, a, b in rows:
        print(f"{name:40} {a:6.3f} {b:12.3f}" + ("  REFUSED" if name in refused else ""))
    print(
        f"{'mean':40} {statistics.mean(r[1] for r in rows):6.3f} {statistics.mean(r[2] for r in rows):12.3f}"
    )
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for name, a, b in rows:
        by_kind.setdefault(kind(folder, name), []).append((a, b))
    print(f"\n{'kind':40} {'pages':>5} {'ours':>6} {'trafilatura':>12}")
    for label, scores in sorted(by_kind.items()):
        print(
            f"{label:40} {len(scores):5d} {statistics.mean(s[0] for s in scores):6.3f}"
            f" {statistics.mean(s[1] for s in scores):12.3f}"
        )
    print(f"refused: {len(refused)} of {len(rows)} pages" + (f" ({', '.join(refused)})" if refused else ""))

    htmls = [html for _, html, _ in saved]
    for label, func in (("ours", ours_or_refused), ("trafilatura alone", trafilatura_alone)):
        for html in htmls:
            func(html)  # warm up imports and caches
        runs = 5
        start = time.perf_counter()
        for _ in range(runs):
            for html in htmls:
                func(html)
        per_page = (time.perf_counter() - start) / runs / len(htmls) * 1000
        slowest = max(_timed(func, html) for html in htmls)
        size = statistics.mean(len(h) for h in htmls) / 1000
        print(
            f"extraction time, {label}: {per_page:.1f} ms per page, slowest {slowest:.1f} ms"
            f" (mean over {len(htmls)} pages of {size:.0f} KB)"
        )


def _timed(func, html: str, runs: int = 3) -> float:
    """Best of a few runs of one page, in milliseconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        func(html)
        best = min(best, time.perf_counter() - start)
    return best * 1000


if __name__ == "__main__":
    main()

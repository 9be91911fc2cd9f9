"""Score body extraction on tests/pages: word-4-gram F1, ours against trafilatura alone.

Run: .venv/bin/python bench/extraction_eval.py [--pages DIR]
Each DIR/NAME.html (default tests/pages) has its expected body in NAME.txt (blank lines between
paragraphs), and NAME.json may name the page's kind ("live blog", "long-form with subheadings"...):
the report gives the mean F1 per kind. A page we refuse scores 0 and is listed as refused.
Per page it gives precision (the share of what is read that is the article) and recall (the share
of the article that is read), and it counts the pages a listener would notice: those that lose
more than a fifth of the article (recall < 0.8) and those where more than a fifth of what is read
is furniture (precision < 0.8). An average hides them; a listener hears every one.
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

from support.extraction import PAGES, kind, ours_or_refused, pages, scores, trafilatura_alone

# A page that loses more than a fifth of the article, or reads more than a fifth of furniture.
BAD = 0.8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=Path, default=PAGES, help="folder of NAME.html + NAME.txt (default tests/pages)"
    )
    parser.add_argument("--no-timing", action="store_true", help="score only; skip the timing runs")
    options = parser.parse_args()
    folder = options.pages
    saved = pages(folder)
    if not saved:
        sys.exit(f"no NAME.html with a NAME.txt in {folder}")
    rows = []
    refused = []
    for name, html, expected in saved:
        body = ours_or_refused(html)
        if body is None:
            refused.append(name)
        rows.append((name, scores(body or "", expected), scores(trafilatura_alone(html), expected)))
    print(f"{'page':40} {'P':>6} {'R':>6} {'F1':>6}   {'trafilatura P':>13} {'R':>6} {'F1':>6}")
    for name, (p, r, f), (tp, tr, tf) in rows:
        flags = " ".join(
            label
            for label, bad in (("REFUSED", name in refused), ("LOSES", r < BAD), ("FURNITURE", p < BAD))
            if bad
        )
        print(f"{name:40} {p:6.3f} {r:6.3f} {f:6.3f}   {tp:13.3f} {tr:6.3f} {tf:6.3f}  {flags}")
    print(
        f"{'mean':40} {_mean(rows, 0, 0):6.3f} {_mean(rows, 0, 1):6.3f} {_mean(rows, 0, 2):6.3f}"
        f"   {_mean(rows, 1, 0):13.3f} {_mean(rows, 1, 1):6.3f} {_mean(rows, 1, 2):6.3f}"
    )
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for name, ours, alone in rows:
        by_kind.setdefault(kind(folder, name), []).append((ours[2], alone[2]))
    print(f"\n{'kind':40} {'pages':>5} {'ours':>6} {'trafilatura':>12}")
    for label, pairs in sorted(by_kind.items()):
        print(
            f"{label:40} {len(pairs):5d} {statistics.mean(s[0] for s in pairs):6.3f}"
            f" {statistics.mean(s[1] for s in pairs):12.3f}"
        )
    print(f"refused: {len(refused)} of {len(rows)} pages" + (f" ({', '.join(refused)})" if refused else ""))
    for side, label in ((0, "ours"), (1, "trafilatura alone")):
        losing = [name for name, *both in rows if both[side][1] < BAD]
        furniture = [name for name, *both in rows if both[side][0] < BAD]
        print(
            f"{label}: {len(losing)} pages lose more than a fifth of the article"
            + (f" ({', '.join(losing)})" if losing and side == 0 else "")
            + f"; {len(furniture)} read more than a fifth of furniture"
            + (f" ({', '.join(furniture)})" if furniture and side == 0 else "")
        )

    if not options.no_timing:
        _time(saved)


def _time(saved: list[tuple[str, str, str]]) -> None:
    """Print the extraction time per page, ours and trafilatura's alone."""
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


def _mean(rows: list, side: int, which: int) -> float:
    """Mean precision (0), recall (1) or F1 (2) of ours (side 0) or trafilatura alone (side 1)."""
    return statistics.mean(row[1 + side][which] for row in rows)


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

"""How close an extracted article body is to the expected one, and the saved pages to score it on.

In: a page's HTML, or a folder of saved pages (NAME.html with its expected body in NAME.txt, and
NAME.json naming its kind). Out: word-4-gram F1 between two texts; our extractor's body and
trafilatura's alone for comparison. bench/extraction_eval.py reports the figures; the tests hold
the extractor to them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "tests" / "pages"

N = 4


def ngrams(text: str, n: int = N) -> Counter:
    """Count the word n-grams of a text, ignoring case and punctuation."""
    words = re.findall(r"\w+", text.lower())
    return Counter(tuple(words[i : i + n]) for i in range(max(0, len(words) - n + 1)))


def scores(extracted: str, expected: str) -> tuple[float, float, float]:
    """Return the word-4-gram precision, recall and F1 of an extracted body against the expected one.

    Precision is the share of what is read that is the article (low: furniture read out);
    recall the share of the article that is read (low: part of the article lost).
    """
    got, want = ngrams(extracted), ngrams(expected)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def f1(extracted: str, expected: str) -> float:
    """Return the word-4-gram F1 of an extracted body against the expected one."""
    return scores(extracted, expected)[2]


def pages(folder: Path = PAGES) -> list[tuple[str, str, str]]:
    """Return (name, html, expected body) for every saved page in a folder."""
    return [
        (p.stem, p.read_text(encoding="utf-8"), (folder / f"{p.stem}.txt").read_text(encoding="utf-8"))
        for p in sorted(folder.glob("*.html"))
        if (folder / f"{p.stem}.txt").exists()
    ]


def kind(folder: Path, name: str) -> str:
    """The page's kind from NAME.json, for figures per kind."""
    meta = folder / f"{name}.json"
    if meta.exists():
        return json.loads(meta.read_text(encoding="utf-8")).get("kind", "classic article")
    return "classic article"


def ours(html: str) -> str:
    from listen.reading.htmlpage import from_html

    return "\n\n".join(from_html(html).paragraphs)


def ours_or_refused(html: str) -> str | None:
    """Our body, or None when we refuse the page (it then scores 0)."""
    from listen.errors import ListenError

    try:
        return ours(html)
    except ListenError:
        return None


def trafilatura_alone(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=False) or ""

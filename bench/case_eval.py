"""Print per-category pass rates for segmentation and speech normalisation.

Segmentation: exact split of each paragraph in tests/cases/segmentation.yaml (in the case's
`language`, English by default), our rules against NLTK Punkt's pretrained model alone
("raw"; a language Punkt has no model for counts as a miss there).

Normalisation: phoneme agreement on tests/cases/normalization.yaml. espeak-ng turns both
our spoken text and a hand-written reference verbalisation into phonemes
(`espeak-ng -q -x --ipa`); a case passes when the two phoneme strings are equal after
spaces are dropped, stress marks are dropped and clause breaks (espeak-ng's line
breaks) are kept as "|". A case may name its `language` (default en): its normaliser and its
espeak-ng voice are used. The raw engine's score is the text as written against the same
references. A looser figure, similarity ratio >= 0.9 (difflib), is printed beside it.

Held-out sets: `--heldout` evaluates tests/cases/heldout_segmentation.yaml and
tests/cases/heldout_normalization.yaml, cases written without looking at the rules (a
measurement, not a test gate). `--cases DIR_OR_PREFIX` evaluates DIR/segmentation.yaml and
DIR/normalization.yaml, or PREFIXsegmentation.yaml and PREFIXnormalization.yaml.

Usage: python bench/case_eval.py [--verbose] [--heldout | --cases DIR_OR_PREFIX] [--only segmentation]
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from listen.errors import ListenError  # noqa: E402
from listen.text.normalize import to_spoken  # noqa: E402
from listen.text.segment import punkt_sentences, split_sentences  # noqa: E402
from support.espeak import phonemes  # noqa: E402

CASES = ROOT / "tests" / "cases"


def agree(a: str, b: str, language: str = "en") -> tuple[bool, bool]:
    """Compare two texts by their phonemes in a language's voice: (exact, similar)."""
    pa, pb = phonemes(a, language), phonemes(b, language)
    return pa == pb, difflib.SequenceMatcher(None, pa, pb).ratio() >= 0.9


def case_files(spec: str | None) -> tuple[Path, Path]:
    """Return the (segmentation, normalisation) case files for a directory or a file prefix."""
    if spec is None:
        return CASES / "segmentation.yaml", CASES / "normalization.yaml"
    base = Path(spec).resolve()
    if base.is_dir():
        return base / "segmentation.yaml", base / "normalization.yaml"
    return base.with_name(base.name + "segmentation.yaml"), base.with_name(base.name + "normalization.yaml")


def label(path: Path) -> str:
    """A suffix naming a non-default case file in the headings (empty for the default files)."""
    default = path in (CASES / "segmentation.yaml", CASES / "normalization.yaml")
    return "" if default else f" [{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}]"


def segmentation(verbose: bool, path: Path = CASES / "segmentation.yaml") -> None:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    print(f"Segmentation: exact split (ours / raw Punkt){label(path)}")
    total = ours_ok = raw_ok = 0
    for category, items in cases.items():
        ours = raw = 0
        for case in items:
            expect = case["expect"].split(" || ")
            language = case.get("language", "en")
            got = _or_none(split_sentences, case["text"], language)
            ours += got == expect
            raw += _or_none(punkt_sentences, case["text"], language) == expect
            if verbose and got != expect:
                print(f"    FAIL {case['text']!r} -> {got}")
                if label(path):
                    print(f"         expected {expect}")
        print(
            f"  {category:<18} {ours:>2}/{len(items):<2} {ours / len(items):6.0%}   raw {raw / len(items):6.0%}"
        )
        total, ours_ok, raw_ok = total + len(items), ours_ok + ours, raw_ok + raw
    print(f"  {'ALL':<18} {ours_ok:>2}/{total:<2} {ours_ok / total:6.0%}   raw {raw_ok / total:6.0%}\n")


def _or_none(split: Callable[[str, str], list[str]], text: str, language: str) -> list[str] | None:
    """A split, or None (a miss) when the splitter refuses the language."""
    try:
        return split(text, language)
    except ListenError:
        return None


def normalisation(verbose: bool, path: Path = CASES / "normalization.yaml") -> None:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    print(
        f"Normalisation: phoneme agreement with the reference (exact; ratio>=0.9) / raw engine{label(path)}"
    )
    total = [0, 0, 0, 0, 0]
    for category, items in cases.items():
        counts = [0, 0, 0, 0]
        for case in items:
            language = case.get("language", "en")
            spoken = to_spoken(case["text"], language)
            exact, similar = agree(spoken, case["say"], language)
            raw_exact, raw_similar = agree(case["text"], case["say"], language)
            for i, ok in enumerate((exact, similar, raw_exact, raw_similar)):
                counts[i] += ok
            if verbose and not exact:
                print(f"    FAIL {spoken!r} vs {case['say']!r}")
                if label(path):
                    print(f"         from {case['text']!r}{'' if similar else '  (ratio < 0.9)'}")
        n = len(items)
        print(
            f"  {category:<16} {counts[0]:>2}/{n:<2} {counts[0] / n:5.0%}; {counts[1] / n:5.0%}"
            f"   raw {counts[2] / n:5.0%}; {counts[3] / n:5.0%}"
        )
        total = [t + c for t, c in zip(total, [*counts, n], strict=True)]
    n = total[4]
    print(
        f"  {'ALL':<16} {total[0]:>2}/{n:<2} {total[0] / n:5.0%}; {total[1] / n:5.0%}"
        f"   raw {total[2] / n:5.0%}; {total[3] / n:5.0%}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failing case")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--heldout", action="store_true", help="evaluate the held-out case files")
    which.add_argument("--cases", metavar="DIR_OR_PREFIX", help="evaluate other case files")
    parser.add_argument(
        "--only", choices=("segmentation", "normalisation"), help="run one of the two evaluations"
    )
    args = parser.parse_args()
    seg_path, norm_path = case_files(str(CASES / "heldout_") if args.heldout else args.cases)
    if args.only != "normalisation":
        segmentation(args.verbose, seg_path)
    if args.only != "segmentation":
        normalisation(args.verbose, norm_path)

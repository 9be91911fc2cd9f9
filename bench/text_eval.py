"""Score segmentation and speech normalisation on the development sets of real text.

The sets are in ../shared/data (`--data DIR` or LISTEN_DEV_DATA to point elsewhere; see that
folder's README): treebank documents with gold sentence boundaries, and English and Spanish
sentences with their spoken forms.

Segmentation: each paragraph's gold sentences are joined with spaces and split again; a boundary
is a position between sentences (counted in non-space characters), and precision, recall and F1
are over the boundaries inside paragraphs. Edited prose is every GUM document, informal text is
EWT's e-mail, reviews and answers; the rest counts in the overall figure only. Plain NLTK Punkt
on the same text is the baseline.

Normalisation: a sentence is right when espeak-ng's phonemes of our spoken form and of the
reference are alike (difflib ratio >= 0.9, stress marks, pauses and spaces removed). The raw
engine's figure is the written sentence against the same reference. Every changed token is put
in a class by its shape in the written sentence (dates, money, measures...); a class's figure is
the share of the sentences holding such a token that are right, and "found" is the share of
those tokens whose reference phonemes appear in ours. The worst classes are listed with
examples. One espeak-ng library call per text (support/espeak.py's Phonemizer), not a process.

Usage: python bench/text_eval.py [--only segmentation|english|spanish] [--examples N] [--data DIR]
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from listen.errors import ListenError  # noqa: E402
from listen.text.normalize import to_spoken, to_spoken_with_map  # noqa: E402
from listen.text.segment import punkt_sentences, split_sentences  # noqa: E402
from support.espeak import Phonemizer  # noqa: E402

# ../shared/data from the main checkout; a worktree (/work/wt/NAME) finds it one level further up.
_SHARED = next(
    (p / "shared" / "data" for p in ROOT.parents[:2] if (p / "shared" / "data").is_dir()), ROOT.parent
)
DATA = Path(os.environ.get("LISTEN_DEV_DATA", _SHARED))


# --- Segmentation -------------------------------------------------------------------------


@dataclass
class Score:
    """Boundary counts: true positives, what was predicted, what the gold has."""

    hits: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, predicted: set[int], gold: set[int]) -> None:
        self.hits += len(predicted & gold)
        self.predicted += len(predicted)
        self.gold += len(gold)

    def __str__(self) -> str:
        p = self.hits / self.predicted if self.predicted else 1.0
        r = self.hits / self.gold if self.gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}"


def boundaries(sentences: list[str]) -> set[int]:
    """The positions between sentences, counted in non-space characters."""
    ends, total = set(), 0
    for sentence in sentences[:-1]:
        total += len("".join(sentence.split()))
        ends.add(total)
    return ends


def genre(doc_id: str) -> str:
    if doc_id.startswith("GUM_"):
        return "edited"
    if doc_id.startswith(("email-", "reviews-", "answers-")):
        return "informal"
    return "other"


def segmentation(data: Path, examples: int) -> None:
    splitters: dict[str, Callable[[str, str], list[str]]] = {
        "ours": split_sentences,
        "punkt": punkt_sentences,
    }
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    misses: list[tuple[str, list[str], list[str]]] = []
    changed = {name: 0 for name in splitters}  # paragraphs whose characters a splitter altered
    for line in (data / "sbd-dev-en.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        for gold_sentences in doc["paragraphs"]:
            text, gold = " ".join(gold_sentences), boundaries(gold_sentences)
            for name, split in splitters.items():
                got = split(text, "en")
                if "".join("".join(got).split()) != "".join(text.split()):
                    changed[name] += 1
                predicted = boundaries(got)
                for which in ("all", genre(doc["id"])):
                    scores[name, which].add(predicted, gold)
                if name == "ours" and predicted != gold:
                    misses.append((doc["id"], gold_sentences, got))
    print("Sentence boundaries inside paragraphs (sbd-dev-en):")
    for which in ("all", "edited", "informal", "other"):
        print(f"  {which:<9} ours {scores['ours', which]}    punkt {scores['punkt', which]}")
    if any(changed.values()):
        print(f"  (paragraphs whose characters the splitter changed, so boundaries may shift: {changed})")
    for doc_id, gold_sentences, got in misses[:examples]:
        print(
            f"    {doc_id}\n      gold: {' || '.join(gold_sentences)[:300]}\n      ours: {' || '.join(got)[:300]}"
        )
    print()


# --- Normalisation ------------------------------------------------------------------------

MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    "septiembre|setiembre|octubre|noviembre|diciembre"
)
UNITS = (
    "%|km|m|cm|mm|kg|g|mg|lb|lbs|oz|mi|ft|in|yd|mph|km/h|kmh|kph|ha|l|ml|gb|mb|kb|tb|ghz|mhz|hz|kw|mw|w|"
    "v|kv|°c|°f|°|sq|acres|acre|t|kn|hp|cc|bhp|nm|µm|m2|km2|m²|km²|m3|pts"
)
_MONTH = re.compile(rf"^({MONTHS})\.?$", re.IGNORECASE)
_UNIT = re.compile(rf"^({UNITS})\.?$", re.IGNORECASE)


@dataclass
class Seen:
    """A changed token as the classifier sees it: itself, its whitespace-delimited run, the words around it."""

    tok: str
    spoken: str
    run: str
    ctx: str


def _dates(s: Seen) -> bool:
    return bool(
        re.search(rf"\b({MONTHS})\b\.?,?\s+\d|\d(st|nd|rd|th)?\s+(de\s+)?({MONTHS})\b", s.ctx, re.I)
        or re.fullmatch(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}", s.run.strip(",;:.()"))
    )


# Ordered: the first class whose test holds names the token.
_SHAPES: list[tuple[str, Callable[[Seen], bool]]] = [
    ("electronic", lambda s: bool(re.search(r"@|://|^www\.|\w\.(com|org|net|gov|edu|co|io)\b", s.run, re.I))),
    ("money", lambda s: bool(re.search(r"[$£€¥₹₩]|\b(usd|eur|gbp)\b", s.ctx, re.I))),
    ("times", lambda s: bool(re.search(r"\d:\d\d|\d\s?[ap]\.?m\b", s.ctx, re.I))),
    (
        "telephone",
        lambda s: bool(re.fullmatch(r"\+?\(?\d{1,4}\)?([-. ]\(?\d{2,4}\)?){2,4}", s.run.strip(",;:."))),
    ),
    ("dates", _dates),
    # An inch or foot mark sits against its number ("22\"", "6'2\""); a quote after a space closes a title.
    ("measures", lambda s: bool(re.search(rf"\d\s?({UNITS})(\b|$)|\d[\"′″']", s.ctx, re.I))),
    ("fractions", lambda s: bool(re.search(r"\d/\d|[½⅓⅔¼¾⅛]", s.run))),
    ("decimals", lambda s: bool(re.search(r"\d*\.\d+$", s.run.strip("()[],;:")))),
    ("years", lambda s: bool(re.fullmatch(r"1[0-9]\d\d|20\d\d|\d{4}s|'\d\ds", s.tok))),
    (
        "roman numerals",
        lambda s: bool(re.fullmatch(r"[IVXLCDM]+", s.tok) and re.search(r"[a-z]{3}", s.spoken)),
    ),
    ("cardinals/ordinals", lambda s: bool(re.fullmatch(r"[\d,.]+(st|nd|rd|th|º|ª|°|er|o|a)?", s.tok))),
    (
        "codes and identifiers",
        lambda s: bool(re.search(r"\d", s.run) and re.search(r"[A-Za-z]|\d[-/]\d.*[-/]", s.run)),
    ),
    ("letters and abbreviations", lambda s: bool(re.fullmatch(r"[A-Za-zÀ-ÿ.&']+", s.tok))),
]


def classify(written: str, token: dict[str, str], start: int) -> str:
    """Name the class of a changed token by its shape and the words around it."""
    tok, spoken = token["written"], token["spoken"]
    same = spoken.lower().replace(" ", "") == tok.lower().replace(" ", "")
    if same and len(tok) > 1 and not tok.isupper() and not _MONTH.match(tok):
        return "plain words"
    run_start = written.rfind(" ", 0, start) + 1
    run_end = written.find(" ", start + len(tok))
    run = written[run_start : run_end if run_end >= 0 else len(written)]
    # The words within 25 characters either side, less any word the window cuts in two.
    lo, hi = max(0, start - 25), min(len(written), start + len(tok) + 25)
    words = written[lo:hi].split()
    words = words[1 if lo > 0 and not written[lo - 1].isspace() else 0 :]
    words = words[: -1 if hi < len(written) and not written[hi].isspace() and words else len(words)]
    ctx = " ".join(words) or run
    seen = Seen(tok, spoken, run, ctx)
    if _MONTH.match(tok) or not re.search(r"[\w$£€¥%&]", tok):
        return "dates" if _dates(seen) else "symbols and ranges"
    return next((name for name, test in _SHAPES if test(seen)), "other")


@dataclass
class Tally:
    sentences: int = 0
    right: int = 0
    raw_right: int = 0
    tokens: int = 0
    found: int = 0
    raw_found: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        n, t = max(self.sentences, 1), max(self.tokens, 1)
        found = f"   found {self.found / t:6.3f}  raw {self.raw_found / t:6.3f}" if self.tokens else ""
        return (
            f"  {name:<26} {self.sentences:>6}  {self.right / n:6.3f}  raw {self.raw_right / n:6.3f}{found}"
        )


def alike(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.9


def flat(phones: str) -> str:
    return phones.replace(" | ", "")


def located(written: str, tokens: list[dict[str, str]]) -> Iterator[tuple[dict[str, str], int]]:
    """Each token with its position in the sentence, found left to right."""
    cursor = 0
    for token in tokens:
        at = written.find(token["written"], cursor)
        if at < 0:
            at = max(0, written.find(token["written"]))
        else:
            cursor = at + len(token["written"])
        yield token, at


def normalisation(data: Path, language: str, examples: int) -> None:
    path = data / f"tn-dev-{language}.jsonl"
    phonemes = cached(Phonemizer(language))
    isolated = Isolated()
    classes: dict[str, Tally] = defaultdict(Tally)
    overall = Tally()
    errors = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        written, reference = item["written"], item["spoken"]
        try:
            ours, spans = to_spoken_with_map(written, language)
        except ListenError:
            ours, spans, errors = "", [], errors + 1
        p_ref, p_ours, p_raw = (flat(phonemes(text)) for text in (reference, ours, written))
        right, raw_right = alike(p_ours, p_ref), alike(p_raw, p_ref)
        overall.sentences += 1
        overall.right += right
        overall.raw_right += raw_right
        seen: set[str] = set()
        for token, at in located(written, item["tokens"]):
            name = classify(written, token, at)
            tally = classes[name]
            said = flat(phonemes(token["spoken"]))
            tally.tokens += 1
            tally.found += said in p_ours
            tally.raw_found += said in p_raw
            if name in seen:
                continue
            seen.add(name)
            tally.sentences += 1
            tally.right += right
            tally.raw_right += raw_right
            if not right and said not in p_ours:
                window = written[max(0, at - 30) : at + len(token["written"]) + 30]
                tally.failures.append(
                    f"{window!r}\n        ref: {token['spoken']!r}\n        ours: {_around(ours, window, language)!r}"
                )
        if language == "en":
            for unit in units(written, item["tokens"]):
                isolated.add(unit, written, ours, spans, (phonemes, language, item["tokens"]))
    print(f"Normalisation, {path.name}: sentences right by sound (ratio >= 0.9) / raw engine; tokens found")
    print(overall.line("ALL"))
    if errors:
        print(f"  ({errors} sentences raised an error)")
    ranked = sorted(classes.items(), key=lambda kv: kv[1].right / max(kv[1].sentences, 1))
    for name, tally in ranked:
        print(tally.line(name))
    if examples:
        print("  Worst classes, with examples of tokens not found in ours:")
        for name, tally in ranked[:5]:
            print(f"    {name}:")
            for failure in tally.failures[:examples]:
                print(f"      {failure}")
    print()
    if isolated.classes:
        isolated.report(examples)


# --- Semiotic tokens on their own ----------------------------------------------------------


@dataclass
class Unit:
    """A semiotic token: a run of changed tokens of one class with only blanks or commas between
    ("4 March 2014", "$ 5 million"), as the reference says it."""

    name: str
    start: int
    end: int
    spoken: list[str]


def units(written: str, tokens: list[dict[str, str]]) -> list[Unit]:
    """The sentence's changed tokens, neighbours joined into one semiotic token when they are of
    one class or one of them is a bare symbol ("1897 - 1898", "2. 02%", "4 March 2014")."""
    out: list[Unit] = []
    last_symbol = False
    for token, at in located(written, tokens):
        name, end = classify(written, token, at), at + len(token["written"])
        symbol = not re.search(r"\w", token["written"])
        last = out[-1] if out else None
        joined = last and (last.name == name or symbol or last_symbol)
        if last and joined and last.end <= at and re.fullmatch(r"[\s,]{0,3}", written[last.end : at]):
            last.end = end
            last.spoken.append(token["spoken"])
            if token["spoken"] == "to":
                last.name = "ranges"
            elif last.name in _VAGUE and not symbol:
                last.name = name
        else:
            out.append(Unit(name, at, end, [token["spoken"]]))
        last_symbol = symbol
    return out


_VAGUE = ("symbols and ranges", "other")


@dataclass
class Agreement:
    units: int = 0
    isolated: int = 0
    context: int = 0
    raw: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        n = max(self.units, 1)
        return (
            f"  {name:<26} {self.units:>6}  alone {self.isolated / n:6.3f}  in context {self.context / n:6.3f}"
            f"  raw {self.raw / n:6.3f}"
        )


class Isolated:
    """Phoneme agreement of each semiotic token, normalised on its own and read in its sentence."""

    def __init__(self) -> None:
        self.classes: dict[str, Agreement] = defaultdict(Agreement)

    def add(
        self,
        unit: Unit,
        written: str,
        ours: str,
        spans: list[tuple[int, int, int, int]],
        how: tuple[Callable[[str], str], str, list[dict[str, str]]],
    ) -> None:
        phonemes, language, tokens = how
        text = written[unit.start : unit.end]
        try:
            alone = to_spoken(text, language)
        except ListenError:
            alone = ""
        reference = alone_reference = flat(phonemes(" ".join(unit.spoken)))
        # In context: what our reading of the sentence says for the token. A rewrite that took in
        # more than the token ("1988 - 89" said as one range) widens it, and the reference with it.
        start, end, said_start, said_end = unit.start, unit.end, len(ours), 0
        for _s0, _s1, a, b in spans:
            if (a < end and b > start) or (a == b and start <= a < end):
                start, end = min(start, a), max(end, b)
        for s0, s1, a, b in spans:
            if (a < end and b > start) or (a == b and start <= a < end):
                said_start, said_end = min(said_start, s0), max(said_end, s1)
        in_context = ours[said_start:said_end] if said_end > said_start else ""
        if (start, end) != (unit.start, unit.end):
            reference = flat(phonemes(_reference_between(written, start, end, tokens)))
        tally = self.classes[unit.name]
        tally.units += 1
        ok_alone = alike(flat(phonemes(alone)), alone_reference)
        tally.isolated += ok_alone
        tally.context += alike(flat(phonemes(in_context)), reference)
        tally.raw += alike(flat(phonemes(text)), alone_reference)
        if not ok_alone:
            tally.failures.append(f"{text!r} ref {' '.join(unit.spoken)!r} ours {alone!r}")

    def report(self, examples: int) -> None:
        total = Agreement()
        for tally in self.classes.values():
            total.units += tally.units
            total.isolated += tally.isolated
            total.context += tally.context
            total.raw += tally.raw
        print(
            "Semiotic tokens (adjacent changed tokens of a class joined), phoneme agreement (ratio >= 0.9):"
        )
        print(total.line("ALL"))
        ranked = sorted(self.classes.items(), key=lambda kv: kv[1].isolated / max(kv[1].units, 1))
        for name, tally in ranked:
            print(tally.line(name))
        if examples:
            print("  Worst classes alone, with examples:")
            for name, tally in ranked[:6]:
                print(f"    {name}:")
                for failure in tally.failures[: examples * 2]:
                    print(f"      {failure}")
        print()


def _reference_between(written: str, start: int, end: int, tokens: list[dict[str, str]]) -> str:
    """The reference's words for written[start:end]: its changed tokens as spoken, the rest as written."""
    out, cursor = [], start
    for token, at in located(written, tokens):
        if at < start or at + len(token["written"]) > end or at < cursor:
            continue
        out += [written[cursor:at], token["spoken"]]
        cursor = at + len(token["written"])
    out.append(written[cursor:end])
    return " ".join(part.strip() for part in out if part.strip())


def cached(phonemes: Callable[[str], str]) -> Callable[[str], str]:
    """The same phonemes for the same text, computed once (years and letters repeat a lot)."""
    memo: dict[str, str] = {}

    def call(text: str) -> str:
        if text not in memo:
            memo[text] = phonemes(text)
        return memo[text]

    return call


def _around(spoken: str, window: str, language: str) -> str:
    """Our reading of the words around a token (the whole sentence is too long to show)."""
    try:
        return to_spoken(window, language)
    except ListenError as error:
        return f"<{error}>"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("segmentation", "english", "spanish"))
    parser.add_argument("--examples", type=int, default=3, help="failing examples to show per class")
    parser.add_argument("--data", type=Path, default=DATA, help="the development sets' folder")
    args = parser.parse_args()
    if not (args.data / "sbd-dev-en.jsonl").exists():
        sys.exit(f"No development sets in {args.data}: pass --data DIR or set LISTEN_DEV_DATA.")
    if args.only in (None, "segmentation"):
        segmentation(args.data, args.examples)
    if args.only in (None, "english"):
        normalisation(args.data, "en", args.examples)
    if args.only in (None, "spanish"):
        normalisation(args.data, "es", args.examples)

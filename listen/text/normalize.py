"""What the engine is given: a sentence as a careful newsreader would say it.

espeak-ng reads "DEA" as one syllable, "$2.00" as "dollar two point zero zero" and
pauses after "Dr." and "U.S."; each pass below rewrites one kind of thing into
plain words it says right. The output is plain text (no SSML) for espeak-ng.

Spanish gets only the passes that beat the engine's own reading, and German, French, Portuguese
and Italian a few passes before these rules (listen/text/passes.py: PASSES, BEFORE_RULES).
A language without a normaliser of its own (listen/text/language.py: NORMALISED) gets only
language-neutral cleanups (quotes, dashes, invisible characters): espeak-ng reads its numbers
and dates natively, and no English word is ever put into it.

Every pattern here runs in time linear in the sentence: a pattern may start only where a run
of its characters starts, quantifiers that could rescan a long word are bounded, and a rule
that looks at the word before a match looks back a bounded stretch (issue 15).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from listen.text.numbers import (
    LANGUAGES,
    MONTHS,
    UNITS,
    WORDS,
    british_english,
    cardinal,
    model_variants,
    ordinal,
    verbalize_mapped,
)
from listen.text.passes import BEFORE_RULES, PASSES, STEPS, Step
from listen.text.textmap import MappedText, Span
from listen.text.wordlists import word_list, word_table

if TYPE_CHECKING:
    from listen.text.lexicon import Lexicon

__all__ = ["ACRONYM_WORDS", "LANGUAGES", "spell", "to_spoken", "to_spoken_with_map"]

# All-capital words read as words, whatever the pronounceability rule says.
# fmt: off
ACRONYM_WORDS = {
    "NASA", "NATO", "UNESCO", "UNICEF", "OPEC", "FIFA", "UEFA", "AIDS", "COVID", "NAFTA", "ASEAN",
    "INTERPOL", "SWAT", "ICE", "ISIS", "SARS", "MERS", "FEMA", "DARPA", "CERN", "LASER", "RADAR",
    "SCUBA", "GIF", "OSHA", "MERCOSUR", "ALBA", "FARC", "ELN", "EFTA", "EURO", "TASS", "ANSA",
    "UNAMA", "UNHCR", "MAGA", "NIMBY", "SEAL", "SEALS", "CAT", "PIN", "OK",
}
# fmt: on
# Respellings for those of them espeak-ng says wrong as written ("Unesco" as "un-esco").
ACRONYM_SAY = {"UNESCO": "Yoonesco", "FEMA": "Feema", "UEFA": "Yoo-aifa", "COVID": "Kohvid"}
# ...and these are spelled out even though they look pronounceable.
ACRONYM_LETTERS = {
    "DEA",
    "USA",
    "FBI",
    "CIA",
    "IMF",
    "EU",
    "UN",
    "UK",
    "US",
    "CEO",
    "NGO",
    "BBC",
    "CNN",
    "AP",
    "AFP",
    "OAS",
    "OECD",
    "NYPD",
    "LAPD",
    "IRS",
    "NBA",
    "NFL",
    "GOP",
    "DOJ",
    "WHO",
}
# Time zones are said as letters, never as words ("CEST" is not "sest").
# fmt: off
TIME_ZONES = {"UTC", "GMT", "BST", "IST", "CET", "CEST", "EET", "EEST", "MSK", "EST", "EDT", "CST",
              "CDT", "MST", "MDT", "PST", "PDT", "AKST", "AKDT", "HST", "ADT", "NST", "NDT", "ET", "CT", "MT",
              "PT", "AEST", "AEDT", "ACST", "ACDT", "AWST", "NZST", "NZDT", "JST", "KST", "HKT", "SGT", "WIB", "SAST",
              "WAT", "EAT", "BRT"}
# fmt: on
ACRONYM_LETTERS |= TIME_ZONES
# Onsets English words may start with; an acronym starting otherwise is spelled ("NCAA").
_ONSETS = {
    "bl",
    "br",
    "ch",
    "cl",
    "cr",
    "dr",
    "fl",
    "fr",
    "gl",
    "gr",
    "pl",
    "pr",
    "sc",
    "sh",
    "sk",
    "sl",
    "sm",
    "sn",
    "sp",
    "st",
    "sw",
    "th",
    "tr",
    "tw",
    "wh",
    "wr",
    "kn",
    "ph",
    "qu",
}
_VOWELS = set("AEIOUY")

# fmt: off
TITLES_EN = {
    "Dr": "Doctor", "Mr": "Mister", "Mrs": "Missiz", "Ms": "Miz", "Prof": "Professor", "Gen": "General",
    "Sen": "Senator", "Rep": "Representative", "Gov": "Governor", "Lt": "Lieutenant", "Col": "Colonel",
    "Sgt": "Sergeant", "Capt": "Captain", "Cmdr": "Commander", "Adm": "Admiral", "Maj": "Major",
    "Rev": "Reverend", "Hon": "Honourable", "Pres": "President", "Supt": "Superintendent",
    "Mt": "Mount", "Ft": "Fort", "Messrs": "Messieurs",
}
# fmt: on
SUFFIXES_EN = {
    "Jr": "Junior",
    "Sr": "Senior",
    "Inc": "Incorporated",
    "Ltd": "Limited",
    "Corp": "Corporation",
    "Co": "Company",
    "Bros": "Brothers",
    "Ave": "Avenue",
    "Blvd": "Boulevard",
    "Rd": "Road",
}
# fmt: off
PHRASES_EN = {"e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus", "vs": "versus",
              "approx.": "approximately", "est.": "established", "dept.": "department", "cf.": "compare",
              "et al.": "and others", "a.k.a.": "also known as", "aka": "also known as", "&c.": "et cetera",
              "C++": "C plus plus", "w/o": "without", "w/": "with", "b/c": "because", "y/y": "year on year",
              "q/q": "quarter on quarter", "m/m": "month on month", "YoY": "year on year", "yoy": "year on year",
              "Covid": "Kohvid"}
# fmt: on
# "c. 1850": circa, before a year only (elsewhere "c." is an initial).
_CIRCA = re.compile(r"(?<![\w.])(?:c|ca)\.(?= \d{3,4}\b)")
# Before a year or a number, the abbreviations of reference works: "(b. 1808, d. 1875)", "r. 1509-47", "vol. 6",
# "pg. 83".
_BEFORE_YEAR = {"b": "born", "d": "died", "fl": "flourished", "r": "reigned"}
_YEAR_ABBREVIATIONS = re.compile(r"(?<![\w.])(b|d|fl|r)\.(?= ?\d{3,4}\b)")
_BEFORE_NUMBER = {
    "vol": "volume",
    "vols": "volumes",
    "pg": "page",
    "pgs": "pages",
    "ch": "chapter",
    "fig": "figure",
    "apt": "apartment",
    "ste": "suite",
    "bldg": "building",
    "rm": "room",
}
_NUMBER_ABBREVIATIONS = re.compile(
    r"(?<![\w.])(vols?|pgs?|ch|fig|Vols?|Ch|Fig|Apt|apt|Ste|Bldg|Rm)\.?(?= ?\d| [IVXLC]{1,8}\b(?!'))"
)
# fmt: off
TITLES = {
    "es": {"Sr": "señor", "Sra": "señora", "Srta": "señorita", "Dr": "doctor", "Dra": "doctora", "Ud": "usted"},
    "de": {"Dr": "Doktor", "Prof": "Professor", "Hr": "Herr", "Fr": "Frau"},
    "fr": {"M": "monsieur", "Mme": "madame", "Mlle": "mademoiselle", "Dr": "docteur", "Pr": "professeur"},
    "pt": {"Sr": "senhor", "Sra": "senhora", "Dr": "doutor", "Dra": "doutora"},
    "it": {"Sig": "signor", "Sig.ra": "signora", "Dott": "dottor", "Prof": "professor"},
}
# fmt: on
# fmt: off
PHRASES = {
    "es": {"etc.": "etcétera", "p. ej.": "por ejemplo", "EE.UU.": "Estados Unidos", "EE. UU.": "Estados Unidos"},
    "de": {"z.B.": "zum Beispiel", "z. B.": "zum Beispiel", "usw.": "und so weiter", "bzw.": "beziehungsweise",
           "d.h.": "das heißt", "ca.": "circa", "u.a.": "unter anderem", "vgl.": "vergleiche"},
    "fr": {"etc.": "et cetera", "c.-à-d.": "c'est-à-dire", "p. ex.": "par exemple"},
    "pt": {"etc.": "etcétera", "p. ex.": "por exemplo", "EUA": "Estados Unidos"},
    "it": {"ecc.": "eccetera", "ad es.": "ad esempio"},
}
# fmt: on

# Headings whose numerals are counted ("Appendix II", "Table IV"), but after which a lone letter is a
# letter: "Appendix C", "Exhibit D", "Table C".
_LETTERED = {"Appendix", "Annex", "Exhibit", "Plate", "Figure", "Fig", "Table", "Lesson", "Unit", "Module"}
# Roman numerals after these words are counted ("World War two", "Chapter four", "vol. twenty-three");
# after a ruler's name, ranked ("Henry the eighth"). Compared capitalised: "CHAPTER IV", "vol XIII".
# fmt: off
_ROMAN_CARDINAL_AFTER = _LETTERED | {
    "War", "Bowl", "Bowls", "Chapter", "Chap", "Ch", "Part", "Pt", "Volume", "Vol", "Book", "Bk", "Act", "Scene",
    "Canto", "Psalm", "Tomo", "Tome", "Phase", "Episode", "Ep", "Article", "Art", "Title", "Section", "Sec",
    "Schedule", "Class", "Type", "Stage", "Level", "Tier", "Round", "Grade", "Category", "Division", "League",
    "Series", "Mark", "Symphony", "Movement", "Sonata", "Op", "Apollo", "Vatican", "Rocky", "Trek", "Wars",
    "Fantasy", "Slam", "WrestleMania", "Wrestlemania",
}
# fmt: on
# Before these words a numeral ranks the unit it names: "XXVI Corps" is "twenty-sixth Corps".
_ROMAN_ORDINAL_BEFORE = re.compile(
    r" (?:Corps|Army|Armies|Legion|Dynasty|Panzer|Air Force|Fleet|Division|Brigade|Congress|Olympiad|Amendment)\b"
)
# All-capital words that are valid numerals but mean something else on their own ("a CV", "an IV drip").
_ROMAN_NOT_ALONE = {
    "CV",
    "CC",
    "CI",
    "LI",
    "XL",
    "XXL",
    "XX",
    "XXX",
    "IV",
    "VC",
    "LC",
    "XC",
    "IC",
    "CL",
    "LL",
    "CCC",
    "LIV",
    "CLI",
    "MIX",
}
# fmt: off
_REGNAL_NAMES = {
    "Leo", "John", "Paul", "Benedict", "Pius", "Gregory", "Innocent", "Clement", "Urban", "Boniface", "Sixtus",
    "Henry", "Edward", "George", "William", "Charles", "Elizabeth", "Louis", "Richard", "James", "Mary",
    "Philip", "Felipe", "Carlos", "Juan", "Napoleon", "Alexander", "Nicholas", "Peter", "Catherine", "Frederick",
    "Ramses", "Alfonso", "Olaf", "Harald", "Haakon", "Gustav", "Carl", "Willem", "Rama", "Mohammed", "Hassan",
    "Abdullah", "Constantine", "Justinian", "Victor", "Emmanuel", "Umberto", "Ferdinand", "Isabella", "Francis",
    "Stephen", "Anne", "Victoria", "Wilhelm", "Friedrich", "Ludwig", "Otto", "Pedro", "João", "Manuel", "Henri",
    "Léon", "Jean", "Pie", "Benoît", "León", "Juan Pablo", "Pablo", "Benedicto", "Ramesses", "Rameses",
    "Napoléon", "Ptolemy", "Amenhotep", "Thutmose", "Seti", "Darius", "Xerxes", "Antiochus", "Cleopatra", "Sancho", "Ivan",
    "Casimir", "Sigismund", "Valdemar", "Christian", "Eric", "Erik", "Magnus", "Malcolm", "Robert", "David",
    "Alexios", "Michael", "Basil", "Leopold", "Maximilian", "Rudolf", "Celestine", "Adrian",
}
# fmt: on
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def to_spoken(sentence: str, language: str = "en") -> str:
    """Rewrite a sentence into the words a careful newsreader would say."""
    return to_spoken_with_map(sentence, language)[0]


def to_spoken_with_map(
    sentence: str, language: str = "en", lexicon: Lexicon | None = None, phonemes: bool | str | None = False
) -> tuple[str, list[Span]]:
    """Say a sentence (after the lexicon's rules, if given) and map the result back to it.

    The language may be a full tag ("en-GB", "es_MX"): the rules are the base language's, and
    English outside North America keeps the "and" in its numbers ("one hundred and five") and
    says "kilometre" as the British do.
    The spans (spoken_start, spoken_end, text_start, text_end) cover the spoken text in
    order, monotonic and not overlapping in the sentence: unchanged text maps character
    for character, a rewritten token ("$2.00" -> "two dollars") maps as a whole.
    """
    tag = (language or "en").strip().lower().replace("_", "-")
    base, _, region = tag.partition("-")
    with british_english(base == "en" and region.split("-")[0] in _BRITISH_REGIONS):
        return _spoken(sentence, base, lexicon, phonemes)


# Regions whose English says "one hundred and five" (the British way); the rest, as the United
# States and Canada do, "one hundred five" (Kestrel's and American news readers' way).
_BRITISH_REGIONS = {"gb", "uk", "au", "ie", "nz", "za", "in", "sg", "hk", "mt", "pk", "ng", "ke", "gh", "jm"}


def _spoken(
    sentence: str, language: str, lexicon: Lexicon | None, phonemes: bool | str | None
) -> tuple[str, list[Span]]:
    t = MappedText(sentence)
    shouting = language == "en" and _shouting(
        sentence
    )  # judged on the text as written, before words are added
    if lexicon is not None:
        t.edit(lexicon.edits(sentence, language, phonemes), freeze=_is_phoneme_input)
    # An article's own "[[" must not reach espeak-ng as phoneme input.
    t.sub(r"\[\[|\]\]", lambda m: m.group(0)[0])
    t.sub(r"\s{2,}", " ")  # one space between words: no later pattern meets a long run of blanks
    if language in PASSES:
        _measured_passes(t, language)
        return _finish(t)
    for name in BEFORE_RULES.get(language, ()):  # the classes our rules misread in this language
        STEPS[name](t, language)
    if language == "en":
        _capital_abbreviations(t)  # "DR. SMITH", "NO. 5": the rules below know "Dr.", "No."
        _primes(t)  # before the quotes they look like are dropped
        _equations(t)  # before a spaced "-" is taken for a dash
        model_variants(t)  # "Boeing 747-400", before a spaced "747 - 400" looks the same
        t.sub(r"(?<=\d) - (?=\d)", "-")  # "1992 - 93", "pp. 10 - 12": a range, not a pause
        t.sub(
            r"(?:(?<=\d[aApP][mM])|(?<=\d [aApP][mM])|(?<=[aApP]\.[mM]\.))(?: - | ?[–—] ?)(?=\d)", "-"
        )  # "9 am - 5 pm"
        t.sub(_WORLD_WAR, lambda m: "W W " + ("one" if m.group(1) in ("I", "1") else "two"))
        _weekdays(t)  # before a dash between them is taken for a pause, and the dates after them are said
        _spaced_decimals(t)
    _typography(t)
    if language not in LANGUAGES:
        # No normaliser for this language: espeak-ng reads its numbers, dates and symbols natively.
        # Only language-neutral cleanups, so no English word ever reaches another language.
        _neutral_symbols(t)
        return _finish(t)
    _links(t, language)
    if language == "en":
        t.sub(_CIRCA, "circa")  # before the year it stands before is said
        t.sub(_YEAR_ABBREVIATIONS, lambda m: _BEFORE_YEAR[m.group(1)])
        t.sub(_NUMBER_ABBREVIATIONS, lambda m: _BEFORE_NUMBER[m.group(1).lower()])
    verbalize_mapped(t, language)
    t.sub(r"\b([ap]\.m\.)\.", r"\1")  # "9am." became "nine a.m.."
    if language == "en":
        _regions(t)
    _phrases(t, language)
    _dotted_acronyms(t, spaced=language == "en")
    _titles(t, language)
    _roman_numerals(t, language)
    if language == "en":
        _acronyms(t, shouting)
        _letter_runs(t)
    _symbols(t, language)
    return _finish(t)


# Text re-joined from tokens splits a decimal at its point: "88. 6 per square mile", "1. 05%",
# "hitting. 254". A number of at most three figures, a point and one to three figures, then what
# follows a quantity (a percent sign, a unit, a word in lower case, a bracket, a dash or a slash, or
# the end) is a decimal; a sentence that ends on such a number seldom starts the next with figures
# and a lower-case word. A year ("in 2010. 5 people") has four figures and is left alone.
_SPACED_DECIMAL = re.compile(
    r"(?<![\w.,])(\d{1,3})\. (?=\d{1,3}(?:%| ?(?:"
    + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
    + r")(?![\w/])| [a-z(]|[,;)\"”]| ?[-–/]| ?$))"
)
# ...and "a. 36 caliber", "to. 267": a leading point after a small word no sentence ends with.
_SPACED_POINT = re.compile(
    r"\b(a|an|to|of|at|with|hitting|hit|batted|batting|and|his|her|from)\. (?=\d{2,3}\b(?![.,]\d))"
)


def _spaced_decimals(t: MappedText) -> None:
    """Join a decimal split at its point ("88. 6" is 88.6, "to. 267" is "to .267")."""
    if ". " not in t.text:
        return
    t.sub(_SPACED_DECIMAL, r"\1.")
    t.sub(_SPACED_POINT, r"\1 .")


# Abbreviations with their dot, as a headline in capitals writes them, and how the rules know them.
# fmt: off
_CAPITAL_ABBREVIATIONS = {
    "DR": "Dr", "MR": "Mr", "MRS": "Mrs", "ST": "St", "NO": "No", "FT": "Ft", "MT": "Mt", "GOV": "Gov",
    "SEN": "Sen", "REP": "Rep", "GEN": "Gen", "COL": "Col", "LT": "Lt", "CAPT": "Capt", "SGT": "Sgt",
    "PROF": "Prof", "REV": "Rev", "VOL": "vol", "CH": "ch", "PP": "pp", "APT": "Apt", "JR": "Jr", "SR": "Sr",
    "INC": "Inc", "CORP": "Corp", "CO": "Co", "LTD": "Ltd", "AVE": "Ave", "BLVD": "Blvd", "RD": "Rd",
}
# fmt: on
_CAPITAL_ABBREVIATION = re.compile(
    r"(?<![\w.])(" + "|".join(sorted(_CAPITAL_ABBREVIATIONS, key=len, reverse=True)) + r")\.(?=[\s,;:)]|$)"
)


def _capital_abbreviations(t: MappedText) -> None:
    """ "DR. SMITH", "NO. 5 SEED", "ACME CORP.": an abbreviation in capitals is the abbreviation."""
    t.sub(_CAPITAL_ABBREVIATION, lambda m: _CAPITAL_ABBREVIATIONS[m.group(1)] + ".")


def _measured_passes(t: MappedText, language: str) -> None:
    """Only the passes that beat the engine's own reading of real text (listen/text/passes.py)."""
    shared: dict[str, Step] = {"links": _links}  # passes this module keeps for every language
    for name in PASSES[language]:
        (STEPS.get(name) or shared[name])(t, language)
    _typography(t)
    _neutral_symbols(t)


def _finish(t: MappedText) -> tuple[str, list[Span]]:
    t.sub(r"\s+", " ")
    t.sub(r"^\s+|(?<=\S)\s+$", "")  # str.strip(), keeping the map (anchored: no rescan of every blank)
    return t.text, t.spans()


def _is_phoneme_input(text: str) -> bool:
    return text.startswith("[[") and text.endswith("]]")


# An emoticon standing alone: espeak-ng says ":D" as "colon D" and "<3" would be read "three". It takes
# the blank before it, so no long run of blanks is left for the patterns after it to rescan.
_EMOTICON = re.compile(
    r"(?:^|(?<=\S)\s)(?:[:;=][-'^o]?[()\[\]DPpOo/\\|*@$]{1,3}|<3{1,3}|\^_*\^|xD{1,3}|:'\()(?=[\s.,!?]|$)"
)


def _typography(t: MappedText) -> None:
    """Drop marks that must not be read aloud: curly quotes, dashes, invisible characters, emoticons."""
    t.sub(r"[\u00ad\u200b\u200c\u200d\ufeff]", "")
    if ":" in t.text or ";" in t.text or "<" in t.text or "^" in t.text or "xD" in t.text or "=" in t.text:
        t.sub(_EMOTICON, "")
    t.replace("\u00a0", " ")
    t.replace("\u202f", " ")
    t.sub(r"(?<=\w)[’‘ʼ](?=\w)", "'")  # apostrophes inside words stay, straight
    t.sub(r"(?<=s)’(?=\s|$)", "'")  # "Morales’ party"
    t.sub(r"[“”„«»‹›\"‘’]", "")
    t.sub(r"(?<=\d)\s?[–—]\s?(?=\d)", "-")  # en dash in a range reads "to" later
    t.sub(r"\s*[—–]\s*|\s+-{1,2}\s+", ", ")  # a dash is a pause, not a word
    t.replace("…", "...")
    t.replace("−", "-")


_COMPASS = {"N": "north", "S": "south", "E": "east", "W": "west"}
# 40°26′46″N: degrees, minutes and seconds of arc.
_ARC = re.compile(r"(\d{1,3})° ?(\d{1,2})['′’] ?(?:(\d{1,2}(?:\.\d{1,3})?)[\"″”]?)? ?([NSEW])?(?![\w'’′])")
# 6'2", 5′ 11″, 6 '2: feet and inches.
_FEET_INCHES = re.compile(r"(?<![\w.'’])(\d{1,2})['′’] ?(\d{1,2}(?:\.\d)?)[\"″”]?(?![\w'’′″])")
# 22", 1.5″, 8 x 10": inches; a straight quote after a number only where it closes no quotation.
_INCHES = re.compile(r"(?<![\w./])(\d{1,4}(?:\.\d{1,2}|/\d{1,2})?)(\"| ?″)(?![\w\"'])")
# 6' tall, 30′: feet.
_FEET = re.compile(
    r"(?<![\w.'’])(\d{1,4})(?:′|['’](?= (?:tall|high|long|wide|deep|away|below|above|under)\b))"
)


def _primes(t: MappedText) -> None:
    """Say the marks of feet, inches and minutes of arc that look like quotes: 6'2" is "6 feet 2 inches"."""
    if not _DIGIT.search(t.text):
        return

    def arc(m: re.Match) -> str:
        said = f"{m.group(1)} degrees {m.group(2)} minutes"
        said += f" {m.group(3)} seconds" if m.group(3) else ""
        return said + (f" {_COMPASS[m.group(4)]}" if m.group(4) else "")

    # A straight double quote closes a quotation when the sentence has an even number of them
    # (counted once here: counting at every match would be quadratic).
    quotation = t.text.count('"') % 2 == 0 and not _DIMENSION.search(t.text)

    def inches(m: re.Match) -> str:
        if m.group(2) == '"' and quotation:
            return m.group(0)
        if _TIMES_NEXT.match(m.string, m.end()):
            return m.group(1)  # 8" x 10": the unit is said once, after the last number
        attributive = _NOUN_NEXT.match(m.string, m.end()) and not _NOT_NOUN.match(m.string, m.end())
        if "/" in m.group(1):  # 3/4": the number rules say "three quarters of an inch"
            return f"{m.group(1)}{'-' if attributive else ' '}in."
        return (
            f"{m.group(1)} {'inch' if m.group(1) == '1' or attributive else 'inches'}"  # "a 22-inch monitor"
        )

    t.sub(_ARC, arc)
    t.sub(_FEET_INCHES, lambda m: f"{m.group(1)} {'foot' if m.group(1) == '1' else 'feet'} {m.group(2)}")
    t.sub(_INCHES, inches)
    t.sub(_FEET, lambda m: f"{m.group(1)} {'foot' if m.group(1) == '1' else 'feet'}")
    if t.text.count("'") == 1:  # "6'" with no quotation or apostrophe about: feet
        t.sub(_LONE_FEET, lambda m: f"{m.group(1)} {'foot' if m.group(1) == '1' else 'feet'}")


_DIGIT = re.compile(r"\d")
_LONE_FEET = re.compile(r"(?<![\w.'’])(\d{1,4})'(?![\w'])")
_DIMENSION = re.compile(r"\d[\"″]? ?[x×] ?\d")
_TIMES_NEXT = re.compile(r" ?[x×] ?\d")
_NOUN_NEXT = re.compile(r" [A-Za-z]")
_NOT_NOUN = re.compile(
    r" (?:and|or|of|in|into|by|x|tall|long|wide|high|deep|thick|across|away|from|to|with|at|on|is|was|are|were"
    r"|than|for|per|each|apart|below|above|under|over)\b"
)


# "WWII", "WW2", "WW I": "W W two", before "WWII" is spelled "W W I I".
_WORLD_WAR = re.compile(r"(?<![\w.-])WW ?(II|I|2|1)(?![\w'’-])")

# An equation: an operand, "=", an operand ("2 + 2 = 4", "E = mc^2", "x = 5").
_EQUATION = re.compile(r"(?:\d|\b[A-Za-z]\b|\)) ?= ?(?:\d|[A-Za-z]{1,3}\b|\(|-)")
_OPERATOR = re.compile(r"(?<=[\w)]) ?([-−+×*÷/]) ?(?=[\w(])")
_OPERATOR_WORDS = {
    "-": "minus",
    "−": "minus",
    "+": "plus",
    "×": "times",
    "*": "times",
    "÷": "divided by",
    "/": "divided by",
}


def _equations(t: MappedText) -> None:
    """In a sentence with an equation, say its operators: "5 - 3 = 2" is "5 minus 3 equals 2"."""
    if not _EQUATION.search(t.text):
        return
    t.sub(r"(?<![\w.])([a-z])([a-z])(?=\^)", r"\1 \2")  # "mc^2" is m c squared
    t.sub(r"(?<=\d) [x×] (?=\d)", " times ")  # "3 x 4 = 12": a product, not a size
    t.sub(r"(?<=\w)\^2\b", " squared")
    t.sub(r"(?<=\w)\^3\b", " cubed")
    t.sub(r"(?<=\w)\^(?=\d)", " to the power of ")
    t.sub(r"(?<![\w.])(\d{1,6})([a-z])\b", r"\1 \2")  # "2x" is two x, not two times
    t.sub(_OPERATOR, lambda m: f" {_OPERATOR_WORDS[m.group(1)]} " if _spaced_or_math(m) else m.group(0))
    t.sub(r" ?(?<![=<>!])=(?!=) ?", " equals ")


def _spaced_or_math(m: re.Match) -> bool:
    """An operator is said when spaced ("5 - 3") or a product between digits ("3*4"); "10-20" stays a range."""
    text = m.group(0)
    if text.startswith(" "):
        return True
    return m.group(1) in "+×*÷" and m.string[m.start() - 1].isdigit() and m.string[m.end()].isdigit()


def _links(t: MappedText, language: str) -> None:
    """Read URLs, e-mails and file paths with "dot" and "slash": "example dot com slash news"."""
    words = WORDS[language]

    def url(m: re.Match) -> str:
        address, query, _ = re.sub(r"^(?:https?://)?(?:www\.)?", "", m.group(0)).partition("?")
        host, _, path = address.partition("/")
        if query:  # a tracking link: the site it goes to, not its hosts for clicks or its path
            return _said_host(_site(host), language)
        return f"{_said_host(host, language)}{_said_path(path, language)}"

    def email(m: re.Match) -> str:
        user = re.sub(r"[._+-]", lambda c: f" {_MARKS[c.group(0)].get(language, words['dot'])} ", m.group(1))
        return f"{user} {words['at']} {_said_host(m.group(2), language)}"

    # Each pattern starts only at the start of a run of its characters, so none rescans a long word.
    t.sub(r"(?<![\w.+-])([\w.+-]{1,64})@([\w-]{1,63}(?:\.[\w-]{1,63}){1,8})", email)
    t.sub(r"(?:https?://|www\.)\S*[^\s.,;:!?)\"'”’]", url)
    # A bare domain, with or without a path: "bbc.co.uk/news", "example.org".
    t.sub(
        rf"(?<![\w@/.-])(?:[A-Za-z\d][A-Za-z\d-]{{0,62}}\.){{1,6}}(?:{_TLDS})(?:/\S*[^\s.,;:!?)\"'”’])?(?![\w/]|\.\w)",
        url,
    )
    # File paths: "/var/log/app", "docs/notes.txt".
    t.sub(
        rf"(?<![\w./:])(?:/[A-Za-z_](?:[\w.-]{{0,40}}\w)?){{2,8}}(?![\w/])|(?<![\w./:@-])[A-Za-z_][\w-]{{0,40}}"
        rf"(?:/[\w-]{{1,40}}){{0,6}}/[\w-]{{1,40}}\.(?:{_EXTENSIONS})(?![\w/])",
        lambda m: _said_file(m.group(0), language),
    )


_TLDS = "com|org|net|gov|edu|int|info|io|co|uk|us|eu|de|fr|es|it|pt|br|mx|ar|bo|cl|pe|ca|au|in|jp|cn|ru|tv|me|ly|ai|news"
_EXTENSIONS = "pdf|docx?|xlsx?|pptx?|txt|csv|json|xml|html?|jpe?g|png|gif|mp3|mp4|wav|zip|exe|py|js|log|md"
_SLASH = {"en": "slash", "es": "barra", "de": "Schrägstrich", "fr": "slash", "pt": "barra", "it": "slash"}
# Marks inside an e-mail's name, said as the reader would spell them out ("." is the language's "dot").
# fmt: off
_MARKS = {".": {},
          "_": {"en": "underscore", "es": "guion bajo", "de": "Unterstrich", "fr": "tiret bas", "pt": "sublinhado",
                "it": "trattino basso"},
          "-": {"en": "dash", "es": "guion", "de": "Bindestrich", "fr": "tiret", "pt": "hífen", "it": "trattino"},
          "+": {"en": "plus", "es": "más", "de": "plus", "fr": "plus", "pt": "mais", "it": "più"}}
# fmt: on


def _site(host: str) -> str:
    """The site a host belongs to: click.mail.example.com is example.com, news.bbc.co.uk is bbc.co.uk."""
    labels = host.split(".")
    keep = (
        3
        if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "org", "gov", "ac", "net")
        else 2
    )
    return ".".join(labels[-keep:])


def _said_host(host: str, language: str) -> str:
    """example.co.uk -> "example dot co dot U K": a two-letter country ending is spelled."""
    labels = host.split(".")
    if len(labels) > 1 and len(labels[-1]) == 2 and labels[-1].lower() not in ("co", "me"):
        labels[-1] = " ".join(labels[-1].upper())
    return f" {WORDS[language]['dot']} ".join(labels)


def _said_file(path: str, language: str) -> str:
    """/var/log/app -> "slash var slash log slash app"; notes.txt -> "notes dot txt"."""
    slash = f" {_SLASH[language]} "
    said = slash.join(part.replace(".", f" {WORDS[language]['dot']} ") for part in path.split("/"))
    return said.strip()


def _said_path(path: str, language: str) -> str:
    """Say a short path of words ("/news", "/world-news/africa"); drop a long or coded one."""
    parts = [p for p in path.split("/") if p]
    if not parts or len(parts) > 2 or not all(re.fullmatch(r"[A-Za-z]+(?:[-_][A-Za-z]+)*", p) for p in parts):
        return ""
    slash = f" {_SLASH[language]} "
    return slash + slash.join(re.sub(r"[-_]", " ", p) for p in parts)


_REGIONS: dict[str, dict[str, str]] = word_table("listen.text", "regions.yaml")
# A state after a place name and its comma: "Austin, TX", "Boise, Ida." (fixed-width look-behind).
_REGION_RE = re.compile(
    r"(?<=[a-z], )(?:(?P<postal>"
    + "|".join(sorted(_REGIONS["postal"], key=len, reverse=True))
    + r")(?![\w'’-]|\.\w)|(?P<dotted>"
    + "|".join(re.escape(k) for k in sorted(_REGIONS["dotted"], key=len, reverse=True))
    + r")(?!\w))"
)
_NOT_REGION_NEXT = re.compile(r" ?[;(]| [A-Z]")
# Words before a comma that are not places: "Yes, OK", "Well, IN the end".
_NOT_PLACES = {"Yes", "No", "Okay", "Well", "Oh", "So", "Fine", "Right", "Sure", "Thanks", "Now", "Then"}


def _regions(t: MappedText) -> None:
    """Say a state or province after a place name: "Austin, TX" is "Austin, Texas"."""

    def replace(m: re.Match) -> str:
        place = m.string[max(0, m.start() - 30) : m.start() - 2].split()
        if not place or not place[-1][:1].isupper() or place[-1] in _NOT_PLACES:
            return m.group(0)
        if _NOT_REGION_NEXT.match(m.string, m.end()):
            return m.group(0)  # initials in a list of authors ("Milner, AD;"), a name ("Movies, PR Newswire")
        if m.group("postal"):
            return _REGIONS["postal"][m.group("postal")]
        name = _REGIONS["dotted"][m.group("dotted")]
        return (
            name + "." if _BLANK_TO_END.match(m.string, m.end()) else name
        )  # its dot also ended the sentence

    t.sub(_REGION_RE, replace)


def _phrases(t: MappedText, language: str) -> None:
    """Expand fixed abbreviations (e.g., etc., vs.); one that ends the sentence keeps its full stop."""
    table = PHRASES_EN if language == "en" else PHRASES.get(language, {})
    if not table:
        return

    def expand(m: re.Match) -> str:
        short, long = m.group("short"), table[m.group("short")]
        return long + "." if short.endswith(".") and m.group("end") is not None else long

    t.sub(_phrase_pattern(language), expand)


@cache
def _phrase_pattern(language: str) -> re.Pattern:
    """All of a language's phrases in one pattern, the longest first: one pass over the sentence."""
    table = PHRASES_EN if language == "en" else PHRASES.get(language, {})
    shorts = sorted(table, key=len, reverse=True)
    words = "|".join(re.escape(s) + (r"\b" if s[-1].isalnum() else r"(?!\w)") for s in shorts)
    return re.compile(r"(?<![\w.])(?P<short>" + words + r")(?P<end>\s*$)?")


_WEEKDAYS = {
    "Mon": "Monday",
    "Tue": "Tuesday",
    "Tues": "Tuesday",
    "Wed": "Wednesday",
    "Thu": "Thursday",
    "Thur": "Thursday",
    "Thurs": "Thursday",
    "Fri": "Friday",
    "Sat": "Saturday",
    "Sun": "Sunday",
}
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\.(?=,? (?:" + "|".join(MONTHS["en"]) + r"|\d))")


# Opening hours and listings: "Mon-Fri 9-5", "Sat 08:30", "Thurs 5 June", "Weds., 3 p.m.". "Sun" and "Sat"
# are words too, so a weekday is said in full only in a range or before a date, a time or a number.
_SHORT_WEEKDAYS = {**_WEEKDAYS, "Weds": "Wednesday", "Tu": "Tuesday", "Th": "Thursday"}
_SHORT_WEEKDAYS |= {k.upper(): v for k, v in _WEEKDAYS.items() if k not in ("Sat", "Sun")}
_WEEKDAY_WORD = "(?:" + "|".join(sorted(_SHORT_WEEKDAYS, key=len, reverse=True)) + ")"
_WEEKDAY_RANGE = re.compile(rf"(?<![\w.])({_WEEKDAY_WORD})\.? ?[-–] ?({_WEEKDAY_WORD})\b\.?(?!\.?\w)")
_MONTH_WORD = "(?:" + "|".join(MONTHS["en"]) + "|" + "|".join(m[:3] for m in MONTHS["en"]) + r")\b"
_WEEKDAY_BEFORE = re.compile(rf"(?<![\w.])({_WEEKDAY_WORD})\b\.?(?=,? (?P<digit>\d)?)")
# What follows a weekday in a listing, not a word: a time, a day of the month, a month.
_DAY_OR_TIME = re.compile(
    rf",? (?:\d{{1,2}}(?:[:.]\d\d|:? ?[aApP]\.?[mM]\b|st|nd|rd|th|,? {_MONTH_WORD})|{_MONTH_WORD})"
)


def _weekdays(t: MappedText) -> None:
    """ "Mon-Fri" is "Monday to Friday"; "Sat 08:30", "Thurs 5 June" say the day in full."""
    t.sub(_WEEKDAY_RANGE, lambda m: f"{_SHORT_WEEKDAYS[m.group(1)]} to {_SHORT_WEEKDAYS[m.group(2)]}")
    t.sub(_WEEKDAY_BEFORE, _weekday)


def _weekday(m: re.Match) -> str:
    """A weekday before a number; "Sun" and "Sat" only before a time or a date ("the Sun 9 times", "Sat 3")."""
    day = m.group(1)
    dated = _DAY_OR_TIME.match(m.string, m.end()) is not None
    if dated or (m.group("digit") and day not in ("Sat", "Sun")):
        return _SHORT_WEEKDAYS[day]
    return m.group(0)


def _titles(t: MappedText, language: str) -> None:
    """Expand titles and name suffixes, and read St. as Saint or Street by context."""
    if language != "en":
        for short, long in TITLES.get(language, {}).items():
            t.sub(rf"\b{re.escape(short)}\.(?=\s)", long)
        return

    # "Tues., Jan. 14": a weekday abbreviation before a date (months are already words here).
    t.sub(_WEEKDAY_RE, lambda m: _WEEKDAYS[m.group(1)])

    def saint_or_street(m: re.Match) -> str:
        after = m.group("after") or ""
        # The word before, looked up in a bounded window: "(\S+\s)?\bSt\." rescanned whole words (issue 15).
        before = m.string[max(0, m.start() - 40) : m.start()].split()
        if after[:1].isupper() and not (before and before[-1][:1].isdigit()):
            return f"Saint {after}"
        end = "" if after else "."  # the abbreviation's dot was also the sentence's
        return f"Street{' ' if after else end}{after}"

    t.sub(r"\bSt\.(?:\s(?P<after>\S{1,60}))?", saint_or_street)
    # "Mulholland Dr. in", "47 Elm Dr., Austin", not "Dr. Jones": a title always has a name after it.
    t.sub(r"(?<=[A-Za-z] )Dr\.(?=\s+[a-z]|\s*$|[,;:)])", _drive)
    for short, long in TITLES_EN.items():
        t.sub(rf"\b{short}\.?(?=\s+[A-Z])", long)
    t.sub(
        r"(?<=, )(jr|sr)\b\.?", lambda m: "junior" if m.group(1) == "jr" else "senior"
    )  # "Lewis Frederick, jr"
    for short, long in SUFFIXES_EN.items():
        t.sub(rf"(?<=[A-Za-z,] )(?:{short})\.(?=\s*$)", long + ".")
        t.sub(rf"(?<=[A-Za-z,] )(?:{short})\.", long)
    t.sub(_SUFFIX_WITHOUT_STOP, _suffix_without_stop)
    # Initials lose their dot, which espeak-ng takes for the end of a clause: "George W. Bush".
    t.sub(r"\b([A-Z])\.(?=\s+[A-Z])", r"\1")


# A name's or an address's last word as British style (or lower-cased text) writes it, without its stop:
# "Robert Downey Jr", "Warner bros", "Acme Corp said", "Abbey Rd", "Baker St in London". espeak-ng reads
# them as letters ("J R") or as other words ("Inc" as "ink", "St" always as "Saint").
_NO_STOP = {
    "Jr": "Junior", "jr": "junior", "Jnr": "Junior", "Sr": "Senior", "sr": "senior", "Snr": "Senior",
    "Bros": "Brothers", "bros": "brothers", "Inc": "Incorporated", "Corp": "Corporation", "Co": "Company",
    "Pvt": "Private", "Ave": "Avenue", "Rd": "Road", "Blvd": "Boulevard", "St": "Street",
}  # fmt: skip
_SUFFIX_WITHOUT_STOP = re.compile(
    r"(?<=[A-Za-z])(?P<comma>,?) (?P<word>" + "|".join(_NO_STOP) + r")(?=[\s,;:)]|$)"
)
_CAPITAL_NEXT = re.compile(r" ?[A-Z&]")


# A numbered street, its ordinal said by now: "1st Ave" is "first Avenue", "42nd St" "forty-second Street".
_STREET_ORDINAL = re.compile(r"(?:first|second|third|th)$")


def _suffix_without_stop(m: re.Match) -> str:
    """Say the suffix after a capitalised word; "St" or "Co" before a capital begins a name ("St Albans", "Co Cork")."""
    before = m.string[max(0, m.start() - 30) : m.start() + 1].split()
    if not before or not (before[-1][:1].isupper() or _STREET_ORDINAL.search(before[-1])):
        return m.group(0)
    if m.group("word") in ("St", "Co") and _CAPITAL_NEXT.match(m.string, m.end()):
        return m.group(0)
    return f"{m.group('comma')} {_NO_STOP[m.group('word')]}"


def _drive(m: re.Match) -> str:
    """ "Dr." after a street's name ("Elm Dr.") is Drive; after other words ("the Dr. said") it stays."""
    before = m.string[max(0, m.start() - 40) : m.start()].split()
    if not before or not before[-1][:1].isupper():
        return m.group(0)
    return "Drive." if _BLANK_TO_END.match(m.string, m.end()) else "Drive"


def _dotted_acronyms(t: MappedText, spaced: bool = False) -> None:
    """Read "U.S." (and, spaced, "U. S.", as older books print it) as the letters U S with no break;
    keep the full stop only at the end."""
    text = t.text

    def letters(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() in ("a.m.", "p.m."):
            return word  # espeak-ng reads these right and without a pause
        final = _BLANK_TO_END.match(text, m.end()) is not None
        return spell(word.replace(".", "").replace(" ", "").upper(), final=final) + ("." if final else "")

    t.sub(r"(?<![\w.])(?:[A-Za-z]\.){2,12}(?!\w)", letters)
    if spaced:  # only capitals: "U. S. statesman"; a name's initials before it lose their dots later
        t.sub(r"(?<![\w.])[A-Z]\.(?: [A-Z]\.){1,11}(?=\s+[a-z(]|\s*$|[,;:)])", letters)


_BLANK_TO_END = re.compile(r"\s*$")
_WORD_NEXT = re.compile(r"\s*\w")


def spell(word: str, final: bool = True) -> str:
    """Spell a word as letters espeak-ng names one by one ("DEA" -> "D E A")."""
    letters = [c for c in word if c.isalnum()]
    # A lone "A" before more speech is read as the article; "eigh" says the letter.
    out = ["eigh" if c == "A" and (i < len(letters) - 1 or not final) else c for i, c in enumerate(letters)]
    return " ".join(out)


def _pronounceable(word: str) -> bool:
    """Guess whether an all-capital word reads as a word (NASA) rather than letters (NCAA)."""
    if len(word) < 4 or not any(c in _VOWELS for c in word):
        return False
    lower = word.lower()
    if lower[0] not in "aeiouy" and lower[1] not in "aeiouy" and lower[:2] not in _ONSETS:
        return False
    consonant_run = 0
    for c in lower:
        consonant_run = 0 if c in "aeiouy" else consonant_run + 1
        if consonant_run > 2:
            return False
    if lower.endswith("u") and len(word) <= 5:
        return False  # few English words end in "u"; initials do ("ACLU", "NYU")
    double_vowel = re.search(r"([aeiou])\1", lower) or re.search(r"[aeiou]{3}", lower)
    return not double_vowel and not (
        lower[-1] not in "aeiouy"
        and lower[-2] not in "aeiouy"
        and lower[-2:] not in {"rs", "rn", "rd", "ld", "nd", "nt", "st", "ps", "ks", "ts", "ns", "ms", "ls"}
    )


def _shouting(text: str) -> bool:
    """Is the sentence written in capitals (a headline, a sign)? Then its words are words for espeak-ng
    to read, which it does well ("SMITH ARRIVES"), spelling what it cannot say ("IBM")."""
    words = re.findall(r"[A-Za-z]{2,}", text)
    return len(words) >= 3 and sum(w.isupper() for w in words) / len(words) > 0.6


def _acronyms(t: MappedText, shouting: bool) -> None:
    """Spell acronyms letter by letter unless they are known words or read as one."""
    text = t.text

    def replace(m: re.Match) -> str:
        word, tail = m.group("word"), m.group("tail") or ""
        if word in ACRONYM_WORDS or (shouting and word not in ACRONYM_LETTERS):
            return ACRONYM_SAY.get(word, word.capitalize()) + tail if word in ACRONYM_WORDS else word + tail
        if word not in ACRONYM_LETTERS and (_pronounceable(word) or _capital_word(word, m)):
            return word.capitalize() + tail
        final = bool(tail) or not _WORD_NEXT.match(text, m.end())
        return spell(word, final=final) + tail

    t.sub(r"\b(?P<word>[A-Z]{2,6})(?P<tail>'s|s)?\b(?!\.\w)", replace)


# Words in capitals said as words: "BREAKING NEWS", "He did NOT go" (listen/text/data/capital_words.txt).
CAPITAL_WORDS = frozenset(word_list("listen.text", "capital_words.txt"))
_CAPITAL_NEIGHBOUR = re.compile(r"[A-Z]{2,}")


# Two-letter words written in capitals for stress, seldom initials between words in lower case.
_EMPHASIS = {"SO", "NO", "DO", "IS", "BE", "HE", "WE", "MY"}


def _capital_word(word: str, m: re.Match) -> bool:
    """Is a word in capitals an English word here: three letters or more, or two beside another such word."""
    if word.lower() not in CAPITAL_WORDS:
        return False
    if len(word) > 2:
        return True
    before = m.string[max(0, m.start() - 20) : m.start()].split()
    after = m.string[m.end() : m.end() + 20].split()
    neighbours = [w.strip(".,:;!?\"'()") for w in before[-1:] + after[:1]]
    if word in _EMPHASIS and len(neighbours) == 2 and all(w.isalpha() and w.islower() for w in neighbours):
        return True  # stressed between words in lower case: "I am SO tired", "there is NO way"
    return any(_CAPITAL_NEIGHBOUR.fullmatch(w) and w.lower() in CAPITAL_WORDS for w in neighbours)


def _letter_runs(t: MappedText) -> None:
    """Keep an "A" in spelled letters (from a lexicon's "D E A") from being read as the article."""
    text = t.text

    def replace(m: re.Match) -> str:
        final = not _WORD_NEXT.match(text, m.end())
        return spell(m.group(0).replace(" ", ""), final=final)

    # Runs start only where a run starts (not after "X "), and are bounded: linear in the text.
    start = r"(?<![\w'])(?<![A-Z] )"
    t.sub(
        rf"{start}(?:[A-Z] ){{1,15}}[A-Z](?![\w'])(?<=A)|{start}(?:[A-Z] ){{0,15}}A(?: [A-Z]){{1,15}}(?![\w'])",
        replace,
    )


def _roman_value(numeral: str) -> int | None:
    if not numeral or not _ROMAN.match(numeral):
        return None
    total = 0
    for i, c in enumerate(numeral):
        value = _ROMAN_VALUES[c]
        total += -value if i + 1 < len(numeral) and _ROMAN_VALUES[numeral[i + 1]] > value else value
    return total


def _roman_numerals(t: MappedText, language: str) -> None:
    """Read "Leo XIV" as "Leo the fourteenth" and "World War II" as "World War two"."""
    if language == "en":
        t.sub(_ROMAN_TOKEN, _english_roman)
        t.sub(_LOWER_ROMAN_TOKEN, _lower_roman)
        return
    the = {"es": "", "de": "der ", "fr": "", "pt": "", "it": ""}[language]

    def replace(m: re.Match) -> str:
        before, numeral = m.group("before"), m.group("numeral")
        value = _roman_value(numeral)
        if value is None or value > 60:
            return m.group(0)
        if before.rstrip(".") in _ROMAN_CARDINAL_AFTER:
            return f"{before} {cardinal(value, language)}"
        if before in _REGNAL_NAMES or (numeral in {"II", "III", "IV"} and before[:1].isupper()):
            if language == "fr" and value == 1:
                return f"{before} premier"
            if language in ("fr",):
                return f"{before} {cardinal(value, language)}"
            return f"{before} {the}{ordinal(value, language)}"
        return m.group(0)

    t.sub(r"(?<![\w.])(?P<before>[A-Z][\w.]{0,30}) (?P<numeral>[IVXLC]{1,8})\b(?!')", replace)


# A numeral standing as a word of its own: not inside "XR-500", "I'm" or "U.S.".
_ROMAN_TOKEN = re.compile(r"(?<![\w.'’])[IVXLC]{1,9}(?![\w'’-])")
# "CCL 2" is a name with a number, not 250 (the number is already in words here).
_DIGIT_NEXT = re.compile(r" ?(?:\d|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b")
_NAME_NEXT = re.compile(r"\.? [A-Z][a-z]")
_INITIAL_IN_LIST = re.compile(r"\.[,;]")


# In lower case a numeral counts only after a word that numbers things: "Act ii, scene iii", "page xiv".
_LOWER_ROMAN_TOKEN = re.compile(r"(?<![\w.'’])[ivxlc]{1,8}(?![\w'’-])")
_LOWER_ROMAN_CUES = {
    "Act",
    "Scene",
    "Chapter",
    "Part",
    "Book",
    "Canto",
    "Psalm",
    "Volume",
    "Page",
    "Pages",
    "Pp",
    "P",
}


def _lower_roman(m: re.Match) -> str:
    value = _roman_value(m.group(0).upper())
    before = _roman_word_before(m)
    if value is None or before.capitalize() not in _LOWER_ROMAN_CUES:
        return m.group(0)
    if m.group(0) == "i" and not before[:1].isupper():
        return m.group(0)  # "in part i think": the pronoun, lower-cased
    return cardinal(value)


def _english_roman(m: re.Match) -> str:
    """Say an English numeral by what stands around it, or leave it (a pronoun "I", an initial "L.")."""
    numeral = m.group(0)
    value = _roman_value(numeral)
    if value is None:
        return numeral
    before = _roman_word_before(m)
    cue = before.capitalize() if before.isupper() else before[:1].upper() + before[1:]
    if (
        cue in _ROMAN_CARDINAL_AFTER
        and (numeral != "I" or before[:1].isupper())
        and not (cue in _LETTERED and len(numeral) == 1)
    ):
        return cardinal(value)  # "Chapter IV", "vol XXIII", "World War I" (but "the day I met")
    if m.string[m.start() - 1] == "-" and len(before) > 1 and before.isupper():
        return cardinal(value)  # an edition: "DSM-IV", "DSM-V"
    if len(numeral) == 1 and (
        _NAME_NEXT.match(m.string, m.end()) or _INITIAL_IN_LIST.match(m.string, m.end())
    ):
        return numeral  # an initial: "Carl L. Bankston", "John C. Calhoun", "Strayer, David L., Frank Drews"
    # A lone L or C after a name is an initial ("David L. Jones"): no ruler is the fiftieth or hundredth.
    named = numeral not in ("L", "C") and (
        before in _REGNAL_NAMES
        or (before[:1].isupper() and _word_two_before(m) in _RULER_TITLES)
        or (numeral in ("II", "III", "IV") and _a_persons_name(m, before))
    )
    if value <= 60 and named and m.string[m.start() - 1] == " ":
        return f"the {ordinal(value)}"  # a ruler, a pope, a son named for his father
    if _ROMAN_ORDINAL_BEFORE.match(m.string, m.end()):
        return ordinal(value)
    if (
        len(numeral) > 1
        and before[:1].isupper()
        and not before.isupper()
        and _DIGIT_NEXT.match(m.string, m.end())
    ):
        return cardinal(value)  # a book of a work, then its line: "Metamorphoses III 512"
    if len(numeral) > 1 and numeral not in _ROMAN_NOT_ALONE and not _DIGIT_NEXT.match(m.string, m.end()):
        return cardinal(value)  # "DSM-III", "Super Bowls XVI and XIX", a heading's "VIII."
    return numeral


# Words that put a ruler's name after them: "King Tupou VI", "Emperor Go-Daigo II".
_RULER_TITLES = {
    "King",
    "Queen",
    "Pope",
    "Emperor",
    "Empress",
    "Tsar",
    "Czar",
    "Sultan",
    "Prince",
    "Princess",
    "Duke",
    "Pharaoh",
    "Shah",
    "Kaiser",
    "Saint",
    "St",
}


def _a_persons_name(m: re.Match, before: str) -> bool:
    """Is the capitalised word before "II"/"III"/"IV" the end of a person's name ("Carl L. Bankston III",
    "Edgar Zell Steever III", "King Tupou IV")? One capitalised word alone is a thing with a number
    ("Urotensin II", "Appendix II"), an acronym an edition ("APG III"), and a numeral before a
    figure a book of a work ("Nationes III 40")."""
    if not before[:1].isupper() or before.isupper() or _DIGIT_NEXT.match(m.string, m.end()):
        return False
    earlier = _word_two_before(m)
    capitalised = earlier[:1].isupper() and earlier.isalpha() and (len(earlier) == 1 or not earlier.isupper())
    return earlier in _RULER_TITLES or capitalised  # a first name, a middle name or an initial before it


def _word_two_before(m: re.Match) -> str:
    """The word before the word before a match ("King" in "King Tupou VI"), looked for in a bounded window."""
    words = m.string[max(0, m.start() - 60) : m.start()].split()[:-1]
    return words[-1].strip(".,\"'") if words else ""


def _roman_word_before(m: re.Match) -> str:
    """The word just before a numeral with only a space or a hyphen between ("Chapter", "vol.", "DSM"); else ""."""
    window = m.string[max(0, m.start() - 32) : m.start()]
    if not window.endswith((" ", "-")):
        return ""
    words = window[:-1].split()
    word = words[-1].rstrip(".") if words and not window[:-1].endswith(" ") else ""
    return word if word.isalpha() else ""


def _neutral_symbols(t: MappedText) -> None:
    """Drop marks no language reads aloud; leave "&", "%", "@" to the engine's own language."""
    t.sub(r"[*_|~^<>{}\[\]]", " ")


def _symbols(t: MappedText, language: str) -> None:
    """Say the symbols a reader says (&, @, #, °, +, =) and drop the rest."""
    words = WORDS[language]
    t.sub(r"\s*&\s*", f" {words['and']} ")
    t.sub(r"#(?=[A-Za-z])", "hashtag ")
    t.sub(r"\s*@\s*", f" {words['at']} ")
    t.sub(r"\s*°", f" {words['degrees']}")
    t.sub(r"\s*%", f" {words['percent']}")
    t.sub(r"(?<=\s)\+(?=\s)", "plus" if language == "en" else "+")
    t.sub(r"(?<=\s)=(?=\s)", "equals" if language == "en" else "=")
    t.sub(r"(?<=[a-z])/(?=[a-z])", " ")  # "and/or"
    if language == "en":
        # espeak-ng says every slash; between names or codes it is a pause: "MGM/UA", "Albums / CDs",
        # "the 1988 / 89 season", "Writer / Director".
        t.sub(r"(?<=[A-Za-z])/(?=[A-Za-z])", " ")
        t.sub(r"(?<=[\w.)]) / (?=[\w(])", ", ")
    t.sub(r"[*_|~^<>{}\[\]]", " ")

"""Telephone numbers read the way people say them: digit by digit, a pause between groups.

"(202) 555-0143" is "two zero two, five five five, zero one four three"; a toll-free
"1-800-555-0199" keeps its "one eight hundred"; "555-0142" alone is a local number, not a
range, when its last group starts with a zero or a word like "call" comes before it; "911"
is "nine one one" when it is dialled or called, and a count otherwise ("911 votes").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from num2words import num2words

__all__ = ["PHONE_PASSES"]

# Words after which "555-1234" is a number to ring rather than a range.
# fmt: off
_PHONE_CUES = {"call", "calls", "called", "calling", "dial", "dials", "dialed", "dialled", "dialing", "dialling",
               "phone", "phoned", "telephone", "tel", "tel.", "fax", "text", "hotline", "helpline", "line",
               "number", "reach", "contact", "ring", "at"}
# fmt: on
# Before an emergency number: "call 911"; after it: "a 911 call", "999 operators".
_EMERGENCY_BEFORE = {
    "call",
    "calls",
    "called",
    "calling",
    "dial",
    "dials",
    "dialed",
    "dialled",
    "dialing",
    "dialling",
    "ring",
    "rang",
    "phoned",
    "to",
}
_EMERGENCY_AFTER = re.compile(
    r"\s+(?:call|calls|caller|callers|dispatcher|dispatchers|operator|operators"
    r"|center|centre|centers|centres|line|lines|system|service|services)\b"
)
# Said before a country code and an extension, per language.
_PLUS = {"en": "plus", "es": "más", "de": "plus", "fr": "plus", "pt": "mais", "it": "più"}
_EXTENSION = {
    "en": "extension",
    "es": "extensión",
    "de": "Durchwahl",
    "fr": "poste",
    "pt": "ramal",
    "it": "interno",
}
_TOLL_FREE = {"800": "eight hundred"}  # 888, 877, ... are said digit by digit


def _digits(text: str, language: str) -> str:
    lang = "pt_BR" if language == "pt" else language
    return " ".join(num2words(int(d), lang=lang) for d in text if d.isdigit())


def _word_before(m: re.Match) -> str:
    # A bounded look back: slicing the whole text before every match would be quadratic.
    words = m.string[max(0, m.start() - 40) : m.start()].split()
    return words[-1].lower().strip("(\"'“‘,:") if words else ""


def _groups(m: re.Match, language: str) -> str:
    """Any phone number: its digit groups, with a pause between them."""
    plus = _PLUS[language] + " " if m.group(0).startswith("+") else ""
    return plus + ", ".join(_digits(g, language) for g in re.findall(r"\d+", m.group(0)))


def _national(m: re.Match, language: str) -> str:
    """A number with a trunk zero, if it has the nine to eleven digits of one."""
    return _groups(m, language) if 9 <= sum(c.isdigit() for c in m.group(0)) <= 11 else m.group(0)


def _international(m: re.Match, language: str) -> str:
    """+CC and groups, if they hold the seven digits or more of a number: "+3.2%" is a rise, not a call."""
    return _groups(m, language) if sum(c.isdigit() for c in m.group(0)) >= 7 else m.group(0)


def _area(one_area: str, language: str) -> str:
    """The head of a toll-free number: "1800" is "one eight hundred", "1888" "one eight eight eight"."""
    area = one_area[1:]
    spoken = _TOLL_FREE.get(area) if language == "en" else None
    return f"{_digits('1', language)} {spoken or _digits(area, language)}"


def _toll_free(m: re.Match, language: str) -> str:
    area, rest = m.group("area"), re.findall(r"\d+", m.group("rest"))
    spoken = _TOLL_FREE.get(area) if language == "en" else None
    one = m.group("one") or ""
    # "1-800-..." runs on as "one eight hundred"; "+1 800 ..." is a country code, a group of its own.
    country = f"{_PLUS[language]} {_digits('1', language)}, " if one.startswith("+") else ""
    head = (
        country
        + (_digits("1", language) + " " if one and not country else "")
        + (spoken or _digits(area, language))
    )
    return ", ".join([head] + [_digits(g, language) for g in rest])


def _local(m: re.Match, language: str) -> str:
    """NNN-NNNN: a phone number if the last group starts with 0 or a cue word comes first."""
    if m.group(2).startswith("0") or _word_before(m) in _PHONE_CUES:
        return _groups(m, language)
    return m.group(0)


def _after_cue(m: re.Match, language: str) -> str:
    """Digit groups after a word like "call": a phone number when they hold six to eleven digits."""
    count = sum(c.isdigit() for c in m.group(0))
    if 6 <= count <= 11 and _word_before(m) in _PHONE_CUES - {"at", "line", "number"}:
        return _groups(m, language)
    return m.group(0)


def _extension(m: re.Match, language: str) -> str:
    return f" {_EXTENSION[language]} {_digits(m.group(1), language)}"


def _emergency(m: re.Match, language: str) -> str:
    if _word_before(m) in _EMERGENCY_BEFORE or _EMERGENCY_AFTER.match(m.string, m.end()):
        return _digits(m.group(0), language)
    return m.group(0)


# fmt: off
PHONE_PASSES: list[tuple[re.Pattern, Callable[[re.Match, str], str]]] = [
    # an extension after a number's last group, first, while the group is still digits: "ext. 4", "x12"
    # ("x" only after a group of a phone number: "1920 x 1080" is a size)
    (re.compile(r"(?<=\d{4}),? (?:ext\.?|extension) ?(\d{1,5})\b"), _extension),
    (re.compile(r"(?<=\d[-. ]\d{4}),? x ?(\d{1,5})\b"), _extension),
    # a trunk zero in brackets after a country code is not dialled: +44 (0)20 7946 0958, +49 (0)30 123456
    (re.compile(r"(\+\d{1,3}) ?\(0\) ?(?=\d)"), lambda m, lang: m.group(1) + " "),
    # toll-free: 1-800-555-0199, 1 (888) 555 0123, 800-555-0100
    (re.compile(r"(?<![\w+-])(?P<one>\+?1[\s.-]?)?\(?(?P<area>8(?:00|88|77|66|55|44|33))\)?"
                r"(?P<rest>[\s.-]\d{3}[\s.-]\d{4})\b"), _toll_free),
    # a toll-free number spelled in letters: 1-800-FLOWERS
    (re.compile(r"(?<![\w+-])1-(?P<area>8(?:00|88|77|66|55|44|33))-(?P<word>[A-Z][A-Z-]{2,20})\b"),
     lambda m, lang: f"{_area('1' + m.group('area'), lang)}, {m.group('word').capitalize()}"),
    # +1 202 555 0143, (555) 123-4567, 555-123-4567
    (re.compile(r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b"), _groups),
    # +44 20 7946 0958, +33 1 42 68 53 00, +61 2 9876 5432
    (re.compile(r"\+\d{1,3}(?:[ .-]\(?\d{1,8}\)?){1,6}(?![\w]|[.,]\d)"), _international),
    # national numbers with a trunk zero: 020 7946 0321, (020) 7946 0123, 0800 123 4567, 07700 900123
    (re.compile(r"(?<![\w.,+-])(?:\(0\d{1,4}\)|0\d{2,4})(?:[ -]\d{3,8}){1,2}(?![\w-]|[.,]\d)"), _national),
    # French and other numbers in pairs: 01 42 68 53 00
    (re.compile(r"(?<![\w.,+-])0\d(?:[ .]\d\d){4}(?![\w-]|[.,]\d)"), _groups),
    # after "call", "phone", "tel.": any national shape of six to eleven digits (912 345 678, 1300 123 456, 13 11 14)
    (re.compile(r"(?<![\w.,$€£+-])\d{2,5}(?:[ .-]\d{2,5}){1,4}(?![\w-]|[.,]\d)"), _after_cue),
    # 555-0142
    (re.compile(r"(?<![\w.,$€£+-])(\d{3})-(\d{4})(?![\w-]|[.,]\d)"), _local),
    # call 911, a 999 operator
    (re.compile(r"(?<![\w.,$€£+-])(?:911|999|112)(?![\w-]|[.,]\d)"), _emergency),
]
# fmt: on

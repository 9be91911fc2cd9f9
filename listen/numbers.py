"""Numbers in words for speech: cardinals, ordinals, years, decimals, digits, in six languages.

num2words does the counting; this module knows the words around the numbers
(percent, currencies, units, months) and how each language writes decimals.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from num2words import num2words

from .language import SUPPORTED as LANGUAGES
from .phones import PHONE_PASSES
from .textmap import MappedText

__all__ = ["LANGUAGES", "WORDS", "MONTHS", "cardinal", "ordinal", "year", "decimal", "digits", "parse_number",
           "verbalize_numbers", "verbalize_mapped"]

# Words spoken around numbers, per language.
WORDS = {
    "en": {"percent": "percent", "minus": "minus", "to": "to", "and": "and", "point": "point",
           "page": "page", "pages": "pages", "number": "number", "degrees": "degrees", "link": "link to",
           "at": "at", "dot": "dot", "oclock": "o'clock", "oh": "oh", "half": "a half", "over": "over"},
    "es": {"percent": "por ciento", "minus": "menos", "to": "a", "and": "y", "point": "coma",
           "page": "página", "pages": "páginas", "number": "número", "degrees": "grados", "link": "enlace a",
           "at": "arroba", "dot": "punto", "oclock": "en punto", "oh": "cero", "half": "y medio", "over": "entre"},
    "de": {"percent": "Prozent", "minus": "minus", "to": "bis", "and": "und", "point": "Komma",
           "page": "Seite", "pages": "Seiten", "number": "Nummer", "degrees": "Grad", "link": "Link zu",
           "at": "at", "dot": "Punkt", "oclock": "Uhr", "oh": "null", "half": "einhalb", "over": "durch"},
    "fr": {"percent": "pour cent", "minus": "moins", "to": "à", "and": "et", "point": "virgule",
           "page": "page", "pages": "pages", "number": "numéro", "degrees": "degrés", "link": "lien vers",
           "at": "arobase", "dot": "point", "oclock": "heures", "oh": "zéro", "half": "et demi", "over": "sur"},
    "pt": {"percent": "por cento", "minus": "menos", "to": "a", "and": "e", "point": "vírgula",
           "page": "página", "pages": "páginas", "number": "número", "degrees": "graus", "link": "link para",
           "at": "arroba", "dot": "ponto", "oclock": "horas", "oh": "zero", "half": "e meio", "over": "sobre"},
    "it": {"percent": "per cento", "minus": "meno", "to": "a", "and": "e", "point": "virgola",
           "page": "pagina", "pages": "pagine", "number": "numero", "degrees": "gradi", "link": "link a",
           "at": "chiocciola", "dot": "punto", "oclock": "in punto", "oh": "zero", "half": "e mezzo", "over": "su"},
}

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
           "outubro", "novembro", "dezembro"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"],
}

# num2words names Portuguese "pt" (European); Brazilian news is the bulk, so prefer pt_BR.
_N2W_LANG = {"pt": "pt_BR"}


def _lang(language: str) -> str:
    return _N2W_LANG.get(language, language)


def _n2w(value: int, language: str, **kwargs: str) -> str:
    """num2words without the commas it writes between groups ("two thousand, five hundred"),
    which espeak-ng takes for clause breaks in the middle of one number."""
    return num2words(value, lang=_lang(language), **kwargs).replace(",", "")


def parse_number(text: str, language: str = "en") -> float | int:
    """Read a number as written ("1,234.5" in English, "1.234,5" elsewhere)."""
    if language == "en":
        clean = text.replace(",", "")
    else:
        clean = text.replace(".", "").replace(",", ".") if "," in text or text.count(".") > 1 else text
        if language != "en" and "," not in text and text.count(".") == 1 and len(text.split(".")[1]) == 3:
            clean = text.replace(".", "")  # "1.500" is fifteen hundred in most of Europe
    return float(clean) if "." in clean else int(clean)


def cardinal(value: int | float | str, language: str = "en") -> str:
    """Say a cardinal number."""
    if isinstance(value, str):
        value = parse_number(value, language)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return decimal(repr(value), language)
    return _n2w(value, language)


def decimal(text: str, language: str = "en") -> str:
    """Say a decimal digit by digit after the point: 3.14 -> three point one four."""
    text = text.replace(",", ".") if language != "en" else text.replace(",", "")
    whole, _, frac = text.partition(".")
    sign = ""
    if whole.startswith("-"):
        sign, whole = WORDS[language]["minus"] + " ", whole[1:]
    spoken = _n2w(int(whole or "0"), language)
    if frac:
        spoken += f" {WORDS[language]['point']} " + digits(frac, language)
    return sign + spoken


def ordinal(value: int, language: str = "en") -> str:
    """Say an ordinal number: 3 -> third."""
    return _n2w(int(value), language, to="ordinal")


def year(value: int, language: str = "en") -> str:
    """Say a year the way it is read aloud: 1990 -> nineteen ninety."""
    value = int(value)
    if language == "en":
        if 2000 <= value <= 2009:
            return _n2w(value, "en")
        if 2010 <= value <= 2099:
            return f"twenty {_n2w(value - 2000, 'en')}"
    try:
        return _n2w(value, language, to="year")
    except NotImplementedError:
        return _n2w(value, language)


def digits(text: str, language: str = "en") -> str:
    """Say each digit on its own: 0143 -> zero one four three."""
    return " ".join(_n2w(int(d), language) for d in text if d.isdigit())


# --- Numbers in running text -------------------------------------------------------------------


_NUM = r"\d[\d,.]*\d|\d"
_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "sen", "sen"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
}
_CURRENCY_WORDS = {
    "es": {"$": ("dólar", "dólares"), "€": ("euro", "euros"), "£": ("libra", "libras")},
    "de": {"$": ("Dollar", "Dollar"), "€": ("Euro", "Euro"), "£": ("Pfund", "Pfund")},
    "fr": {"$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("livre", "livres")},
    "pt": {"$": ("dólar", "dólares"), "€": ("euro", "euros"), "£": ("libra", "libras")},
    "it": {"$": ("dollaro", "dollari"), "€": ("euro", "euro"), "£": ("sterlina", "sterline")},
}
_CENTS = {"es": "céntimos", "de": "Cent", "fr": "centimes", "pt": "cêntimos", "it": "centesimi"}
_SCALES = {
    "thousand": "thousand", "k": "thousand", "million": "million", "m": "million", "mn": "million",
    "mln": "million", "billion": "billion", "bn": "billion", "b": "billion", "trillion": "trillion",
    "tn": "trillion", "t": "trillion",
    "millones": "million", "millón": "million", "mil millones": "billion", "millions": "million",
    "milliards": "billion", "Millionen": "million", "Million": "million", "Mio.": "million",
    "Milliarden": "billion", "Mrd.": "billion", "milioni": "million", "miliardi": "billion",
    "milhões": "million", "milhão": "million", "bilhões": "billion",
}
_SCALE_RE = "|".join(re.escape(k) for k in sorted(_SCALES, key=len, reverse=True))
_SCALE_WORDS = {
    "es": {"thousand": "mil", "million": "millones", "billion": "mil millones", "trillion": "billones"},
    "de": {"thousand": "tausend", "million": "Millionen", "billion": "Milliarden", "trillion": "Billionen"},
    "fr": {"thousand": "mille", "million": "millions", "billion": "milliards", "trillion": "billions"},
    "pt": {"thousand": "mil", "million": "milhões", "billion": "bilhões", "trillion": "trilhões"},
    "it": {"thousand": "mila", "million": "milioni", "billion": "miliardi", "trillion": "bilioni"},
}
# Unit symbol -> (singular, plural), English; other languages keep the symbol's own reading.
UNITS = {
    "km/h": ("kilometre per hour", "kilometres per hour"), "kph": ("kilometre per hour", "kilometres per hour"),
    "mph": ("mile per hour", "miles per hour"), "m/s": ("metre per second", "metres per second"),
    "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
    "km": ("kilometre", "kilometres"), "m": ("metre", "metres"), "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"), "mi": ("mile", "miles"), "ft": ("foot", "feet"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "l": ("litre", "litres"), "ml": ("millilitre", "millilitres"), "ha": ("hectare", "hectares"),
    "sq km": ("square kilometre", "square kilometres"), "km2": ("square kilometre", "square kilometres"),
    "km²": ("square kilometre", "square kilometres"), "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"), "°": ("degree", "degrees"),
    "kW": ("kilowatt", "kilowatts"), "kWh": ("kilowatt hour", "kilowatt hours"), "MW": ("megawatt", "megawatts"),
    "GW": ("gigawatt", "gigawatts"), "GB": ("gigabyte", "gigabytes"), "MB": ("megabyte", "megabytes"),
    "TB": ("terabyte", "terabytes"), "Hz": ("hertz", "hertz"), "GHz": ("gigahertz", "gigahertz"),
}
_FRACTIONS = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅛": (1, 8)}
_MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_MONTH_RE = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    rf"|(?:{_MONTH_ABBR})\.?)"
)


def _say(value: str, language: str) -> str:
    """Say a written number, as a decimal when it has a fractional part."""
    number = parse_number(value, language)
    if isinstance(number, float) and not number.is_integer():
        sep = "." if language == "en" else ","
        return decimal(value.replace(",", "") if language == "en" else value.replace(".", ""), language) \
            if sep in value else cardinal(number, language)
    return cardinal(number, language)


def _month_number(name: str) -> int:
    key = name.rstrip(".")[:3].lower()
    return [m[:3].lower() for m in MONTHS["en"]].index(key) + 1


def _money(m: re.Match, language: str) -> str:
    symbol, amount, scale = m.group("cur"), m.group("amount"), m.group("scale") or ""
    scale = scale if scale in _SCALES else scale.lower()
    if language != "en":
        one, many = _CURRENCY_WORDS[language].get(symbol.replace("US", ""), (symbol, symbol))
        words = _say(amount, language)
        if scale:
            return f"{words} {_SCALE_WORDS[language][_SCALES[scale]]} de {many}" if language in ("es", "pt") \
                else f"{words} {_SCALE_WORDS[language][_SCALES[scale]]} {many}"
        whole, sep, cents = amount.rpartition(",") if "," in amount else (amount, "", "")
        if sep and len(cents) == 2 and int(cents):
            units = int(whole.replace(".", "") or 0)
            money = f"{cardinal(units, language)} {one if units == 1 else many} {WORDS[language]['and']} "
            return money + f"{cardinal(int(cents), language)} {_CENTS[language]}"
        return f"{words} {one if parse_number(amount, language) == 1 else many}"
    one, many, sub_one, sub_many = _CURRENCIES[symbol]
    if scale:
        return f"{_say(amount, language)} {_SCALES[scale]} {many}"
    whole, _, cents = amount.replace(",", "").partition(".")
    if cents and len(cents) == 2:
        units, sub = int(whole or 0), int(cents)
        parts = []
        if units:
            parts.append(f"{cardinal(units)} {one if units == 1 else many}")
        if sub:
            parts.append(f"{cardinal(sub)} {sub_one if sub == 1 else sub_many}")
        return " and ".join(parts) or f"zero {many}"
    number = parse_number(amount)
    return f"{_say(amount, language)} {one if number == 1 else many}"


def _time(m: re.Match, language: str) -> str:
    hour, minute, meridiem = int(m.group("h")), m.group("min"), m.group("ampm")
    words = WORDS[language]
    spoken = cardinal(hour, language)
    if minute and minute != "00":
        if language == "en" and minute.startswith("0"):
            spoken += f" {words['oh']} {cardinal(int(minute))}"
        else:
            spoken += " " + cardinal(int(minute), language)
    elif minute == "00" and not meridiem:
        spoken += " hundred" if language == "en" and hour > 12 else f" {words['oclock']}"
    if meridiem:
        spoken += " a.m." if meridiem.lower().startswith("a") else " p.m."
    return spoken


def _date_words(day: int, month: int, year_text: str | None, language: str) -> str:
    name = MONTHS[language][month - 1]
    if language == "en":
        spoken = f"{name} {ordinal(day)}"
        return spoken + (f", {year(int(year_text))}" if year_text else "")
    day_words = ordinal(day, language) if (day == 1 and language == "fr") else cardinal(day, language)
    if language == "fr" and day == 1:
        day_words = "premier"
    joiner = {"es": " de ", "pt": " de ", "de": ". ", "fr": " ", "it": " "}[language]
    if language == "de":
        spoken = f"{ordinal(day, 'de')} {name}"
    else:
        spoken = f"{day_words}{joiner}{name}"
    if year_text:
        spoken += (" de " if language in ("es", "pt") else " ") + year(int(year_text), language)
    return spoken


def _numeric_date(m: re.Match, language: str) -> str:
    a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
    month, day = (a, b) if language == "en" else (b, a)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    if len(y) == 2:
        y = ("20" if int(y) < 50 else "19") + y
    return _date_words(day, month, y, language)


def _fraction(num: int, den: int, language: str) -> str:
    if language != "en":
        # Fraction words vary too much by language to guess; "3/4" reads as "three / four" is worse.
        return f"{cardinal(num, language)} {WORDS[language]['over']} {cardinal(den, language)}"
    if den == 2:
        return "one half" if num == 1 else f"{cardinal(num)} halves"
    if den == 4:
        return f"{cardinal(num)} {'quarter' if num == 1 else 'quarters'}"
    word = ordinal(den)
    return f"{cardinal(num)} {word if num == 1 else word + 's'}"


def _vulgar(m: re.Match, language: str) -> str:
    """A fraction sign, alone ("½" -> one half) or after a whole number ("2½" -> two and a half)."""
    num, den = _FRACTIONS[m.group(2)]
    if not m.group(1):
        return " " + _fraction(num, den, language)
    whole = cardinal(m.group(1), language)
    if language != "en" and (num, den) == (1, 2):
        return f"{whole} {WORDS[language]['half']}"
    if language == "en" and num == 1:  # "two and a half", "ten and a quarter"
        return f"{whole} and a {_fraction(num, den, language).split()[-1]}"
    return f"{whole} {WORDS[language]['and']} {_fraction(num, den, language)}"


def _decade(m: re.Match, language: str) -> str:
    century, decade = m.group("century"), m.group("decade")
    if century:
        spoken = year(int(century + decade), language)
    else:
        spoken = cardinal(int(decade), language)
    if language != "en":
        return spoken
    return spoken[:-1] + "ies" if spoken.endswith("y") else spoken + "s"


def _unit(m: re.Match, language: str) -> str:
    amount, unit = m.group("amount"), m.group("unit")
    spoken = _say(amount, language)
    if m.group("neg"):
        spoken = f"{WORDS[language]['minus']} {spoken}"
    if language != "en":
        return f"{spoken} {unit}"
    one, many = UNITS[unit]
    return f"{spoken} {one if parse_number(amount) == 1 else many}"


def _range(m: re.Match, language: str) -> str:
    left, right = m.group("a"), m.group("b")
    to = WORDS[language]["to"]
    if re.fullmatch(r"1\d{3}|20\d\d", left) and re.fullmatch(r"\d{2}|1\d{3}|20\d\d", right):
        if len(right) == 2:
            right = left[:2] + right
        return f"{year(int(left), language)} {to} {year(int(right), language)}"
    return f"{_say(left, language)} {to} {_say(right, language)}"


_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))

# (pattern, replacement) in the order they must run: the specific before the general.
_PASSES: list[tuple[re.Pattern, Callable[[re.Match, str], str]]] = [
    # 3/1/2026 and 2026-01-03
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"), _numeric_date),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
     lambda m, lang: _date_words(int(m.group(3)), int(m.group(2)), m.group(1), lang)),
    # January 3, 2026 / Jan. 3 / 3 January 2026
    (re.compile(rf"\b{_MONTH_RE} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<year>1\d{{3}}|20\d\d)\b)?"),
     lambda m, lang: _date_words(int(m.group("day")), _month_number(m.group("month")), m.group("year"), "en")),
    (re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? {_MONTH_RE}\b(?: (?P<year>1\d{{3}}|20\d\d)\b)?"),
     lambda m, lang: "the " + ordinal(int(m.group("day"))) + " of " + MONTHS["en"][_month_number(m.group("month")) - 1]
     + (" " + year(int(m.group("year"))) if m.group("year") else "")),
    # times: 17:30, 5 p.m., 7:30am
    (re.compile(r"\b(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s?(?P<ampm>[ap]\.m\.|[ap]m\b|[AP]M\b)"), _time),
    (re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)(?P<ampm>)\b(?!:)"), _time),
    # phone numbers (listen/phones.py): +1 202 555 0143, 1-800-555-0199, 555-0142, call 911
    *PHONE_PASSES,
    # money: $2.00, €3.5 million, £1bn, US$5m
    (re.compile(rf"(?P<cur>US\$|[$€£¥₹])\s?(?P<amount>{_NUM})(?:\s?(?P<scale>{_SCALE_RE})(?!\w))?"),
     _money),
    # ranges: 10-20, 5–10%, 2010-15
    (re.compile(rf"(?<![\w.-])(?P<a>{_NUM})\s?%?\s?[-–]\s?(?P<b>{_NUM})\s?%"),
     lambda m, lang: _range(m, lang) + " " + WORDS[lang]["percent"]),
    # percentages
    (re.compile(rf"(?<![\w.])(?P<neg>[-−])?(?P<n>{_NUM})\s?%"),
     lambda m, lang: ((WORDS[lang]["minus"] + " ") if m.group("neg") else "") + _say(m.group("n"), lang)
     + " " + WORDS[lang]["percent"]),
    # page and number references: p. 55, pp. 10-12, No. 10, #1
    (re.compile(r"\bpp\. ?(\d+)[-–](\d+)\b"),
     lambda m, lang: f"{WORDS[lang]['pages']} {cardinal(m.group(1), lang)} {WORDS[lang]['to']} {cardinal(m.group(2), lang)}"),
    (re.compile(r"\bp\. ?(\d+)\b"), lambda m, lang: f"{WORDS[lang]['page']} {cardinal(m.group(1), lang)}"),
    (re.compile(r"(?:\b[Nn]o\.|#) ?(\d+)\b"), lambda m, lang: f"{WORDS[lang]['number']} {cardinal(m.group(1), lang)}"),
    # measures: 12kg, 5 km/h, 20°C
    (re.compile(rf"(?<![\w.])(?P<neg>[-−])?(?P<amount>{_NUM})\s?(?P<unit>{_UNIT_RE})(?![\w/])"), _unit),
    # decades: 1980s, the '90s
    (re.compile(r"(?<![\w.])(?:(?P<century>1\d|20)|['’]?)(?P<decade>\d0)s\b"), _decade),
    # fractions: 2 1/2, 3/4, ½
    (re.compile(r"\b(\d+) (\d)/(\d{1,2})\b"),
     lambda m, lang: f"{cardinal(m.group(1), lang)} {WORDS[lang]['and']} {_fraction(int(m.group(2)), int(m.group(3)), lang)}"
     if m.group(2) != "1" or m.group(3) != "2" or lang != "en" else f"{cardinal(m.group(1))} and a half"),
    (re.compile(r"\b24/7\b"), lambda m, lang: f"{cardinal(24, lang)} {cardinal(7, lang)}"),
    (re.compile(r"(?<![\w/])(\d{1,2})/(\d{1,2})(?![\w/])"), lambda m, lang: _fraction(int(m.group(1)), int(m.group(2)), lang)),
    (re.compile(r"(?:(?<![\w.,])(\d+)\s?)?([" + "".join(_FRACTIONS) + "])"), lambda m, lang: _vulgar(m, lang)),
    # ordinals: 1st, 22nd
    (re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)\b"),
     lambda m, lang: ordinal(int(m.group(1).replace(",", "")), lang)),
    # other ranges: 10-20, 2010-2015
    (re.compile(rf"(?<![\w.-])(?P<a>{_NUM})\s?[-–]\s?(?P<b>{_NUM})(?![\w.]*\d)"), _range),
    # years 1000-1099 only where a year is expected: "in 1066", "the year 1050" (but "1066 votes")
    (re.compile(r"(?<![\w.,$€£])(10\d\d)(?![\d,.]\d|\w)"), lambda m, lang: _early_year(m, lang)),
    # years: 1990, 2006
    (re.compile(r"(?<![\w.,$€£])(1[1-9]\d\d|20\d\d)(?![\d,.]\d|\w)"), lambda m, lang: year(int(m.group(1)), lang)),
    # negatives, decimals and cardinals
    (re.compile(rf"(?<![\w.,])[-−](?={_NUM})"), lambda m, lang: WORDS[lang]["minus"] + " "),
    (re.compile(rf"(?<![\w.,])({_NUM})(?![\w])"), lambda m, lang: _cardinal_or_digits(m.group(1), lang)),
]


_YEAR_CUES = {"in", "after", "since", "before", "by", "until", "till", "from", "around", "circa", "c.", "ca.",
              "year", "during", "en", "desde", "im", "seit", "dans", "depuis", "em", "nel", "dal"}
_NOT_COUNTED = ("and|or|but|to|when|until|while|where|that|which|the|an?|as|with|under|by|in|on|at|for|from|after"
                "|before|during|is|was|were|had|has|he|she|it|they|we|ad|bc|ce|bce")
_COUNT_AFTER = re.compile(rf"\s+(?!(?:{_NOT_COUNTED})\b)[a-z]")  # "in 1066 votes" is a count


def _early_year(m: re.Match, language: str) -> str:
    """Read 1000-1099 as a year after "in", "since", "the year"..., unless a count noun follows."""
    before = m.string[:m.start()].split()
    if before and before[-1].lower() in _YEAR_CUES and not _COUNT_AFTER.match(m.string, m.end()):
        return year(int(m.group(1)), language)
    return m.group(0)


def _cardinal_or_digits(text: str, language: str) -> str:
    """Say a number; long digit strings and leading zeros are read digit by digit."""
    trailing = ""
    while text and not text[-1].isdigit():
        trailing, text = text[-1] + trailing, text[:-1]
    bare = re.sub(r"[,.]", "", text)
    if (len(bare) > 1 and bare.startswith("0") and "." not in text) or len(bare) > 15:
        return digits(bare, language) + trailing
    try:
        return _say(text, language) + trailing
    except ValueError:
        return text + trailing


def verbalize_numbers(text: str, language: str = "en") -> str:
    """Replace every number in a sentence with the words a reader would say."""
    mapped = MappedText(text)
    verbalize_mapped(mapped, language)
    return mapped.text


def verbalize_mapped(mapped: MappedText, language: str = "en") -> None:
    """Say every number in a mapped text, in place, keeping its map to the original."""
    for pattern, replace in _PASSES:
        mapped.sub(pattern, lambda m: replace(m, language))  # noqa: B023 (sub calls it at once)

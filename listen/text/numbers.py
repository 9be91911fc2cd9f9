"""Numbers in words for speech: cardinals, ordinals, years, decimals, digits, in six languages.

num2words does the counting; this module knows the words around the numbers
(percent, currencies, units, months) and how each language writes decimals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from num2words import num2words

from listen.text.language import NORMALISED as LANGUAGES
from listen.text.months import MONTHS, abbreviations
from listen.text.phones import PHONE_PASSES
from listen.text.textmap import MappedText

# fmt: off
__all__ = [
    "LANGUAGES",
    "MONTHS",
    "WORDS",
    "british_english",
    "cardinal",
    "decimal",
    "digits",
    "ordinal",
    "parse_number",
    "verbalize_mapped",
    "verbalize_numbers",
    "year",
]
# fmt: on

# Words spoken around numbers, per language.
# fmt: off
WORDS = {
    "en": {"percent": "percent", "minus": "minus", "to": "to", "and": "and", "point": "point",
           "page": "page", "pages": "pages", "number": "number", "degrees": "degrees", "link": "link to",
           "at": "at", "dot": "dot", "oclock": "o'clock", "oh": "oh", "half": "a half", "over": "over",
           "seconds": "seconds", "by": "by", "times": "times"},
    "es": {"percent": "por ciento", "minus": "menos", "to": "a", "and": "y", "point": "coma",
           "page": "página", "pages": "páginas", "number": "número", "degrees": "grados", "link": "enlace a",
           "at": "arroba", "dot": "punto", "oclock": "en punto", "oh": "cero", "half": "y medio", "over": "entre",
           "seconds": "segundos", "by": "por", "times": "veces"},
    "de": {"percent": "Prozent", "minus": "minus", "to": "bis", "and": "und", "point": "Komma",
           "page": "Seite", "pages": "Seiten", "number": "Nummer", "degrees": "Grad", "link": "Link zu",
           "at": "at", "dot": "Punkt", "oclock": "Uhr", "oh": "null", "half": "einhalb", "over": "durch",
           "seconds": "Sekunden", "by": "mal", "times": "mal"},
    "fr": {"percent": "pour cent", "minus": "moins", "to": "à", "and": "et", "point": "virgule",
           "page": "page", "pages": "pages", "number": "numéro", "degrees": "degrés", "link": "lien vers",
           "at": "arobase", "dot": "point", "oclock": "heures", "oh": "zéro", "half": "et demi", "over": "sur",
           "seconds": "secondes", "by": "sur", "times": "fois"},
    "pt": {"percent": "por cento", "minus": "menos", "to": "a", "and": "e", "point": "vírgula",
           "page": "página", "pages": "páginas", "number": "número", "degrees": "graus", "link": "link para",
           "at": "arroba", "dot": "ponto", "oclock": "horas", "oh": "zero", "half": "e meio", "over": "sobre",
           "seconds": "segundos", "by": "por", "times": "vezes"},
    "it": {"percent": "per cento", "minus": "meno", "to": "a", "and": "e", "point": "virgola",
           "page": "pagina", "pages": "pagine", "number": "numero", "degrees": "gradi", "link": "link a",
           "at": "chiocciola", "dot": "punto", "oclock": "in punto", "oh": "zero", "half": "e mezzo", "over": "su",
           "seconds": "secondi", "by": "per", "times": "volte"},
}
# fmt: on

# num2words names Portuguese "pt" (European); Brazilian news is the bulk, so prefer pt_BR.
_N2W_LANG = {"pt": "pt_BR"}


def _lang(language: str) -> str:
    return _N2W_LANG.get(language, language)


# English outside North America says "one hundred and five" and "kilometre" (stressed on its first
# syllable); set for the length of one sentence by the normaliser from the article's full language
# tag ("en-GB"), which the rules themselves never see.
_BRITISH: ContextVar[bool] = ContextVar("british_english", default=False)


@contextmanager
def british_english(on: bool) -> Iterator[None]:
    """Within the block, English numbers keep the British "and" ("two thousand and six") when on."""
    token = _BRITISH.set(on)
    try:
        yield
    finally:
        _BRITISH.reset(token)


def _unit_words(unit: str) -> tuple[str, str]:
    """A unit's (singular, plural) words; American English says "kilometer", stressed on "lom"."""
    one, many = UNITS[unit]
    if _BRITISH.get():
        return one, many
    return one.replace("kilometre", "kilometer"), many.replace("kilometre", "kilometer")


def _n2w(value: int, language: str, **kwargs: str) -> str:
    """num2words without the commas it writes between groups ("two thousand, five hundred"),
    which espeak-ng takes for clause breaks in the middle of one number; American English without
    the British "and" ("three hundred forty-two", "two thousand six"), as its voices and news say it."""
    said = num2words(value, lang=_lang(language), **kwargs).replace(",", "")
    if (
        language == "it"
    ):  # "un milione duecentomila", as Italian reads it, not num2words' "un milione e duecentomila"
        said = _ITALIAN_AND.sub(r"\1 ", said)
    return said.replace(" and ", " ") if language == "en" and not _BRITISH.get() else said


_ITALIAN_AND = re.compile(r"\b(milion[ei]|miliard[oi]) e ")


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
        spoken += f" {WORDS[language]['point']} " + _code_digits(frac, language)
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


def _code_digits(text: str, language: str = "en") -> str:
    """Digits of a code or a decimal's fraction; in English a zero among other digits is "oh", as they
    are read aloud ("oh one four three", "point oh five", "seven oh seven"), a zero alone "zero"."""
    said = digits(text, language)
    if language == "en" and len(said.split()) > 1:
        said = " ".join("oh" if word == "zero" else word for word in said.split())
    return said


# --- Numbers in running text -------------------------------------------------------------------


# A written number: digits with group and decimal marks. Bounded, so a regex built on it
# never scans a long run of digits and commas from every start (issue 15: linear time).
_NUM = r"(?:\d[\d,.]{0,40}\d|\d)"
# Symbol or ISO code -> (one, many, one hundredth, many hundredths), English.
# fmt: off
_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "sen", "sen"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "Rs": ("rupee", "rupees", "paisa", "paise"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "NZ$": ("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "HK$": ("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
    "S$": ("Singapore dollar", "Singapore dollars", "cent", "cents"),
    "R$": ("real", "reais", "centavo", "centavos"),
    "₩": ("won", "won", "jeon", "jeon"), "₽": ("rouble", "roubles", "kopek", "kopeks"),
    "₺": ("lira", "lira", "kurus", "kurus"), "₦": ("naira", "naira", "kobo", "kobo"),
    "₱": ("peso", "pesos", "centavo", "centavos"), "₪": ("shekel", "shekels", "agora", "agorot"),
}
# fmt: on
# ISO 4217 codes, before or after the amount ("JPY 1,000", "500 CHF"), as the symbol they stand for.
# fmt: off
_CODES = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "C$", "AUD": "A$", "NZD": "NZ$",
    "HKD": "HK$", "SGD": "S$", "BRL": "R$", "KRW": "₩", "RUB": "₽", "TRY": "₺", "NGN": "₦",
    "ILS": "₪", "CHF": "CHF", "CNY": "CNY", "RMB": "CNY", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK",
    "MXN": "MXN", "ZAR": "ZAR", "PLN": "PLN",
}
# fmt: on
_CURRENCIES.update(
    {
        "CHF": ("Swiss franc", "Swiss francs", "centime", "centimes"),
        "CNY": ("yuan", "yuan", "fen", "fen"),
        "SEK": ("Swedish krona", "Swedish kronor", "ore", "ore"),
        "NOK": ("Norwegian krone", "Norwegian kroner", "ore", "ore"),
        "DKK": ("Danish krone", "Danish kroner", "ore", "ore"),
        "MXN": ("Mexican peso", "Mexican pesos", "centavo", "centavos"),
        "ZAR": ("rand", "rand", "cent", "cents"),
        "PLN": ("zloty", "zloty", "grosz", "groszy"),
    }
)
# fmt: off
_CURRENCY_WORDS = {
    "es": {"$": ("dólar", "dólares"), "€": ("euro", "euros"), "£": ("libra", "libras")},
    "de": {"$": ("Dollar", "Dollar"), "€": ("Euro", "Euro"), "£": ("Pfund", "Pfund")},
    "fr": {"$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("livre", "livres")},
    "pt": {"$": ("dólar", "dólares"), "€": ("euro", "euros"), "£": ("libra", "libras")},
    "it": {"$": ("dollaro", "dollari"), "€": ("euro", "euro"), "£": ("sterlina", "sterline")},
}
# fmt: on
_CENTS = {"es": "céntimos", "de": "Cent", "fr": "centimes", "pt": "cêntimos", "it": "centesimi"}
# fmt: off
_SCALES = {
    "thousand": "thousand", "k": "thousand", "million": "million", "m": "million", "mn": "million",
    "mln": "million", "billion": "billion", "bn": "billion", "b": "billion", "trillion": "trillion",
    "tn": "trillion", "t": "trillion",
    "millones": "million", "millón": "million", "mil millones": "billion", "millions": "million",
    "milliards": "billion", "Millionen": "million", "Million": "million", "Mio.": "million",
    "Milliarden": "billion", "Mrd.": "billion", "milioni": "million", "miliardi": "billion",
    "milhões": "million", "milhão": "million", "bilhões": "billion",
    "crore": "crore", "crores": "crore", "cr": "crore", "lakh": "lakh", "lakhs": "lakh",  # Indian English
}
# fmt: on
_SCALE_RE = "|".join(re.escape(k) for k in sorted(_SCALES, key=len, reverse=True))
# Capital scale letters count only written against the number ("$7M", "€1.2B"): "$5 M" is not a scale.
_UPPER_SCALES = {
    "K": "thousand",
    "M": "million",
    "MN": "million",
    "Mn": "million",
    "B": "billion",
    "BN": "billion",
    "Bn": "billion",
    "T": "trillion",
    "TN": "trillion",
    "Tn": "trillion",
}
# fmt: off
_SCALE_WORDS = {
    "es": {"thousand": "mil", "million": "millones", "billion": "mil millones", "trillion": "billones"},
    "de": {"thousand": "tausend", "million": "Millionen", "billion": "Milliarden", "trillion": "Billionen"},
    "fr": {"thousand": "mille", "million": "millions", "billion": "milliards", "trillion": "billions"},
    "pt": {"thousand": "mil", "million": "milhões", "billion": "bilhões", "trillion": "trilhões"},
    "it": {"thousand": "mila", "million": "milioni", "billion": "miliardi", "trillion": "bilioni"},
}
# fmt: on
# Unit symbol -> (singular, plural), English; other languages keep the symbol's own reading.
# fmt: off
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
    "m²": ("square metre", "square metres"), "m2": ("square metre", "square metres"),
    "sq m": ("square metre", "square metres"), "cm²": ("square centimetre", "square centimetres"),
    "sq ft": ("square foot", "square feet"), "ft²": ("square foot", "square feet"),
    "m³": ("cubic metre", "cubic metres"), "m3": ("cubic metre", "cubic metres"),
    "cm³": ("cubic centimetre", "cubic centimetres"), "cc": ("cubic centimetre", "cubic centimetres"),
    "mL": ("millilitre", "millilitres"), "L": ("litre", "litres"), "kcal": ("kilocalorie", "kilocalories"),
    "MWh": ("megawatt hour", "megawatt hours"), "GWh": ("gigawatt hour", "gigawatt hours"),
    "TWh": ("terawatt hour", "terawatt hours"), "mAh": ("milliamp hour", "milliamp hours"),
    "hp": ("horsepower", "horsepower"), "MHz": ("megahertz", "megahertz"), "kHz": ("kilohertz", "kilohertz"),
    "kbps": ("kilobit per second", "kilobits per second"), "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"), "KB": ("kilobyte", "kilobytes"),
    "bps": ("basis point", "basis points"), "bp": ("basis point", "basis points"),
    "PB": ("petabyte", "petabytes"), "Mb": ("megabit", "megabits"), "Gb": ("gigabit", "gigabits"),
    "sq. ft": ("square foot", "square feet"), "sq. m": ("square metre", "square metres"),
    "sq. km": ("square kilometre", "square kilometres"), "sq mi": ("square mile", "square miles"),
    "sq. mi": ("square mile", "square miles"),
}
# fmt: on
# Kitchen, imperial and time units, English only: "2 tbsp", "8 fl oz", "3 yds", "45 min", "2 hrs".
UNITS.update(
    {
        "tbsp": ("tablespoon", "tablespoons"),
        "tsp": ("teaspoon", "teaspoons"),
        "fl oz": ("fluid ounce", "fluid ounces"),
        "yd": ("yard", "yards"),
        "yds": ("yard", "yards"),
        "gal": ("gallon", "gallons"),
        "qt": ("quart", "quarts"),
        "sec": ("second", "seconds"),
        "secs": ("second", "seconds"),
        "min": ("minute", "minutes"),
        "mins": ("minute", "minutes"),
        "hr": ("hour", "hours"),
        "hrs": ("hour", "hours"),
        "yr": ("year", "years"),
        "yrs": ("year", "years"),
        "wk": ("week", "weeks"),
        "wks": ("week", "weeks"),
        "ms": ("millisecond", "milliseconds"),
        "µm": ("micrometre", "micrometres"),
        "kV": ("kilovolt", "kilovolts"),
        "mA": ("milliamp", "milliamps"),
        "kN": ("kilonewton", "kilonewtons"),
        "kPa": ("kilopascal", "kilopascals"),
        "MPa": ("megapascal", "megapascals"),
        "in.": ("inch", "inches"),
        "kms": ("kilometre", "kilometres"),
        "cu ft": ("cubic foot", "cubic feet"),
    }
)
# Units in capitals ("5KM", "100 MPH") read as the unit they shout; only those that cannot be something else.
UNITS.update(
    {
        unit.upper(): UNITS[unit]
        for unit in (
            "km",
            "kg",
            "kph",
            "mph",
            "km/h",
            "cm",
            "mm",
            "ml",
            "mg",
            "lbs",
            "lb",
            "oz",
            "kcal",
            "kWh",
            "GHz",
            "MHz",
            "kHz",
            "Hz",
            "sq ft",
            "sq mi",
            "sq km",
            "km²",
            "mph",
        )
        if unit in UNITS
    }
)
UNITS.update(
    {
        "Km": UNITS["km"],
        "Kg": UNITS["kg"],
        "KMH": UNITS["km/h"],
        "Kbps": UNITS["kbps"],
        "MBPS": UNITS["Mbps"],
        "GBPS": UNITS["Gbps"],
    }
)
_FRACTIONS = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅛": (1, 8)}
# Months as news writes them: "March", "MARCH", "march", "Mar", "Mar.", "MAR", "Sept.", "sept." (not "may"
# or "mar" in lower case, which are words).
_MONTH_NAMES = {n for m in MONTHS["en"] for n in (m, m.upper(), m.lower())} - {"may"}
_MONTH_SHORT = {n for m in abbreviations("en") for n in (m, m.upper(), m.lower())} - {"mar"}
_MONTH_RE = (
    "(?P<month>(?:"
    + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
    + ")(?![\\w])|(?:"
    + "|".join(sorted(_MONTH_SHORT, key=len, reverse=True))
    + r")(?![\w])\.?)"
)


def _say(value: str, language: str) -> str:
    """Say a written number, as a decimal when it has a fractional part."""
    number = parse_number(value, language)
    # A fraction of zeros is said as written in English: "version 2.0" is "two point oh", not "two".
    if isinstance(number, float) and (not number.is_integer() or language == "en"):
        sep = "." if language == "en" else ","
        return (
            decimal(value.replace(",", "") if language == "en" else value.replace(".", ""), language)
            if sep in value
            else cardinal(number, language)
        )
    return cardinal(number, language)


def _month_number(name: str) -> int:
    key = name.rstrip(".")[:3].lower()
    return [m[:3].lower() for m in MONTHS["en"]].index(key) + 1


def word_before(m: re.Match, reach: int = 40) -> str:
    """The word just before a match, lower-cased, looking back a bounded stretch (linear time)."""
    words = m.string[max(0, m.start() - reach) : m.start()].split()
    return words[-1].lower().strip("(\"'“‘,:") if words else ""


_AT_END = re.compile(r"[\s\"'”’)]*$")


def at_end(m: re.Match) -> bool:
    """Does the match end the sentence (nothing but closing marks after it)?"""
    return _AT_END.match(m.string, m.end()) is not None


def _only_en(replace: Callable[[re.Match, str], str]) -> Callable[[re.Match, str], str]:
    """A pass whose words are English: other languages keep the text for their own reading."""
    return lambda m, lang: replace(m, lang) if lang == "en" else m.group(0)


# After "a $5" or "a 3 km" the word that the amount describes ("bill", "drive"), not one that goes on
# the sentence ("a $5 increase in", but "a $5 per month fee" and "a 3 km or so walk" are left alone).
_DESCRIBED = re.compile(
    r" (?!(?:of|in|to|for|and|or|per|a|an|the|each|from|on|at|by|with|is|was|more|less|than|worth|apiece"
    r"|plus|off|up|down|over|under|into|that|which|who|as|so|if|but|last|this|now|then|ago)\b)[a-z][a-z-]{2,}\b"
)


def _attributive(m: re.Match) -> bool:
    """Does an amount stand before the thing it measures, after "a" or "an": "a $5 bill", "a 3 hr drive"?"""
    return word_before(m) in ("a", "an") and _DESCRIBED.match(m.string, m.end()) is not None


def _money(m: re.Match, language: str) -> str:
    symbol = (m.group("cur") or "").rstrip(".") or _CODES[m.group("code")]
    amount = m.group("amount")
    scale = m.group("scale") or m.group("uscale") or ""
    scale = _UPPER_SCALES.get(scale) or (scale if scale in _SCALES else scale.lower())
    if language != "en":
        one, many = _CURRENCY_WORDS[language].get(symbol.replace("US", ""), (symbol, symbol))
        words = _say(amount, language)
        if scale:
            scale_word = _SCALE_WORDS[language].get(_SCALES[scale], _SCALES[scale])
            return (
                f"{words} {scale_word} de {many}"
                if language in ("es", "pt")
                else f"{words} {scale_word} {many}"
            )
        whole, sep, cents = amount.rpartition(",") if "," in amount else (amount, "", "")
        if sep and len(cents) == 2 and int(cents):
            units = int(whole.replace(".", "") or 0)
            money = f"{cardinal(units, language)} {one if units == 1 else many} {WORDS[language]['and']} "
            return money + f"{cardinal(int(cents), language)} {_CENTS[language]}"
        return f"{words} {one if parse_number(amount, language) == 1 else many}"
    one, many, sub_one, sub_many = _CURRENCIES[symbol]
    if re.fullmatch(
        r"\d{1,3}(?:\.\d{3})*,\d\d", amount
    ):  # "€12,50": a decimal comma, written the European way
        amount = amount.replace(".", "").replace(",", ".")
    if _attributive(m):
        many = one  # "a $5 bill", "a $2 million grant": "a five dollar bill"
    if scale:
        return f"{_say(amount, language)} {_SCALES[scale]} {many}"
    whole, _, cents = amount.replace(",", "").partition(".")
    if len(cents) == 1:
        cents += "0"  # "$3.5" is three dollars and fifty cents
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


def _meridiem(m: re.Match, language: str) -> str:
    """ "p.m.", "PM", "a.m" after a time: said as letters (espeak pauses after "p.m." before a capital)."""
    pm = m.group("ampm")[0] in "pP"
    said = (" P M" if pm else " eigh M") if language == "en" else (" p.m." if pm else " a.m.")
    if m.group("dash"):  # "10 a.m.-4 p.m."
        return f"{said} {WORDS[language]['to']} "
    # The abbreviation's full stop may also end the sentence.
    return said + ("." if m.group(0).endswith(".") and at_end(m) and language == "en" else "")


_MERIDIEM_AFTER = re.compile(r" (?:P M|eigh M|[ap]\.m\.)")


def _time(m: re.Match, language: str) -> str:
    hour, minute = int(m.group("h")), m.group("min")
    meridiem = _MERIDIEM_AFTER.match(m.string, m.end()) is not None
    words = WORDS[language]
    spoken = cardinal(hour, language)
    if minute and minute != "00":
        if language == "en" and minute.startswith("0"):
            spoken += f" {words['oh']} {cardinal(int(minute))}"
        else:
            spoken += " " + cardinal(int(minute), language)
    elif minute == "00" and not meridiem:
        spoken += " hundred" if language == "en" and hour > 12 else f" {words['oclock']}"
    if m.groupdict().get("sec") and m.group("sec") != "00":  # "10:00:00" is ten o'clock
        spoken += f" {words['and']} {cardinal(int(m.group('sec')), language)} {words['seconds']}"
    return spoken


def _military_time(m: re.Match, language: str) -> str:
    """0900 hours "oh nine hundred hours", 1430 hrs "fourteen thirty hours"."""
    hour, minute = m.group("h"), int(m.group("min"))
    if not hour.startswith("0") and word_before(m) not in _CLOCK_CUES:
        return m.group(0)  # "it took 1200 hours": a count of hours
    said = f"oh {cardinal(int(hour))}" if hour.startswith("0") else cardinal(int(hour))
    if minute == 0:
        return f"{said} hundred hours"
    return f"{said} {'oh ' if minute < 10 else ''}{cardinal(minute)} hours"


_CLOCK_CUES = {"at", "by", "until", "till", "from", "before", "after", "since", "to"}


def _date_words(
    day: int, month: int, year_text: str | None, language: str, day_first: bool = False, the: str = "the "
) -> str:
    """Say a date: "March third, twenty twenty-six", or day first "the third of March, twenty twenty-six"."""
    name = MONTHS[language][month - 1]
    if language == "en":
        spoken = f"{the}{ordinal(day)} of {name}" if day_first else f"{name} {ordinal(day)}"
        return spoken + (f", {year(int(year_text))}" if year_text else "")
    day_words = ordinal(day, language) if (day == 1 and language == "fr") else cardinal(day, language)
    if language == "fr" and day == 1:
        day_words = "premier"
    joiner = {"es": " de ", "pt": " de ", "de": ". ", "fr": " ", "it": " "}[language]
    spoken = f"{ordinal(day, 'de')} {name}" if language == "de" else f"{day_words}{joiner}{name}"
    if year_text:
        spoken += (" de " if language in ("es", "pt") else " ") + year(int(year_text), language)
    return spoken


def _day_range(m: re.Match, day_first: bool) -> str:
    """March 3-5 "March third to fifth"; 3-5 March "the third to the fifth of March"."""
    d1, d2, month = int(m.group("d1")), int(m.group("d2")), _month_number(m.group("month"))
    if not (1 <= d1 < d2 <= 31):
        return m.group(0)
    name = MONTHS["en"][month - 1]
    if day_first:
        return f"the {ordinal(d1)} to the {ordinal(d2)} of {name}"
    return f"{name} {ordinal(d1)} to {ordinal(d2)}"


def _full_year(y: str) -> str:
    return y if len(y) == 4 else ("20" if int(y) < 50 else "19") + y


def _numeric_date(m: re.Match, language: str) -> str:
    """3/1/2026: month first in English, unless the first number cannot be a month (25-12-2019)."""
    a, b, y = int(m.group("a")), int(m.group("b")), m.group("y")
    day_first = language != "en" or a > 12 or m.group("sep") == "."  # dots: the European order
    month, day = (b, a) if day_first else (a, b)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return _date_words(day, month, _full_year(y), language, day_first)


def _year_first_date(m: re.Match, language: str) -> str:
    month, day = int(m.group("a")), int(m.group("b"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return _date_words(day, month, m.group("y"), language)


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


_DENOMINATORS = {2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 32, 64, 100}


# Words after which "9/20" is a day of a month ("on 9/20"), not a fraction.
# Names written as a date or a fraction: "after 9/11" is the attacks, "7/11" the shop.
_SLASHED_NAMES = {(9, 11), (7, 11)}
_DATE_CUES = {"on", "since", "until", "till", "by", "from", "through", "thru", "before", "after", "dated"}


def _slashed(m: re.Match, language: str) -> str:
    """N/M: a fraction ("3/4"), a date ("on 9/20"), two numbers said in turn ("24/7", "9/11"), or "fifty-fifty"."""
    num, den = int(m.group(1)), int(m.group(2))
    if (num, den) in _SLASHED_NAMES:
        return f"{cardinal(num, language)} {cardinal(den, language)}"
    if language == "en" and word_before(m) in _DATE_CUES and 1 <= num <= 12 and 1 <= den <= 31:
        return _date_words(den, num, None, "en")
    if num == den and language == "en":
        return f"{cardinal(num)}-{cardinal(den)}"
    if den == 0 or num > den or den not in _DENOMINATORS:
        return f"{cardinal(num, language)} {cardinal(den, language)}"
    return _fraction(num, den, language)


# A score out of 5, 10, 20 or 100 ("rated 4.5/5", "I'd give it 8/10", "9/10 stars") is said "out of".
_RATING = re.compile(r"(?<![\w/.,])(?P<n>\d{1,3}(?:\.\d{1,2})?)/(?P<d>5|10|20|100)(?![\w/]|[.,]\d)")
_RATING_CUES = {
    "rated", "rate", "rates", "rating", "ratings", "score", "scored", "scores", "scoring", "give", "gave",
    "given", "gives", "giving", "got", "gets", "earns", "earned", "deserves", "verdict", "overall", "grade",
    "graded", "marks", "review", "stars",
}  # fmt: skip
_CLAUSE_END = re.compile(r"[,;!?)]|\.(?!\d)|$")
_RATING_AFTER = re.compile(r" ?(?:stars?|points?|rating|overall)\b", re.IGNORECASE)


def _rating(m: re.Match, language: str) -> str:
    """'rated 4.5/5' is "four point five out of five"; "4/5 people" or "on 9/10" is left to the later passes."""
    score, out_of = m.group("n"), int(m.group("d"))
    before = m.string[max(0, m.start() - 30) : m.start()].lower().split()[-3:]
    cued = "." in score or any(w.strip(":,(\"'") in _RATING_CUES for w in before)
    # "the food was 8/10, the service 6/10": marks out of ten at a clause's end
    cued = cued or (out_of == 10 and _CLAUSE_END.match(m.string, m.end()) is not None and len(before) > 1)
    if (
        not (cued or _RATING_AFTER.match(m.string, m.end()))
        or float(score) > out_of
        or word_before(m) in _DATE_CUES
    ):
        return m.group(0)
    return f"{_say(score, language)} out of {cardinal(out_of)}"


def _fraction_percent(m: re.Match, language: str) -> str:
    """7 1/2% "seven and a half percent"; 3/4% "three quarters of a percent"."""
    num, den = int(m.group("num")), int(m.group("den"))
    if den == 0 or num >= den:
        return m.group(0)
    if not m.group("whole"):
        if language != "en":
            return f"{_fraction(num, den, language)} {WORDS[language]['percent']}"
        return f"{_fraction(num, den, language)} of a percent"
    part = _fraction(num, den, language)
    if language == "en" and num == 1:
        part = ("an " if part.split()[-1][0] in "aeiou" else "a ") + part.split()[-1]
    whole = cardinal(m.group("whole"), language)
    return f"{whole} {WORDS[language]['and']} {part} {WORDS[language]['percent']}"


def _mixed(m: re.Match, language: str) -> str:
    """2 1/4: "two and a quarter"; 3 3/4: "three and three quarters"."""
    whole, num, den = m.group(1), int(m.group(2)), int(m.group(3))
    part = _fraction(num, den, language)
    if language == "en" and num == 1:
        part = ("an " if part.split()[-1][0] in "aeiou" else "a ") + part.split()[-1]
    return f"{cardinal(whole, language)} {WORDS[language]['and']} {part}"


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
    spoken = year(int(century + decade), language) if century else cardinal(int(decade), language)
    if language != "en":
        return spoken
    return spoken[:-1] + "ies" if spoken.endswith("y") else spoken + "s"


def _unit(m: re.Match, language: str, unit: str = "") -> str:
    amount, unit = m.group("amount"), unit or m.group("unit")
    spoken = _say(amount, language)
    if m.group("neg"):
        spoken = f"{WORDS[language]['minus']} {spoken}"
    if language != "en":
        return f"{spoken} {unit}"
    one, many = _unit_words(unit)
    # "a 5-km run": a measure joined to its noun by a hyphen is singular, as in "a five-kilometre run".
    attributive = bool(m.groupdict().get("hyphen")) or _attributive(m)
    return f"{spoken} {one if amount == '1' or attributive else many}"


def _unit_any_case(m: re.Match, language: str) -> str:
    """ "5 Kms", "2 HRS": a unit whatever its case; but "the 1988 SEC Tournament" and "15 SEC filings" name a body."""
    word = m.group("word")
    unit = _UNITS_ANY_CASE.get(word.lower())
    shouted_name = word.isupper() and (
        word.lower() in {"sec", "min", "gal", "cc"} or re.fullmatch(r"1\d{3}|20\d\d", m.group("amount"))
    )
    if not unit or shouted_name:
        return m.group(0)
    return _unit(m, language, unit)


def _fraction_of_unit(m: re.Match, language: str) -> str:
    """2 1/2 lb "two and a half pounds"; 3/4 in. "three quarters of an inch"; a 1½-inch pipe."""
    num, den = (int(m.group("num")), int(m.group("den"))) if m.group("num") else _FRACTIONS[m.group("sign")]
    if den == 0 or num >= den:
        return m.group(0)
    one, many = _unit_words(m.group("unit"))
    part = _fraction(num, den, language)
    if not m.group("whole"):
        return f"{part} of {'an' if one[0] in 'aeiou' else 'a'} {one}"
    if num == 1:
        part = ("an " if part.split()[-1][0] in "aeiou" else "a ") + part.split()[-1]
    unit = one if m.group("hyphen") else many
    return f"{cardinal(m.group('whole'))} and {part} {unit}"


def _range(m: re.Match, language: str) -> str:
    left, right = m.group("a"), m.group("b")
    to = WORDS[language]["to"]
    if (
        word_before(m) in ("reigned", "born", "died", "flourished", "circa")
        and len(left) <= 4
        and len(right) <= 4
    ):
        return f"{year(int(left), language)} {to} {year(int(right), language)}"  # "r. 757-796": years
    if language == "en" and (re.fullmatch(r"0\d+", left) or re.fullmatch(r"0\d{2,}", right)):
        return f"{_code_digits(left, language)}, {_code_digits(right, language)}"  # a code with a leading zero: "2-011812"
    if re.fullmatch(r"1\d{3}|20\d\d", left) and len(right) in (1, 3) and int(right) < int(left):
        return f"{year(int(left), language)} {to} {_say(right, language)}"  # "1724-6", "2013-263"
    if re.fullmatch(r"1\d{3}|20\d\d", left) and re.fullmatch(r"\d{2}|1\d{3}|20\d\d", right):
        if len(right) == 2 and language == "en":  # "1990-95": "nineteen ninety to ninety-five"
            tail = f"oh {cardinal(int(right))}" if right.startswith("0") else cardinal(int(right))
            return f"{year(int(left))} {to} {tail}"
        if len(right) == 2:
            right = left[:2] + right
        return f"{year(int(left), language)} {to} {year(int(right), language)}"
    return f"{_say(left, language)} {to} {_say(right, language)}"


def paired(text: str, language: str = "en") -> str:
    """Say a code number the way flights and models are said: 737 "seven thirty-seven", 1549 "fifteen forty-nine"."""
    if (text.startswith("0") and len(text) > 1) or len(text) > 4:
        return _code_digits(text, language)
    if len(text) in (3, 4) and language == "en" and not text.endswith("000"):
        return (
            _n2w(int(text), "en", to="year") if text[-2:] != "00" else f"{cardinal(int(text[:-2]))} hundred"
        )
    return cardinal(int(text), language)


def _letter_code(m: re.Match, language: str) -> str:
    """G7, F-16, A320, I-95, A-1: the letters, then the number as a code."""
    # A number follows, so a letter A is never the last word: "eigh", as normalize.spell says it there.
    letters = " ".join("eigh" if c == "A" else c for c in m.group("letters"))
    return f"{letters} {paired(m.group('num'), language)}"


# Makers' names and model lines before a model number said in pairs ("Boeing 747", "Cessna 172", "RTX 4090"),
# graphics cards and processors ("RTX 4090"); after other capitals a number keeps its usual reading ("ISO 9001").
MODEL_CUES = (
    r"[Ff]light|[Rr]oute|[Mm]odel|Boeing|Cessna|Tupolev|Antonov|Ilyushin|Embraer|Bombardier|Learjet|Beechcraft"
    r"|Porsche|Peugeot|Ferrari|Xbox|Radeon|GeForce|Ryzen|Pentium|Celeron|Snapdragon|Exynos|Galaxy|Pixel|Nokia"
    r"|Canon|Nikon|Leica|RTX|GTX|RX|GT|MX|Quadro|Titan|Radeon|Core|Xeon|Athlon|Opteron"
)


def _model(m: re.Match, language: str) -> str:
    """Boeing 747 "seven forty-seven", RTX 4090 "forty ninety", Cessna 172 "one seventy-two"."""
    return f"{m.group('cue')} {paired(m.group('n'))}"


# Words that make a three-digit ".267" a batting or winning average, said "two sixty-seven".
_AVERAGE_CUES = re.compile(
    r"\b(?:bat\w*|averag\w*|avg|hit\w*|slugging|on-base|OBP|OPS|SLG|percentage|record)\b"
)


# Words after which ".45" is a calibre, said "forty-five".
_CALIBRE_NEXT = re.compile(
    r" (?:cal\w*|rifle|pistol|revolver|handgun|gun|Magnum|magnum|round|bullet|ammunition)"
)


def _leading_point(m: re.Match, language: str) -> str:
    """.5 is "point five"; .267 beside "batted" or "record" is "two sixty-seven"; a .45 pistol is "forty-five"."""
    figures = m.group(1)
    if len(figures) == 3 and _AVERAGE_CUES.search(m.string, max(0, m.start() - 60), m.end() + 20):
        return paired(figures)
    if len(figures) in (2, 3) and _CALIBRE_NEXT.match(m.string, m.end()):
        return cardinal(int(figures))
    return f"{WORDS[language]['point']} {_code_digits(figures)}"


def _utc_offset(m: re.Match, language: str) -> str:
    """UTC+2 "U T C plus two"; GMT-5:30 "G M T minus five thirty"."""
    sign = "plus" if m.group("sign") == "+" else "minus"
    minutes = f" {cardinal(int(m.group('min')))}" if m.group("min") and m.group("min") != "00" else ""
    return f"{m.group('tz')} {sign} {cardinal(int(m.group('h')))}{minutes}"


def _identifier(code: str) -> str:
    """A code in groups, a short pause between them: digits one by one, letters spelled, a leading year a year."""
    groups = code.split("-")
    said = []
    for i, group in enumerate(groups):
        if group.isdigit():
            leading_year = i == 0 and re.fullmatch(r"(?:19|20)\d\d", group)
            said.append(year(int(group)) if leading_year else _code_digits(group))
        else:
            said.append(" ".join(_letter_or_digit(c) for c in group))
    return ", ".join(said)


def _number_sign(m: re.Match) -> str:
    """The gap between a reference's kind and its number, its number sign said: "ticket #" is "ticket number"."""
    return re.sub(r"# ?", "number ", m.group("gap"))


def _sign_number(m: re.Match, language: str) -> str:
    """ "#1" is number one; "#48213", five figures or more after the sign, is an order's or a ticket's code."""
    n = m.group(1)
    return _code_digits(n, language) if m.group(0)[0] == "#" and len(n) >= 5 else cardinal(n, language)


def _letter_or_digit(c: str) -> str:
    # A letter A inside a code is the letter, never the article ("eigh", as normalize.spell says it).
    return _code_digits(c) if c.isdigit() else "eigh" if c == "A" else c


_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def _ordinal(m: re.Match, language: str) -> str:
    """1st, 22nd; a wrong suffix ("2th", "23th") is read as it stands: the number, then the letters."""
    value, suffix = int(m.group(1).replace(",", "")), m.group(2)
    right = "th" if value % 100 in (11, 12, 13) else _SUFFIX.get(value % 10, "th")
    if suffix.lower() != right and language == "en":
        return f"{cardinal(value)} {' '.join(suffix.upper())}"
    return ordinal(value, language)


def _old_ordinal(m: re.Match, language: str) -> str:
    """2d, 3d, 22d: second, third, twenty-second, as older books write them (but 12d and 13d are not)."""
    value = int(m.group(1))
    if value % 100 in (12, 13) or (
        word_before(m) not in _OLD_ORDINAL_BEFORE and not m.string.startswith(" of", m.end())
    ):
        return m.group(0)
    return ordinal(value)


_OLD_ORDINAL_BEFORE = {"the", "and", "or", "his", "her", "its", "their", "our"}


def _mixed_code(m: re.Match, language: str) -> str:
    """H1N1 "H one N one", 3D "three D", 4WD "four W D": capitals spelled, short runs of digits counted."""
    code = m.group(0)
    ordinal_in_capitals = re.fullmatch(r"(\d{1,4})(ST|ND|RD|TH)", code)
    if ordinal_in_capitals:  # "2ND", "21ST"
        return ordinal(int(ordinal_in_capitals.group(1)))
    said = []
    for run in re.findall(r"\d+|[A-Z]+", code):
        if run.isdigit():
            said.append(
                cardinal(int(run))
                if len(code) <= 10 and (len(run) <= 2 or (len(run) == 3 and run[0] != "0"))
                else _code_digits(run)
            )
        elif _word_in_code(run):
            said.append(_SAID_WORDS.get(run, run.capitalize()))  # a word: "SAVE20", "WELCOME10", "COVID19"
        else:
            said.append(" ".join("eigh" if c == "A" else c for c in run))
    return " ".join(said)


_SAID_WORDS = {"COVID": "Kohvid"}
_DIGRAPHS = re.compile(r"CH|SH|TH|PH|NG|CK|GH")
_CONSONANTS_3 = re.compile(r"[B-DF-HJ-NP-TV-XZ]{3}")


def _word_in_code(run: str) -> bool:
    """Do four capitals or more inside a code spell a word ("SAVE20", "SPRING15", "COVID19"), not letters
    ("ABCD12")? Two-letter sounds count as one letter, and three consonants together only open it ("SPR")."""
    if len(run) < 4 or not re.search(r"[AEIOUY]", run):
        return False
    sounds = _DIGRAPHS.sub("H", run)
    cluster = _CONSONANTS_3.search(sounds)
    return cluster is None or (
        cluster.start() == 0 and sounds[0] == "S" and not _CONSONANTS_3.search(sounds, 1)
    )


def _shillings(m: re.Match, language: str) -> str:
    """£5 10s. "five pounds ten shillings"; 5s. 6d. "five shillings and six pence"."""
    said = []
    if m.groupdict().get("pounds"):
        said.append(f"{cardinal(m.group('pounds'))} {'pound' if m.group('pounds') == '1' else 'pounds'}")
    shillings = int(m.group("s"))
    said.append(f"{cardinal(shillings)} {'shilling' if shillings == 1 else 'shillings'}")
    if m.group("d"):
        said[-1] += f" and {cardinal(int(m.group('d')))} {'penny' if m.group('d') == '1' else 'pence'}"
    return " ".join(said) + ("." if m.group(0).endswith(".") and at_end(m) else "")


def _era(m: re.Match, language: str) -> str:
    """44 BC, 410 AD, AD 79, AD 325-350: the numbers are years ("four ten")."""
    if m.group("n"):
        return f"{year(int(m.group('n')), language)} {m.group('era')}"
    said = f"{m.group('era2')} {year(int(m.group('n2')), language)}"
    if m.group("n3"):
        said += f" {WORDS[language]['to']} {year(int(m.group('n3')), language)}"
    return said


def _parts(value: int) -> str:
    """10ths "tenths", 3rds "thirds", 2nds "halves": an ordinal counted is a part of a whole."""
    if value == 2:
        return "halves"
    if value == 4:
        return "quarters"
    said = ordinal(value)
    return said[:-1] + "ves" if said.endswith("f") else said + "s"


def _german_day(m: re.Match, language: str) -> str:
    if language != "de":
        return m.group(0)
    said = ordinal(int(m.group(1)), "de")
    # After "am", "vom", "zum", "bis zum", "seit dem" the ordinal takes its dative ending.
    return said + "n" if word_before(m) in ("am", "vom", "zum", "dem", "im") else said


def _quarter(m: re.Match, language: str) -> str:
    """3Q19: "third quarter twenty nineteen"."""
    return f"{ordinal(int(m.group(1)))} quarter {year(int(_full_year(m.group(2))))}"


def _ip(m: re.Match, language: str) -> str:
    """10.0.0.1 "ten dot zero dot zero dot one"; a part of three digits digit by digit ("one nine two")."""
    if any(int(part) > 255 for part in m.groups()):
        return m.group(0)
    if language != "en" and all(len(part) == 3 for part in m.groups()[1:]) and m.group(4) == "000":
        return m.group(
            0
        )  # "3.250.000.000": billions, their thousands marked with points (no address ends ".000")
    parts = (
        digits(part, language) if len(part) == 3 else cardinal(int(part), language) for part in m.groups()
    )
    return f" {WORDS[language]['dot']} ".join(parts)


# Words after which a number is a code read digit by digit ("card ending in 4242", "PIN 0451", "zip code 02139").
_CODE_CUES = (
    r"(?i:ending in|ends in|ending|code|codes|zip|zipcode|postcode|postal code|pin|passcode|password"
    r"|account(?: number| no\.)?|card number|serial(?: number)?|tracking number|order(?: number| no\.)"
    r"|reference number|confirmation number|id number)|ID"
)


def _dimension(m: re.Match, language: str) -> str:
    """ "12 ft x 14 ft" is "12 ft by 14 ft"; "in" there is inches, which the measures pass leaves as a word."""
    unit = m.group("u")
    if unit == "in":
        unit = "inch" if m.group("a") == "1" else "inches"
    return f"{m.group('a')} {unit} by "


# A model and its variant, written with a hyphen: "Boeing 747-400" "seven forty-seven four hundred", "A321-200",
# "737-8s". Run on the text as written (listen/text/normalize.py), before a spaced or an en dash between
# numbers, which tokenised text writes there and its readers take for a range, becomes a hyphen.
# English only: each says its match as English does.
_MODEL_VARIANTS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (
        re.compile(
            rf"\b(?P<cue>{MODEL_CUES}) (?P<n>\d{{3,4}})-(?P<v>\d{{1,4}})(?P<s>s?)\b(?![.,-]\d|\s?[%°])"
        ),
        lambda m: f"{_model(m, 'en')} {paired(m.group('v'))}{m.group('s')}",
    ),
    (
        re.compile(
            r"(?<![\w-])(?P<letters>[A-Z]{1,3})(?P<num>\d{2,4})-(?P<v>\d{1,4})(?P<s>s?)(?![\w-]|[.,]\d)"
        ),
        lambda m: f"{_letter_code(m, 'en')} {paired(m.group('v'))}{m.group('s')}",
    ),
]


def model_variants(t: MappedText) -> None:
    """Say English model numbers with their variants as written: "Boeing 747-400", "A321-200"."""
    for pattern, say in _MODEL_VARIANTS:
        t.sub(pattern, say)


# Words naming a file, a case or an order, before its number after a number sign or "no." ("ticket #10234",
# "case no. 4471") or as two groups with a dash ("claim 22-1187"): a reference read digit by digit.
_FILE_CUES = (
    r"(?i:ticket|case|claim|invoice|booking|receipt|policy|file|docket|order|request|application|permit"
    r"|complaint|incident|reference|ref\.?|account|patient|customer|member|membership|parcel|shipment|lot|batch)"
)
# fmt: off
_PER = {"s": "second", "sec": "second", "h": "hour", "hr": "hour", "hour": "hour", "d": "day", "day": "day",
        "wk": "week", "week": "week", "mo": "month", "month": "month", "yr": "year", "year": "year",
        "min": "minute", "minute": "minute", "night": "night", "person": "person", "head": "head",
        "capita": "capita", "kg": "kilogram", "km": "kilometre", "mile": "mile", "l": "litre", "litre": "litre",
        "liter": "liter", "gallon": "gallon", "gal": "gallon", "share": "share", "barrel": "barrel",
        "bbl": "barrel", "tonne": "tonne", "ton": "ton", "unit": "unit", "dose": "dose", "lb": "pound",
        "oz": "ounce", "ft": "foot", "page": "page", "item": "item", "user": "user", "seat": "seat",
        "ticket": "ticket", "copy": "copy", "pair": "pair", "piece": "piece", "gb": "gigabyte",
        "tb": "terabyte", "kwh": "kilowatt hour", "annum": "annum", "room": "room", "class": "class",
        "lesson": "lesson", "session": "session", "visit": "visit", "game": "game", "mon": "month"}
# fmt: on
_PER_RE = "|".join(sorted(_PER, key=len, reverse=True))
# Units said whatever their case, by their lower-case spelling; not those that are also initials or
# name two units ("MS", "MA", "MI", "PB", "kn"; "GB" and "Gb").
_UNITS_ANY_CASE = {
    unit.lower(): unit
    for unit in sorted(UNITS)
    if re.fullmatch(r"[a-z]{2,5}", unit.lower())
    and unit.lower() not in {"ms", "ma", "mi", "pb", "kn", "gb", "mb", "kb", "hp"}
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_CURRENCY_SYMBOL = r"US\$|NZ\$|HK\$|C\$|A\$|S\$|R\$|(?<![\w])Rs\.?(?=\s?\d)|[$€£¥₹₩₽₺₦₱₪]"
_CODE_RE = "|".join(_CODES)
_MONEY_SCALE = (
    rf"(?:(?P<uscale>{'|'.join(sorted(_UPPER_SCALES, key=len, reverse=True))})(?![\w'])"
    rf"|\s?(?P<scale>{_SCALE_RE})(?!\w))"
)

# Words before a place's number and letter: "seat 14C", "Gate 22F", "flat 3C" are no temperatures.
_PLACES = {
    "seat", "seats", "row", "room", "rooms", "gate", "gates", "flat", "apt", "apartment", "suite", "ste", "unit",
    "platform", "bay", "stand", "pier", "berth", "cabin", "locker", "box", "block", "level", "floor", "section",
    "aisle", "table", "ward", "bed", "terminal", "lot", "space", "stall", "booth", "court", "door", "building",
    "exit", "office", "studio", "pitch", "plot", "hall", "no.", "number", "#",
}  # fmt: skip


def _number_without_stop(m: re.Match, language: str) -> str:
    """ "No 10" is "number ten"; "No 2 people are alike" is the word "no" before a count."""
    if _PLURAL_NEXT.match(m.string, m.end()):
        return m.group(0)
    return f"number {cardinal(m.group(1))}"


def _millions(m: re.Match, language: str) -> str:
    """ "2.4m households", "100k views" count thousands and millions; "a 10m wall", "ran 400m" are
    metres (a later pass), "a 5k run" stays as written."""
    if not _PLURAL_NEXT.match(m.string, m.end()):
        return m.group(0)
    return f"{_say(m.group(1), language)} {'million' if m.group(2) == 'm' else 'thousand'}"


def _hours_minutes(m: re.Match, language: str) -> str:
    hours, minutes = int(m.group(1)), int(m.group(2))
    said = f"{cardinal(hours)} {'hour' if hours == 1 else 'hours'}"
    return said + (f" {cardinal(minutes)} {'minute' if minutes == 1 else 'minutes'}" if minutes else "")


# (pattern, replacement) in the order they must run: the specific before the general.
# fmt: off
_PASSES: list[tuple[re.Pattern, Callable[[re.Match, str], str]]] = [
    # IP addresses before anything reads their parts as decimals or dates: 192.168.0.1
    (re.compile(r"(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\w|\.\d)"), _ip),
    # scores: rated 4.5/5, 8/10 stars (before the point or the slash is read as anything else)
    (_RATING, _only_en(_rating)),
    # old British money in books: £5 10s., 5s. 6d., £3 2s. 6d.
    (re.compile(r"£(?P<pounds>\d{1,6}) (?P<s>\d{1,2})s\.?(?: (?P<d>\d{1,2})d\.?)?(?![\w'’])"), _only_en(_shillings)),
    (re.compile(r"(?<![\w.£])(?P<s>\d{1,2})s\. ?(?P<d>\d{1,2})d\.?(?![\w'’])"), _only_en(_shillings)),
    # dates: 3/1/2026, 25-12-2019, 15.06.2022, 2019/12/31, 2026-01-03, Mar-03-2018
    (re.compile(r"(?<![\w./-])(?P<a>\d{1,2})(?P<sep>/)(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\w]|[./-]\d)"),
     _numeric_date),
    (re.compile(r"(?<![\w./-])(?P<a>\d{1,2})(?P<sep>[.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\w]|[./-]\d)"),
     _numeric_date),
    (re.compile(r"(?<![\w./-])(?P<y>\d{4})(?P<sep>[/.-])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})(?![\w]|[./-]\d)"),
     _year_first_date),
    # day ranges: March 3-5, 3–5 March
    (re.compile(rf"\b{_MONTH_RE} (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s?[-–]\s?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?![-–]\d)"),
     _only_en(lambda m, lang: _day_range(m, day_first=False))),
    (re.compile(rf"(?<![\w.,-])(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s?[-–]\s?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH_RE}"),
     _only_en(lambda m, lang: _day_range(m, day_first=True))),
    # 05-Jan-2024, 5-JAN-24
    (re.compile(rf"(?<![\w.,-])(?P<day>\d{{1,2}})-{_MONTH_RE}-(?P<year>\d{{4}}|\d{{2}})\b(?!-)"),
     _only_en(lambda m, lang: _date_words(int(m.group("day")), _month_number(m.group("month")),
                                          _full_year(m.group("year")), "en", day_first=True))),
    (re.compile(rf"\b{_MONTH_RE}-(?P<day>\d{{1,2}})-(?P<year>\d{{4}})\b"),
     _only_en(lambda m, lang: _date_words(int(m.group("day")), _month_number(m.group("month")), m.group("year"), "en"))),
    # January 3, 2026 / Jan. 3 / FEB 2, 2019 / 3 January 2026 (English month names: English words)
    (re.compile(rf"\b{_MONTH_RE} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<year>1\d{{3}}|20\d\d)\b)?"),
     _only_en(lambda m, lang: _date_words(int(m.group("day")), _month_number(m.group("month")), m.group("year"), "en"))),
    (re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH_RE}(?:,? (?P<year>1\d{{3}}|20\d\d)\b)?"),
     _only_en(lambda m, lang: _date_words(int(m.group("day")), _month_number(m.group("month")), m.group("year"),
                                          "en", day_first=True, the="" if word_before(m) == "the" else "the "))),
    # month and year: Dec. 2023, SEPT 1998, june 2001
    (re.compile(rf"\b{_MONTH_RE},? (?P<year>1\d{{3}}|20\d\d)\b(?![.,]\d)"),
     _only_en(lambda m, lang: f"{MONTHS['en'][_month_number(m.group('month')) - 1]} {year(int(m.group('year')))}")),
    # German days: "am 3. März" is "am dritten März"
    (re.compile(r"(?<![\w.,])(\d{1,2})\.(?= (?:" + "|".join(MONTHS["de"]) + r")\b)"), _german_day),
    # quarters and eras: 3Q19, 44 BC, AD 79
    (re.compile(r"\b([1-4])Q(\d{2}|\d{4})\b"), _only_en(_quarter)),
    (re.compile(r"(?<![\w.,-])(?P<n0>\d{1,4}) ?[-–] ?(?=\d{1,4} ?(?:BCE|BC|CE|AD|B\.C\.|A\.D\.)(?!\w))"),
     lambda m, lang: f"{year(int(m.group('n0')), lang)} {WORDS[lang]['to']} "),  # 1200-1300 AD, 500–400 BC
    (re.compile(r"\b(?P<n>\d{1,4}) ?(?P<era>BCE|BC|CE|AD|B\.C\.|A\.D\.)(?!\w)|\b(?P<era2>AD|A\.D\.) (?P<n2>\d{1,4})(?:[-–](?P<n3>\d{1,4}))?\b"),
     _era),
    # offsets from universal time: UTC+2, GMT-5:30
    (re.compile(r"\b(?P<tz>UTC|GMT) ?(?P<sign>[+−-]) ?(?P<h>\d{1,2})(?::(?P<min>\d\d))?\b"), _only_en(_utc_offset)),
    # ranges of clock times: 10:00-18:00, 9:30–17:00
    (re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d) ?[-–] ?(?=(?:[01]?\d|2[0-3]):[0-5]\d\b)"),
     _only_en(lambda m, lang: f"{_time(m, lang)} to ")),
    # times: 08:45:12, 17:30, 5 p.m., 7:30am, 9.30pm
    (re.compile(r"(?<=\d)\s?(?P<ampm>[aApP]\.\s?[mM]\b\.?|[aApP][mM]\b)(?P<dash>\s?[-–]\s?(?=\d))?"), _meridiem),
    (re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d):(?P<sec>[0-5]\d)\b(?!:)"), _time),
    (re.compile(r"\b(?P<h>[01]?\d|2[0-3])[:.](?P<min>[0-5]\d)(?= (?:P M|eigh M|[ap]\.m\.))"), _time),
    (re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)\b(?!:)"), _time),
    # a time with a point before words that say it is one: "at 6.30 in the evening", "by 9.15 tonight"
    (re.compile(r"\b(?P<h>[01]?\d|2[0-3])\.(?P<min>[0-5]\d)(?= (?:in the (?:morning|afternoon|evening|night)|"
                r"this (?:morning|afternoon|evening)|tonight|tomorrow (?:morning|evening)|o'clock)\b)"),
     _only_en(_time)),
    # the 24-hour clock said in hours: "at 0900 hours", "1430 hrs"
    (re.compile(r"(?<![\w.,])(?P<h>[01]\d|2[0-3])(?P<min>[0-5]\d) (?:hours|hrs)\b"), _only_en(_military_time)),
    # scores and ratios: 3:2, 2:1 (a time has two digits of minutes)
    (re.compile(r"(?<![\w:.,])(\d{1,3}):(\d|\d{3,6})(?![\w:]|[.,]\d)"),
     lambda m, lang: f"{cardinal(m.group(1), lang)} {WORDS[lang]['to']} {cardinal(m.group(2), lang)}"),
    # phone numbers (listen/text/phones.py): +1 202 555 0143, 1-800-555-0199, 555-0142, call 911
    *PHONE_PASSES,
    # identifiers in three or more groups: ISBN 978-0-14-044913-6, case 2019-CV-01234, order 12-345-678
    (re.compile(r"\b[Nn]o\. ?(?=[A-Z\d]{0,13}\d)"), lambda m, lang: WORDS[lang]["number"] + " "),
    (re.compile(r"(?<![\w.-])(?=[A-Z\d-]{0,40}\d)[A-Z\d]{1,13}(?:-[A-Z\d]{1,13}){2,6}(?![\w-]|\.\d)"),
     _only_en(lambda m, lang: _identifier(m.group(0)))),
    # codes read digit by digit or in pairs: card ending in 4242, flight 1549, Boeing 737, G7, F-16, A320
    (re.compile(rf"\b(?P<cue>{_CODE_CUES})(?P<gap>:? (?:is |was |of |number |no\. |# ?)?)(?P<n>\d{{3,12}})\b(?![.,]\d)"),
     _only_en(lambda m, lang: f"{m.group('cue')}{_number_sign(m)}{_code_digits(m.group('n'))}")),
    # a reference after its kind and a number sign: "ticket #10234", "case no. 4471", "claim 22-1187"
    (re.compile(rf"\b(?P<cue>{_FILE_CUES})(?P<gap> (?:number |no\. ?|# ?))(?P<n>\d{{3,12}})\b(?![.,]\d|-\d)"),
     _only_en(lambda m, lang: f"{m.group('cue')}{_number_sign(m)}{_code_digits(m.group('n'))}")),
    (re.compile(rf"\b(?P<cue>{_FILE_CUES})(?P<gap> (?:number |no\. ?|# ?)?)(?P<n>\d{{2,6}}-\d{{3,8}})\b(?![.,-]\d)"),
     _only_en(lambda m, lang: f"{m.group('cue')}{_number_sign(m)}{_identifier(m.group('n'))}")),
    # an airline's code and a flight number: "flight BA 2490" "B eigh twenty-four ninety"
    (re.compile(r"\b(?P<cue>[Ff]light) (?P<letters>[A-Z]{2}|[A-Z]\d|\d[A-Z]) ?(?P<num>\d{1,4})\b(?![.,]\d|-)"),
     _only_en(lambda m, lang: f"{m.group('cue')} {' '.join(_letter_or_digit(c) for c in m.group('letters'))} "
                              f"{paired(m.group('num'))}")),
    (re.compile(rf"\b(?P<cue>{MODEL_CUES}) (?P<n>\d{{3,4}})\b(?![.,]\d|\s?[%°-])"), _only_en(_model)),
    (re.compile(r"(?<![\w-])(?P<letters>[A-Z]{1,3})-?(?P<num>\d{1,6})(?![\w-]|[.,]\d)"), _only_en(_letter_code)),
    # rates, before money is said (no digit is left after it): 2,000 calories/day, $15/hr, €900/month
    (re.compile(rf"(?<=[\w%²³])/(?P<per>{_PER_RE})(?![\w/])", re.IGNORECASE),
     _only_en(lambda m, lang: f" per {_PER[m.group('per').lower()]}")),
    # ranges of money and measures, said once at the end: "$5-$10" and "15-20 cm" are "five to ten ..."
    (re.compile(rf"(?P<cur>[$€£¥₹])(?P<a>{_NUM})\s?[-–]\s?(?P=cur)?(?=\d)"),
     lambda m, lang: f"{_say(m.group('a'), lang)} {WORDS[lang]['to']} {m.group('cur')}"),
    (re.compile(rf"(?<![\w.-])(?P<a>{_NUM})\s?[-–]\s?(?={_NUM}\s?(?:{_UNIT_RE})(?![\w/²³]))"),
     lambda m, lang: f"{_say(m.group('a'), lang)} {WORDS[lang]['to']} "),
    # money: $2.00, $.99, €3.5 million, £1bn, $7M, US$5m, JPY 1,000, 500 CHF, 85¢
    (re.compile(rf"(?:(?P<cur>{_CURRENCY_SYMBOL})\s?|\b(?P<code>{_CODE_RE}) ?)(?P<amount>{_NUM}|\.\d\d(?!\d))"
                rf"(?:{_MONEY_SCALE})?"), _money),
    (re.compile(rf"(?<![\w.,])(?P<amount>{_NUM})(?:{_MONEY_SCALE})? ?(?:(?P<cur>€)|(?P<code>{_CODE_RE})\b)"),
     _money),
    (re.compile(r"(?<![\w.,])(\d{1,3}) ?¢"),
     _only_en(lambda m, lang: f"{cardinal(m.group(1))} {'cent' if m.group(1) == '1' else 'cents'}")),
    # ranges: 10-20, 5–10%, 2010-15
    (re.compile(rf"(?<![\w.-])(?P<a>{_NUM})\s?%?\s?[-–]\s?(?P<b>{_NUM})\s?%"),
     lambda m, lang: _range(m, lang) + " " + WORDS[lang]["percent"]),
    # a decimal without its leading zero: .5 percent "point five", a batting average .267 "two sixty-seven"
    (re.compile(r"(?<![\w.,])\.(\d{1,6})(?![\w]|[.,]\d)"), _only_en(_leading_point)),
    # a count in millions or billions without a currency: 1.5M users, 3bn people
    (re.compile(r"(?<![\w.,$€£¥])(\d{1,4}(?:\.\d{1,2})?)(M|mn|bn|BN|Bn)\b(?![-'’])"),
     _only_en(lambda m, lang: f"{_say(m.group(1), lang)} {_UPPER_SCALES.get(m.group(2)) or _SCALES[m.group(2)]}")),
    # ...and "m" or "k" before what it counts: "2.4m households", "100k views" (not "a 10m wall", "a 5k run")
    (re.compile(r"(?<![\w.,$€£¥x×])(\d{1,4}(?:\.\d{1,2})?)([mk])(?= )"), _only_en(_millions)),
    # per cent as British news writes it: "fell 3.2pc", "a 5pc rise"
    (re.compile(rf"(?<![\w.])(?P<n>{_NUM}) ?pc\b(?!\.\w)"), _only_en(lambda m, lang: f"{_say(m.group('n'), lang)} percent")),
    # durations: "2h 15m", "1h30", "3h 05min"
    (re.compile(r"(?<![\w.])(\d{1,2})h ?(\d{1,2})(?:m|min|mins)?\b(?![.:]\d)"), _only_en(_hours_minutes)),
    # a fraction of a percent: 7 1/2%, 3/4 %
    (re.compile(r"(?<![\w.,/])(?:(?P<whole>\d{1,6}) )?(?P<num>\d)/(?P<den>\d{1,2}) ?%"), _fraction_percent),
    # percentages
    (re.compile(rf"(?<![\w.])(?P<neg>[-−])?(?P<n>{_NUM})\s?%"),
     lambda m, lang: ((WORDS[lang]["minus"] + " ") if m.group("neg") else "") + _say(m.group("n"), lang)
     + " " + WORDS[lang]["percent"]),
    # page and number references: p. 55, pp. 10-12, No. 10, #1
    (re.compile(r"\bpp?\. ?(\d{1,6})[-–](\d{1,6})\b"),
     lambda m, lang: f"{WORDS[lang]['pages']} {cardinal(m.group(1), lang)} {WORDS[lang]['to']} {cardinal(m.group(2), lang)}"),
    (re.compile(r"\bp\. ?(\d{1,6})\b"), lambda m, lang: f"{WORDS[lang]['page']} {cardinal(m.group(1), lang)}"),
    (re.compile(r"(?:\b[Nn]o\.|#) ?(\d{1,9})\b"),
     lambda m, lang: f"{WORDS[lang]['number']} {_sign_number(m, lang)}"),
    # ...and as British style writes it, without the stop: "No 10 Downing Street", "No 43 Squadron"
    (re.compile(r"(?<![\w.])No (\d{1,4})\b(?![.,:/-]?\d)"), _only_en(_number_without_stop)),
    # dimensions with their units: "12 ft x 14 ft", "3 m × 4 m" (the units are said by the measures pass)
    (re.compile(rf"(?<![\w.])(?P<a>{_NUM}) ?(?P<u>ft|in|yd|mm|cm|m|km|feet|foot|inches|metres|meters)\.? [x×] (?=\d)"),
     _only_en(_dimension)),
    # a screen's or a picture's size in pixels: "1920 x 1080" "nineteen twenty by ten eighty"
    (re.compile(rf"(?<![\w.,])(\d{{4}}) ?[x×] ?(\d{{3,4}})(?![\w]|[.,]\d| ?(?:{_UNIT_RE})(?![\w/²³]))"),
     _only_en(lambda m, lang: f"{paired(m.group(1))} by {paired(m.group(2))}")),
    # dimensions and multipliers: 3x4 m, 1.5x
    (re.compile(rf"(?<![\w.])(?P<a>{_NUM}) ?[x×] ?(?=\d)"), lambda m, lang: f"{_say(m.group('a'), lang)} {WORDS[lang]['by']} "),
    (re.compile(rf"(?<![\w.])(?P<a>{_NUM})[x×](?!\w)"), lambda m, lang: f"{_say(m.group('a'), lang)} {WORDS[lang]['times']}"),
    # "40C", "104F" (the degree sign left out) and "9.58s"
    (re.compile(rf"(?<![\w.])(?P<neg>[-−])?(?P<amount>{_NUM})(?P<unit>[CF])\b"),
     _only_en(lambda m, lang: m.group(0) if word_before(m) in _PLACES else _unit(m, lang, "°" + m.group("unit")))),
    (re.compile(r"(?<![\w.])(\d{1,3}\.\d{1,3})s\b"), _only_en(lambda m, lang: f"{_say(m.group(1), lang)} seconds")),
    # feet and inches, mixed numbers and fractions of a unit: 6 ft 2 in, 2 1/2 lb, 1½ in., 3/4 mile
    (re.compile(r"(?<![\w.])(\d{1,2}) ?ft\.? (\d{1,2}) ?in\b\.?"),
     _only_en(lambda m, lang: f"{_say(m.group(1), lang)} {'foot' if m.group(1) == '1' else 'feet'} "
                              f"{_say(m.group(2), lang)} {'inch' if m.group(2) == '1' else 'inches'}")),
    (re.compile(rf"(?<![\w.,/])(?:(?P<whole>\d{{1,6}}) ?)?(?:(?P<num>\d{{1,2}})/(?P<den>\d{{1,2}})|(?P<sign>[{''.join(_FRACTIONS)}]))"
                rf"(?:\s|(?P<hyphen>-))?(?P<unit>{_UNIT_RE})(?![\w/²³])"), _only_en(_fraction_of_unit)),
    # "in" is inches where a conversion shows it ("(7.9 in)", "22 in (56 cm)") or run into its number ("a 65in TV")
    (re.compile(rf"(?<![\w./])(?P<neg>[-−])?(?P<amount>{_NUM})in\b(?!['’])"), _only_en(lambda m, lang: _unit(m, lang, "in."))),
    (re.compile(rf"(?<![\w./])(?P<neg>[-−])?(?P<amount>{_NUM}) ?in(?=\)| \(\d)"),
     _only_en(lambda m, lang: _unit(m, lang, "in."))),
    # measures: 12kg, 5 km/h, 20°C, 5KM, 45 m², a 5-km run
    (re.compile(rf"(?<![\w./])(?P<neg>[-−])?(?P<amount>{_NUM})(?:\s|(?P<hyphen>-))?(?P<unit>{_UNIT_RE})(?![\w/²³])(?:\.(?= [a-z]))?"), _unit),
    # a unit in any case: "5 Kms", "2 HRS", "25 Cm", "4 Tbsp" (not the few that are also initials: "3 MS patients")
    (re.compile(rf"(?<![\w./])(?P<neg>[-−])?(?P<amount>{_NUM}) ?(?P<word>[A-Za-z]{{2,5}})\b(?![/²³'’-])"),
     _only_en(_unit_any_case)),
    # round numbers in the plural: "100s of", "1,000s of"
    (re.compile(r"(?<![\w.,])(100|1,?000|1,?000,?000)s\b"),
     _only_en(lambda m, lang: {3: "hundreds", 4: "thousands", 5: "thousands"}.get(len(m.group(1)), "millions"))),
    # decades: 1980s, the '90s
    (re.compile(r"(?<![\w.])(?:(?P<century>1\d|20)|['’]?)(?P<decade>\d0)['’]?s\b"), _decade),  # "the 1980's" too
    # fractions: 2 1/2, 3/4, ½, and numbers around a slash: 24/7, 9/11, 50/50
    (re.compile(r"\b(\d{1,6}) (\d)/(\d{1,2})\b(?!/)"), _mixed),
    (re.compile(r"(?<![\w/.,])(\d{1,2})/(\d{1,2})(?:(?:st|nd|rd|th)s?)?(?![\w/]|[.,]\d)"), _slashed),
    (re.compile(r"(?:(?<![\w.,])(\d{1,9})\s?)?([" + "".join(_FRACTIONS) + "])"), lambda m, lang: _vulgar(m, lang)),
    # ordinals: 1st, 22nd, and a wrong suffix: 23th
    (re.compile(r"\b(\d{1,3}(?:,\d{3}){1,4}|\d{1,9})(st|nd|rd|th)\b"), _ordinal),
    # ordinals in the plural are parts: "9/10ths", "two 3rds"
    (re.compile(r"(?<![\w.,])(\d{1,4})(?:st|nd|rd|th)s\b"), _only_en(lambda m, lang: _parts(int(m.group(1))))),
    # other ranges: 10-20, 2010-2015
    (re.compile(rf"(?<![\w.-])(?P<a>{_NUM})\s?[-–]\s?(?P<b>{_NUM})(?![\w.]{{0,40}}\d)"), _range),
    # years 1000-1099 only where a year is expected: "in 1066", "the year 1050" (but "1066 votes")
    (re.compile(r"(?<![\w.,$€£])(10\d\d)(?![\d,.]\d|\w)"), lambda m, lang: _early_year(m, lang)),
    # years: 1990, 2006
    (re.compile(r"(?<![\w.,$€£])(1[1-9]\d\d|20\d\d)(?![\d,.]\d|\w)"), lambda m, lang: _year_or_count(m, lang)),
    # old ordinals: "the 2d and 3d regiments", "the 22d of May"
    (re.compile(r"(?<![\w.,])(\d{0,2}[23])d\b(?= of\b| [A-Z]| (?:regiment|division|battalion|brigade|corps|army|day"
                r"|year|century|edition|floor|street|avenue|place|class|session|time)s?\b)"), _only_en(_old_ordinal)),
    # codes of digits and capitals: 3D, 4K, 5G, 4WD, H1N1, 221B (units and ordinals are said by now)
    (re.compile(r"(?<![\w.-])(?=[A-Z\d]{0,23}\d)(?=[A-Z\d]{0,23}[A-Z])[A-Z\d]{2,24}(?![\w-]|\.\w)"), _only_en(_mixed_code)),
    # negatives, decimals and cardinals
    (re.compile(rf"(?<![\w.,])[-−](?={_NUM})"), lambda m, lang: WORDS[lang]["minus"] + " "),
    (re.compile(r"(?<![\w.,])(\d{1,6})\.?[ºª]"), lambda m, lang: ordinal(int(m.group(1)), lang)),  # 1.º, 2ª
    (re.compile(rf"(?<![\w.,])({_NUM})(?![\w]|[.,]\d)"), lambda m, lang: _cardinal_or_digits(m.group(1), lang)),
]
# fmt: on


_YEAR_CUES = {
    "in",
    "after",
    "since",
    "before",
    "by",
    "until",
    "till",
    "from",
    "around",
    "circa",
    "c.",
    "ca.",
    "year",
    "during",
    "en",
    "desde",
    "im",
    "seit",
    "dans",
    "depuis",
    "em",
    "nel",
    "dal",
}
_NOT_COUNTED = (
    "and|or|but|to|when|until|while|where|that|which|the|an?|as|with|under|by|in|on|at|for|from|after"
    "|before|during|is|was|were|had|has|he|she|it|they|we|ad|bc|ce|bce"
)
_COUNT_AFTER = re.compile(rf"\s+(?!(?:{_NOT_COUNTED})\b)[a-z]")  # "in 1066 votes" is a count


def _early_year(m: re.Match, language: str) -> str:
    """Read 1000-1099 as a year after "in", "since", "the year"..., unless a count noun follows."""
    if word_before(m) in _YEAR_CUES and not _COUNT_AFTER.match(m.string, m.end()):
        return year(int(m.group(1)), language)
    return m.group(0)


# A four-figure number after one of these words and before a plural noun counts things: "there were
# 1850 soldiers", "scored 1999 points", "about 1200 people" (but "the 1990 elections", "in 1850 troops").
_COUNT_BEFORE = {
    "were", "are", "was", "is", "had", "has", "have", "with", "over", "about", "nearly", "almost", "some",
    "approximately", "roughly", "than", "only", "just", "scored", "killed", "employs", "employed", "sold",
    "hired", "housed", "drew", "attracted", "gained", "lost", "won", "received", "counted", "totalled",
    "totaled", "another",
}  # fmt: skip
_PLURAL_NEXT = re.compile(
    r"(?: more| other| new)? (?:[a-z]{2,}[^s\W]s|people|men|women|children|feet|troops)\b"
)


def _year_or_count(m: re.Match, language: str) -> str:
    """1990 is "nineteen ninety", unless it counts things ("were 1850 soldiers", but "twelve hundred men")."""
    counted = word_before(m) in _COUNT_BEFORE and _PLURAL_NEXT.match(m.string, m.end())
    if language == "en" and counted and not m.group(1).endswith("00"):  # "about 1200 pounds": twelve hundred
        return cardinal(int(m.group(1)), language)
    return year(int(m.group(1)), language)


def _cardinal_or_digits(text: str, language: str) -> str:
    """Say a number; long digit strings and leading zeros are read digit by digit."""
    trailing = ""
    while text and not text[-1].isdigit():
        trailing, text = text[-1] + trailing, text[:-1]
    bare = re.sub(r"[,.]", "", text)
    # A bare run of five or more digits ("90210", "12345678") is a code: counts that long carry commas.
    code = len(bare) >= 5 and bare == text and not bare.endswith("00")
    if (len(bare) > 1 and bare.startswith("0") and "." not in text) or len(bare) > 15 or code:
        return _code_digits(bare, language) + trailing
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
        if not _NUMBER_LEFT.search(mapped.text):
            return  # every pass needs a digit or a fraction sign, and no pass writes one: the rest find nothing
        mapped.sub(pattern, lambda m: _safely(replace, m, language))  # noqa: B023 (sub calls it at once)


_NUMBER_LEFT = re.compile("[\\d" + "".join(_FRACTIONS) + "]")


def _safely(replace: Callable[[re.Match, str], str], m: re.Match, language: str) -> str:
    """A match a pass cannot read as a number ("2026-15.06.2022" as a range) is left as written."""
    try:
        return replace(m, language)
    except (ValueError, LookupError, ArithmeticError, NotImplementedError):
        return m.group(0)

"""Which rewrites each language gets: only those that read real text better than the engine does.

espeak-ng's Spanish voice reads most of what Wikipedia writes by itself, and follows the text's
own conventions: "3.5" is "tres punto cinco" and "3,5" "tres coma cinco", "10.000" is "diez mil",
years, dates in words, times, "50 %" and "1º" are right. Our own number rules read the same
text worse (bench/text_eval.py on the Spanish development set: 0.922 against the engine's 0.966).
So a language in PASSES is read by the engine as written, except for the passes its table
lists, each kept because it beat the engine's own reading of that class of token: thousands
grouped with spaces ("1 000 000", which espeak-ng reads digit by digit), ordinal marks
("1.º", "2.ª"), unit symbols ("12 km", "mm"), ranges with an en dash, numeric dates, roman
numerals after a monarch's name, and signs it reads in English or not at all (−, ±, ≈, ‰, ½).

Every pattern runs in time linear in the sentence: each starts only where a run of its
characters starts, and every repeat is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from num2words import num2words

from listen.text.months import MONTHS
from listen.text.textmap import MappedText

__all__ = ["PASSES", "STEPS", "Step"]

Step = Callable[[MappedText, str], None]

# A number as the engine reads it: digits with group and decimal marks, bounded.
_NUM = r"\d(?:[\d.,]{0,30}\d)?"


def _spanish_ordinal(value: int, ending: str) -> str:
    """1 and "º" -> "primero", 2 and "ª" -> "segunda", 1 and "er" -> "primer"."""
    words = num2words(value, lang="es", to="ordinal").replace("décimo", "décimo ").split()
    if ending == "ª":
        words = [w[:-1] + "a" if w.endswith("o") else w for w in words]
    elif ending == "er":
        words[-1] = {"primero": "primer", "tercero": "tercer"}.get(words[-1], words[-1])
    return " ".join(words)


def ordinal_marks(t: MappedText, language: str) -> None:
    """ "1.º", "2.ª", "1.er", "21º": the engine reads the dotted forms as "uno punto o"."""
    t.sub(
        r"(?<![\w.,])(\d{1,3})\.?(º|ª|er)(?![\w])",
        lambda m: _spanish_ordinal(int(m.group(1)), m.group(2)),
    )


def number_sign(t: MappedText, language: str) -> None:
    """ "n.º 5", "Nº 5", "núm. 5": "número", not "ene o"."""
    t.sub(r"(?<![\w.])(?:[nN]\.?\s?º|[nN]úm\.)(?=\s?\d)\s?", "número ")


def pages(t: MappedText, language: str) -> None:
    """ "p. 12", "pág. 12", "pp. 12-14": "página doce", "páginas doce a catorce"."""
    # Several pages: "pp. 12", "págs. 10-12", and "p. 185-188" (a range is pages whatever the sign).
    t.sub(
        rf"(?<![\w.])(?:(?:pp|págs)\.\s?(?P<a>{_NUM})|(?:p|pág)\.\s?(?P<first>{_NUM})(?=\s?[-–]\s?\d))"
        rf"(?:\s?[-–]\s?(?P<b>{_NUM}))?(?![\w])",
        lambda m: (
            f"páginas {m.group('a') or m.group('first')}" + (f" a {m.group('b')}" if m.group("b") else "")
        ),
    )
    t.sub(rf"(?<![\w.])(?:p|pág)\.\s?(?={_NUM}(?![\w]))", "página ")


def grouped_thousands(t: MappedText, language: str) -> None:
    """ "1 000 000" is one number (the engine reads its groups as separate numbers)."""
    t.sub(
        r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,4}(?![\d]|[.,]\d)",
        lambda m: re.sub(r"\D", "", m.group(0)),
    )


def comma_thousands(t: MappedText, language: str) -> None:
    """ "900,000" and "1,234,567" written the English way: groups of thousands, not a decimal.

    One group is a decimal unless it ends in "00" ("2,500" is two thousand five hundred, "3,141"
    stays "tres coma uno cuatro uno"), as the engine would read it.
    """

    def group(m: re.Match) -> str:
        number = m.group(0)
        return number.replace(",", "") if number.count(",") > 1 or number.endswith("00") else number

    t.sub(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3}){1,4}(?![\d]|[.,]\d)", group)


def hyphenated_codes(t: MappedText, language: str) -> None:
    """ "84-8442-724-2", "ISO 3166-1": a code's hyphens are said ("guion"), never a range or a minus.

    A book number (after "ISBN") is read digit by digit, as people read it out.
    """

    def say(m: re.Match) -> str:
        groups = m.group("code").split("-")
        if m.group("isbn"):
            groups = [" ".join(group) for group in groups]
        return (m.group("isbn") or "") + " guion ".join(groups)

    t.sub(
        r"(?P<isbn>\bI\.?S\.?B\.?N\.?(?:-1[03])?:?\s?)?(?<![\w.,-])(?P<code>\d{1,7}(?:-\d{1,7}){2,5})(?![\w-]|[.,]\d)",
        say,
    )
    t.sub(r"\b(ISO \d{3,5})-(?=\d{1,2}\b)", r"\1 guion ")


def versions(t: MappedText, language: str) -> None:
    """ "v10.3" is "versión 10.3" (the engine says the letter)."""
    t.sub(r"(?<![\w.])v(?=\d{1,3}\.\d)", "versión ")


def minus(t: MappedText, language: str) -> None:
    """ "−6" is "menos seis" (the engine says "minus"); a hyphen only before degrees ("-5 °C").

    A hyphen before a number is as often a dash ("su extensión -50% del total-") or a code
    ("-02") as a minus: the engine reads the number alone there, which is right for both.
    """
    t.sub(r"−(?=\d)", "menos ")
    t.sub(r"(?:(?<=^)|(?<=[\s(]))-(?=\d{1,3}(?:[.,]\d{1,2})?\s?(?:°|º|grados\b))", "menos ")


def dash_ranges(t: MappedText, language: str) -> None:
    """ "1990–1995", "pp. 12–14": an en dash between numbers is "a" (a hyphen is left to the engine)."""
    t.sub(r"(?<=\d)\s?[–—]\s?(?=\d)", " a ")


# Unit symbols after a number: (singular, plural). The engine spells them ("ka eme").
# fmt: off
_UNITS = {
    "km": ("kilómetro", "kilómetros"), "m": ("metro", "metros"), "cm": ("centímetro", "centímetros"),
    "mm": ("milímetro", "milímetros"), "kg": ("kilogramo", "kilogramos"), "g": ("gramo", "gramos"),
    "mg": ("miligramo", "miligramos"), "l": ("litro", "litros"), "L": ("litro", "litros"),
    "ml": ("mililitro", "mililitros"), "mL": ("mililitro", "mililitros"), "ha": ("hectárea", "hectáreas"),
    "km²": ("kilómetro cuadrado", "kilómetros cuadrados"), "km2": ("kilómetro cuadrado", "kilómetros cuadrados"),
    "m²": ("metro cuadrado", "metros cuadrados"), "m2": ("metro cuadrado", "metros cuadrados"),
    "cm²": ("centímetro cuadrado", "centímetros cuadrados"), "cm³": ("centímetro cúbico", "centímetros cúbicos"),
    "mm³": ("milímetro cúbico", "milímetros cúbicos"), "km³": ("kilómetro cúbico", "kilómetros cúbicos"), "mm²": ("milímetro cuadrado", "milímetros cuadrados"),
    "m³": ("metro cúbico", "metros cúbicos"), "m3": ("metro cúbico", "metros cúbicos"),
    "hm³": ("hectómetro cúbico", "hectómetros cúbicos"),
    "l/m²": ("litro por metro cuadrado", "litros por metro cuadrado"),
    "L/m²": ("litro por metro cuadrado", "litros por metro cuadrado"),
    "km/h": ("kilómetro por hora", "kilómetros por hora"), "m/s": ("metro por segundo", "metros por segundo"),
    "msnm": ("metro sobre el nivel del mar", "metros sobre el nivel del mar"),
    "°C": ("grado Celsius", "grados Celsius"), "ºC": ("grado Celsius", "grados Celsius"),
    "°F": ("grado Fahrenheit", "grados Fahrenheit"),
    "kW": ("kilovatio", "kilovatios"), "MW": ("megavatio", "megavatios"), "GW": ("gigavatio", "gigavatios"),
    "kWh": ("kilovatio hora", "kilovatios hora"), "Hz": ("hercio", "hercios"), "kHz": ("kilohercio", "kilohercios"),
    "MHz": ("megahercio", "megahercios"), "GHz": ("gigahercio", "gigahercios"),
    "kB": ("kilobyte", "kilobytes"), "KB": ("kilobyte", "kilobytes"), "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"), "TB": ("terabyte", "terabytes"),
    "min": ("minuto", "minutos"), "h": ("hora", "horas"),
}
# fmt: on
_FEMININE_UNITS = {"hectárea", "hora"}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))


def units(t: MappedText, language: str) -> None:
    """ "12 km", "120 mm", "3 m²": the unit in words, after the number as written."""

    def say(m: re.Match) -> str:
        one, many = _UNITS[m.group("unit")]
        amount = m.group("amount")
        if amount == "1":
            return ("una " if one.split()[0] in _FEMININE_UNITS else "un ") + one
        return f"{amount} {many}"

    t.sub(rf"(?<![\w.,])(?P<amount>{_NUM})\s?(?P<unit>{_UNIT_RE})(?![\w/²³]|\.\w)", say)
    # A squared or cubed unit is a unit wherever it stands: "(mm²)", "l/m²", "un km²".
    t.sub(
        r"(?<![\w.,/])(?P<un>un )?(?P<unit>(?:[lL]/)?[kcm]?m[²³])(?!\w)",
        lambda m: m.group("un") + _UNITS[m.group("unit")][0] if m.group("un") else _UNITS[m.group("unit")][1],
    )


def numeric_dates(t: MappedText, language: str) -> None:
    """ "25/12/2019", "25-12-2019", "25.12.2019": day first, the month named ("barra" otherwise)."""

    def say(m: re.Match) -> str:
        day, month, year = int(m.group("d")), int(m.group("m")), m.group("y")
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return m.group(0)
        return f"{day} de {MONTHS['es'][month - 1]} de {year}"

    t.sub(r"(?<![\w./-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\w]|[./-]\d)", say)


# Names of monarchs and popes after which a roman numeral is their number ("Felipe II"); queens rank
# in the feminine ("Isabel segunda").
# fmt: off
_QUEENS = {"Isabel", "Juana", "María", "Victoria", "Ana", "Margarita", "Cristina", "Catalina", "Urraca", "Leonor",
           "Berenguela", "Beatriz", "Guillermina", "Juliana", "Sofía"}
_REGNAL = {
    "Alfonso", "Fernando", "Felipe", "Carlos", "Juan", "Pablo", "Pedro", "Enrique", "Jaime", "Sancho", "Ramiro",
    "Luis", "Benedicto", "Pío", "Gregorio", "Inocencio", "Clemente", "Urbano", "León", "Francisco", "Guillermo",
    "Jorge", "Eduardo", "Ricardo", "Federico", "Napoleón", "Nicolás", "Alejandro", "Iván", "Constantino", "Otón",
    "Rodolfo", "Leopoldo", "José", "Manuel", "Amadeo", "Martín", "Bonifacio", "Sixto", "Adriano", "Julio",
    "Ordoño", "Bermudo", "García", "Berenguer", "Ramón", "Fruela", "Gustavo", "Olaf", "Harald", "Haakon",
    "Ramsés", "Tutmosis", "Amenhotep", "Ptolomeo", "Antíoco", "Seleuco", "Mehmed", "Solimán", "Selim", *_QUEENS,
}
# fmt: on
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN = re.compile(r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def roman_value(numeral: str) -> int | None:
    """The value of a roman numeral up to 399, or None when it is not one."""
    if not _ROMAN.fullmatch(numeral):
        return None
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and values[i + 1] > v else v for i, v in enumerate(values))


def regnal_numerals(t: MappedText, language: str) -> None:
    """ "Felipe II" is "Felipe segundo" (the engine says "dos"), "Carlos I" "Carlos primero".

    Spanish ranks a monarch or pope up to ten ("Felipe segundo", "Pío décimo") and counts from
    eleven ("Alfonso trece", "Luis catorce"), which the engine already says.
    """

    def say(m: re.Match) -> str:
        value = roman_value(m.group("numeral"))
        if value is None or value > 10:
            return m.group(0)
        return f"{m.group('name')} {_spanish_ordinal(value, 'ª' if m.group('name') in _QUEENS else 'º')}"

    t.sub(
        r"(?<![\w.])(?P<name>[A-ZÁÉÍÓÚ][a-záéíóúñ]{1,15}) (?P<numeral>[IVX]{1,4})(?![\w']|\.\w)",
        _if_regnal(say),
    )


def _if_regnal(say: Callable[[re.Match], str]) -> Callable[[re.Match], str]:
    return lambda m: say(m) if m.group("name") in _REGNAL else m.group(0)


def counted_numerals(t: MappedText, language: str) -> None:
    """ "siglo I", "capítulo I", "Tomo I": the engine says the lone I as the letter "i"."""
    t.sub(
        r"(?<![\w.])(?P<cue>[Ss]iglo|[Cc]apítulo|[Tt]omo|[Vv]olumen|[Pp]arte|[Ll]ibro|[Aa]cto|[Tt]ítulo) I(?![\w']|\.\w)",
        lambda m: f"{m.group('cue')} uno",
    )


# Fraction signs the engine reads in English ("a half").
_FRACTIONS = {"½": "medio", "⅓": "un tercio", "⅔": "dos tercios", "¼": "un cuarto", "¾": "tres cuartos"}


def fraction_signs(t: MappedText, language: str) -> None:
    """ "2½" is "dos y medio", "¾" "tres cuartos"."""

    def say(m: re.Match) -> str:
        fraction = _FRACTIONS[m.group("sign")]
        if not m.group("whole"):
            return ("un " if fraction == "medio" else "") + fraction
        return f"{m.group('whole')} y {fraction}"

    t.sub(rf"(?:(?<![\w.,])(?P<whole>\d{{1,6}})\s?)?(?P<sign>[{''.join(_FRACTIONS)}])", say)


# Signs the engine says in English ("plus or minus", "approximately") or not at all.
_SIGNS = {
    "±": "más menos",
    "≈": "aproximadamente",
    "‰": "por mil",
    "≤": "menor o igual que",
    "≥": "mayor o igual que",
}


def signs(t: MappedText, language: str) -> None:
    """ "± 5", "≈ 51 000", "19 ‰": the sign in words."""
    t.sub(rf"\s?([{''.join(_SIGNS)}])\s?", lambda m: f" {_SIGNS[m.group(1)]} ")
    t.sub(r"(?<=\d) ?[×x*] ?(?=\d)", " por ")  # "3 × 4", "3x4", "0.2 * 2": the engine drops the sign
    t.sub(r"(?<=\b[^\W\d_])²", " cuadrado")  # "r²", "σ²": the engine says "dos"


def money(t: MappedText, language: str) -> None:
    """ "$100", "€50", "50 €": the amount, then the currency in the plural ("dólar cien" otherwise)."""

    def say(m: re.Match) -> str:
        one, many, cents = _CURRENCIES[m.group("cur")]
        amount, scale = m.group("amount"), m.groupdict().get("scale")
        if scale:  # "$5 millones" is "cinco millones de dólares"
            return f"{amount} {scale} {'' if scale == 'mil' else 'de '}{many}"
        whole, mark, hundredths = amount[:-3], amount[-3:-2], amount[-2:]
        if mark in ".," and whole and hundredths.isdigit() and mark not in whole:  # "12,50 €", "$3.75"
            return f"{_said_money(whole, one, many)} y {int(hundredths)} {cents}"
        return _said_money(amount, one, many)

    t.sub(rf"(?<![\w$€£])(?P<cur>US\$|\$|€|£)\s?(?P<amount>{_NUM})(?![\d])(?: (?P<scale>{_SCALES})\b)?", say)
    t.sub(rf"(?<![\w.,])(?P<amount>{_NUM})(?: (?P<scale>{_SCALES}))?\s?(?P<cur>€|\$)(?![\w$])", say)


_SCALES = "mil millones|millones|millón|billones|billón|mil"


_CURRENCIES = {
    "$": ("dólar", "dólares", "centavos"),
    "US$": ("dólar estadounidense", "dólares estadounidenses", "centavos"),
    "€": ("euro", "euros", "céntimos"),
    "£": ("libra", "libras", "peniques"),
}


def _said_money(amount: str, one: str, many: str) -> str:
    return f"un {one}" if amount == "1" else f"{amount} {many}"


def phone_numbers(t: MappedText, language: str) -> None:
    """ "+34 912 345 678": digit by digit, a pause between groups (not "novecientos doce...")."""

    def say(m: re.Match) -> str:
        groups = re.findall(r"\d+", m.group(0))
        return "más " + ", ".join(" ".join(group) for group in groups)

    t.sub(r"(?<![\w+])\+\d{1,3}(?:[ .-]\(?\d{1,4}\)?){2,5}(?![\w]|[.,-]\d)", say)


# Abbreviations the engine says wrong ("etc" as "etk", "EE. UU." as two vowels).
# fmt: off
_PHRASES = {
    "es": {"etc.": "etcétera", "p. ej.": "por ejemplo", "EE. UU.": "Estados Unidos", "EE.UU.": "Estados Unidos",
           "aprox.": "aproximadamente", "pág.": "página", "págs.": "páginas", "a. C.": "antes de Cristo",
           "d. C.": "después de Cristo", "a.C.": "antes de Cristo", "d.C.": "después de Cristo"},
}
# fmt: on


def phrases(t: MappedText, language: str) -> None:
    """Expand fixed abbreviations the engine misreads; one that ends the sentence keeps its full stop."""
    for short, long in sorted(_PHRASES[language].items(), key=lambda kv: -len(kv[0])):
        t.sub(r"(?<![\w.])" + re.escape(short) + r"(?!\w)", _expansion(long))


def _expansion(long: str) -> Callable[[re.Match], str]:
    return lambda m: long + ("." if m.group(0).endswith(".") and _at_end(m) else "")


_BLANK_TO_END = re.compile(r"\s*$")


def _at_end(m: re.Match) -> bool:
    return _BLANK_TO_END.match(m.string, m.end()) is not None


STEPS: dict[str, Step] = {
    "phone numbers": phone_numbers,
    "dash ranges": dash_ranges,
    "hyphenated codes": hyphenated_codes,
    "versions": versions,
    "pages": pages,  # before "phrases" reads "págs." alone as "páginas"
    "phrases": phrases,
    "number sign": number_sign,
    "numeric dates": numeric_dates,
    "grouped thousands": grouped_thousands,
    "comma thousands": comma_thousands,
    "ordinal marks": ordinal_marks,
    "money": money,
    "units": units,
    "fraction signs": fraction_signs,
    "signs": signs,
    "minus": minus,
    "regnal numerals": regnal_numerals,
    "counted numerals": counted_numerals,
}

# Per language, the passes that beat the engine's own reading, in the order they run; the
# neutral clean-ups (quotes, dashes, invisible characters) come after them. A language not
# here but normalised (listen/text/language.py: NORMALISED) uses the full rules in normalize.py.
# "links" (URLs and e-mails said as "elpais punto com", not letter by letter) is normalize.py's own.
PASSES: dict[str, tuple[str, ...]] = {
    "es": ("links", *STEPS),
}

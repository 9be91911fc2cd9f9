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
The Spanish table now reads 0.978 of those sentences right.

A language in BEFORE_RULES is read by our full rules (normalize.py, numbers.py), which beat the
engine there (espeak-ng's German says "1998" as "eintausend neunhundert..."), after passes for
the classes those rules misread: a decimal written with a point, thousands in spaces, times of
day, unit symbols. bench/cases/languages_normalization.yaml holds our cases for them.

Every pattern runs in time linear in the sentence: each starts only where a run of its
characters starts, and every repeat is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from num2words import num2words

from listen.text.months import MONTHS
from listen.text.textmap import MappedText
from listen.text.wordlists import word_table

__all__ = ["BEFORE_RULES", "PASSES", "STEPS", "Step"]

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
    """ "1 000 000" is one number (the engine reads its groups as separate numbers).

    Spanish gets the digits alone, for the engine; a language read by our own rules gets them
    grouped with points ("1.000.000"), the way those rules read thousands.
    """
    mark = "" if language in PASSES else "."
    t.sub(
        r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,4}(?![\d]|[.,]\d)",
        lambda m: re.sub(r"[ \u00a0\u202f]", mark, m.group(0)),
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


_POINT = {"de": "Punkt", "fr": "point", "pt": "ponto", "it": "punto"}
# Words before a time of day written with a point ("um 9.30", "alle 9.30", "às 9.30").
_CLOCK_CUE = r"(?P<cue>\b(?i:um|ab|bis|gegen|alle|ore|dalle|le|às|as|à|de|vers)\s)?"


def decimal_points(t: MappedText, language: str) -> None:
    """ "2.5" in German, French, Portuguese or Italian text is "zwei Punkt fünf": the text's own mark.

    Our number rules read every decimal with the language's comma ("Komma", "virgule"). A point
    before three digits is a thousands mark ("2.500"), a day and month ("12.05.") is a date, and
    "um 9.30" is a time.
    """

    def say(m: re.Match) -> str:
        # "um 9.30" is a time; German's clock pass has already said every such time ("um 2.50 Euro" is not).
        if m.group("cue") and len(m.group("frac")) == 2 and language != "de":
            return m.group(0)
        return f"{m.group('cue') or ''}{m.group('whole')} {_POINT[language]} {' '.join(m.group('frac'))}"

    t.sub(
        rf"{_CLOCK_CUE}(?<![\w.,])(?P<whole>\d{{1,6}})\.(?P<frac>\d{{1,2}}|\d{{4,8}})"
        r"(?![\w]|\.(?!\s*$)|,\d|\s?(?:Uhr|h|heures?|horas?)\b)",
        say,
    )


def ordinal_suffixes(t: MappedText, language: str) -> None:
    """French "1er", "2e", "XXIe siècle": "premier", "deuxième", "vingt et unième" (the engine says "deux e")."""

    def say(m: re.Match) -> str:
        value = int(m.group("n")) if m.group("n") else roman_value(m.group("roman"))
        if value is None:
            return m.group(0)
        if value == 1:
            return "première" if m.group("end") in ("re", "ère") else "premier"
        return num2words(value, lang="fr", to="ordinal")

    t.sub(
        r"(?<![\w.,])(?:(?P<n>\d{1,4})|(?P<roman>[IVX][IVXLC]{0,6}|[LC][IVXLC]{1,6}))(?P<end>er|re|ère|e|ème|è)(?!\w)",
        say,
    )


# After these words a German ordinal takes the dative or genitive ending: "im 21. Jahrhundert".
_GERMAN_OBLIQUE = re.compile(
    r"(?i:\b(?:am|im|vom|zum|beim|dem|den|des|einem|einen|eines|seinem|seinen|ihrem|ihren|unserem|diesem|jedem)\s)$"
)


def german_ordinals(t: MappedText, language: str) -> None:
    """ "das 21. Jahrhundert", "im 3. Anlauf": a number with a point before a noun is an ordinal.

    Our rules read "21." as "einundzwanzig" and a stop; the ending follows the word before it.
    """

    def say(m: re.Match) -> str:
        said = num2words(int(m.group(1)), lang="de", to="ordinal")
        before = m.string[max(0, m.start() - 12) : m.start()]
        return said + ("n" if _GERMAN_OBLIQUE.search(before) else "")

    t.sub(r"(?<![\w.,])(\d{1,3})\.(?= [A-ZÄÖÜ][a-zäöüß])", say)

    def day_and_month(m: re.Match) -> str:  # "am 12.05." is "am zwölften Mai"
        day, month = int(m.group(2)), int(m.group(3))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return m.group(0)
        said = num2words(day, lang="de", to="ordinal") + ("n" if _GERMAN_OBLIQUE.search(m.group(1)) else "")
        return f"{m.group(1)}{said} {MONTHS['de'][month - 1]}"

    # Only after a word that asks for a date: "Version 2.5." is no day in May.
    t.sub(
        r"(\b(?i:am|vom|zum|bis|ab|seit|der|den|dem|vor|nach|zwischen|und)\s)(\d{1,2})\.(\d{1,2})\.(?![\w.,]|\s?\d)",
        day_and_month,
    )


def reais(t: MappedText, language: str) -> None:
    """Brazilian money: "R$ 12,50" is "doze reais e cinquenta centavos" (our rules said "doze R$")."""

    def say(m: re.Match) -> str:
        amount, scale = m.group("amount"), m.group("scale")
        if scale:
            return f"{amount} {scale} de reais"
        whole, _, cents = amount.rpartition(",") if re.search(r",\d\d$", amount) else (amount, "", "")
        said = f"{whole} {'real' if whole == '1' else 'reais'}"
        return f"{said} e {int(cents)} centavos" if cents and int(cents) else said

    t.sub(rf"\bR\$\s?(?P<amount>{_NUM})(?![\d])(?: (?P<scale>mil|milhão|milhões|bilhão|bilhões)\b)?", say)


# How each language says a time of day written "17:30 Uhr", "17 h 30", "17h30", "alle 17.30".
_HOUR, _MINUTE = r"(?P<h>[01]?\d|2[0-3])", r"(?P<m>[0-5]\d)"
_CLOCK = {
    "de": (rf"(?<![\w:.]){_HOUR}[:.]{_MINUTE} Uhr\b", "{h} Uhr {m}"),
    "fr": (rf"(?<![\w:.]){_HOUR} ?h ?{_MINUTE}\b", "{h} heures {m}"),
    "pt": (rf"(?<![\w:.]){_HOUR} ?h ?{_MINUTE}(?:min)?\b", "{h} e {m}"),
    # A point is a time only after "alle", "ore"...: "2.30 metri" is a decimal.
    "it": (rf"{_CLOCK_CUE}(?<![\w:.]){_HOUR}(?P<sep>[:.]){_MINUTE}(?![\d:])", "{h} e {m}"),
}


def clock_times(t: MappedText, language: str) -> None:
    """A time of day as the language says it: "siebzehn Uhr dreißig", "dix-sept heures trente"."""
    pattern, said = _CLOCK[language]

    def say(m: re.Match) -> str:
        groups = m.groupdict()
        if m.group("m") == "00" or (groups.get("sep") == "." and not groups.get("cue")):
            return m.group(0)
        return (groups.get("cue") or "") + said.format(h=m.group("h"), m=int(m.group("m")))

    t.sub(pattern, say)
    if language == "de":
        t.sub(
            _GERMAN_CUED_TIME,
            lambda m: f"{m.group('cue')}{m.group('h')} Uhr {int(m.group('m')) or ''}".rstrip(),
        )


# "um 14.30", "bis 17.45 geöffnet": after these words a point between hours and minutes is a time
# with no "Uhr", unless a unit or an amount follows ("um 2.50 Euro gestiegen").
_GERMAN_CUED_TIME = re.compile(
    rf"(?P<cue>\b(?i:um|ab|bis|gegen)\s)(?<![\w:.]){_HOUR}\.{_MINUTE}"
    r"(?![\d,]|\.\d|\s?(?:Uhr|%|€|\$|Euro|Prozent|Dollar|Franken|Punkte?|Meter|Sekunden|Minuten|Stunden"
    r"|km|m|cm|mm|kg|g|l|ml|s|h)\b)"
)


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


# Unit symbols after a number, per language: symbol -> (singular, plural) (data/units.yaml).
_UNITS: dict[str, dict[str, list[str]]] = word_table("listen.text", "units.yaml")
_UNIT_RES = {
    language: "|".join(re.escape(u) for u in sorted(table, key=len, reverse=True))
    for language, table in _UNITS.items()
}
_FEMININE_UNITS = {"hectárea", "hora"}
_PARTICIPLE = re.compile(
    r"\s(?:[a-záéíóú]{1,20}(?:ado|ido|ato|uto|ito)|hecho|dicho|visto|puesto|escrito|muerto|abierto|vuelto|roto"
    r"|cubierto|resuelto|impreso|fatto|detto|preso|messo|scritto|morto|aperto|chiuso|vinto|perso|stato)\b"
)


def units(t: MappedText, language: str) -> None:
    """ "12 km", "120 mm", "3 m²": the unit in words, after the number as written (the engine spells it)."""
    table = _UNITS[language]

    def say(m: re.Match) -> str:
        if m.group("unit") == "ha" and _PARTICIPLE.match(m.string, m.end()):
            return m.group(0)  # "el 3 ha sido", "il 3 ha vinto": the verb, not hectares
        one, many = table[m.group("unit")]
        amount = m.group("amount")
        if amount == "1" and language == "es":
            return ("una " if one.split()[0] in _FEMININE_UNITS else "un ") + one
        return f"{amount} {one if amount == '1' else many}"

    t.sub(rf"(?<![\w.,])(?P<amount>{_NUM})\s?(?P<unit>{_UNIT_RES[language]})(?![\w/²³]|\.\w)", say)
    # A squared or cubed unit is a unit wherever it stands: "(mm²)", "l/m²", "un km²".
    t.sub(
        r"(?<![\w.,/])(?P<un>un )?(?P<unit>(?:[lL]/)?[kcm]?m[²³])(?!\w)",
        lambda m: _standing_unit(table, m),
    )


def _standing_unit(table: dict[str, list[str]], m: re.Match) -> str:
    if m.group("unit") not in table:
        return m.group(0)
    one, many = table[m.group("unit")]
    return m.group("un") + one if m.group("un") else many


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


def spanish_clock(t: MappedText, language: str) -> None:
    """ "a las 8.30 h" is "ocho treinta horas"; "km 23" is "kilómetro veintitrés" (the engine spells them)."""
    t.sub(
        r"(?<=\blas )(?P<h>[01]?\d|2[0-3])\.(?P<m>[0-5]\d)\b(?![.,]\d)|(?<![\w.,])(?P<h2>[01]?\d|2[0-3])\."
        r"(?P<m2>[0-5]\d)(?= ?h\b| horas\b)",
        lambda m: f"{m.group('h') or m.group('h2')}:{m.group('m') or m.group('m2')}",
    )
    t.sub(r"(?<![\w.])(?i:km)\.? (?=\d)", "kilómetro ")


def century_abbreviations(t: MappedText, language: str) -> None:
    """ "s. XVIII" is "siglo dieciocho" and "ss. XV-XVI" "siglos..." (the engine says the letter "ese")."""
    t.sub(r"(?<![\w.])(s|ss)\.\s?(?=[IVXL]{1,6}\b)", lambda m: "siglo " if m.group(1) == "s" else "siglos ")


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
           "d. C.": "después de Cristo", "a.C.": "antes de Cristo", "d.C.": "después de Cristo",
           "art.": "artículo", "arts.": "artículos", "Avda.": "avenida", "Av.": "avenida", "Pza.": "plaza",
           "Sta.": "santa", "Sto.": "santo", "Cía.": "compañía", "Hnos.": "hermanos", "Dto.": "departamento",
           "Ldo.": "licenciado", "Lda.": "licenciada"},
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


# Every pass by name; each language's table below says which of them it gets, in what order.
STEPS: dict[str, Step] = {
    "decimal points": decimal_points,
    "ordinal suffixes": ordinal_suffixes,
    "clock times": clock_times,
    "german ordinals": german_ordinals,
    "reais": reais,
    "phone numbers": phone_numbers,
    "dash ranges": dash_ranges,
    "hyphenated codes": hyphenated_codes,
    "versions": versions,
    "pages": pages,
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
    "century abbreviations": century_abbreviations,
    "spanish clock": spanish_clock,
    "counted numerals": counted_numerals,
}

# Per language, the passes that beat the engine's own reading, in the order they run; the
# neutral clean-ups (quotes, dashes, invisible characters) come after them, and the engine reads
# the rest. "links" (URLs and e-mails said as "elpais punto com", not letter by letter) is
# normalize.py's own.
PASSES: dict[str, tuple[str, ...]] = {
    "es": (
        "links",
        "phone numbers",
        "numeric dates",  # before "hyphenated codes" reads "25-12-2019" as a code
        "spanish clock",
        "dash ranges",
        "hyphenated codes",
        "versions",
        "pages",  # before "phrases" reads "págs." alone as "páginas"
        "phrases",
        "number sign",
        "grouped thousands",
        "comma thousands",
        "ordinal marks",
        "money",
        "units",
        "fraction signs",
        "signs",
        "minus",
        "regnal numerals",
        "century abbreviations",
        "counted numerals",
    ),
}
# Languages whose full rules (normalize.py, numbers.py) beat the engine's own reading on our cases
# (bench/cases/languages_normalization.yaml): espeak-ng's German says "1998" as "eintausend
# neunhundert...", "3. März" as "drei März", and all four spell units and misread numeric dates.
# These passes run first, for the classes those rules misread.
BEFORE_RULES: dict[str, tuple[str, ...]] = {
    "de": ("grouped thousands", "clock times", "decimal points", "german ordinals", "units"),
    "fr": ("grouped thousands", "clock times", "decimal points", "ordinal suffixes", "units"),
    "pt": ("grouped thousands", "clock times", "decimal points", "reais", "units"),
    "it": ("grouped thousands", "clock times", "decimal points", "units"),
}

"""Month names: the one table (data/months.yaml) in, the names and spellings each language uses out.

Used by the number rules (dates said in words), the sentence splitter (abbreviations and
time words), and the reading side (date lines, stated dates), so there is one copy of them.
"""

from __future__ import annotations

from listen.text.wordlists import word_table

__all__ = ["MONTHS", "abbreviations", "spellings", "spellings_of_month"]

_TABLE: dict[str, list[list[str]]] = word_table("listen.text", "months.yaml")

# Each language's month names, January first, as written in running text.
MONTHS: dict[str, list[str]] = {
    language: [forms[0] for forms in months] for language, months in _TABLE.items()
}


def spellings(language: str) -> list[list[str]]:
    """Every spelling of each month in a language, January first: the name, then the others."""
    return _TABLE[language]


def abbreviations(language: str) -> list[str]:
    """A language's other spellings and abbreviations of the months ("Jan", "Sept", "Sep"), in month order."""
    return [form for forms in _TABLE[language] for form in forms[1:]]


def spellings_of_month(month: int) -> list[str]:
    """Every language's spellings of one month (1 to 12), lower case, without repeats."""
    return list(dict.fromkeys(form.lower() for months in _TABLE.values() for form in months[month - 1]))

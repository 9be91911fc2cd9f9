"""Page furniture rules shared by the plain-text and HTML paths.

Two kinds of furniture: labels that sit inside an article and are never read
("Listen to the article", "Advertisement"), and section headers after which the
article is over ("Fact Checker", "8 Comments", "Related articles").
"""

from __future__ import annotations

import re

from listen.text.months import MONTHS, spellings
from listen.text.wordlists import word_list

# An English month, written out or abbreviated: "March", "Sept.", "jan".
_MONTH = (
    "("
    + "|".join(sorted({f.lower() for forms in spellings("en") for f in forms}, key=lambda f: (-len(f), f)))
    + r")\.?"
)

_DATE_LINE = (
    r"((published|updated|posted|first published)( on)?\s*:?\s*)?((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(\d{1,2}(st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4}|" + _MONTH + r"\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})"
    r"(,?\s+(at\s+)?\d{1,2}([:.]\d{2})?\s*([ap]\.?m\.?)?(\s+[A-Z]{2,4})?)?"
)


def _patterns(name: str) -> str:
    """One alternation of the regular expressions in a data file of this package."""
    return "|".join(word_list("listen.reading", name))


# Lines dropped wherever they stand (data/labels.txt), a date line on its own among them:
# "Tuesday 12 March 2024", "March 5, 2024, 10:42 a.m.", "12/03/2024".
_LABEL_RE = re.compile(
    r"^\s*(?:" + _patterns("labels.txt") + "|" + _DATE_LINE + r")\s*[.:!]?\s*$", re.IGNORECASE
)
# Section headers: the article body ends where one starts.
_TAIL_RE = re.compile(r"^\s*(?:" + _patterns("tail_markers.txt") + r")\s*[.:!]?\s*$", re.IGNORECASE)
# Sign-offs after which a page's closing furniture starts, when they come late.
_LATE_TAIL_RE = re.compile(
    r"^\s*(?:" + _patterns("late_tail_markers.txt") + r")\s*[.:!?]?\s*$", re.IGNORECASE
)

# Phrases that make a short paragraph furniture wherever they stand in it.
_FURNITURE_PHRASE_RE = re.compile(_patterns("furniture_phrases.txt"), re.IGNORECASE)
_FURNITURE_PHRASE_MAX = 400


def is_furniture_sentence(line: str) -> bool:
    """Tell whether a short paragraph is a transcript note, donation plea, follow-us or paywall notice."""
    return len(line) <= _FURNITURE_PHRASE_MAX and bool(_FURNITURE_PHRASE_RE.search(line))


# An e-mail address: "harriet.okoye@sciencewire.example".
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A line this short with an e-mail address in it is a contact line, not a sentence of the story.
_CONTACT_LINE_WORDS = 20


def is_contact_line(line: str) -> bool:
    """Tell whether a short line gives an e-mail address: an author's or a press office's contact."""
    return len(line.split()) <= _CONTACT_LINE_WORDS and bool(_EMAIL.search(line))


def is_label(line: str) -> bool:
    """Tell whether a line is player, share or caption furniture that is never read."""
    return bool(_LABEL_RE.match(line))


_DATE_LINE_RE = re.compile(r"^\s*(?:" + _DATE_LINE + r")\s*\.?\s*$", re.IGNORECASE)


def is_date_line(line: str) -> bool:
    """Tell whether a line is only a date, as under a headline ("Tuesday 12 March 2024")."""
    return bool(_DATE_LINE_RE.match(line))


_MONTHS = {name[:3].lower(): number for number, name in enumerate(MONTHS["en"], 1)}


def date_in(line: str) -> str:
    """Turn a date line into YYYY-MM-DD; "" when it is ambiguous (03/04/2024) or not a date."""
    text = line.lower()
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", text)
    if found:
        year, month, day = (int(g) for g in found.groups())
    elif found := re.search(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})", text):
        day, month, year = int(found.group(1)), _MONTHS.get(found.group(2), 0), int(found.group(3))
    elif found := re.search(r"([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text):
        day, month, year = int(found.group(2)), _MONTHS.get(found.group(1), 0), int(found.group(3))
    elif found := re.search(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text):
        first, second, year = (int(g) for g in found.groups())
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            day, month = second, first
        else:
            return ""  # 03/04/2024: the 3rd of April or March the 4th
    else:
        return ""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_tail_marker(line: str) -> bool:
    """Tell whether a line starts a section after the article (comments, fact-check, related)."""
    return bool(_TAIL_RE.match(line))


_BIO_VERBS = r"(is|was|covers|writes|reports|edits|has been|lives|contributed|joined)\b"


def clean_paragraphs(
    paragraphs: list[str],
    title: str = "",
    description: str = "",
    authors: list[str] | None = None,
    headlines: list[str] | None = None,
) -> list[str]:
    """Drop furniture an HTML extractor let through; end the body at a late tail section.

    A tail marker in the first half is more likely an inline box ("Related:
    ...") than the end of the article, so there only the marker line goes.
    `headlines` are the page's headline and standfirst texts: a copy of one
    among the first few paragraphs is the article's header, not its body.
    """
    total = sum(len(p) for p in paragraphs) or 1
    seen = 0
    body: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        seen += len(paragraph)
        if is_tail_marker(paragraph) or _LATE_TAIL_RE.match(paragraph):
            if body and seen > total / 2:
                break
            continue
        if (
            is_label(paragraph)
            or is_furniture_sentence(paragraph)
            or is_contact_line(paragraph)
            or not re.search(r"\w", paragraph)
        ):
            continue
        if not body and _is_heading_repeat(paragraph, title, description, authors or []):
            continue
        if index < _HEADER_REACH and any(
            _is_variant(paragraph, h) or _is_headline_and_date(paragraph, h) for h in headlines or []
        ):
            continue
        body.append(paragraph)
    body = _drop_pull_quotes(_drop_repeated_names(body))
    while body and (_is_author_bio(body[-1], authors or []) or _is_job_title_bio(body[-1])):
        body.pop()
    return body


# How many paragraphs from the top a repeated headline or standfirst may stand.
_HEADER_REACH = 4


def _is_headline_and_date(line: str, headline: str) -> bool:
    """Tell whether a line is a headline run together with its date or byline
    ("Hay destroyed in barn fire 14 August 2024"), as a page's whole text read in one go gives."""
    a, b = _plain(line), _plain(headline)
    if not b or not a.startswith(b + " "):
        return False
    rest = a[len(b) :].split()
    return len(rest) <= 8 and (any(w.isdigit() for w in rest) or rest[0] == "by")


def _is_variant(line: str, headline: str) -> bool:
    """Tell whether a line is a headline, or the same headline with a few words more or less
    at either end ("Chesapeake Bay oysters ..." against "Oysters ...", a trailing site name)."""
    a, b = _plain(line), _plain(headline)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short.split()) < 4 or not (long.startswith(short) or long.endswith(short)):
        return False
    extra = len(long.split()) - len(short.split())
    return extra <= 4 and extra <= len(short.split()) / 2


# "Periodista de la sección de Sociedad, ...", "Reporter covering housing for ...":
# a closing note that starts with the author's job, not with a name.
_JOB_TITLES = (
    r"(senior |staff |chief |political |science |freelance |contributing )?("
    + _patterns("job_titles.txt")
    + ")"
)
_JOB_BIO_RE = re.compile(
    r"^"
    + _JOB_TITLES
    + r"\s+(de|del|du|des|covering|who|for|at|on|à|au|bei|für|f[üu]r|im|der|da|do|di|della|dello|en|in|e|y|and|et|und|specializ\w*|especializad\w*|sp[ée]cialis\w*)\b",
    re.IGNORECASE,
)


def _is_job_title_bio(line: str) -> bool:
    """Tell whether a closing paragraph describes the author by their job."""
    return len(line) < 400 and bool(_JOB_BIO_RE.match(line)) and not re.search(r"[\"“”«»„]", line)


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and _plain(a) == _plain(b)


def plain(text: str) -> str:
    """Lower-case words of a text, without punctuation: for comparing lines."""
    return re.sub(r"\W+", " ", text).strip().lower()


_plain = plain  # the name used in this module, where "plain" is also a local


def _is_heading_repeat(line: str, title: str, description: str, authors: list[str]) -> bool:
    """Tell whether a line before the body repeats the headline, standfirst or byline."""
    if _same(line, title) or _same(line, description):
        return True
    return (
        bool(authors) and bool(re.match(r"^(by\s+)?" + re.escape(authors[0]), line, re.I)) and len(line) < 120
    )


_NAME_LINE = re.compile(r"^[A-ZÀ-Þ][\w'’.-]*(\s+([A-ZÀ-Þ][\w'’.-]*|de|van|von|da|di|le|la)){0,3}$")


def is_name(line: str) -> bool:
    """Tell whether a line is only a name ("Amira Khan", "Jo de Vries")."""
    return bool(_NAME_LINE.match(line))


def _drop_repeated_names(body: list[str]) -> list[str]:
    """Drop a name that stands alone on several lines: a live blog's author on each post."""
    counts: dict[str, int] = {}
    for paragraph in body:
        counts[paragraph] = counts.get(paragraph, 0) + 1
    return [p for p in body if counts[p] < 2 or not _NAME_LINE.match(p)]


def _drop_pull_quotes(body: list[str]) -> list[str]:
    """Drop short paragraphs that only repeat words found inside a longer one (pull quotes).

    A pull quote is a sentence; a subheading of two or three words ("Season
    tickets") is also found inside the text but is part of the article.
    """
    plain = [_plain(p) for p in body]
    keep: list[str] = []
    kept: set[str] = set()
    for i, paragraph in enumerate(body):
        sentence = len(paragraph) < 250 and len(plain[i].split()) >= 6
        repeated = sentence and any(
            j != i and len(plain[j]) > len(plain[i]) and plain[i] in plain[j] for j in range(len(body))
        )
        if not repeated and plain[i] not in kept:
            keep.append(paragraph)
            kept.add(plain[i])
    return keep


def _is_author_bio(line: str, authors: list[str]) -> bool:
    """Tell whether a closing line is a note about the author ("Jane Doe covers ...")."""
    return any(
        re.match(re.escape(name) + r"\s+" + _BIO_VERBS, line) and len(line) < 400 for name in authors if name
    )

"""SSML articles: an SSML document in, an Article with marks out.

The paragraphs are the document's text without its markup (what the listener sees, and what
timings and captions point into); how the markup asks for it to be said travels beside them as
marks (listen/article.py: Mark), which the text side honours sentence by sentence
(listen/text/marks.py). What is supported is in docs/speech.md (SSML).

The document is parsed by lxml with everything that reaches outside it turned off: no DTD is
loaded, no entity is expanded and nothing is fetched; a document that declares a DOCTYPE at all
(an XXE or a billion-laughs attempt) is refused before anything is read from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from listen.article import Article, Mark, without_control_characters
from listen.errors import InputError
from listen.text.language import detect_language, primary_tag
from listen.text.months import MONTHS
from listen.text.normalize import spell
from listen.text.numbers import LANGUAGES, cardinal, digits, ordinal

__all__ = ["from_ssml"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The XML declaration, which lxml refuses in a str: blanked to spaces so lines and columns stay.
_DECLARATION = re.compile(r"^\ufeff?<\?xml[^>]*\?>")
MAX_BREAK_MS = 10_000  # a longer break is kept to ten seconds, as other SSML services do
# break strength -> milliseconds (SSML 1.1 leaves them to the processor; these are a reader's pauses)
_STRENGTHS = {"none": 0, "x-weak": 150, "weak": 300, "medium": 500, "strong": 800, "x-strong": 1200}
_RATES = {"x-slow": 0.6, "slow": 0.8, "medium": 1.0, "default": 1.0, "fast": 1.25, "x-fast": 1.5}
# Elements whose content is read as it is, and those skipped with all they hold.
_READ_THROUGH = {"lang", "voice", "w", "token"}
_SKIPPED = {"mark", "meta", "metadata", "desc"}
_SUPPORTED = "speak, p, s, break, say-as, sub, phoneme, lang, voice, prosody, emphasis, mark (ignored)"


def from_ssml(text: str, source: str = "", language: str | None = None) -> Article:
    """Read an SSML document into an Article; an invalid or unsafe one is an InputError naming where."""
    root = _parse(text)
    if _name(root) != "speak":
        raise InputError(
            f"The SSML document's root element is <{_name(root)}> (line {root.sourceline}); "
            "put the text inside <speak>...</speak>."
        )
    # The language first: say-as says numbers and dates in it.
    lang = primary_tag(language or root.get(_XML_LANG) or "") or detect_language(
        " ".join(" ".join(root.itertext()).split())[:5000]
    )
    body = _Body(lang)
    body.walk_children(root)
    body.end_paragraph()
    if not body.paragraphs:
        raise InputError("The SSML document has no text to read; put the words inside <speak>...</speak>.")
    return Article(paragraphs=body.paragraphs, language=lang, source=source, marks=body.marks)


def _parse(text: str) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    doctype = re.search(r"<!DOCTYPE|<!ENTITY", text[:100_000], re.I)
    if doctype:
        raise _unsafe(text, doctype.start())
    blanked = _DECLARATION.sub(lambda m: " " * len(m.group(0)), text.lstrip("\ufeff"))
    try:
        root = etree.fromstring(blanked.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise InputError(
            f"The SSML document is not valid XML at line {line}, column {column}: {exc.msg}. "
            "Fix the markup there (every tag closed, & written &amp;)."
        ) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise _unsafe(text, 0)  # a declaration the search above missed: never read one
    return root


def _unsafe(text: str, at: int) -> InputError:
    line = text.count("\n", 0, at) + 1
    return InputError(
        f"The SSML document declares a DOCTYPE or entities (line {line}), which listen never reads: "
        "they can pull in files or blow up in size. Remove the <!DOCTYPE ...> declaration."
    )


def _name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _where(element: etree._Element) -> str:
    return f"<{_name(element)}> on line {element.sourceline}"


class _Body:
    """The paragraphs being written out of a document, and the marks that point into them."""

    def __init__(self, language: str):
        self.language = language
        self.paragraphs: list[str] = []
        self.marks: list[Mark] = []
        self.text = ""  # the paragraph being written, blanks collapsed
        self.pending_break = 0  # ms of break waiting for the next words
        self.in_sentence = False

    # -- writing text ------------------------------------------------------------------------

    def add(self, raw: str | None) -> None:
        """Append text as a reader sees it: blanks collapsed, none at a paragraph's start."""
        if not raw:
            return
        text = re.sub(r"\s+", " ", without_control_characters(raw))
        if not self.text or self.text.endswith(" "):
            text = text.lstrip()
        if text.strip() and self.pending_break:
            self._mark("break", len(self.text), len(self.text), str(min(self.pending_break, MAX_BREAK_MS)))
            self.pending_break = 0
        self.text += text

    def space(self) -> None:
        if self.text and not self.text.endswith(" "):
            self.text += " "

    def end(self) -> int:
        """Where the text written so far ends, without a trailing blank."""
        return len(self.text.rstrip())

    def end_paragraph(self) -> None:
        text = self.text.rstrip()
        number = len(self.paragraphs)
        if text:
            self.paragraphs.append(text)
            for mark in self.marks:
                if mark.paragraph == number:
                    mark.start, mark.end = min(mark.start, len(text)), min(mark.end, len(text))
        else:
            self.marks = [m for m in self.marks if m.paragraph != number]
        self.text = ""

    def _mark(self, kind: str, start: int, end: int, value: str = "") -> None:
        self.marks.append(Mark(kind, len(self.paragraphs), start, end, value))

    # -- walking the document ----------------------------------------------------------------

    def walk_children(self, element: etree._Element) -> None:
        self.add(element.text)
        for child in element:
            if isinstance(child.tag, str):
                self.element(child)
            self.add(child.tail)

    def element(self, element: etree._Element) -> None:
        name = _name(element)
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, element)
        elif name in _READ_THROUGH:
            self.walk_children(element)
        elif name not in _SKIPPED:
            raise InputError(
                f"SSML {_where(element)} is not supported; use {_SUPPORTED}, or remove the element."
            )

    def paragraph(self, element: etree._Element) -> None:
        if self.in_sentence:
            raise InputError(
                f"SSML {_where(element)} inside <s>: a paragraph holds sentences, not the other way."
            )
        self.end_paragraph()
        self.walk_children(element)
        self.end_paragraph()

    def sentence(self, element: etree._Element) -> None:
        if self.in_sentence:
            raise InputError(f"SSML {_where(element)} inside another <s>: close the first sentence before.")
        self.space()
        start = len(self.text)
        self.in_sentence = True
        self.walk_children(element)
        self.in_sentence = False
        self._mark("sentence", start, self.end())
        self.space()

    def pause(self, element: etree._Element) -> None:
        self.space()
        self.pending_break += _break_ms(element)

    def spoken_as(self, element: etree._Element, say: Callable[[str], str | None], kind: str = "say") -> None:
        """Write an element's text as it is, and mark it to be said as `say` makes it."""
        raw = "".join(element.itertext())
        written = " ".join(raw.split())
        if raw[:1].isspace():
            self.space()
        start = len(self.text)
        self.add(written)
        said = say(written) if written else None
        if said is not None:
            self._mark(kind, start, self.end(), said)
        if raw[-1:].isspace():
            self.space()

    def say_as(self, element: etree._Element) -> None:
        kind = (element.get("interpret-as") or "").strip().lower()
        self.spoken_as(element, lambda text: _say_as(kind, text, element, self.language))

    def substitute(self, element: etree._Element) -> None:
        alias = element.get("alias")
        if alias is None:
            raise InputError(f'SSML {_where(element)} needs an alias: <sub alias="World Wide Web">WWW</sub>.')
        self.spoken_as(element, lambda text: " ".join(alias.split()))

    def phoneme(self, element: etree._Element) -> None:
        alphabet = (element.get("alphabet") or "ipa").strip().lower()
        ph = " ".join((element.get("ph") or "").split())
        if alphabet != "ipa":
            raise InputError(
                f'SSML {_where(element)}: alphabet "{alphabet}" is not supported; '
                'write the pronunciation in IPA (alphabet="ipa").'
            )
        if not ph or "[[" in ph or "]]" in ph:
            raise InputError(
                f'SSML {_where(element)} needs its IPA in ph: <phoneme ph="təˈmɑːtəʊ">tomato</phoneme>.'
            )
        self.spoken_as(element, lambda text: ph, kind="ipa")

    def emphasis(self, element: etree._Element) -> None:
        # Stress itself is the engine's to give; a short pause on each side sets the words apart.
        self._mark("say", self.end(), self.end(), ",")
        self.walk_children(element)
        self._mark("say", self.end(), self.end(), ",")

    def prosody(self, element: etree._Element) -> None:
        rate = _rate(element)
        self.space()
        start = len(self.text)
        self.walk_children(element)
        if rate != 1.0:
            self._mark("rate", start, self.end(), f"{rate:g}")

    def speak(self, element: etree._Element) -> None:
        raise InputError(f"SSML {_where(element)} inside <speak>: a document has one <speak>, at its root.")

    def audio(self, element: etree._Element) -> None:
        raise InputError(
            f"SSML {_where(element)}: listen reads text and plays no recordings; "
            "remove the <audio> element (or put the words it says in its place)."
        )

    def lexicon(self, element: etree._Element) -> None:
        raise InputError(
            f"SSML {_where(element)}: listen fetches no lexicon a document names; "
            'send pronunciation rules as the "lexicon" of the request (or --lexicon FILE) instead.'
        )


_HANDLERS: dict[str, Callable[[_Body, etree._Element], None]] = {
    "p": _Body.paragraph,
    "paragraph": _Body.paragraph,
    "s": _Body.sentence,
    "sentence": _Body.sentence,
    "break": _Body.pause,
    "say-as": _Body.say_as,
    "sub": _Body.substitute,
    "phoneme": _Body.phoneme,
    "emphasis": _Body.emphasis,
    "prosody": _Body.prosody,
    "speak": _Body.speak,
    "audio": _Body.audio,
    "lexicon": _Body.lexicon,
}


def _break_ms(element: etree._Element) -> int:
    time = element.get("time")
    if time is not None:
        found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*", time)
        if not found:
            raise InputError(
                f'SSML {_where(element)}: time="{time}" is not a time; write it like "500ms" or "2s".'
            )
        value = float(found.group(1)) * (1 if found.group(2) == "ms" else 1000)
        return min(round(value), MAX_BREAK_MS)
    strength = (element.get("strength") or "medium").strip().lower()
    if strength not in _STRENGTHS:
        raise InputError(
            f'SSML {_where(element)}: strength="{strength}" is not one of {", ".join(_STRENGTHS)}.'
        )
    return _STRENGTHS[strength]


def _rate(element: etree._Element) -> float:
    """A prosody rate as a factor of the reading rate: a word ("slow"), a percentage, or a change."""
    raw = (element.get("rate") or "medium").strip().lower()
    if raw in _RATES:
        return _RATES[raw]
    found = re.fullmatch(r"([+-]?)(\d+(?:\.\d+)?)%", raw) or re.fullmatch(r"()(\d+(?:\.\d+)?)", raw)
    if not found:
        raise InputError(
            f'SSML {_where(element)}: rate="{raw}" is not a rate; use x-slow to x-fast, "80%" or "+20%".'
        )
    sign, number = found.group(1), float(found.group(2))
    if raw.endswith("%"):
        factor = 1 + (number / 100 if sign == "+" else -number / 100) if sign else number / 100
    else:
        factor = number  # a bare number is a multiple of the normal rate ("1.5")
    return min(max(factor, 0.5), 2.0)  # beyond these the engine's speech falls apart


def _say_as(kind: str, text: str, element: etree._Element, language: str) -> str | None:
    """What a say-as element is said as; None reads it as written (an interpretation we do not know)."""
    normalised = language in LANGUAGES  # num2words knows the language's numbers
    try:
        if kind in ("characters", "spell-out", "letters"):
            return spell(text.upper()) if language == "en" else " ".join(c for c in text if c.isalnum())
        if not normalised:
            return None
        if kind in ("cardinal", "number"):
            return cardinal(re.sub(r"[^\d.,-]", "", text), language)
        if kind == "ordinal":
            return ordinal(int(re.sub(r"\D", "", text)), language)
        if kind == "digits":
            return digits(text, language) or None
        if kind == "telephone":
            return _telephone(text, language)
        if kind == "date":
            return _date(text, (element.get("format") or "ymd").strip().lower(), language)
        if kind == "time":
            return _time(text)
    except (ValueError, IndexError, OverflowError):
        raise InputError(
            f'SSML {_where(element)}: "{text}" cannot be read as interpret-as="{kind}"; '
            "fix the text or the interpretation."
        ) from None
    return None


def _telephone(text: str, language: str) -> str:
    groups = re.findall(r"\d+", text)
    if not groups:
        raise ValueError(text)
    said = ", ".join(digits(group, language) for group in groups)
    return ("plus " if text.strip().startswith("+") and language == "en" else "") + said


def _date(text: str, form: str, language: str) -> str:
    """A date written in the order `form` says ("dmy", "mdy", "ymd", "md", "my", "y"...), said in full.

    It is rewritten as the normaliser reads dates ("March 3, 2021"), which says it in words.
    """
    parts = re.findall(r"\d+", text)
    if not form or set(form) - set("dmy") or len(parts) != len(form):
        raise ValueError(text)
    value = dict(zip(form, parts))
    day, month, year = value.get("d"), value.get("m"), value.get("y")
    if year and len(year) == 2:
        year = ("20" if int(year) < 50 else "19") + year
    name = MONTHS[language][int(month) - 1] if month else ""
    if (month and not 1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
        raise ValueError(text)
    if language == "en":
        if day and name:
            said = (
                f"the {ordinal(int(day))} of {name}"
                if form.index("d") < form.index("m")
                else f"{name} {ordinal(int(day))}"
            )
        else:
            said = name or (ordinal(int(day)) if day else "")
        return f"{said}, {year}" if said and year else said or (year or "")
    return " ".join(x for x in (day, name, year) if x)


def _time(text: str) -> str:
    """A time ("10:30", "1030", "10:30pm") rewritten as the normaliser reads times."""
    found = re.fullmatch(r"\s*(\d{1,2})(?::?(\d{2}))?(?::(\d{2}))?\s*([ap])?\.?\s*m?\.?\s*", text.lower())
    if not found:
        raise ValueError(text)
    hour, minute, second, half = found.groups()
    if int(hour) > 24 or int(minute or 0) > 59 or int(second or 0) > 59:
        raise ValueError(text)
    written = f"{int(hour)}:{minute or '00'}" + (f":{second}" if second else "")
    return written + (f" {half}.m." if half else "")

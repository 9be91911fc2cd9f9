"""Reading a plain-text article: decoding its bytes, then headline, byline and paragraphs."""

from __future__ import annotations

import re
import unicodedata

from listen.article import Article
from listen.errors import InputError, NotAnArticleError
from listen.reading import boilerplate
from listen.text.language import detect_language

__all__ = ["decode_text", "from_text", "refuse_non_article"]


def too_big(name: str, size: int, max_bytes: int, more: bool = False) -> InputError:
    """The error for an input over the limit, with its real size."""
    return InputError(
        f"{name} is {'more than ' if more else ''}{size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB. "
        "Split it into smaller articles.",
        "Or raise LISTEN_MAX_INPUT_BYTES.",
    )


def decode_text(data: bytes, source: str, max_bytes: int) -> str:
    """Decode an input's bytes to text, refusing what cannot be an article."""
    name = source or "the input"
    if len(data) > max_bytes:
        raise too_big(name, len(data), max_bytes)
    if b"\x00" in data[:65536]:
        raise InputError(f"{name} looks like binary data, not text; give a .txt or .html file.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid UTF-8 (byte {exc.start}); save it as UTF-8 and try again."
        ) from None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise InputError(f"{name} looks like binary data, not text; give a .txt or .html file.")
    if not text.strip():
        raise InputError(f"{name} is empty; give an article with some text in it.")
    return text


_BYLINE_RE = re.compile(r"^\s*(by|written by|words by)\s+\S.{0,80}$", re.IGNORECASE)

# A line that is only a byline: "By Sam Reporter", "BY SAM REPORTER AND JO PIKE",
# "Written by Sam Reporter, Harbour Correspondent". Stricter than _BYLINE_RE: "by the end
# of March" on a wrapped line is not one.
_NAME = r"[A-ZÀ-Þ][\w'’.-]*"
_BYLINE_LINE = re.compile(
    rf"^(?:By|BY|Written by|WRITTEN BY|Words by|WORDS BY)\s+{_NAME}"
    rf"(?:\s+(?:{_NAME}|and|AND|&|de|van|von|da|di|le|la))*(?:,\s*[^,.;:!?]{{1,50}})?$"
)


def _blocks(text: str) -> list[list[str]]:
    """Split text at blank lines into blocks of non-empty, stripped lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_hard_wrapped(block: list[str]) -> bool:
    """Tell whether a block's lines were wrapped at a fixed width (one paragraph)."""
    if len(block) < 2:
        return False
    widths = [len(line) for line in block[:-1]]
    return max(widths) <= 100 and min(widths) >= 0.6 * max(widths)


def _is_header_line(line: str) -> bool:
    """Tell whether a line is a byline or a date line, as under a headline."""
    return bool(_BYLINE_LINE.match(line)) or boilerplate.is_date_line(line)


def _paragraphs_of(block: list[str]) -> list[str]:
    """A hard-wrapped block is one paragraph; otherwise each line is one (pasted web text).

    A headline with its byline or date line under it is not a wrapped paragraph,
    however alike the lines' widths ("Harbour reopens" over "By Sam Pike").
    """
    if len(block) > 1 and all(_is_header_line(line) for line in block[1:]):
        return block
    if _is_hard_wrapped(block):
        return [" ".join(block)]
    return block


def _looks_like_title(line: str) -> bool:
    return len(line) <= 200 and not re.search(r"[.!?:;,]$", line) and len(line.split()) >= 2


def from_text(text: str, source: str = "", language: str | None = None) -> Article:
    """Read a plain-text article: headline first, blank lines between paragraphs.

    Text copied off a web page carries its furniture (player labels, fact-check
    boxes, comments); the shared boilerplate rules drop it.
    """
    refuse_non_article(text, source)
    lines: list[str] = []
    for block in _blocks(text):
        lines.extend(_paragraphs_of(block))
    body: list[str] = []
    date = ""
    for at, line in enumerate(lines):
        if boilerplate.is_tail_marker(line) and body:
            break
        if at < _HEADER_LINES and not date and boilerplate.is_date_line(line):
            # A dateline under the headline is the article's date; a copyright year never is.
            date = boilerplate.date_in(line)
        if boilerplate.is_label(line) or boilerplate.is_tail_marker(line):
            continue
        body.append(line)
    title = ""
    byline = ""
    if len(body) > 1 and _looks_like_title(body[0]):
        title = body.pop(0)
    if body and _BYLINE_RE.match(body[0]) and len(body) > 1:
        byline = re.sub(r"^\s*(by|written by|words by)\s+", "", body.pop(0), flags=re.I)
    if not body:
        if title:
            body, title = [title], ""
        else:
            raise InputError(
                f"{source or 'The input'} has no article text once page furniture is removed; "
                "check that it is the article itself."
            )
    if not language:
        language = detect_language(" ".join([title, *body[:8]]))
    return Article(paragraphs=body, title=title, byline=byline, date=date, language=language, source=source)


# Lines that are not prose. A path, one token: "/var/log/x.log", "./src/a.py", "C:\\Users\\a.txt", "README.md".
_PATH_LINE = re.compile(
    r"^(?:[A-Za-z]:[\\/]|~?[/\\]|\.{1,2}[/\\])?(?:[^\s/\\]+[/\\])+[^\s/\\]*$|^[\w.-]+\.\w{1,5}$"
)
# A log line: a time stamp or a level first. "2026-11-30 12:00:01,123 INFO ...", "[12:00:01] WARN ...",
# "Nov 30 12:00:01 host sshd[42]: ...", "ERROR: disk full".
_LOG_LINE = re.compile(
    r"^\[?(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d|\d\d:\d\d:\d\d|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d"
    r"|(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL)\b)"
)
_NOT_PROSE_SHARE = 0.6  # of the non-blank lines, and at least _NOT_PROSE_LINES of them
_NOT_PROSE_LINES = 3


def refuse_non_article(text: str, source: str = "") -> None:
    """Raise NotAnArticleError for text that is a list of file paths or a log, with what to give instead.

    Most of its lines must be such lines: an article that quotes a path or a log line is still read.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()][:500]
    for kind, pattern in (("a list of file paths", _PATH_LINE), ("a log", _LOG_LINE)):
        matching = sum(1 for line in lines if pattern.match(line))
        if matching >= _NOT_PROSE_LINES and matching >= _NOT_PROSE_SHARE * len(lines):
            raise NotAnArticleError(
                f"{source or 'The input'} looks like {kind}, not an article, so it is not read aloud; "
                "give the article's text, its page, or its address."
            )


# How many lines from the top a date line counts as the article's own date.
_HEADER_LINES = 4

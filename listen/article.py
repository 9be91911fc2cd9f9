"""The Article model: what a page says, without its furniture.

Reading one lives beside it, one module per kind of input: plaintext.py (plain
text), htmlpage.py (an HTML page), and loader.py (choosing between a path, a URL and
standard input, and between text and HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Article"]


@dataclass
class Article:
    """What a page says, without its furniture: metadata plus body paragraphs."""

    paragraphs: list[str]
    title: str = ""
    byline: str = ""
    date: str = ""
    site_name: str = ""
    language: str = "en"
    source: str = ""
    extra: dict[str, str] = field(default_factory=dict)

"""The Article model: what a page says, without its furniture.

It sits at the top of the package because every stage after reading takes it: the
text side, the renderer and the queue's payload. Reading one is listen/reading/'s job,
one module per kind of input.
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

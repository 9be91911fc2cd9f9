"""Reading an HTML page's article: the page's HTML in, an Article out.

The metadata comes from metadata.py, the headline texts and standfirst from headings.py,
and the body from body.py (which cleans a copy of the page and chooses among the readings).
"""

from __future__ import annotations

from lxml import etree

from listen.article import Article
from listen.errors import InputError
from listen.reading.body import body_paragraphs, trafilatura_doc
from listen.reading.headings import header_texts
from listen.reading.metadata import page_language, page_metadata
from listen.reading.page_tree import parse_page
from listen.reading.teaser import teaser_reason
from listen.text.language import detect_language

__all__ = ["from_html"]


def from_html(html: str, source: str = "", url: str | None = None, language: str | None = None) -> Article:
    """Extract title, byline, date, site name, language and body paragraphs from a page."""
    tree = parse_page(html, source)
    drop_skipped(tree)
    doc = trafilatura_doc(tree, url)
    metadata = page_metadata(tree, doc)
    metadata["headlines"], metadata["standfirst"] = header_texts(
        tree, metadata["title"], metadata["descriptions"]
    )
    paragraphs = body_paragraphs(tree, doc, metadata)
    if not paragraphs:
        raise InputError(
            f"{source or 'The page'} has no article text we can find; give the page of one article "
            "(not a front page, search page or login page), or paste the article's text."
        )
    # The page's lang tag is only a hint: a template's lang="en" on a Russian story loses to the text.
    lang = language or _detect(paragraphs, page_language(tree) or (doc.language if doc else None))
    extra = {k: v for k, v in (("url", url or ""), ("description", metadata["description"])) if v}
    return Article(
        paragraphs=paragraphs,
        title=metadata["title"],
        byline=metadata["byline"],
        date=metadata["date"],
        site_name=metadata["site_name"],
        language=lang or "en",
        source=source or url or "",
        partial_reason=teaser_reason(tree, paragraphs),
        extra=extra,
    )


def drop_skipped(tree: etree._Element) -> None:
    """Drop what the page marks as not to be read: elements with `data-listen-skip` (the widget's and
    the WordPress plugin's mark for captions, asides and calls to action), keeping the text after them."""
    for element in tree.xpath("//*[@data-listen-skip]"):
        if element.getparent() is not None:
            element.drop_tree()


def _detect(paragraphs: list[str], hint: str | None) -> str:
    """Guess the language from the text, with the page's own tag as a hint."""
    try:
        return detect_language(" ".join(paragraphs)[:5000], hint) or ""
    except Exception:  # detection is a best guess; never fail an article over it
        return ""

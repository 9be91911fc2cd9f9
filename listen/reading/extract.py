"""Body extraction: an HTML page's article paragraphs, without furniture.

trafilatura does the heavy lifting; readability-lxml is a second opinion when
trafilatura finds nothing or much less than readability does, and the page's
JSON-LD articleBody wins when it holds the same text and clearly more of it
(pages that show a truncated body and load the rest with a script). Then the
shared rules in boilerplate.py drop what all of them let through (player labels,
"Read more" links, print notes, credits, author bios, comment and fact-check
sections).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import set_date_params

from listen.errors import InputError
from listen.reading import boilerplate
from listen.reading.metadata import TITLE_SEPARATORS, first_text, meta_content

__all__ = ["body_paragraphs", "header_texts", "parse_page", "trafilatura_doc"]

# Page parts that are never the article, removed before trafilatura sees the page.
# Class and id tokens are matched as whole words of the attribute, so "ad" does not hit "header".
_FURNITURE_TOKENS = [
    "share",
    "sharing",
    "social",
    "share-bar",
    "sharedaddy",
    "newsletter",
    "newsletter-signup",
    "related",
    "jp-relatedposts",
    "recirculation",
    "most-read",
    "most-popular",
    "comments",
    "comment-list",
    "comment-respond",
    "audio-widget",
    "audio-player",
    "article-audio",
    "listen",
    "tts",
    "caption",
    "credit",
    "figcaption",
    "ad-slot",
    "advert",
    "advertisement",
    "ad-label",
    "promo",
    "fact-check",
    "factcheck",
    "author-bio",
    "author-box",
    "tags",
    "breadcrumbs",
    "breadcrumb",
    "subscribe",
    "subscription",
    "paywall",
    "cookie-banner",
    "pullquote",
    "pull-quote",
    "inline-related",
]
_FURNITURE_SET = frozenset(_FURNITURE_TOKENS)
_FURNITURE_TAGS = frozenset(["figure", "figcaption", "nav", "form", "aside", "noscript", "button"])
_LIST_MARK = re.compile(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+")


def parse_page(html: str, source: str) -> etree._Element:
    """Parse HTML leniently; refuse input that has no document in it."""
    if not html or not html.strip():
        raise InputError(f"{source or 'The page'} is empty; give an HTML page with an article in it.")
    try:
        # lxml refuses str with an encoding declaration; bytes let it honour the meta tag.
        tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        tree = None
    if tree is None:
        raise InputError(f"{source or 'The page'} is not readable HTML; save the page again and retry.")
    return tree


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def trafilatura_doc(tree: etree._Element, url: str | None):
    """Run trafilatura on a pruned copy of the page; None when it finds nothing."""
    try:
        return trafilatura.bare_extraction(
            _prepare(_copy(tree)),
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            # Dates only from the page's markup: the extensive search takes most of the time on a big
            # page and turns a "Copyright 2024" into 1 January. metadata.py looks for a dateline itself.
            date_extraction_params=set_date_params(False),
        )
    except Exception:  # an odd page can trip it up; readability and the fallbacks still read the page
        return None


def _copy(tree: etree._Element) -> etree._Element:
    # trafilatura edits the tree it is given; we still need the original.
    return lxml.html.document_fromstring(etree.tostring(tree), parser=_PARSER)


# Controls whose box is a widget (newsletter sign-up, reader callout), not the article.
_SIGN_UP = re.compile(r"sign ?up|subscribe|register|join|send|submit", re.I)
_WIDGET_MAX_WORDS = 60


def _prepare(tree: etree._Element) -> etree._Element:
    """Fix up a page copy for trafilatura: drop sign-up boxes, keep post headings."""
    _drop_widgets(tree)
    _drop_furniture(tree)
    # trafilatura throws away every <header>; inside an article a header without the
    # headline is a section's or a live-blog post's, and its heading is part of the story.
    for header in tree.xpath("//article//header[not(.//h1)][.//h2 or .//h3 or .//h4]"):
        header.tag = "div"
    # The header around the headline holds the standfirst, byline and date, not the story
    # (a long paragraph there is more likely the story's first, and stays).
    for paragraph in tree.xpath("//header[.//h1]//p"):
        if _word_count(paragraph) <= _STANDFIRST_MAX_WORDS:
            paragraph.drop_tree()
    _drop_contents_lists(tree, _heading_texts(tree))
    _unlist_posts(tree)
    return tree


_STANDFIRST_MAX_WORDS = 50


def _heading_texts(tree: etree._Element) -> set[str]:
    return {" ".join(h.text_content().split()).lower() for h in tree.xpath("//body//*[self::h2 or self::h3 or self::h4]")}


def _drop_contents_lists(tree: etree._Element, headings: set[str]) -> None:
    """Remove lists that repeat the page's own headings: a table of contents, a live blog's
    summary or key-events box. Their lines would be read twice, and out of place."""
    for listing in tree.xpath("//body//ul | //body//ol"):
        if not _lists_headings(listing, headings):
            continue
        box = listing.getparent()
        if box is None:
            continue
        # The box's own heading ("Summary", "In this article") goes with it.
        if box.tag not in _NOT_BOXES and _word_count(box) - _word_count(listing) <= 5:
            box.drop_tree()
        else:
            listing.drop_tree()


def _unlist_posts(tree: etree._Element) -> None:
    """Turn list items that hold posts (headings, paragraphs) into plain blocks.

    Live blogs and story streams mark their posts up as <ol><li>; trafilatura
    reads a list item as one line, which glues each post's heading to its text.
    """
    for item in tree.xpath("//body//li[.//p or .//h2 or .//h3 or .//h4 or .//article]"):
        item.tag = "div"
        parent = item.getparent()
        if parent is not None and parent.tag in ("ol", "ul") and not parent.xpath("./li"):
            parent.tag = "div"


def _drop_furniture(tree: etree._Element, keep: frozenset[str] = frozenset()) -> None:
    """Remove furniture tags and elements whose class or id names furniture, keeping tail text.

    One pass over the tree: some 90 separate XPath queries took longer than
    trafilatura's own extraction.
    """
    doomed = [
        element
        for element in tree.iter(etree.Element)
        if (element.tag in _FURNITURE_TAGS and element.tag not in keep and not _holds_story(element))
        or (element.get("id") in _FURNITURE_SET and not _holds_story(element))
        or not _FURNITURE_SET.isdisjoint((element.get("class") or "").split())
        or _is_media_box(element)
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _holds_story(element: etree._Element) -> bool:
    """Tell whether an element wraps the whole story (an ASP.NET <form> around the page)."""
    return len(element.xpath(".//p")) >= 3 and bool(element.xpath(".//h1"))


_MEDIA_WORDS = frozenset(["video", "videos", "player", "media", "jwplayer", "vjs", "youtube", "vimeo"])
_MEDIA_BOX_MAX_WORDS = 60
_NOT_BOXES = frozenset(["html", "body", "article", "main", "p", "li"])


def _is_media_box(element: etree._Element) -> bool:
    """Tell whether an element is a small video or player block ("Video: ..." and a line about it).

    Its class, id or data attributes say video, player or media; a long block
    with such a name is more likely the article itself and stays.
    """
    if element.tag in _NOT_BOXES or not element.attrib:
        return False
    names = [element.get("class") or "", element.get("id") or ""]
    for key, value in element.attrib.items():
        if key.startswith("data-"):
            names.append(key)
            if len(value) < 40 and "/" not in value:
                names.append(value)
    words = set(re.split(r"[-_\s:.]+", " ".join(names).lower()))
    if words.isdisjoint(_MEDIA_WORDS):
        return False
    if element.xpath(".//h1"):
        return False  # the block around the headline is the page's story, video or not
    return _word_count(element) <= _MEDIA_BOX_MAX_WORDS and len(element.xpath(".//p")) <= 2


def _drop_widgets(tree: etree._Element) -> None:
    """Remove the small box around a form, e-mail field or sign-up button.

    Newsletter boxes and reader callouts sit inside the article body under
    class names no list can foresee; their form control gives them away.
    """
    controls = tree.xpath(
        "//body//form | //body//input[@type='email'][not(ancestor::form)] | //body//button[not(ancestor::form)]"
    )
    for control in controls:
        if control.tag == "button" and not _SIGN_UP.search(control.text_content()):
            continue
        box = _text_box(control)
        if box is not None and box.tag != "body" and _word_count(box) <= _WIDGET_MAX_WORDS:
            box.drop_tree()


def _text_box(control: etree._Element) -> etree._Element | None:
    """Climb from a control to the nearest ancestor that has words of its own."""
    own = _word_count(control)
    box = control.getparent()
    while box is not None and _word_count(box) - own < 3:
        box = box.getparent()
    if box is not None and box.getparent() is None:
        return None  # a control already dropped with an earlier box
    return box


def _word_count(element: etree._Element) -> int:
    return len(element.text_content().split())


def body_paragraphs(tree: etree._Element, doc, metadata: dict[str, Any]) -> list[str]:
    """Return the body paragraphs: trafilatura's, or readability's when it finds clearly more,
    or the JSON-LD articleBody when it is a fuller copy of the same text."""
    ours = _restore_headings(_lines(doc.text), tree) if doc is not None and doc.text else []
    second = _readability_paragraphs(tree) if _unsure(ours) else []
    if _words(second) > max(_FEW_WORDS, 1.5 * _words(ours)):
        ours = second
    # trafilatura may itself fall back on the JSON-LD body, or the page's text, as one long line.
    ours = _clean(_without_links(_resplit(ours, tree), tree), metadata)
    fuller = _with_json_ld(ours, tree)
    if fuller is not ours:
        ours = _clean(_resplit(fuller, tree), metadata)
    if _words(ours) < _FEW_WORDS:
        # Never refuse a page that has text: take its largest block of prose.
        block = _clean(_largest_block(tree), metadata)
        if not block:
            # Some pages keep their only copy of the text in <noscript> or an <aside>.
            block = _clean(_largest_block(tree, keep=_HIDING_TAGS), metadata)
        if _words(block) > _words(ours):
            ours = block
    return ours


_HIDING_TAGS = frozenset(["noscript", "aside"])


def _without_links(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Drop short lines that are only the text of a link (menu entries and teasers
    that a table layout or a bare page let through: "Home", "News"), or a name
    repeated on the page (an author line on every post)."""
    links = {
        " ".join(a.text_content().split())
        for a in tree.xpath("//body//a[not(ancestor::h1 or ancestor::h2 or ancestor::h3 or ancestor::h4)]")
    }
    repeated = _repeated_short_texts(tree)
    headings = _heading_texts(tree)
    return [
        p
        for p in paragraphs
        if len(p.split()) > _LINK_LINE_WORDS
        # A subheading may be repeated by a table of contents; it is still the story's.
        or p.lower() in headings
        or (p not in links and not (p in repeated and boilerplate.is_name(p)))
    ]


def _repeated_short_texts(tree: etree._Element) -> set[str]:
    """Short texts that stand alone in two or more elements: an author's name on every post.

    trafilatura keeps the first of repeated lines, so the repetition is only seen on the page.
    """
    seen: set[str] = set()
    repeated: set[str] = set()
    for element in tree.xpath("//body//*[self::p or self::span or self::div or self::a][string-length(normalize-space()) < 40]"):
        text = " ".join(element.text_content().split())
        if text in seen:
            repeated.add(text)
        seen.add(text)
    return repeated


_LINK_LINE_WORDS = 6

# Below this many words a result is thin enough to prefer another reading that finds more.
_FEW_WORDS = 30
# A page that shows fewer words than this may keep the rest of its story in a script.
_BLOB_REACH = 250


def _clean(paragraphs: list[str], metadata: dict[str, Any]) -> list[str]:
    return boilerplate.clean_paragraphs(
        paragraphs,
        title=metadata["title"],
        description=metadata["standfirst"],
        authors=metadata["authors"],
        headlines=metadata["headlines"],
    )


_STANDFIRST_HINT = re.compile(
    r"sub-?head|dek|standfirst|summary|description|excerpt|lede|lead|intro|teaser|subtitle|strapline|chapo|deck",
    re.I,
)


def _element_with_text(tree: etree._Element, text: str) -> etree._Element | None:
    """Find the largest element whose whole text is the given text (compared loosely)."""
    key = boilerplate.plain(text)
    start = key.split()[0] if key else ""
    if not start:
        return None
    found = None
    for node in tree.xpath("//body//text()[normalize-space()]"):
        if not boilerplate.plain(str(node)).startswith(start):
            continue
        element = node.getparent()
        while element is not None and element.tag != "body":
            own = boilerplate.plain(element.text_content())
            if own == key:
                found = element
            elif len(own) > len(key):
                break
            element = element.getparent()
        if found is not None:
            return found
    return None


def _shown_as_standfirst(element: etree._Element) -> bool:
    for box in [element, *element.iterancestors()][:3]:
        marks = " ".join(
            [box.get("class") or "", box.get("id") or ""]
            + [f"{k} {v}" for k, v in box.attrib.items() if k.startswith("data-")]
        )
        if box.tag in ("h2", "h3", "h4", "header") or _STANDFIRST_HINT.search(marks):
            return True
    return bool(element.xpath("ancestor::header"))


def header_texts(tree: etree._Element, title: str, descriptions: list[str]) -> tuple[list[str], str]:
    """Return the page's headline texts, and its standfirst when the page shows one.

    A meta description is often a copy of the first body paragraph, so it only
    counts as a standfirst when the page shows it as a heading, in a header,
    or in a box whose class or data attributes name a standfirst.
    """
    headlines = [title, meta_content(tree, "og:title"), meta_content(tree, "twitter:title")]
    # Only the first <h1>: some platforms (Medium) mark the story's own subheadings up as <h1> too.
    headlines.append(first_text(tree, "//body//h1"))
    page_title = first_text(tree, "//head/title")
    if page_title:
        headlines.append(page_title)
        headlines += [piece for piece in TITLE_SEPARATORS.split(page_title) if len(piece.split()) >= 4]
    standfirst = ""
    for description in dict.fromkeys(d for d in descriptions if d):
        element = _element_with_text(tree, description)
        if element is not None and _shown_as_standfirst(element):
            standfirst = description
            headlines.append(description)
            break
    return [h for h in headlines if h], standfirst


def _restore_headings(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Put back subheadings trafilatura dropped (it loses some, e.g. in live-blog posts).

    A heading comes back only right before the paragraph that follows it on
    the page, and only when both sit in the same small block (a post or a
    section), so sidebar and footer headings stay out.
    """
    paragraphs = list(paragraphs)
    where = {p: i for i, p in enumerate(paragraphs)}
    plain = {_heading_key(p): i for i, p in enumerate(paragraphs)}
    headings = _heading_texts(tree)
    inserts = []
    for heading in tree.xpath(_SUBHEADINGS):
        text = " ".join(heading.text_content().split())
        if not text or text in where or len(text.split()) > 20 or _is_furniture(text):
            continue
        if any(_is_media_box(box) for box in heading.iterancestors()):
            continue
        if _heads_dropped_list(heading, where, headings):
            continue
        key = _heading_key(text)
        if key in plain:
            # Already there without its numbering ("1. Costs" came out as "Costs"): put the number back.
            if _LIST_MARK.match(text):
                paragraphs[plain[key]] = text
            continue
        following = heading.xpath("following::p[1]")
        if not following or not _close_kin(heading, following[0]):
            continue
        at = where.get(" ".join(following[0].text_content().split()))
        if at is not None and (at == 0 or _heading_key(paragraphs[at - 1]) != key):
            inserts.append((at, text))
    for at, text in sorted(inserts, reverse=True):
        paragraphs = paragraphs[:at] + [text] + paragraphs[at:]
    return paragraphs


def _lists_headings(listing: etree._Element, headings: set[str]) -> bool:
    """Tell whether most items of a list repeat headings found elsewhere on the page."""
    items = [" ".join(li.text_content().split()).lower() for li in listing.xpath("./li")]
    if len(items) < 2:
        return False
    return sum(item in headings for item in items) * 2 >= len(items)


def _heads_dropped_list(heading: etree._Element, kept: dict[str, int], headings: set[str]) -> bool:
    """Tell whether a heading titles a list that is not in the body (a summary box we dropped)."""
    after = heading.getnext()
    if after is None or after.tag not in ("ul", "ol"):
        return False
    items = [" ".join(li.text_content().split()) for li in after.xpath("./li")]
    return bool(items) and (not any(item in kept for item in items) or _lists_headings(after, headings))


def _heading_key(text: str) -> str:
    """Compare headings without list numbering, punctuation or case ("1. Costs:" is "costs")."""
    return " ".join(re.sub(r"\W+", " ", _NUMBERING.sub("", text)).lower().split())


_NUMBERING = re.compile(r"^\s*(?:[-•*]|\(?\d{1,3}[.):]|\d{1,3}\s*[-–—]|[IVXivx]{1,5}[.)]|[A-Za-z][.)])\s+")


_SUBHEADINGS = "//body//*[self::h2 or self::h3][not(ancestor::aside or ancestor::nav or ancestor::footer or ancestor::figure or ancestor::form)]"


def _is_furniture(line: str) -> bool:
    # A "Related" heading put back mid-article would cut the body short there.
    return boilerplate.is_label(line) or boilerplate.is_tail_marker(line)


def _close_kin(heading: etree._Element, paragraph: etree._Element) -> bool:
    """Tell whether a paragraph sits within two levels of its heading's parent block."""
    block = heading.getparent()
    for _ in range(2):
        if block is None:
            return False
        if paragraph in block.iterdescendants():
            return True
        block = block.getparent()
    return block is not None and paragraph in block.iterdescendants()


def _unsure(paragraphs: list[str]) -> bool:
    """Tell whether trafilatura's result is thin enough to ask readability too."""
    return len(paragraphs) < 4 or _words(paragraphs) < 150


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _lines(text: str) -> list[str]:
    """Split extracted text into paragraphs, dropping list bullets and blank lines."""
    out = []
    for line in text.split("\n"):
        line = " ".join(_LIST_MARK.sub("", line).split())
        if line:
            out.append(line)
    return out


# JSON-LD --------------------------------------------------------------------

_ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "Report",
}


def _with_json_ld(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Prefer the JSON-LD articleBody when it contains what we found and clearly more.

    The overlap test guards against a body that belongs to another article or
    to a different page template; "clearly more" keeps trafilatura's paragraphs
    (and their headings) whenever the page already shows the whole text.
    """
    body = _json_ld_body(tree)
    if _words(paragraphs) < _BLOB_REACH:
        # Walking a page's script state costs time on big pages: only when the page shows little.
        body = max(body, _script_body(tree), key=len)
    if not body or _words([body]) < 1.2 * _words(paragraphs) + 20:
        return paragraphs
    # A page that shows next to nothing (a script fills it in) has nothing to compare with.
    if _words(paragraphs) >= _FEW_WORDS and _containment(paragraphs, body) < 0.8:
        return paragraphs
    return _split_like(body, paragraphs)


def _resplit(paragraphs: list[str], tree: etree._Element) -> list[str]:
    """Split very long paragraphs where the page's own <p> paragraphs start and end."""
    if all(len(p.split()) <= _SHORT_PARAGRAPH for p in paragraphs):
        return paragraphs
    guides = [" ".join(p.text_content().split()) for p in tree.xpath("//body//p")]
    guides = [g for g in guides if len(g.split()) >= 5]
    out: list[str] = []
    for paragraph in paragraphs:
        inside = [g for g in guides if len(g) < len(paragraph) and g in paragraph]
        # A long line, or one that holds two of the page's paragraphs, was glued together.
        glued = len(paragraph.split()) > 100 or len(inside) >= 2
        out.extend(_split_like(paragraph, inside) if glued and len(paragraph.split()) > _SHORT_PARAGRAPH else [paragraph])
    return out


_SHORT_PARAGRAPH = 25


def _json_ld_body(tree: etree._Element) -> str:
    """Return the longest articleBody of an article in the page's JSON-LD blocks."""
    bodies = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in _json_items(data):
            types = item.get("@type")
            types = set(types) if isinstance(types, list) else {types}
            if types & _ARTICLE_TYPES and isinstance(item.get("articleBody"), str):
                bodies.append(_plain_body(item["articleBody"]))
            if "LiveBlogPosting" in types:
                bodies.append(_live_blog_body(item.get("liveBlogUpdate")))
    return max(bodies, key=len, default="")


def _live_blog_body(updates: Any) -> str:
    """A live blog's posts in JSON-LD: each post's headline, then its text."""
    parts = []
    for update in updates if isinstance(updates, list) else [updates]:
        if isinstance(update, dict) and isinstance(update.get("articleBody"), str):
            headline = update.get("headline")
            if isinstance(headline, str) and headline.strip():
                parts.append(" ".join(headline.split()))
            parts.append(_plain_body(update["articleBody"]).strip())
    return "\n".join(parts)


def _json_items(data: Any):
    """Yield every dict in a JSON-LD value, through lists and @graph."""
    if isinstance(data, list):
        for value in data:
            yield from _json_items(value)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _json_items(data["@graph"])


def _plain_body(body: str) -> str:
    """Some CMSs put HTML or entities in articleBody; keep text with paragraph breaks."""
    if re.search(r"</?[a-z][a-z0-9]*[\s/>]", body, re.I):
        root = lxml.html.fragment_fromstring(body, create_parent="div")
        for block in root.xpath("//p | //div | //br | //h2 | //h3 | //li"):
            block.tail = "\n" + (block.tail or "")
        body = root.text_content()
    return html_lib.unescape(body)


def _containment(paragraphs: list[str], body: str) -> float:
    """Share of the word 4-grams of our paragraphs that also occur in the body."""
    ours, theirs = _grams(" ".join(paragraphs)), _grams(body)
    return len(ours & theirs) / len(ours) if ours else 0.0


def _grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 4]) for i in range(max(0, len(words) - 3))}


def _split_like(body: str, guides: list[str]) -> list[str]:
    """Split an articleBody into paragraphs: at its line breaks, or else where the
    paragraphs we already found start and end (many CMSs join them with spaces)."""
    if "\n" in body.strip():
        return _lines(body)
    cuts = {0, len(body)}
    for guide in guides:
        at = body.find(guide)
        if at >= 0:
            cuts.update((at, at + len(guide)))
    edges = sorted(cuts)
    return [p for p in (" ".join(body[a:b].split()) for a, b in zip(edges, edges[1:])) if p]


def _readability_paragraphs(tree: etree._Element) -> list[str]:
    """Ask readability-lxml for the main content and split it into paragraphs."""
    from readability import Document  # loaded only for pages trafilatura is unsure of

    try:
        summary = Document(etree.tostring(tree, encoding="unicode")).summary(html_partial=True)
    except Exception:  # readability raises bare Exceptions on odd pages; it is only a second opinion
        return []
    root = lxml.html.fragment_fromstring(summary, create_parent="div")
    for bad in root.xpath(
        "//figure | //figcaption | //table | //aside | //nav | //form | //script | //style"
    ):
        bad.drop_tree()
    for br in root.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    blocks = root.xpath("//p | //h2 | //h3 | //h4 | //li | //blockquote[not(.//p)]")
    text = "\n".join(b.text_content() for b in blocks) if blocks else root.text_content()
    return _lines(text)


# Script blobs ---------------------------------------------------------------

# Keys under which page-state JSON (Next.js __NEXT_DATA__, Arc's Fusion.globalContent,
# window.__INITIAL_STATE__) keeps a story's paragraphs; captions, titles and teasers sit under others.
_PROSE_KEYS = frozenset(["text", "content", "html", "value", "body", "articleBody", "paragraph", "paragraphs", "markup"])
_ASSIGNED_JSON = re.compile(r"=\s*(?=[{\[])")
_PARSED_JSON = re.compile(r"JSON\.parse\(\s*(\"(?:[^\"\\]|\\.)*\")\s*\)")
_MAX_SCRIPT = 3_000_000


def _script_body(tree: etree._Element) -> str:
    """Return the story text that a page keeps in a script's JSON state, paragraphs on lines.

    The body is the list (of blocks, elements or nodes) whose items carry the
    most prose; other prose in the blob (teasers, captions) sits in other lists.
    """
    best: list[str] = []
    for script in tree.xpath("//script[not(@src)][not(@type='application/ld+json')]"):
        text = script.text or ""
        if len(text) < 200 or len(text) > _MAX_SCRIPT:
            continue
        for value in _script_values(text):
            found = _prose_group(value)
            if sum(len(s.split()) for s in found) > sum(len(s.split()) for s in best):
                best = found
    return "\n".join(best)


def _script_values(text: str):
    """Yield the JSON values in a script: the whole script, or the objects assigned in it."""
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            yield json.loads(stripped)
            return
        except ValueError:
            pass
    for match in list(_PARSED_JSON.finditer(text))[:4]:
        # window.__INITIAL_STATE__ = JSON.parse("{\"article\": ...}"): a JSON string holding JSON.
        try:
            yield json.loads(json.loads(match.group(1)))
        except (ValueError, TypeError):
            continue
    decoder = json.JSONDecoder()
    for match in list(_ASSIGNED_JSON.finditer(text))[:8]:
        try:
            yield decoder.raw_decode(text, match.end())[0]
        except ValueError:
            continue


def _prose_group(data: Any) -> list[str]:
    """Return, in order, the prose strings of the list whose items hold the most prose."""
    found = list(_prose_strings(data, ()))
    items: dict[tuple, set] = {}
    for path, _ in found:
        for at, step in enumerate(path):
            if isinstance(step, int):
                items.setdefault(path[:at], set()).add(step)
    groups: dict[tuple, list[str]] = {}
    for path, text in found:
        lists = [path[:at] for at, step in enumerate(path) if isinstance(step, int) and len(items[path[:at]]) > 1]
        groups.setdefault(lists[-1] if lists else path, []).append(text)
    return max(groups.values(), key=lambda g: sum(len(s.split()) for s in g), default=[])


def _prose_strings(data: Any, path: tuple, key: str = ""):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _prose_strings(v, (*path, k), k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _prose_strings(v, (*path, i), key)
    elif isinstance(data, str) and key in _PROSE_KEYS:
        text = _plain_body(data) if "<" in data or "&" in data else data
        for line in _lines(text):
            if _is_prose(line):
                yield path, line


def _is_prose(text: str) -> bool:
    words = text.split()
    return len(words) >= 6 and "://" not in text[:40] and bool(re.search(r"[.!?…:”\"’)]$", text) or len(words) >= 15)


# The last resort --------------------------------------------------------------

_LINE_TAGS = frozenset(["p", "br", "li", "h2", "h3", "h4", "h5", "dd", "dt"])
_INLINE = frozenset(
    "a b i em strong span font small u sup sub abbr time p h2 h3 h4 h5 li ul ol br cite q mark dd dt dl".split()
)


def _largest_block(tree: etree._Element, keep: frozenset[str] = frozenset()) -> list[str]:
    """Return the paragraphs of the page's largest block of prose that is not links.

    Used only when every other reading finds next to nothing, so that a page
    with article text in odd markup is read rather than refused.
    """
    page = _copy(tree)
    _drop_furniture(page, keep)
    for bad in page.xpath("//script | //style | //nav | //footer | //header | //select | //template"):
        bad.drop_tree()
    words: dict[etree._Element, list[int]] = {}
    for node in page.xpath("//body//text()[normalize-space()]"):
        element = node.getparent()
        owner = element.getparent() if node.is_tail else element
        linked = False
        while owner is not None and owner.tag in _INLINE:
            linked = linked or owner.tag == "a"
            owner = owner.getparent()
        if owner is None:
            continue
        count = len(str(node).split())
        tally = words.setdefault(owner, [0, 0])
        tally[0] += count
        tally[1] += count if linked or element.tag == "a" else 0
    prose = [(total - links, block) for block, (total, links) in words.items() if links < total / 2]
    if not prose:
        return []
    block = max(prose, key=lambda pair: pair[0])[1]
    for element in block.iter(etree.Element):
        if element.tag not in _INLINE or element.tag in _LINE_TAGS:
            # Lines break at every block and <br>, so a heading never runs into its paragraph.
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    for heading in block.xpath(".//h1"):
        heading.drop_tree()  # the headline is the title, not the body
    text = block.text_content()
    return [line for line in _lines(text) if len(line.split()) >= 3 or _words([text]) < 20]

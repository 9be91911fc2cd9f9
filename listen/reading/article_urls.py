"""Article URLs from batch inputs: a batch's inputs in; out, the articles to read, with files of
URLs, sitemaps and RSS/Atom feeds replaced by the article URLs they list."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import etree

from listen.config import ServiceSettings
from listen.errors import FetchError
from listen.reading.fetch import fetch

__all__ = ["article_urls", "urls_in_feed"]

MAX_URLS = 10_000
MAX_SITEMAP_DEPTH = 2
_URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
# Only URLs that look like feeds or sitemaps are fetched here; article URLs are
# left for the batch itself to fetch, so each page is downloaded once.
_FEEDISH_RE = re.compile(r"(sitemap|feed|rss|atom)|\.(xml|rss|atom)$", re.IGNORECASE)
# No entities, no DTDs, no network: a hostile feed cannot read files or make requests (XXE).
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, recover=True, huge_tree=False
)


def article_urls(inputs: list[str], settings: ServiceSettings) -> list[str]:
    """Return the articles to convert: inputs with URL lists, sitemaps and feeds expanded.

    Anything that is not a list of URLs, a sitemap or a feed passes through
    unchanged, so a failing feed is reported by the batch like any other input.
    """
    out: list[str] = []
    for item in inputs:
        if _is_url_list(item):
            for url in _read_url_list(Path(item)):
                out.extend(_article_urls_at(url, settings, depth=0))
        elif _URL_RE.match(item.strip()):
            out.extend(_article_urls_at(item.strip(), settings, depth=0))
        else:
            out.append(item)
    return list(dict.fromkeys(out))[:MAX_URLS]


def _is_url_list(item: str) -> bool:
    """Tell whether a local file holds URLs, one a line, rather than an article."""
    path = Path(item)
    if _URL_RE.match(item) or not path.is_file() or path.stat().st_size > 5_000_000:
        return False
    try:
        lines = _read_url_list(path)
    except (OSError, UnicodeDecodeError):
        return False
    return bool(lines) and all(_URL_RE.match(line) for line in lines)


def _read_url_list(path: Path) -> list[str]:
    """Read the non-blank, non-comment lines of a URL list."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _article_urls_at(url: str, settings: ServiceSettings, depth: int) -> list[str]:
    """Fetch a feed-like URL and return its article URLs; else return the URL itself."""
    parts = urlsplit(url)
    if not _FEEDISH_RE.search(f"{parts.path}?{parts.query}"):
        return [url]
    try:
        page = fetch(url, settings)
    except FetchError:
        return [url]  # the batch fetches it again and reports why it failed
    kind, urls = urls_in_feed(page.text, page.url)
    if kind == "sitemapindex" and depth < MAX_SITEMAP_DEPTH:
        expanded: list[str] = []
        for child in urls:
            expanded.extend(
                _article_urls_at(child, settings, depth + 1) if _FEEDISH_RE.search(child) else [child]
            )
        return expanded
    return urls if kind else [url]


def urls_in_feed(text: str, base_url: str = "") -> tuple[str, list[str]]:
    """Return the kind of document ("urlset", "sitemapindex", "rss", "atom" or "") and its URLs."""
    root = _parse_xml(text)
    if root is None:
        return "", []
    kind = etree.QName(root).localname.lower()
    if kind in ("urlset", "sitemapindex"):
        locs = root.xpath("./*/*[local-name()='loc']/text()")
    elif kind in ("rss", "rdf"):
        kind = "rss"
        locs = root.xpath("//*[local-name()='item']/*[local-name()='link']/text()")
        if not locs:
            locs = root.xpath(
                "//*[local-name()='item']/*[local-name()='guid'][not(@isPermaLink='false')]/text()"
            )
    elif kind == "feed":
        kind = "atom"
        locs = [_atom_link(entry) for entry in root.xpath("//*[local-name()='entry']")]
    else:
        return "", []
    urls = [urljoin(base_url, loc.strip()) for loc in locs if loc and loc.strip()]
    return kind, [u for u in urls if _URL_RE.match(u)]


def _atom_link(entry: etree._Element) -> str:
    """Pick an Atom entry's page link: rel="alternate", or a link with no rel."""
    for link in entry.xpath("./*[local-name()='link']"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return ""


def _parse_xml(text: str) -> etree._Element | None:
    data = text.lstrip().encode("utf-8")
    # lxml refuses a str with an encoding declaration; the prolog no longer matches once re-encoded.
    data = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None
    return root

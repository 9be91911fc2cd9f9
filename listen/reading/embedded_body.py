"""Bodies a page carries out of sight: the tree in; out, the articleBody of its JSON-LD, or the
story a script keeps in its page-state JSON, as text with paragraphs on lines."""

from __future__ import annotations

import html as html_lib
import itertools
import json
import re
from typing import Any

import lxml.html
from lxml import etree

from listen.reading.page_tree import split_lines
from listen.text.wordlists import word_list

__all__ = ["json_ld_body", "script_body", "split_like"]

# JSON-LD --------------------------------------------------------------------

# schema.org types whose articleBody is an article's text.
_ARTICLE_TYPES = frozenset(word_list("listen.reading", "article_types.txt"))


def json_ld_body(tree: etree._Element) -> str:
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


def split_like(body: str, guides: list[str]) -> list[str]:
    """Split an articleBody into paragraphs: at its line breaks, or else where the
    paragraphs we already found start and end (many CMSs join them with spaces)."""
    if "\n" in body.strip():
        return split_lines(body)
    cuts = {0, len(body)}
    for guide in guides:
        at = body.find(guide)
        if at >= 0:
            cuts.update((at, at + len(guide)))
    edges = sorted(cuts)
    return [p for p in (" ".join(body[a:b].split()) for a, b in itertools.pairwise(edges)) if p]


# Script blobs ---------------------------------------------------------------

# Keys under which page-state JSON keeps a story's paragraphs (data/prose_keys.txt).
_PROSE_KEYS = frozenset(word_list("listen.reading", "prose_keys.txt"))
_ASSIGNED_JSON = re.compile(r"=\s*(?=[{\[])")
_PARSED_JSON = re.compile(r"JSON\.parse\(\s*(\"(?:[^\"\\]|\\.)*\")\s*\)")
_MAX_SCRIPT = 3_000_000


def script_body(tree: etree._Element) -> str:
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
        lists = [
            path[:at] for at, step in enumerate(path) if isinstance(step, int) and len(items[path[:at]]) > 1
        ]
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
        for line in split_lines(text):
            if _is_prose(line):
                yield path, line


def _is_prose(text: str) -> bool:
    words = text.split()
    return (
        len(words) >= 6
        and "://" not in text[:40]
        and bool(re.search(r"[.!?…:”\"’)]$", text) or len(words) >= 15)
    )

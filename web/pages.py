"""The HTML side: the page, an article's page, the embeddable player, oEmbed, widget.js, and which player modules a page loads."""

from __future__ import annotations

import mimetypes
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
)
from markupsafe import escape

from listen.errors import InputError, NotFoundError, UnauthorizedError, UnsupportedFormatError

from .common import PAGE_CSP, article_urls, cors, describe, external_url, find, manager, voices_json
from .job import READY, valid_id
from .keys import key_entries, owns, reader_key
from .refresh import source_records

bp = Blueprint("pages", __name__)

STATIC = Path(__file__).parent / "static"
# The player's ES modules need a JavaScript type (nosniff is on); a system mime.types may say otherwise.
mimetypes.add_type("text/javascript", ".js")
# import/export ... from "./name.js", over one line or several; only relative imports of our own modules.
MODULE_IMPORT = re.compile(r'^(?:import|export)\b[^;"]*?"\./([\w-]+\.js)"', re.MULTILINE)
HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
OUR_PAGE = re.compile(r"^/(?:a|embed)/([0-9a-f]{64})/?$")
EMBED_SIZE = (600, 240)  # default iframe width and height, in CSS pixels
COMPACT_MIN_HEIGHT = 150  # the compact player's controls and a line of text
BAR_HEIGHT = 56  # the one-line bar layout
BAR_MIN_HEIGHT = 44  # the bar's play button and progress, with no padding left
MIN_WIDTH = 200


@bp.before_app_request
def private_sources() -> None:
    """On a server with API keys, a source's stable addresses (/s/<source-id>, which anyone can
    work out from its URL) answer only a secret key, or a feed token, of a key that posted it."""
    if request.endpoint not in ("refresh.page", "refresh.audio") or not key_entries():
        return
    key = reader_key()
    if key is None:
        raise UnauthorizedError(
            "This server's articles are private; send your API key ('Authorization: Bearer KEY') "
            "or use the address in your private feed (with its ?token=)."
        )
    record = source_records().get(str((request.view_args or {}).get("sid", "")))
    renditions = record["renditions"] if record else []
    if not any(valid_id(str(r.get("id"))) and owns(key, r["id"]) for r in renditions):
        raise NotFoundError("No article of yours has that source id.")


@bp.get("/")
def index() -> str:
    """Serve the page where anyone can paste an article and listen to it."""
    settings = current_app.config["LISTEN_SETTINGS"]
    return render_template(
        "index.html",
        voices=voices_json(),
        default_rate=settings.render.rate,
        max_body_bytes=settings.service.max_body_bytes,
        sample_id=sample_id(),
    )


def sample_id() -> str | None:
    """Return the sample article's id once it is ready to play."""
    sample = current_app.extensions.get("listen_sample_id")
    job = manager().get(sample) if sample else None
    return sample if job is not None and job.status == READY else None


@bp.get("/a/<key>")
def article(key: str) -> str:
    """Serve an article's shareable page with its player, text and Open Graph tags."""
    job = find(key)
    return render_template("article.html", article=describe(job), urls=page_urls(key))


@bp.get("/embed/<key>")
def embed(key: str) -> Response:
    """Serve the compact player (or the one-line bar, ?layout=bar) for iframes on any site, themed by ?accent=&mode=."""
    job = find(key)
    layout = "bar" if request.args.get("layout") == "bar" else "compact"
    # No timings in the page: a long article's come to hundreds of KB. The player fetches them
    # (timings.json, cached for good once the article is ready).
    article = {k: v for k, v in describe(job).items() if k != "sentences"}
    html = render_template(
        "embed.html", article=article, urls=page_urls(key), theme=theme_from(request.args), layout=layout
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP.format("*")
    return response


@bp.get("/oembed")
def oembed() -> Response:
    """Describe one of our article pages for oEmbed consumers (JSON, type rich)."""
    if request.args.get("format", "json").lower() != "json":
        raise UnsupportedFormatError("Only format=json is offered.")
    url = request.args.get("url", "")
    parts = urlsplit(url)
    ours = urlsplit(external_url("pages.index"))  # behind LISTEN_PUBLIC_URL, pages may sit under a path
    prefix = ours.path.rstrip("/")
    match = OUR_PAGE.match(parts.path[len(prefix) :]) if parts.path.startswith(prefix + "/") else None
    if not match or parts.scheme not in ("http", "https") or parts.netloc.lower() != ours.netloc.lower():
        raise NotFoundError(
            "That URL is not an article page of this server; give the /a/<id> or /embed/<id> URL."
        )
    job = find(match.group(1))
    layout = "bar" if parse_qs(parts.query).get("layout") == ["bar"] else "compact"
    width, height, layout = embed_size(request.args.get("maxwidth"), request.args.get("maxheight"), layout)
    src = external_url("pages.embed", key=job.id, **({"layout": "bar"} if layout == "bar" else {}))
    title = job.title or "Untitled article"
    html = (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="Listen: {escape(title)}" '
        f'style="border:0;max-width:100%" allow="autoplay" loading="lazy"></iframe>'
    )
    data = {
        "version": "1.0",
        "type": "rich",
        "provider_name": "listen",
        "provider_url": external_url("pages.index"),
        "title": title,
        "html": html,
        "width": width,
        "height": height,
    }
    return cors(jsonify(data))


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Serve the icon where browsers look for it by default (our pages also link it)."""
    response = send_from_directory(STATIC, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
    return response


@bp.get("/widget.js")
def widget() -> Response:
    """Serve the one-tag widget to any site."""
    response = send_from_directory(STATIC, "widget.js", mimetype="text/javascript", max_age=3600)
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return cors(response)


@bp.get("/widget-next.js")
def widget_next() -> Response:
    """Serve the widget's next-article module (data-next) to any site: a module needs CORS."""
    response = send_from_directory(STATIC, "widget-next.js", mimetype="text/javascript", max_age=3600)
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return cors(response)


@bp.app_template_global()
@cache
def module_imports(entry: str) -> tuple[str, ...]:
    """List the static modules a page's entry module imports, directly or not, for <link rel=modulepreload>."""
    found = [entry]
    for name in found:  # grows as it goes: a breadth-first walk
        for imported in MODULE_IMPORT.findall((STATIC / name).read_text(encoding="utf-8")):
            if imported not in found:
                found.append(imported)
    return tuple(found[1:])


def page_urls(article_id: str) -> dict[str, str]:
    """Absolute URLs a page needs, oEmbed discovery included."""
    urls = article_urls(article_id)
    urls["oembed_url"] = external_url("pages.oembed", url=urls["page_url"], format="json")
    return urls


def theme_from(args: Any) -> dict[str, str]:
    """Read the embed's accent colour and light/dark mode, falling back to safe defaults."""
    accent = args.get("accent", "")
    match = HEX_COLOUR.match(accent)
    colour = "#" + match.group(1).lower() if match else "#0b6bcb"
    mode = args.get("mode", "auto")
    return {"accent": colour, "mode": mode if mode in ("light", "dark", "auto") else "auto"}


def embed_size(maxwidth: str | None, maxheight: str | None, layout: str) -> tuple[int, int, str]:
    """Fit the embed inside an oEmbed consumer's maxwidth/maxheight exactly.

    The compact player needs COMPACT_MIN_HEIGHT; below that the one-line bar is offered,
    which needs BAR_MIN_HEIGHT. A box smaller than any player is refused, never overflowed.
    """
    limit_w = _dimension(maxwidth, "maxwidth")
    limit_h = _dimension(maxheight, "maxheight")
    if limit_w is not None and limit_w < MIN_WIDTH:
        raise InputError(
            f"maxwidth={limit_w} is narrower than any player; the embed needs at least {MIN_WIDTH} px."
        )
    width = min(EMBED_SIZE[0], limit_w) if limit_w is not None else EMBED_SIZE[0]
    if layout == "compact" and limit_h is not None and limit_h < COMPACT_MIN_HEIGHT:
        layout = "bar"
    default_h = BAR_HEIGHT if layout == "bar" else EMBED_SIZE[1]
    height = min(default_h, limit_h) if limit_h is not None else default_h
    if height < BAR_MIN_HEIGHT:
        raise InputError(
            f"maxheight={height} is lower than any player; the bar layout needs at least {BAR_MIN_HEIGHT} px."
        )
    return width, height, layout


def _dimension(raw: str | None, name: str) -> int | None:
    """Read an oEmbed maxwidth/maxheight (a positive whole number of pixels), or None when absent."""
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name} must be a whole number of pixels, such as 600.") from None
    if value < 1:
        raise InputError(f"{name} must be a positive number of pixels.")
    return value

"""The HTML side: the page, an article's page, the embeddable player, oEmbed and widget.js."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from markupsafe import escape

from listen.errors import NotFoundError, UnsupportedFormatError

from .common import PAGE_CSP, article_urls, cors, describe, find, manager, voices_json
from .jobs import READY

bp = Blueprint("pages", __name__)

STATIC = Path(__file__).parent / "static"
HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
OUR_PAGE = re.compile(r"^/(?:a|embed)/([0-9a-f]{64})/?$")
EMBED_SIZE = (600, 240)  # default iframe width and height, in CSS pixels


@bp.get("/")
def index() -> str:
    """Serve the page where anyone can paste an article and listen to it."""
    settings = current_app.config["LISTEN_SETTINGS"]
    return render_template("index.html", voices=voices_json(), default_rate=settings.render.rate,
                           max_body_bytes=settings.service.max_body_bytes, sample_id=sample_id())


def sample_id() -> str | None:
    """Return the sample article's id once it is ready to play."""
    key = current_app.extensions.get("listen_sample_id")
    job = manager().get(key) if key else None
    return key if job is not None and job.status == READY else None


@bp.get("/a/<key>")
def article(key: str) -> str:
    """Serve an article's shareable page with its player, text and Open Graph tags."""
    job = find(key)
    return render_template("article.html", article=describe(job), urls=page_urls(key))


@bp.get("/embed/<key>")
def embed(key: str) -> Response:
    """Serve the compact player for iframes on any site, themed by ?accent=&mode=."""
    job = find(key)
    html = render_template("embed.html", article=describe(job), urls=page_urls(key), theme=theme_from(request.args))
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
    match = OUR_PAGE.match(parts.path)
    if not match or parts.scheme not in ("http", "https") or parts.netloc.lower() != request.host.lower():
        raise NotFoundError("That URL is not an article page of this server; give the /a/<id> or /embed/<id> URL.")
    job = find(match.group(1))
    width = _bounded(request.args.get("maxwidth"), EMBED_SIZE[0])
    height = _bounded(request.args.get("maxheight"), EMBED_SIZE[1])
    src = url_for("pages.embed", key=job.id, _external=True)
    title = job.title or "Untitled article"
    html = (f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="Listen: {escape(title)}" '
            f'style="border:0;max-width:100%" allow="autoplay" loading="lazy"></iframe>')
    data = {"version": "1.0", "type": "rich", "provider_name": "listen",
            "provider_url": url_for("pages.index", _external=True), "title": title,
            "html": html, "width": width, "height": height}
    return cors(jsonify(data))


@bp.get("/widget.js")
def widget() -> Response:
    """Serve the one-tag widget to any site."""
    response = send_from_directory(STATIC, "widget.js", mimetype="text/javascript", max_age=3600)
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return cors(response)


def page_urls(key: str) -> dict[str, str]:
    """Absolute URLs a page needs, oEmbed discovery included."""
    urls = article_urls(key)
    urls["oembed_url"] = url_for("pages.oembed", url=urls["page_url"], format="json", _external=True)
    return urls


def theme_from(args: Any) -> dict[str, str]:
    """Read the embed's accent colour and light/dark mode, falling back to safe defaults."""
    accent = args.get("accent", "")
    match = HEX_COLOUR.match(accent)
    colour = "#" + match.group(1).lower() if match else "#0b6bcb"
    mode = args.get("mode", "auto")
    return {"accent": colour, "mode": mode if mode in ("light", "dark", "auto") else "auto"}


def _bounded(raw: str | None, default: int) -> int:
    """Apply an oEmbed maxwidth/maxheight to a default size (never below a usable minimum)."""
    try:
        limit = int(raw) if raw else default
    except ValueError:
        limit = default
    return max(120, min(default, limit))

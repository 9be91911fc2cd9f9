"""Which web pages may create articles: LISTEN_EMBED_ORIGINS and origin-bound public keys.

Browsers name the page that sends a request in its Origin header; servers send none, and
are governed by API keys and rate limits instead. Our own pages are always allowed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, request

from listen.errors import ForbiddenOriginError

from .keys import ApiKey, key_entries


def normal(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def allowed_origins() -> list[str] | None:
    """The origins in LISTEN_EMBED_ORIGINS, or None when any site may."""
    raw = current_app.config["LISTEN_SETTINGS"].service.embed_origins
    if not raw or raw.strip() == "*":
        return None
    return [normal(o) for o in raw.split(",") if o.strip()]


def request_origin() -> str | None:
    """The page's origin, unless it is none or one of our own pages."""
    origin = request.headers.get("Origin")
    if not origin or normal(origin) in (normal(request.host_url), our_public_origin()):
        return None
    return normal(origin)


def our_public_origin() -> str | None:
    """The origin of LISTEN_PUBLIC_URL, which our own pages have behind a proxy."""
    base = current_app.config["LISTEN_SETTINGS"].service.public_url
    if not base:
        return None
    parts = urlsplit(base)
    return normal(f"{parts.scheme}://{parts.netloc}")


def check_origin(api_key: ApiKey | None) -> None:
    """Refuse a page whose site is not allowed to create articles here."""
    origin = request_origin()
    if origin is None:
        return
    allowed = allowed_origins()
    if allowed is not None and origin not in allowed:
        raise ForbiddenOriginError(
            f"Pages on {origin} may not create articles on this server.",
            "Its operator can add the site to LISTEN_EMBED_ORIGINS.",
        )
    if api_key is not None and api_key.origins and origin not in api_key.origins:
        raise ForbiddenOriginError(
            f"This public key works only on pages of {', '.join(api_key.origins)}, not {origin}."
        )


def page_may_post(origin: str | None) -> bool:
    """Whether a page on `origin` may post at all: the site is allowed, and with keys, has a public key."""
    if origin is None:
        return True
    allowed = allowed_origins()
    if allowed is not None and origin not in allowed:
        return False
    keys = key_entries()
    return not keys or any(origin in k.origins for k in keys)


def allow_page(response: Response, api_key: ApiKey | None = None) -> Response:
    """Let the requesting page read the answer to its POST (CORS), when it may post at all."""
    origin = request_origin()
    if not page_may_post(origin) or (key_entries() and (api_key is None or not api_key.origins)):
        return response
    allow_origin(response, origin)
    response.headers["Access-Control-Expose-Headers"] = "Content-Length, Content-Range, Accept-Ranges, ETag"
    return response


def allow_origin(response: Response, origin: str | None) -> None:
    """Name who may read the answer: the page's own origin where sites are restricted, else anyone."""
    if origin is not None and (allowed_origins() is not None or key_entries()):
        response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
        response.headers.add("Vary", "Origin")
    else:
        response.headers["Access-Control-Allow-Origin"] = "*"

"""API keys: which ones the server accepts, reading one from a request, checking it, naming it for rate limits."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request

from listen.errors import UnauthorizedError


def configured_keys() -> list[str]:
    """The API keys this server accepts (none: posting is open)."""
    raw = current_app.config["LISTEN_SETTINGS"].service.api_keys or ""
    return [k.strip() for k in raw.split(",") if k.strip()]


def request_api_key() -> str | None:
    """Return the API key a request carries (Authorization: Bearer KEY, or X-API-Key), if any."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("X-API-Key", "").strip() or None


def api_key_id() -> str:
    """Name the request's API key for rate limiting, without keeping the key itself."""
    key = request_api_key() or ""
    return "key:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def check_api_key() -> None:
    """Refuse a write without a configured API key, when keys are configured (off by default)."""
    keys = configured_keys()
    if not keys:
        return
    given = request_api_key()
    if given is None or not any(hmac.compare_digest(given.encode(), k.encode()) for k in keys):
        raise UnauthorizedError("This server needs an API key to create articles; send it as "
                                "'Authorization: Bearer KEY' or 'X-API-Key: KEY'.")

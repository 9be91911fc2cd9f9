"""API keys: which ones the server accepts, reading one from a request, checking it, naming it for rate limits."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app, request

from listen.errors import SettingsError, UnauthorizedError


@dataclass(frozen=True)
class ApiKey:
    """One entry of LISTEN_API_KEYS: `KEY [webhook=URL] [origin=ORIGIN]...`.

    A key with origins is a public key: it may sit in a web page (the widget's data-key)
    because it only works for requests from those origins.
    """

    secret: str
    webhook: str | None = None
    origins: tuple[str, ...] = ()


def parse_keys(raw: str | None) -> list[ApiKey]:
    """Read LISTEN_API_KEYS: comma-separated entries, each a key and optional name=value options."""
    keys = []
    for entry in (raw or "").split(","):
        words = entry.split()
        if not words:
            continue
        webhook, origins = None, []
        for option in words[1:]:
            name, _, value = option.partition("=")
            if name == "webhook" and value:
                webhook = value
            elif name == "origin" and value:
                origins.append(value.rstrip("/").lower())
            else:
                raise SettingsError(
                    f"LISTEN_API_KEYS: {option!r} is not an option; write each key as "
                    "'KEY', 'KEY webhook=https://...' or 'KEY origin=https://site.example'."
                )
        keys.append(ApiKey(words[0], webhook, tuple(origins)))
    return keys


def key_entries() -> list[ApiKey]:
    return parse_keys(current_app.config["LISTEN_SETTINGS"].service.api_keys)


def configured_keys() -> list[str]:
    """The API keys this server accepts (none: posting is open)."""
    return [k.secret for k in key_entries()]


def request_key_entry() -> ApiKey | None:
    """The configured key this request carries, if any."""
    return key_entry_for(request_api_key())


def key_entry_for(given: str | None) -> ApiKey | None:
    """The configured key whose secret this is, compared in constant time; None for none or no match."""
    if not given:
        return None
    for key in key_entries():
        if hmac.compare_digest(given.encode(), key.secret.encode()):
            return key
    return None


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


def has_valid_api_key() -> bool:
    """Tell whether the request carries one of the configured keys (rate-limited per key)."""
    return request_key_entry() is not None


def has_secret_api_key() -> bool:
    """Tell whether the request carries a secret key: limited per key only, never per address.

    A public key (with origins) sits in web pages for anyone to copy, so requests with
    one are limited per address as well, or one visitor could use up its whole budget.
    """
    key = request_key_entry()
    return key is not None and not key.origins


def check_api_key() -> ApiKey | None:
    """Refuse a write without a configured API key, when keys are configured (off by default).

    Return the key used, whose options (a webhook) apply to the request.
    """
    if not key_entries():
        return None
    key = request_key_entry()
    if key is None:
        raise UnauthorizedError(
            "This server needs an API key to create articles; send it as "
            "'Authorization: Bearer KEY' or 'X-API-Key: KEY'."
        )
    if key.origins and not request.headers.get("Origin"):
        # A public key sits in web pages for anyone to copy: it only works from a browser on its sites.
        raise UnauthorizedError(
            "This is a public key for the widget on "
            + ", ".join(key.origins)
            + "; a server must use a secret key."
        )
    return key

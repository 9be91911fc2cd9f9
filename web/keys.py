"""API keys: which ones the server accepts, reading one from a request, checking it, naming it for rate
limits; which key created which article, and each key's private feed token."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, request

from listen.errors import NotYoursError, SettingsError, UnauthorizedError


@dataclass(frozen=True)
class ApiKey:
    """One entry of LISTEN_API_KEYS: `KEY [webhook=URL] [origin=ORIGIN]...`.

    A key with origins is a public key: it may sit in a web page (the widget's data-key)
    because it only works for requests from those origins.
    """

    secret: str
    webhook: str | None = None
    origins: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """A name for the key that does not give the key away (its articles are filed under it)."""
        return hashlib.sha256(self.secret.encode("utf-8")).hexdigest()[:32]


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


# -- whose articles: each key's own, for its private feed, its source pages and withdrawing ------------


def _owners_root() -> Path:
    return Path(current_app.config["LISTEN_SETTINGS"].service.cache_dir).absolute() / "owners"


def record_owner(article_id: str, key: ApiKey | None) -> None:
    """File an article under the key that posted it (an empty file per article, in the cache folder)."""
    if key is None:
        return
    path = _owners_root() / key.id / article_id
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError:  # a full disk: the render says so; the key's feed only misses this article
        pass


def owns(key: ApiKey, article_id: str) -> bool:
    return (_owners_root() / key.id / article_id).exists()


def owned(key: ApiKey) -> set[str]:
    """The ids of every article this key posted."""
    try:
        return {p.name for p in (_owners_root() / key.id).iterdir()}
    except OSError:
        return set()


def feed_token(key: ApiKey) -> str:
    """The token of a key's private feed: an HMAC of its id under the instance secret.

    Podcast apps cannot send headers, so a private feed (and the audio it links to) is
    addressed by a token in its URL, as private podcast feeds are; it gives nothing
    away about the key, and no one can make one without the server's secret.
    """
    secret = current_app.extensions["listen"].cache.instance_secret()
    return hmac.new(secret, key.id.encode("ascii"), hashlib.sha256).hexdigest()


def key_for_token(token: str | None) -> ApiKey | None:
    """The configured key whose feed token this is, compared in constant time; None for none or no match."""
    if not token:
        return None
    for key in key_entries():
        if hmac.compare_digest(token.encode(), feed_token(key).encode()):
            return key
    return None


def reader_key() -> ApiKey | None:
    """The key a read of private things comes with: a secret key in a header, or a feed token in ?token=."""
    key = request_key_entry()
    if key is not None and not key.origins:
        return key
    return key_for_token(request.args.get("token"))


def check_owner(article_ids: set[str]) -> None:
    """Refuse a change to an article unless the request's secret key posted it (when keys are set)."""
    if not key_entries():
        return
    key = request_key_entry()
    if key is None or key.origins:
        raise UnauthorizedError(
            "Only the secret key that created an article may change it; send it as "
            "'Authorization: Bearer KEY' or 'X-API-Key: KEY'."
        )
    if not any(owns(key, article_id) for article_id in article_ids):
        raise NotYoursError("This article was created with another API key; only that key may change it.")

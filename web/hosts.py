"""Which Host headers the app answers, so a client's Host is never reflected into our URLs.

Absolute URLs (the API's links, Location, og:url and og:audio) come from
LISTEN_PUBLIC_URL when it is set. Otherwise they come from the Host header, so
only the hosts in LISTEN_ALLOWED_HOSTS are served (by default the address
`serve` listens on, plus localhost, 127.0.0.1 and [::1]), and any other Host gets 400.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request

from listen.config import ServiceSettings
from listen.errors import InputError, SettingsError

# Names of this machine that only this machine can use: always safe to answer, at any port.
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")


def register(app: Flask, settings: ServiceSettings) -> None:
    """Check the settings now, and every request's Host from then on."""
    check_public_url(settings.public_url)
    allowed = allowed_hosts(settings)
    if allowed is None:
        return

    @app.before_request
    def _check_host() -> None:
        if not host_is_allowed(request.host, allowed):
            shown = request.host[:100]
            raise InputError(
                f"This server does not answer to the host {shown!r}. Its operator can add it to "
                "LISTEN_ALLOWED_HOSTS, or set LISTEN_PUBLIC_URL."
            )


def check_public_url(url: str | None) -> None:
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SettingsError(
            f"LISTEN_PUBLIC_URL={url!r} is not a site URL; write it like https://listen.example.org "
            "(or with a path, https://example.org/listen)."
        )


def allowed_hosts(settings: ServiceSettings) -> set[str] | None:
    """Return the Host values to serve, lower-cased; None serves any (a public URL is set, and no list)."""
    if settings.allowed_hosts:
        return {h.strip().lower() for h in settings.allowed_hosts.split(",") if h.strip()}
    if settings.public_url:
        return None
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return {f"{host}:{settings.port}".lower(), *LOOPBACK}


def host_is_allowed(host: str, allowed: set[str]) -> bool:
    """Match "name:port" exactly, or "name" alone at any port (as "localhost" is by default)."""
    host = host.strip().lower()
    if host in allowed:
        return True
    name, sep, port = host.rpartition(":")
    return bool(sep) and port.isdigit() and not name.endswith(":") and name in allowed

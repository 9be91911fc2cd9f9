"""Webhooks: tell a publisher's server when an article is ready or failed, or replaced by an edit.

A POST of JSON `{"event", "id", "status", "audio_url", "duration", "error"}` (and
`"previous_id"` for an editor's new version of an article, `article.replaced`), signed with
HMAC-SHA256 of the exact body (`X-Listen-Signature: sha256=<hex>`, the secret from
LISTEN_WEBHOOK_SECRET), sent through the same private-address guard as URL fetching, and
retried with growing waits (LISTEN_WEBHOOK_RETRY_S) while the receiver is down or answers
an error. Each delivery keeps one id (`X-Listen-Delivery`) across its retries, so a
receiver can drop a repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from listen.config import ServiceSettings
from listen.errors import FetchError, SettingsError
from listen.reading.fetch import USER_AGENT, pinned_connection

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Listen-Signature"


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for a body: `sha256=` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def retry_delays(settings: ServiceSettings) -> list[float]:
    """The waits before each retry, from LISTEN_WEBHOOK_RETRY_S (seconds, comma-separated)."""
    try:
        delays = [float(x) for x in settings.webhook_retry_s.split(",") if x.strip()]
    except ValueError:
        delays = []
    if not delays or any(d < 0 for d in delays):
        raise SettingsError(
            f"LISTEN_WEBHOOK_RETRY_S={settings.webhook_retry_s!r} is not a list of waits; "
            "write seconds like 10,30,90,180,300."
        )
    return delays


def check_webhook(url: str, settings: ServiceSettings) -> None:
    """Refuse a webhook URL we would not deliver to, with what to do instead."""
    if not settings.webhook_secret:
        raise SettingsError(
            "Webhooks are signed: set LISTEN_WEBHOOK_SECRET to a long random string "
            "(and check X-Listen-Signature in your receiver)."
        )
    try:
        conn, _ = pinned_connection(url, settings)
    except FetchError as exc:
        raise SettingsError(f"The webhook URL {url!r} cannot be used: {exc.message}") from None
    conn.close()


def event(job: dict[str, Any], audio_url: str, replaces: str | None = None) -> dict[str, Any]:
    """The body of a delivery, from the API's view of an article.

    `replaces`: the article an editor's save made this one from (web/editor.py). Ready, it is
    `article.replaced`, naming the old one as `previous_id`, so whoever plays the old version
    switches to this one; failed, it is `article.failed` with `previous_id`, and the old one stands.
    """
    status = job.get("status")
    error = job.get("error")
    body = {
        "event": "article.replaced" if replaces and status == "ready" else f"article.{status}",
        "id": job.get("id"),
        "status": status,
        "audio_url": audio_url if status == "ready" else None,
        "duration": round(job.get("duration_ms", 0) / 1000, 3) if status == "ready" else None,
        "error": (error.get("message") if isinstance(error, dict) else error) if status != "ready" else None,
    }
    return {**body, "previous_id": replaces} if replaces else body


def signed(
    payload: dict[str, Any], delivery_id: str, settings: ServiceSettings
) -> tuple[bytes, dict[str, str]]:
    """The exact body and the headers of a delivery, signature included."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Listen-Event": str(payload.get("event", "")),
        "X-Listen-Delivery": delivery_id,
        SIGNATURE_HEADER: sign(body, settings.webhook_secret or ""),
    }
    return body, headers


def send(url: str, body: bytes, headers: dict[str, str], settings: ServiceSettings) -> int:
    """POST once through the address guard; return the status, or raise FetchError when unreachable."""
    conn, path = pinned_connection(url, settings)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(64 * 1024)
        return response.status
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"webhook {url} unreachable: {exc}") from None
    finally:
        conn.close()


class Dispatcher:
    """Delivers webhooks on background threads, retrying each until it succeeds or runs out of tries."""

    def __init__(
        self,
        settings: ServiceSettings,
        sender: Callable[[str, bytes, dict[str, str], ServiceSettings], int] = send,
    ):
        self.settings = settings
        self.delays = retry_delays(settings)
        self.sender = sender
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def deliver(self, url: str, payload: dict[str, Any]) -> threading.Thread:
        """Start delivering one event; return the thread (tests join it)."""
        body, headers = signed(payload, uuid.uuid4().hex, self.settings)
        thread = threading.Thread(
            target=self._run, args=(url, body, headers), daemon=True, name="listen-webhook"
        )
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        thread.start()
        return thread

    def _run(self, url: str, body: bytes, headers: dict[str, str]) -> bool:
        tries = 1 + len(self.delays)
        for attempt in range(tries):
            if attempt and self.stopping.wait(self.delays[attempt - 1]):
                return False
            try:
                status = self.sender(url, body, headers, self.settings)
            except FetchError as exc:  # down, refused, or now resolving to a private address
                log.warning("webhook try %d of %d: %s", attempt + 1, tries, exc.message)
                continue
            if 200 <= status < 300:
                return True
            log.warning("webhook try %d of %d: %s answered %d", attempt + 1, tries, url, status)
        log.error("webhook to %s given up after %d tries", url, tries)
        return False

    def close(self) -> None:
        self.stopping.set()


# -- scaled out: subscriptions in Redis, deliveries as queue jobs the workers retry ----------------
#
# Many web processes share one render job per article, so a web process leaves each webhook it
# owes in a Redis set under the article's id; the queue worker that finishes the render (or
# fails it for the last time) takes the set and enqueues one delivery job per webhook, which
# RQ retries with the same waits. A web process restart loses nothing.

HOOKS_KEY = "listen:hooks:"
HOOKS_TTL_S = 7 * 24 * 3600


def subscribe(connection: Any, key: str, url: str, audio_url: str, replaces: str | None = None) -> None:
    """Owe `url` the end of article `key` (its audio at `audio_url`, as the web sees it; an edit of `replaces`)."""
    name = HOOKS_KEY + key
    owed = {"url": url, "audio_url": audio_url, **({"replaces": replaces} if replaces else {})}
    connection.sadd(name, json.dumps(owed, sort_keys=True))
    connection.expire(name, HOOKS_TTL_S)


def take_subscriptions(connection: Any, key: str) -> list[dict[str, str]]:
    """Take (and clear) the webhooks owed for an article: exactly one taker gets each."""
    pipe = connection.pipeline()
    pipe.smembers(HOOKS_KEY + key)
    pipe.delete(HOOKS_KEY + key)
    members, _ = pipe.execute()
    return [json.loads(m) for m in members]


def delivery_job(url: str, payload: dict[str, Any], delivery_id: str) -> int:
    """One try of a delivery, on a queue worker (its own LISTEN_WEBHOOK_SECRET signs it); raise to retry."""
    from listen.config import Settings

    settings = Settings.from_env().service
    body, headers = signed(payload, delivery_id, settings)
    status = send(url, body, headers, settings)
    if not 200 <= status < 300:
        raise FetchError(f"webhook {url} answered {status}")
    return status

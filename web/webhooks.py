"""Webhook glue for the web app: which URL an article's events go to, and waiting for its end."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from listen.config import ServiceSettings
from listen.publish.webhooks import Dispatcher, check_webhook, event, subscribe, take_subscriptions

from .common import external_url, manager
from .job import FAILED, READY, Job
from .keys import ApiKey, parse_keys

WAIT_LIMIT_S = 6 * 3600  # a render that takes longer than this is not waited for


def install(app: Flask, settings: ServiceSettings) -> None:
    """Check every configured webhook URL now (a bad one stops the server with a clear error)."""
    urls = [settings.webhook_url] if settings.webhook_url else []
    urls += [k.webhook for k in parse_keys(settings.api_keys) if k.webhook]
    dispatcher = Dispatcher(settings) if urls else None  # reads the retry waits first: no lookups for a typo
    for url in urls:
        check_webhook(url, settings)
    app.extensions["listen_webhooks"] = dispatcher


def close(app: Flask) -> None:
    dispatcher = app.extensions.get("listen_webhooks")
    if dispatcher is not None:
        dispatcher.close()


def on_created(job: Job, api_key: ApiKey | None, replaces: str | None = None) -> None:
    """Deliver the article's ready or failed event to the key's webhook, else the server's.

    `replaces`: the article an editor's save made this one from; ready, the event is
    `article.replaced` naming it (listen/publish/webhooks.py).
    """
    dispatcher: Dispatcher | None = current_app.extensions.get("listen_webhooks")
    url = (api_key.webhook if api_key else None) or current_app.config["LISTEN_SETTINGS"].service.webhook_url
    if dispatcher is None or not url:
        return
    audio_url = external_url("api.audio", key=job.id)
    queue = manager().queue
    if queue is not None and job.status not in (READY, FAILED):
        # Scaled out: the worker that finishes the render delivers, with retries in the queue.
        subscribe(queue.connection, job.id, url, audio_url, replaces)
        finished = manager().get(job.id)
        if (
            finished is not None
            and finished.status in (READY, FAILED)
            and take_subscriptions(queue.connection, job.id)
        ):
            dispatcher.deliver(
                url, event(finished.snapshot(), audio_url, replaces)
            )  # it ended as we subscribed
        return

    def wait_then_deliver() -> None:
        job.wait(WAIT_LIMIT_S)
        if job.status in (READY, FAILED):
            dispatcher.deliver(url, event(job.snapshot(), audio_url, replaces))

    threading.Thread(target=wait_then_deliver, daemon=True, name="listen-webhook-wait").start()

"""The web app's factory: the page, the API, the embed and the widget, on one JobManager."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from flask import Flask, Response
from flask_limiter import Limiter
from limits import parse_many

from listen.config import ServiceSettings, Settings
from listen.engines import all_voices
from listen.errors import ListenError, SettingsError
from listen.reading.plaintext import decode_text, from_text

from . import clients, errors, hosts, openai_speech, openapi, stats, webhooks
from .api import bp as api_bp
from .common import PAGE_CSP
from .downloads import bp as downloads_bp
from .editor import bp as editor_bp
from .feed import bp as feed_bp
from .feed import record_clip
from .job_manager import JobManager
from .keys import api_key_id, has_secret_api_key, has_valid_api_key
from .pages import bp as pages_bp
from .refresh import bp as refresh_bp
from .refresh import update_source_record
from .stats import bp as stats_bp
from .streams import StreamSlots
from .voices import bp as voices_bp
from .withdrawals import bp as withdrawals_bp

log = logging.getLogger(__name__)

SAMPLE_ARTICLE = Path(__file__).parent / "sample-article.txt"
# The routes that make new audio, sharing one LISTEN_RATE_LIMIT budget.
WRITES = ("api.create", "refresh.refresh", "openai.speech", "editor.preview")


def create_app(
    settings: Settings | None = None, *, start_workers: bool = True, render_sample: bool = True
) -> Flask:
    """Build the app with one job manager; boot engine workers and render the sample article."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    hosts.register(app, settings.service)
    app.config["LISTEN_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.service.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    manager = JobManager(settings)
    manager.on_planned.append(update_source_record)  # a URL article's page, for refresh on edit
    manager.on_planned.append(record_clip)  # speech for OpenAI's API stays out of the feed
    app.extensions["listen"] = manager
    app.extensions["listen_sample_id"] = None
    app.extensions["listen_streams"] = StreamSlots()  # streams of audio still rendering (web/streams.py)

    app.register_blueprint(api_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(feed_bp)
    app.register_blueprint(refresh_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(downloads_bp)
    app.register_blueprint(voices_bp)
    app.register_blueprint(withdrawals_bp)
    app.register_blueprint(openai_speech.bp)
    app.register_blueprint(openapi.bp)
    openai_speech.check_settings(settings.service)
    app.register_blueprint(editor_bp)
    clients.install(app, settings.service)
    _limit_requests(app, settings.service)
    errors.register(app)
    webhooks.install(app, settings.service)
    stats.install(app, settings.service)
    app.after_request(_security_headers)

    if start_workers:
        manager.start()
        # Listing voices spawns a process; do it now rather than on the first page view.
        threading.Thread(target=_warm_voices, args=(manager,), daemon=True).start()
    if render_sample:
        _render_sample(app, manager)
    return app


def _limit_requests(app: Flask, settings: ServiceSettings) -> None:
    """Limit new articles and refreshes per valid API key, or else per client, and beacons; counted in Redis when scaled out.

    A post and a refresh draw on one budget: either one makes the server read a page and plan it.
    """
    for name, value in (
        ("LISTEN_RATE_LIMIT", settings.rate_limit),
        ("LISTEN_BEACON_LIMIT", settings.beacon_limit),
    ):
        try:
            parse_many(value)
        except ValueError:
            raise SettingsError(f"{name}={value!r} is not a rate; write it like 60/minute.") from None
    # Registered before the limiter's own hook, so it runs after it and has the last word.
    app.after_request(errors.retry_after_only_where_meant)
    limiter = Limiter(
        clients.client_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        headers_enabled=True,
        key_prefix="listen-limits",
        # Redis away: let the request through to the view, whose clear 503 says why.
        swallow_errors=True,
    )
    app.extensions["listen_limiter"] = limiter
    app.after_request(
        errors.remember_retry_after
    )  # runs before the limiter's hook: see retry_after_only_where_meant
    # A secret key is limited per key only, so failed logins (or anyone else) at the same
    # address cannot use up its budget; everything else, 401s included, per address. Only
    # requests that count are deducted: an empty or invalid one (any other 4xx) uses up nothing.
    per_client = limiter.shared_limit(
        settings.rate_limit,
        scope="writes",
        methods=["POST"],
        exempt_when=has_secret_api_key,
        deduct_when=_counted,
    )
    per_key = limiter.shared_limit(
        settings.rate_limit,
        scope="writes-api-key",
        key_func=api_key_id,
        methods=["POST"],
        exempt_when=lambda: not has_valid_api_key(),
        deduct_when=_counted,
    )
    for endpoint in WRITES:
        view: Any = app.view_functions[endpoint]  # Flask-Limiter's decorators type it loosely
        app.view_functions[endpoint] = per_key(per_client(view))
    stats.limit_beacons(app, limiter, settings.beacon_limit)


def _counted(response: Response) -> bool:
    """Tell whether a post counts against the rate limit: an article created or found, or a failed login."""
    return response.status_code < 400 or response.status_code == 401


def manager_of(app: Flask) -> JobManager:
    """Return the app's job manager."""
    return app.extensions["listen"]


def close_app(app: Flask) -> None:
    """Stop the app's renders and engine worker processes."""
    webhooks.close(app)
    manager_of(app).close()


def _warm_voices(manager: JobManager) -> None:
    try:
        all_voices()
    except Exception:  # the page will try again and report it
        log.warning("could not list voices", exc_info=True)


def _render_sample(app: Flask, manager: JobManager) -> None:
    """Start the sample article rendering so the page has something to play."""
    try:
        text = decode_text(
            SAMPLE_ARTICLE.read_bytes(), "sample article", manager.settings.service.max_input_bytes
        )
        job = manager.submit(from_text(text, source="sample article"))
        app.extensions["listen_sample_id"] = job.id
    except (OSError, ListenError) as exc:
        log.warning("sample article not rendered: %s", exc)


def _security_headers(response):  # type: ignore[no-untyped-def]
    """Add nosniff everywhere and a CSP on pages; embeds stay frameable by anyone."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html" and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = PAGE_CSP.format("'self'")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response

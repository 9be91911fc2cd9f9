"""Listening stats on the web: the player's beacons in, daily counts out (API and a /stats page)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from flask_limiter import Limiter
from limits import parse_many

from listen.config import ServiceSettings
from listen.errors import InputError, UnauthorizedError
from listen.publish.stats import RedisStats, SQLiteStats, Store, metric_of, summary

from .clients import client_id
from .common import find, manager
from .errors import error_response
from .keys import key_entries, key_entry_for, request_key_entry

bp = Blueprint("stats", __name__)

DAYS_SHOWN = 30
# A player sends a play, four quarters heard and a speed or two per listen: LISTEN_BEACON_LIMIT
# (20 a minute per client and article) leaves room for a listener who starts again, and none for
# one who would count a thousand plays; a client may report on a few articles at once.
ARTICLES_AT_ONCE = 6


def install(app: Flask, settings: ServiceSettings) -> None:
    store: Store | None = None
    if settings.stats:
        store = (
            RedisStats(settings.redis_url)
            if settings.redis_url
            else SQLiteStats(Path(settings.cache_dir).absolute() / "stats.sqlite3")
        )
    app.extensions["listen_stats"] = store


def limit_beacons(app: Flask, limiter: Limiter, per_article: str) -> None:
    """Limit beacons per client and article, and per client; the limiter keeps a hash of the address, never the address."""
    view: Any = app.view_functions["stats.beacon"]
    for rate, key_func, scope in (
        (_times(per_article, ARTICLES_AT_ONCE), client_id, "beacons"),
        (per_article, _client_and_article, "beacons-article"),
    ):
        view = limiter.limit(rate, key_func=key_func, scope=scope, on_breach=_too_many_beacons)(view)
    app.view_functions["stats.beacon"] = view


def _times(rates: str, factor: int) -> str:
    """A rate string with each amount multiplied ("20/minute" -> "120 per 1 minute")."""
    return ";".join(
        f"{item.amount * factor} per {item.multiples} {item.GRANULARITY.name}" for item in parse_many(rates)
    )


def _too_many_beacons(_: Any) -> Response:
    """Refuse a beacon over the limit quietly: a player cannot act on it, and the operator need not."""
    return error_response(429, "too_many_requests", "Too many beacons from you for now; nothing was counted.")


def _client_and_article() -> str:
    return f"{client_id()}:{(request.view_args or {}).get('key', '')}"


def store() -> Store | None:
    return current_app.extensions.get("listen_stats")


@bp.app_context_processor
def stats_flag() -> dict[str, Any]:
    """Templates mark players that should send beacons (none when LISTEN_STATS=off)."""
    return {"stats_on": store() is not None}


def _opted_out() -> bool:
    """Do Not Track or Global Privacy Control: the listener asked not to be counted."""
    return request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1"


@bp.post("/api/v1/articles/<key>/beacon")
def beacon(key: str) -> Response:
    """Count one event (sent with navigator.sendBeacon, as text/plain: no preflight, no cookie)."""
    stats = store()
    response = Response(status=204)
    response.headers["Cache-Control"] = "no-store"
    if stats is None or _opted_out():
        return response
    job = find(key)
    try:
        data = json.loads(request.get_data(cache=False, as_text=True)[:500] or "null")
    except ValueError:
        raise InputError('A beacon is a JSON object like {"event": "play"}.') from None
    # Counted under the rendition's id: a post answered before planning has a request id that leads to it.
    stats.add(job.id, metric_of(data))
    return response


def _check_reader() -> None:
    """With API keys set, stats are for their holders (a secret key; public keys sit in pages)."""
    if not key_entries():
        return
    api_key = request_key_entry() or _query_api_key()
    if api_key is None or api_key.origins:
        raise UnauthorizedError(
            "Stats need an API key on this server; send 'Authorization: Bearer KEY' (or open /stats?key=KEY)."
        )


def _query_api_key() -> Any:
    return key_entry_for(request.args.get("key", ""))


def _stats_or_off() -> Store:
    stats = store()
    if stats is None:
        raise InputError("Listening stats are off on this server (LISTEN_STATS=off).")
    return stats


@bp.get("/api/v1/articles/<key>/stats")
def article_stats(key: str) -> Response:
    """Daily plays, how many heard 25/50/75/100 %, and speeds, for one article."""
    _check_reader()
    job = find(key)
    data = {"id": job.id, "title": job.title, **summary(_stats_or_off().daily(job.id))}
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/stats")
def page() -> str:
    """A small page: each article's plays and completion per day, as bar charts."""
    _check_reader()
    stats = _stats_or_off()
    rows = []
    totals = stats.totals()
    for article in sorted(totals, key=lambda a: -totals[a].get("play", 0)):
        job = manager().get(article)
        days = summary(stats.daily(article))
        rows.append(
            {
                "id": article,
                "title": (job.title if job else "") or "Untitled article",
                "totals": days["totals"],
                "chart": _chart(days["days"][-DAYS_SHOWN:]),
            }
        )
    return render_template("stats.html", rows=rows)


def _chart(days: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars for an inline SVG: plays per day, with the part heard to the end drawn inside."""
    top = max([d["plays"] for d in days] + [1])
    width = 12
    bars = [
        {
            "x": i * (width + 4),
            "day": d["day"],
            "plays": d["plays"],
            "done": d["heard"]["100"],
            "h": round(60 * d["plays"] / top, 1),
            "dh": round(60 * min(d["heard"]["100"], d["plays"]) / top, 1),
        }
        for i, d in enumerate(days)
    ]
    return {"bars": bars, "width": max(1, len(bars)) * (width + 4), "bar": width}

"""Listening stats, privacy-first: daily counts per article, and nothing about the listener.

A beacon from the player says "play", "heard 25/50/75/100 %" or "speed 1.5"; we add one to
that day's count for that article. No cookie, no IP address, no user agent, no time of day
is kept: a count cannot be traced back to anyone. SQLite by default (one UPSERT per beacon,
WAL mode), Redis hashes when scaled out (one HINCRBY).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from listen.errors import InputError, StatsUnavailableError

EVENTS = {"play", "heard", "speed"}
MILESTONES = {25, 50, 75, 100}
SPEEDS = {0.75, 1.0, 1.25, 1.5, 1.75, 2.0}
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def metric_of(beacon: Any) -> str:
    """The one counter a beacon adds to, or InputError for anything else (nothing free-form is kept)."""
    if not isinstance(beacon, dict) or beacon.get("event") not in EVENTS:
        raise InputError(
            'A beacon is {"event": "play"}, {"event": "heard", "value": 25|50|75|100} '
            'or {"event": "speed", "value": 0.75 to 2}.'
        )
    event, value = beacon["event"], beacon.get("value")
    if event == "play":
        return "play"
    if event == "heard" and value in MILESTONES and not isinstance(value, bool):
        return f"heard{int(value)}"
    if (
        event == "speed"
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
        and float(value) in SPEEDS
    ):
        return f"speed{float(value):g}"
    raise InputError(f"That {event} beacon's value is not one we count.")


def today() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())


class Store(ABC):
    """Daily counts per article and metric. A failing backend is a StatsUnavailableError (a 503), never a 500."""

    def add(self, article: str, metric: str, day: str | None = None) -> None:
        with self._failures():
            self._add(article, metric, day or today())

    def daily(self, article: str) -> dict[str, dict[str, int]]:
        with self._failures():
            return self._daily(article)

    def totals(self) -> dict[str, dict[str, int]]:
        with self._failures():
            return self._totals()

    @contextmanager
    def _failures(self) -> Iterator[None]:
        import redis

        try:
            yield
        except (sqlite3.Error, redis.exceptions.RedisError, OSError) as exc:
            raise StatsUnavailableError(
                "Listening stats cannot be read or counted just now; try again in a minute.",
                f"The {self.describe()} failed ({exc}); {self.next_step}",
            ) from None

    next_step = ""  # what the operator can do when this backend fails

    @abstractmethod
    def describe(self) -> str:
        """Name the backend for the operator's log."""

    @abstractmethod
    def _add(self, article: str, metric: str, day: str) -> None: ...

    @abstractmethod
    def _daily(self, article: str) -> dict[str, dict[str, int]]: ...

    @abstractmethod
    def _totals(self) -> dict[str, dict[str, int]]: ...


class SQLiteStats(Store):
    """Counts in one SQLite file in the cache folder: (article, day, metric) -> count."""

    next_step = "check the cache folder can be written."

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.local = threading.local()
        with self._failures(), self._db() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS counts (article TEXT NOT NULL, day TEXT NOT NULL, "
                "metric TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (article, day, metric)) WITHOUT ROWID"
            )

    def _db(self) -> sqlite3.Connection:
        db = getattr(self.local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            # WAL and NORMAL sync: a write is an append to the log, not a wait for the disk.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self.local.db = db
        return db

    def describe(self) -> str:
        return f"stats database {self.path}"

    def _add(self, article: str, metric: str, day: str) -> None:
        self._db().execute(
            "INSERT INTO counts VALUES (?, ?, ?, 1) ON CONFLICT (article, day, metric) "
            "DO UPDATE SET n = n + 1",
            (article, day, metric),
        )

    def _daily(self, article: str) -> dict[str, dict[str, int]]:
        rows = self._db().execute(
            "SELECT day, metric, n FROM counts WHERE article = ? ORDER BY day", (article,)
        )
        days: dict[str, dict[str, int]] = defaultdict(dict)
        for day, metric, n in rows:
            days[day][metric] = n
        return dict(days)

    def _totals(self) -> dict[str, dict[str, int]]:
        rows = self._db().execute("SELECT article, metric, SUM(n) FROM counts GROUP BY article, metric")
        found: dict[str, dict[str, int]] = defaultdict(dict)
        for article, metric, n in rows:
            found[article][metric] = n
        return dict(found)


class RedisStats(Store):
    """Counts in Redis, shared by every web process: a hash per article and day."""

    PREFIX = "listen:stats:"
    next_step = "check that redis-server is running."

    def __init__(self, url: str):
        import redis

        self.redis: Any = redis.Redis.from_url(url, decode_responses=True)

    def describe(self) -> str:
        return "Redis holding the stats"

    def _add(self, article: str, metric: str, day: str) -> None:
        self.redis.hincrby(f"{self.PREFIX}{article}:{day}", metric, 1)

    def _daily(self, article: str) -> dict[str, dict[str, int]]:
        days = {}
        for key in self.redis.scan_iter(match=f"{self.PREFIX}{article}:*", count=500):
            day = key.rsplit(":", 1)[1]
            days[day] = {k: int(v) for k, v in self.redis.hgetall(key).items()}
        return dict(sorted(days.items()))

    def _totals(self) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key in self.redis.scan_iter(match=f"{self.PREFIX}*", count=500):
            article = key[len(self.PREFIX) :].rsplit(":", 1)[0]
            for k, v in self.redis.hgetall(key).items():
                found[article][k] += int(v)
        return {a: dict(m) for a, m in found.items()}


def summary(days: dict[str, dict[str, int]]) -> dict[str, Any]:
    """The API's view: per day plays, how many heard each quarter, speeds; and the totals."""
    out = []
    totals: dict[str, int] = defaultdict(int)
    for day, metrics in sorted(days.items()):
        out.append(_describe(day, metrics))
        for k, v in metrics.items():
            totals[k] += v
    return {"days": out, "totals": {k: v for k, v in _describe("", totals).items() if k != "day"}}


def _describe(day: str, metrics: dict[str, int]) -> dict[str, Any]:
    plays = metrics.get("play", 0)
    heard = {str(m): metrics.get(f"heard{m}", 0) for m in sorted(MILESTONES)}
    return {
        "day": day,
        "plays": plays,
        "heard": heard,
        # Beacons come from anyone: more "heard 100 %" than plays must not read as over 100 %.
        "completion": round(min(heard["100"], plays) / plays, 3) if plays else 0.0,
        "speeds": {k[5:]: v for k, v in sorted(metrics.items()) if k.startswith("speed")},
    }

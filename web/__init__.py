"""The web app: the page, the API, the embed and the widget, on one JobManager (web/app.py makes it).

The package imports nothing itself: a planner process (web/intake.py) is handed its work as
objects of web.intake, and importing Flask and every blueprint on the way would cost it a
third of a second of CPU at each start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import close_app, create_app, manager_of

__all__ = ["close_app", "create_app", "manager_of"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module 'web' has no attribute {name!r}")

"""listen: read articles aloud with an offline engine; cached, stitched, timed MP3s.

The pipeline, one module per stage: loader (plaintext, htmlpage, fetch) -> article
(Article) -> script (Script) -> chunks (chunk audio and pieces, in engine workers) ->
render (Rendition: MP3, timings, captions). README.md's layout section has the whole
tree and a glossary. Names are imported on first use, so engine worker processes that
need only `listen.chunks` do not pay for NLTK and the rest at start-up.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "article",
    "from_html": "htmlpage",
    "from_text": "plaintext",
    "from_url": "loader",
    "load": "loader",
    "Settings": "config",
    "ListenError": "errors",
    "Rendition": "render",
    "Renderer": "render",
    "Script": "script",
    "Sentence": "script",
    "build_script": "script",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'listen' has no attribute {name!r}")

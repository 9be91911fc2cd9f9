"""listen: read articles aloud with an offline engine; cached, stitched, timed MP3s.

The pipeline, one subpackage per stage:

    reading  (input -> Article)  ->  text  (Article -> Script)  ->  render  (Script -> Rendition,
    through engines and audio in engine worker processes, kept in cache)  ->  delivery
    (cli, the web app in web/, queue for scaling out, publish for feeds and webhooks)

docs/architecture.md has the whole tree and a glossary. Names are imported on first use,
so engine worker processes that need only `listen.render.pieces` do not pay for NLTK and
the rest at start-up.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "listen.article",
    "from_html": "listen.reading.htmlpage",
    "from_text": "listen.reading.plaintext",
    "from_url": "listen.reading.loader",
    "load": "listen.reading.loader",
    "Settings": "listen.config",
    "ListenError": "listen.errors",
    "Rendition": "listen.render.renderer",
    "Renderer": "listen.render.renderer",
    "Script": "listen.text.script",
    "Sentence": "listen.text.script",
    "build_script": "listen.text.script",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'listen' has no attribute {name!r}")

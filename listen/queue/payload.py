"""A render job's payload: an Article and Settings in, JSON out (the encoder), and back (the decoder).

Both sides live here so they cannot drift apart: the web app and `listen batch --queue`
encode, `listen worker` decodes. What a worker renders with comes from the payload (the
request's render settings); where and how (its cache folder, its engine workers) from the
worker's own service settings. Payloads are stored in Redis and in the cache (web/article_records.py):
one written by an earlier release must still decode.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from listen.article import Article
from listen.config import RenderSettings, Settings

IN_CACHE = "@cache/"  # a lexicon stored in the shared cache, named relative to its root


def payload(article: Article, settings: Settings) -> dict[str, Any]:
    """Describe a render as JSON: the article, and the render settings that shape its audio."""
    render = dataclasses.asdict(settings.render)
    lexicon = render["lexicon"]
    if lexicon is not None:
        path = Path(lexicon).resolve()
        root = Path(settings.service.cache_dir).resolve()
        # An inline lexicon lives in the shared cache, which a worker may mount elsewhere.
        render["lexicon"] = IN_CACHE + str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    for name in ("jingle_in", "jingle_out"):  # RenderSettings reads them back as paths
        render[name] = None if render[name] is None else str(render[name])
    return {"article": dataclasses.asdict(article), "render": render}


def settings_from_payload(data: dict[str, Any], local: Settings) -> Settings:
    """Rebuild a job's settings on a worker: the job's render settings, this worker's service settings."""
    known = {f.name for f in dataclasses.fields(RenderSettings)}
    fields = {k: v for k, v in data.items() if k in known}
    lexicon = fields.get("lexicon")
    if isinstance(lexicon, str):
        cache_dir = local.service.cache_dir
        fields["lexicon"] = (
            cache_dir / lexicon[len(IN_CACHE) :] if lexicon.startswith(IN_CACHE) else Path(lexicon)
        )
    return Settings(RenderSettings(**fields), local.service)


def article_from_payload(data: dict[str, Any]) -> Article:
    """Rebuild a job's article."""
    return Article(**data["article"])

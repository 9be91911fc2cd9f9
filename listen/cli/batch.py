"""`listen batch`: many inputs (files, URLs, files of URLs, sitemaps, feeds) in; a folder of MP3s,
timings and captions out, rendered here or by `listen worker` processes through the queue.

An input that fails is reported and skipped, never stops the batch; an output that is up
to date (its timings name the same rendition) is skipped. With --refresh, each URL's
server is asked whether the page changed (PageValidators, kept in the folder).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from listen.cli.output import refuse_inputs, up_to_date, write_outputs
from listen.cli.progress import (
    article_progress,
    bar,
    failed,
    input_error,
    say_if_teaser,
    summary,
    teaser_count,
)
from listen.config import Settings
from listen.errors import ExitStatus, OutputError
from listen.files import write_atomic


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    from listen.cli.naming import output_names
    from listen.reading.article_urls import article_urls
    from listen.render.renderer import Renderer

    out_dir: Path = args.output
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"Cannot create {out_dir} ({exc.strerror}); choose another folder with -o."
        ) from None
    sources = article_urls(args.inputs, settings.service)
    inputs = [*args.inputs, *sources]
    names = output_names(sources, out_dir)
    if args.queue or args.no_wait:
        return _batch_on_queue(sources, names, out_dir, settings, wait=not args.no_wait, inputs=inputs)
    failures: list[tuple[str, str]] = []
    done = skipped = teasers = 0
    started = time.monotonic()
    pages = PageMemory(out_dir)
    with Renderer(settings, hosted=True) as renderer:
        for n, source in enumerate(sources):
            bar(n, len(sources), source, started)
            try:
                target = refuse_inputs(out_dir / (names[source] + ".mp3"), inputs)
                article = pages.load(source, settings, refresh=args.refresh and target.exists())
                if article is not None and say_if_teaser(source, article):
                    teasers += 1
                if article is None or up_to_date(target, renderer.plan(article).key):
                    skipped += 1
                    continue
                inside = article_progress(n, len(sources), source, started)
                write_outputs(renderer.render(article, progress=inside), target)
                done += 1
            except Exception as exc:  # one failing input never stops the batch
                failures.append(failed(source, input_error(exc).message))
    bar(len(sources), len(sources), "", started)
    summary("rendered", done, skipped, failures, len(sources), started, teasers)
    return ExitStatus.ERROR if failures else ExitStatus.OK


class PageMemory:
    """A batch folder's record of each URL's ETag and Last-Modified (`.listen-pages.json`), so
    `batch --refresh` asks the server whether a page changed instead of fetching it whole."""

    def __init__(self, folder: Path):
        self.path = folder / ".listen-pages.json"
        try:
            self.pages: dict[str, dict[str, str | None]] = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            self.pages = {}

    def load(self, source: str, settings: Settings, refresh: bool) -> Any:
        """The article at `source`, or None when a refresh finds its page unchanged."""
        from listen.publish.sources import PageValidators
        from listen.reading.loader import from_page, load

        if not re.match(r"^https?://", source, re.I):
            return load(source, settings)
        known = PageValidators.read(self.pages.get(source, {})) if refresh else PageValidators()
        page = known.fetch(source, settings.service)
        if page.not_modified:
            return None
        self.pages[source] = PageValidators.of(page)._asdict()
        write_atomic(
            self.path, json.dumps(self.pages, indent=1)
        )  # a fresh temp file: never through a planted link
        return from_page(page, source, settings)


def _batch_on_queue(
    sources: list[str],
    names: dict[str, str],
    out_dir: Path,
    settings: Settings,
    wait: bool,
    inputs: list[str],
) -> int:
    """Enqueue every article for `listen worker`; then wait, writing each MP3 as a worker finishes it."""
    from listen.queue.client import FAILED, READY, QueueError, RenderQueue
    from listen.reading.loader import load
    from listen.render.renderer import Renderer

    if not settings.service.redis_url:
        raise QueueError(
            "--queue needs LISTEN_REDIS_URL (e.g. redis://127.0.0.1:6379/0), shared with the workers."
        )
    queue = RenderQueue(settings)
    renderer = Renderer(settings)  # plans only: the workers render
    pending: dict[str, tuple[str, Path]] = {}
    failures: list[tuple[str, str]] = []
    done = skipped = teasers = 0
    started = time.monotonic()

    def collect(block: bool) -> None:
        """Write out what the workers have finished; record what they gave up on."""
        nonlocal done
        for key, (source, target) in list(pending.items()):
            info = queue.status(key) or {"status": READY}
            stored = renderer.cache.get_rendition(key) if info["status"] == READY else None
            if stored is not None:
                write_outputs(
                    SimpleNamespace(mp3=stored.mp3, vtt=stored.vtt, timings=stored.public_timings()), target
                )
                done += 1
            elif info["status"] in (READY, FAILED):
                failures.append(
                    failed(
                        source, info.get("error") or "lost from the queue (was Redis restarted?); run again"
                    )
                )
            else:
                continue
            del pending[key]
            bar(done + skipped + len(failures), len(sources), source, started)
        if block:
            time.sleep(0.5)

    for source in sources:
        try:
            target = refuse_inputs(out_dir / (names[source] + ".mp3"), inputs)
            article = load(source, settings)
            if say_if_teaser(source, article):
                teasers += 1
            plan = renderer.plan(article)
            if up_to_date(target, plan.key):
                skipped += 1
                continue
            while wait and queue.length >= settings.service.queue_limit:  # a back catalogue waits its turn
                collect(block=True)
            queue.submit(
                plan.key,
                article,
                settings,
                plan.script.title,
                len(plan.script.sentences),
                sum(len(x.chunks) for x in plan.script.sentences),
            )
            pending[plan.key] = (source, target)
        except Exception as exc:  # one failing input never stops the batch
            failures.append(failed(source, input_error(exc).message))
    if not wait:
        print(
            f"{len(pending)} queued, {skipped} already up to date, {len(failures)} failed of {len(sources)}; "
            f"{queue.length} jobs waiting for `listen worker`{teaser_count(teasers)}",
            file=sys.stderr,
        )
        return ExitStatus.ERROR if failures else ExitStatus.OK
    if pending and not queue.workers():
        print(
            "listen: no worker is listening yet; start `listen worker` where the cache folder is shared",
            file=sys.stderr,
        )
    while pending:
        collect(block=True)
    summary("rendered by workers", done, skipped, failures, len(sources), started, teasers)
    return ExitStatus.ERROR if failures else ExitStatus.OK

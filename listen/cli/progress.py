"""Progress on the terminal: a render's or a batch's progress (and each failed input) in, lines on stderr out.

On a terminal a line is redrawn in place; elsewhere (a log, a pipe) a batch prints one
line per input started and a single render prints nothing until it ends. An input of
many that fails is reported in its place, in one line, and the others go on.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from listen.article import Article
from listen.config import debug_enabled
from listen.errors import ListenError, from_os_error


def clock(seconds: float) -> str:
    """Seconds as m:ss."""
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def progress_line(p: Any) -> None:
    """Show one render's sentences done (a Progress from the Renderer), redrawn in place."""
    print(
        f"\rrendering {p.done}/{p.total} sentences ({clock(p.duration_ms / 1000)})", end="", file=sys.stderr
    )
    if p.done == p.total:
        print(file=sys.stderr)


def article_progress(n: int, total: int, source: str, started: float) -> Callable[[Any], None] | None:
    """On a terminal, show the sentences done inside the article being rendered; elsewhere nothing."""
    if not sys.stderr.isatty():
        return None

    def show(p: Any) -> None:
        bar(n, total, source, started, inside=f"{p.done}/{p.total} sentences")

    return show


def bar(done: int, total: int, label: str, started: float, inside: str = "") -> None:
    """Show a batch's progress: redrawn in place on a terminal, a line per input started elsewhere."""
    width = 30
    filled = int(width * done / total) if total else width
    elapsed = time.monotonic() - started
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {elapsed:5.0f}s {label[-40:]}"
    if inside:
        line += f" ({inside})"
    if sys.stderr.isatty():
        print("\r" + line.ljust(100), end="", file=sys.stderr, flush=True)
    elif label:
        print(line, file=sys.stderr, flush=True)


def input_error(exc: BaseException) -> ListenError:
    """Turn what went wrong with one input of many into a ListenError to report in its place."""
    if isinstance(exc, ListenError):
        return exc
    if isinstance(exc, OSError):
        return from_os_error(exc)
    if isinstance(exc, Exception) and not debug_enabled():
        return ListenError(
            f"internal error: {type(exc).__name__}: {exc}. Please report it; "
            "run again with LISTEN_DEBUG=1 for the details."
        )
    raise exc


def failed(source: str, message: str) -> tuple[str, str]:
    """Report a failed input, once, as it happens (the summary counts it)."""
    if sys.stderr.isatty():
        print("\r" + " " * 100 + "\r", end="", file=sys.stderr)
    print(f"listen: failed: {source}: {message}", file=sys.stderr, flush=True)
    return source, message


def say_if_teaser(source: str, article: Article) -> bool:
    """Warn on stderr when what was found looks like only the start of the article (a paywall's
    teaser); return whether it did, for a batch's count. The words are the article page's."""
    if not article.partial_reason:
        return False
    if sys.stderr.isatty():
        print("\r" + " " * 100 + "\r", end="", file=sys.stderr)  # over a batch's progress line
    print(
        f"listen: {source}: warning: this may be only the start of the article ({article.partial_reason}); "
        "it is read as found",
        file=sys.stderr,
        flush=True,
    )
    return True


def summary(
    verb: str,
    done: int,
    skipped: int,
    failures: list[tuple[str, str]],
    total: int,
    started: float,
    teasers: int = 0,
) -> None:
    """Print a batch's counts (each failure and teaser was reported as it happened)."""
    if sys.stderr.isatty():
        print(file=sys.stderr)  # end the progress line
    print(
        f"{done} {verb}, {skipped} already up to date, {len(failures)} failed "
        f"of {total} in {time.monotonic() - started:.1f} s{teaser_count(teasers)}",
        file=sys.stderr,
    )


def teaser_count(teasers: int) -> str:
    """What a batch's summary adds for the articles that looked like teasers ("" for none)."""
    if not teasers:
        return ""
    return f"; {teasers} may be only the start of {'its' if teasers == 1 else 'their'} article (warned above)"

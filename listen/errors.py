"""One hierarchy of errors whose messages tell the user what to do next.

The CLI (listen/cli/main.py) and the web app (web/errors.py) each translate these in
exactly one place: `exit_code` (an ExitStatus) for the shell, `http_status` and `code` for HTTP.
"""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitStatus(IntEnum):
    """The `listen` command's exit codes, one per kind of failure (httpie's ExitStatus is the model)."""

    OK = 0
    ERROR = 1  # a ListenError of no more specific kind, or some inputs of a batch failed
    BAD_INPUT = 2  # the input, a setting or a name given cannot be used
    FETCH_FAILED = 3
    ENGINE_FAILED = 4
    CACHE_FAILED = 5
    OUTPUT_FAILED = 6
    BUSY = 7
    QUEUE_FAILED = 8
    SYSTEM_FAILED = (
        71  # the machine refused: a port in use, a permission, a missing folder, a full disk (EX_OSERR)
    )
    INTERNAL_ERROR = 70  # a bug of ours (EX_SOFTWARE)
    INTERRUPTED = 130  # Ctrl+C (128 + SIGINT)


class ListenError(Exception):
    """Base class: a problem the user can act on; the message says how."""

    code = "listen_error"
    http_status = 400
    exit_code = ExitStatus.ERROR

    def __init__(self, message: str, hint: str = ""):
        """message: what anyone may read; hint: a next step only the operator can take (a setting).

        The CLI's user is the operator and sees both (`message`); the web app shows readers
        `public` and puts the hint in the server log.
        """
        full = f"{message} {hint}" if hint else message
        super().__init__(full)
        self.message = full
        self.public = message
        self.hint = hint


class InputError(ListenError):
    """The article given to us cannot be read (empty, binary, too big, missing)."""

    code = "bad_input"
    exit_code = ExitStatus.BAD_INPUT


class NotAnArticleError(InputError):
    """The input is text, but not an article: a list of file paths, a log. Reading it aloud helps nobody."""

    code = "not_an_article"


class SettingsError(ListenError):
    """A setting or option has a value we cannot use (unknown voice, bad rate)."""

    code = "bad_setting"
    exit_code = ExitStatus.BAD_INPUT


class FetchError(ListenError):
    """A URL could not be fetched, or was refused for safety."""

    code = "fetch_failed"
    exit_code = ExitStatus.FETCH_FAILED


class NotFoundError(ListenError):
    """Something asked for by id or path does not exist."""

    code = "not_found"
    http_status = 404
    exit_code = ExitStatus.BAD_INPUT


class EngineError(ListenError):
    """The speech engine failed on a chunk (in a worker), or on a sentence even after a retry.

    `sentence` is the index of the sentence at fault (as in the timings) and `sentence_text`
    its text, when known: callers name the sentence from them, never from the message.
    """

    code = "engine_failed"
    http_status = 500
    exit_code = ExitStatus.ENGINE_FAILED

    def __init__(self, message: str, sentence: int | None = None, sentence_text: str = ""):
        super().__init__(message)
        self.sentence = sentence
        self.sentence_text = sentence_text

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Sent from an engine worker through a pipe: keep the fields, not just the message.
        return type(self), (self.message, self.sentence, self.sentence_text)


class CacheError(ListenError):
    """The cache directory cannot be used (unwritable, disk full)."""

    code = "cache_failed"
    http_status = 507
    exit_code = ExitStatus.CACHE_FAILED


class OutputError(ListenError):
    """The output file cannot be written."""

    code = "output_failed"
    exit_code = ExitStatus.OUTPUT_FAILED


class BusyError(ListenError):
    """The server has too much work queued; try again later."""

    code = "busy"
    http_status = 503
    exit_code = ExitStatus.BUSY


class StatsUnavailableError(BusyError):
    """The store of listening stats (SQLite or Redis) failed; the article itself is fine."""

    code = "stats_unavailable"


class UnsafeURLError(FetchError):
    """A URL was refused before fetching: wrong scheme, or a private or reserved address."""

    code = "url_refused"
    http_status = 400


class UpstreamError(FetchError):
    """The site could not be reached, timed out, or answered with an error."""

    code = "upstream_failed"
    http_status = 502


class RenderFailedError(ListenError):
    """A rendition's audio was asked for after its render failed."""

    code = "render_failed"
    http_status = 409


class RenderStoppedError(ListenError):
    """A render was stopped on purpose (the article withdrawn, or the server stopping) before it ended."""

    code = "render_stopped"
    http_status = 409


class GoneError(ListenError):
    """An article was withdrawn (DELETE): its pages, audio and timings are gone until it is posted again."""

    code = "gone"
    http_status = 410


class UnauthorizedError(ListenError):
    """A write endpoint was called without a valid API key while keys are configured."""

    code = "unauthorized"
    http_status = 401


class QueueError(ListenError):
    """Redis cannot be reached, or a worker cannot do what a job asks."""

    code = "queue_unavailable"
    http_status = 503
    exit_code = ExitStatus.QUEUE_FAILED


class UnsupportedFormatError(ListenError):
    """oEmbed was asked for a format we do not offer."""

    code = "format_not_implemented"
    http_status = 501


class NotYoursError(ListenError):
    """A key asked to change an article another key created."""

    code = "not_yours"
    http_status = 403


class ForbiddenOriginError(ListenError):
    """A page on a site that is not allowed (LISTEN_EMBED_ORIGINS, a public key's origins) asked us to read text."""

    code = "origin_not_allowed"
    http_status = 403


class SystemProblemError(ListenError):
    """The machine refused something the user can fix: a port in use, a permission, a missing folder, a full disk."""

    code = "system_problem"
    http_status = 500
    exit_code = ExitStatus.SYSTEM_FAILED


def from_os_error(exc: OSError) -> SystemProblemError:
    """Say in one line what an OSError means and what to do next (the CLI's last resort for them)."""
    where = f" ({exc.filename})" if exc.filename else ""
    what = exc.filename or "that path"
    if exc.errno in (errno.EACCES, errno.EPERM):
        message = f"Permission denied{where}; choose a file or folder you can use, or fix its permissions."
    elif exc.errno == errno.ENOENT:
        message = f"{what} does not exist; check the path, or create the folder first."
    elif exc.errno == errno.ENOTDIR:
        message = f"A part of {what} is a file, not a folder; check the path."
    elif exc.errno == errno.EISDIR:
        message = f"{what} is a folder; give a file name inside it."
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        message = (
            f"The disk is full{where}; free some space, or shrink the cache with "
            "`listen cache prune --max-size 500MB`."
        )
    elif exc.errno == errno.EROFS:
        message = f"{what} is on a read-only file system; choose a place you can write."
    elif exc.errno in (errno.EMFILE, errno.ENFILE):
        message = "Too many open files; raise the limit (`ulimit -n 4096`) or use fewer --jobs."
    elif exc.errno == errno.ENOMEM:
        message = "Out of memory; close other programs or use fewer --jobs."
    elif exc.errno == errno.EADDRINUSE:
        message = "The address is in use by another program; choose another port with --port."
    else:
        message = f"{exc.strerror or exc}{where}; check the path, its permissions and free space."
    return SystemProblemError(message)

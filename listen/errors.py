"""One hierarchy of errors whose messages tell the user what to do next.

The CLI (listen/cli.py) and the web app (web/errors.py) each translate these in
exactly one place: `exit_code` for the shell, `http_status` and `code` for HTTP.
"""

from __future__ import annotations


class ListenError(Exception):
    """Base class: a problem the user can act on; the message says how."""

    code = "listen_error"
    http_status = 400
    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(ListenError):
    """The article given to us cannot be read (empty, binary, too big, missing)."""

    code = "bad_input"
    exit_code = 2


class SettingsError(ListenError):
    """A setting or option has a value we cannot use (unknown voice, bad rate)."""

    code = "bad_setting"
    exit_code = 2


class FetchError(ListenError):
    """A URL could not be fetched, or was refused for safety."""

    code = "fetch_failed"
    exit_code = 3


class NotFoundError(ListenError):
    """Something asked for by id or path does not exist."""

    code = "not_found"
    http_status = 404
    exit_code = 2


class EngineError(ListenError):
    """The speech engine failed on a chunk even after a retry."""

    code = "engine_failed"
    http_status = 500
    exit_code = 4


class CacheError(ListenError):
    """The cache directory cannot be used (unwritable, disk full)."""

    code = "cache_failed"
    http_status = 507
    exit_code = 5


class OutputError(ListenError):
    """The output file cannot be written."""

    code = "output_failed"
    exit_code = 6


class BusyError(ListenError):
    """The server has too much work queued; try again later."""

    code = "busy"
    http_status = 503
    exit_code = 7


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


class UnauthorizedError(ListenError):
    """A write endpoint was called without a valid API key while keys are configured."""

    code = "unauthorized"
    http_status = 401


class QueueError(ListenError):
    """Redis cannot be reached, or a worker cannot do what a job asks."""

    code = "queue_unavailable"
    http_status = 503
    exit_code = 8


class UnsupportedFormatError(ListenError):
    """oEmbed was asked for a format we do not offer."""

    code = "format_not_implemented"
    http_status = 501

"""The one place that turns errors into responses: JSON `{"error": {"code", "message"}}` for the API,
a small HTML page in our style for people (article pages, embeds, unknown paths)."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from listen.errors import BusyError, ListenError

log = logging.getLogger(__name__)

# Friendlier words than werkzeug's for the statuses clients meet most. Readers see these
# (the page shows the API's message), so a step only the operator can take goes to the log.
MESSAGES = {
    404: "Nothing here; check the article id or the address.",
    405: "That method is not allowed here.",
    413: "The request body is over the size limit; send a shorter article.",
    429: "Too many new articles from you for now; wait a little (see Retry-After) and try again.",
}
OPERATOR_HINTS = {
    413: "Raise LISTEN_MAX_BODY_BYTES to accept larger requests.",
    429: "Raise LISTEN_RATE_LIMIT if this client should be allowed more.",
}


# What a person reading a page is told, by status; the API's messages are for developers.
PAGE_MESSAGES = {
    401: ("Private", "This article is private; use the link from your feed or ask its publisher."),
    410: (
        "Withdrawn",
        "This article was withdrawn by its publisher; it is no longer available here.",
    ),
    404: (
        "Not found",
        "There is nothing at this address. The link may be incomplete, or the article was removed.",
    ),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too large", "That is more than this server accepts at once."),
    429: ("Too many requests", "Please wait a minute and try again."),
    500: ("Something went wrong", "Something went wrong on our side; please try again in a moment."),
    503: ("Busy", "The server is busy; please try again in a minute."),
}
JSON_PATHS = ("/api/", "/oembed", "/widget.js", "/feed.xml", "/v1/")


def wants_page() -> bool:
    """Whether a person's browser (not an API client) is asking: anything outside the API."""
    return not request.path.startswith(JSON_PATHS)


def page_response(status: int) -> Response:
    """Render the error page; the embed gets a single line that fits its frame."""
    from .pages import theme_from  # the pages module needs this one, not the other way round

    heading, message = PAGE_MESSAGES.get(status) or PAGE_MESSAGES[500 if status >= 500 else 404]
    if request.path.startswith("/embed/"):
        line = "This audio is no longer available." if status in (404, 410) else message
        html = render_template("embed-error.html", message=line, theme=theme_from(request.args))
    else:
        html = render_template("error.html", status=status, heading=heading, message=message)
    response = Response(html, status=status, mimetype="text/html")
    if request.path.startswith("/embed/"):  # an embed that broke is still framed by other sites
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; style-src 'self' 'unsafe-inline'; base-uri 'none'; frame-ancestors *"
        )
    return response


# The busy messages say "try again in a minute"; Retry-After says the same.
BUSY_RETRY_AFTER_S = 60


def error_response(status: int, code: str, message: str) -> Response:
    """Build the JSON error body every API endpoint uses, or the error page for a person."""
    if wants_page():
        return page_response(status)
    error: dict[str, object] = {"code": code, "message": message}
    if request.path.startswith("/v1/"):  # OpenAI's speech API: its clients read its error shape
        error = {"message": message, "type": openai_type(status), "param": None, "code": code}
    response = jsonify({"error": error})
    response.status_code = status
    keys = current_app.config["LISTEN_SETTINGS"].service.api_keys
    if request.path.startswith(("/api/", "/oembed")) and not (keys and request.method in ("POST", "OPTIONS")):
        # Other sites' pages (the widget) must be able to read why their request failed.
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def openai_type(status: int) -> str:
    """The kind of error OpenAI's API would name for this status."""
    if status >= 500:
        return "server_error"
    return {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}.get(
        status, "invalid_request_error"
    )


def register(app: Flask) -> None:
    """Install the handlers on an app."""

    @app.errorhandler(ListenError)
    def listen_error(exc: ListenError) -> Response:
        response = error_response(exc.http_status, exc.code, exc.public)
        if isinstance(exc, BusyError) or exc.http_status == 503:  # busy, or the queue away for a moment
            response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_S)
        if exc.http_status >= 500:
            log.error("%s: %s", exc.code, exc.message)
        elif exc.hint:
            log.warning("%s %s: %s", request.method, request.path, exc.message)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        if exc.response is not None:  # an answer made for this case (a limit's own refusal, e.g. of beacons)
            return exc.response  # type: ignore[return-value]
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        message = MESSAGES.get(status) or exc.description or exc.name
        if status in OPERATOR_HINTS:
            log.warning("%s %s: %s %s", request.method, request.path, message, OPERATOR_HINTS[status])
        response = error_response(status, code, message)
        # Keep what the exception says in headers: Allow on 405, Content-Range on 416.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side; try again.")


def remember_retry_after(response: Response) -> Response:
    """Note the Retry-After our own 503 says, before the rate limiter rewrites it (register it after the limiter)."""
    if response.status_code == 503 and "Retry-After" in response.headers:
        g.listen_retry_after = response.headers["Retry-After"]
    return response


def retry_after_only_where_meant(response: Response) -> Response:
    """Keep Retry-After on a 429 (the rate limiter's wait) and on our 503s (what they said), and nowhere else.

    The rate limiter adds its Retry-After to every response on a limited route, a
    202 included, and stretches ours on a 503 to the end of its window. This runs
    after it (register it before the limiter) and puts back what the server means.
    """
    meant = g.get("listen_retry_after")
    if response.status_code == 503 and meant:
        response.headers["Retry-After"] = meant
    elif response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response

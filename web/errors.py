"""The one place that turns errors into JSON responses: `{"error": {"code", "message"}}`."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from listen.errors import BusyError, ListenError

log = logging.getLogger(__name__)

# Friendlier words than werkzeug's for the statuses clients meet most.
MESSAGES = {
    404: "Nothing here; check the article id or the address.",
    405: "That method is not allowed here.",
    413: "The request body is over the size limit; send a shorter article or raise LISTEN_MAX_BODY_BYTES.",
    429: "Too many new articles from you for now; wait a little (see Retry-After) or raise LISTEN_RATE_LIMIT.",
}


def error_response(status: int, code: str, message: str) -> Response:
    """Build the JSON error body every endpoint uses."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    keys = current_app.config["LISTEN_SETTINGS"].service.api_keys
    if request.path.startswith(("/api/", "/oembed")) and not (keys and request.method in ("POST", "OPTIONS")):
        # Other sites' pages (the widget) must be able to read why their request failed.
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def register(app: Flask) -> None:
    """Install the handlers on an app."""

    @app.errorhandler(ListenError)
    def listen_error(exc: ListenError) -> Response:
        response = error_response(exc.http_status, exc.code, exc.message)
        if isinstance(exc, BusyError):
            response.headers["Retry-After"] = "30"
        if exc.http_status >= 500:
            log.error("%s: %s", exc.code, exc.message)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        message = MESSAGES.get(status) or exc.description or exc.name
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

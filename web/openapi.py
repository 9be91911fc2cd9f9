"""The API described: GET /api/v1/openapi.json, OpenAPI 3.1, from web/openapi.yaml (read once)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, Response, jsonify

from .common import cors

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

DESCRIPTION = Path(__file__).parent / "openapi.yaml"


@functools.cache
def description() -> dict[str, Any]:
    """The description of every public route, as written in web/openapi.yaml."""
    return yaml.safe_load(DESCRIPTION.read_text("utf-8"))


@bp.get("/openapi.json")
def openapi() -> Response:
    """Serve the API's OpenAPI 3.1 description."""
    response = cors(jsonify(description()))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response

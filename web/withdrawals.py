"""Withdrawing an article: DELETE /api/v1/articles/<id> stops its render and takes it down (410 Gone)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from .common import find, manager
from .job import PendingJob
from .keys import check_owner

bp = Blueprint("withdrawals", __name__, url_prefix="/api/v1")


@bp.delete("/articles/<key>")
def withdraw(key: str) -> Response:
    """Stop the article's render at the next chunk (what is cached stays) and withdraw it.

    From then on its page, embed, audio, timings and captions answer 410 Gone and it leaves
    the podcast feed, until it is posted again. Where API keys are set, only the secret
    key that created it may.
    """
    job = find(key)
    ids = {key, job.id}
    if isinstance(job, PendingJob):
        ids.add(job.request_id)
    check_owner(ids)
    stopped = manager().withdraw(job)
    return jsonify({"id": job.id, "status": "withdrawn", "stopped": stopped})

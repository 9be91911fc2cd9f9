"""What a reader takes away: files named after the article's title, and its transcript as plain text."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import Blueprint, Response, request

from .common import cors, find
from .job import READY, Job

bp = Blueprint("downloads", __name__, url_prefix="/api/v1")

MAX_SLUG = 60
# Letters NFKD does not split into a base letter and an accent.
FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
    }
)
EXTENSIONS = {"audio/mpeg": "mp3", "text/vtt": "vtt", "text/plain": "txt"}


def slug(title: str) -> str:
    """Turn a title into a file name people recognise: "US resumes drug intelligence cooperation" ->
    "us-resumes-drug-intelligence-cooperation"; accents folded, cut at a word, "article" when nothing is left."""
    text = (
        unicodedata.normalize("NFKD", title.translate(FOLD)).encode("ascii", "ignore").decode("ascii").lower()
    )
    text = re.sub(r"['’`]", "", text)  # "Tuesday's" is one word, not "tuesday-s"
    words = re.findall(r"[a-z0-9]+", text)
    name = ""
    for word in words:
        longer = f"{name}-{word}" if name else word
        if len(longer) > MAX_SLUG:
            break
        name = longer
    return name or (words[0][:MAX_SLUG] if words else "article")


def named(response: Response, job: Job) -> Response:
    """Name a file after its article; `?download=1` asks the browser to save it rather than play it."""
    ext = EXTENSIONS.get(response.mimetype or "", "bin")
    how = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{how}; filename="{slug(job.title)}.{ext}"'
    return response


@bp.get("/articles/<key>/transcript.txt")
def transcript(key: str) -> Response:
    """Serve the article's text, a paragraph a line, as a download named after its title."""
    job = find(key)
    response = Response(transcript_text(job.timings()), mimetype="text/plain")
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if job.status == READY else "no-store"
    )
    return cors(named(response, job))


def transcript_text(timings: dict[str, Any]) -> str:
    """The text as it was read: the headline and intro, then each paragraph, separated by blank lines."""
    paragraphs: list[list[str]] = []
    last = None
    for s in sorted(timings.get("sentences", []), key=lambda s: s["index"]):
        group = "headline" if s["index"] == 0 and s["paragraph"] < 0 else s["paragraph"]
        if not paragraphs or group != last:
            paragraphs.append([])
            last = group
        paragraphs[-1].append(s["text"])
    return "\n\n".join(" ".join(p) for p in paragraphs) + "\n"

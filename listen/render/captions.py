"""Captions: WebVTT derived from the canonical timings JSON."""

from __future__ import annotations

import re
from typing import Any


def _timestamp(ms: int) -> str:
    hours, rest = divmod(int(ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _escape(text: str) -> str:
    # A cue payload must not contain "-->" or raw markup characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "→")


def to_vtt(timings: dict[str, Any]) -> str:
    """Write one cue per sentence, identified by its index."""
    lines = ["WEBVTT", ""]
    if timings.get("title"):
        lines[0] = "WEBVTT - " + " ".join(str(timings["title"]).split()).replace("-->", "→")
    for s in timings["sentences"]:
        lines += [
            f"s{s['index']}",
            f"{_timestamp(s['start_ms'])} --> {_timestamp(s['end_ms'])}",
            _escape(s["text"]),
            "",
        ]
    return "\n".join(lines)


_CUE_TIME = re.compile(r"(\d+):(\d\d):(\d\d)\.(\d{3}) --> (\d+):(\d\d):(\d\d)\.(\d{3})")


def parse_vtt(vtt: str) -> list[tuple[int, int, str]]:
    """Read cues back as (start_ms, end_ms, text)."""
    cues = []
    blocks = vtt.replace("\r\n", "\n").split("\n\n")
    for block in blocks:
        lines = block.strip().split("\n")
        for i, line in enumerate(lines):
            m = _CUE_TIME.match(line)
            if m:
                h1, m1, s1, f1, h2, m2, s2, f2 = (int(g) for g in m.groups())
                start = ((h1 * 60 + m1) * 60 + s1) * 1000 + f1
                end = ((h2 * 60 + m2) * 60 + s2) * 1000 + f2
                cues.append((start, end, "\n".join(lines[i + 1 :])))
    return cues

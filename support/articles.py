"""Articles through a running server's API, for tests and benchmarks: post one, then wait until it is ready.

In: the server's base URL (`http://127.0.0.1:PORT`) and an article's fields. Out: the API's JSON.
"""

from __future__ import annotations

import json
import time
import urllib.request


def post_article(base: str, text: str | None = None, **fields: str) -> dict:
    """Post an article (its text, or other fields such as url, html or title) and return the API's answer."""
    body = {**({"text": text} if text is not None else {}), **fields}
    req = urllib.request.Request(
        base + "/api/v1/articles",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.load(resp)


def wait_ready(base: str, article_id: str, timeout: float = 120) -> dict:
    """Poll the article until it is no longer rendering; return it, ready (an AssertionError otherwise)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with urllib.request.urlopen(f"{base}/api/v1/articles/{article_id}", timeout=10) as resp:
            data = json.load(resp)
        if data["status"] != "rendering":
            assert data["status"] == "ready", data
            return data
        time.sleep(0.2)
    raise AssertionError(f"the article did not finish rendering in {timeout:.0f} s")

"""A real headless Chromium for the page's tests: Debian's chromium driven by Playwright.

Playwright's own browser download does not work here, so the Debian binary is launched by path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


# Headless, with no display to pace it, Chromium drops our player's page to one animation
# frame a second in viewports under about 90 px high (the embed's bar): every Playwright click
# waits for two frames, so each took two seconds. A real display paces frames at vsync. This
# lifts the limit; only for pages that small, as unpaced frames cost CPU on every other page.
UNPACED = ("--disable-frame-rate-limit",)


@contextmanager
def chromium() -> Iterator[Any]:
    """Launch headless Chromium for as long as the block runs."""
    from playwright.sync_api import sync_playwright  # only the browser tests need Playwright

    with sync_playwright() as playwright, launched(playwright.chromium) as browser:
        yield browser


@contextmanager
def launched(browser_type: Any, *extra_args: str) -> Iterator[Any]:
    """Another Chromium from a running Playwright (only one runs a thread), with these arguments too."""
    browser = browser_type.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS + list(extra_args))
    try:
        yield browser
    finally:
        browser.close()

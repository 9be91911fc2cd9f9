"""Fetching the voice catalogue's files: an address in; its bytes, or a file checked against the catalogue, out.

urllib, with a timeout on every read; http(s) and file addresses only (a mirror may be a
folder on disk). A file is checked as it streams: its size against the catalogue's, then
its md5 digest; anything else is refused with an error that says nothing was installed.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from listen.errors import FetchError, SettingsError

TIMEOUT_S = 60.0  # between two reads of one download; a 60 MB model takes longer in all

Progress = Callable[[str, int, int], None]  # file name, bytes so far, bytes in all


@dataclass(frozen=True)
class CatalogueFile:
    """One file of a voice in the catalogue: where it is below the base, its size and md5 digest."""

    path: str
    size_bytes: int
    md5_digest: str

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def _open(url: str) -> Any:
    if not url.startswith(("http://", "https://", "file://")):
        raise SettingsError(
            f"Cannot fetch {url}: LISTEN_VOICE_CATALOGUE must be an http(s) address or a folder."
        )
    request = urllib.request.Request(url, headers={"User-Agent": "listen (voice catalogue)"})
    try:
        return urllib.request.urlopen(request, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        raise FetchError(
            f"The voice catalogue answered {exc.code} for {url}; check LISTEN_VOICE_CATALOGUE "
            "and that the mirror has the file."
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(
            f"Cannot reach the voice catalogue at {url} ({reason}); check the network or LISTEN_VOICE_CATALOGUE."
        ) from None


def fetch_small(url: str, limit: int) -> bytes:
    """A small file's bytes (voices.json, a model card), refused past `limit`."""
    with _open(url) as response:
        try:
            data = response.read(limit + 1)
        except OSError as exc:
            raise FetchError(f"The download of {url} failed ({exc}); try again.") from None
    if len(data) > limit:
        raise FetchError(f"{url} is larger than {limit:,} bytes; check LISTEN_VOICE_CATALOGUE.")
    return bytes(data)


def download(url: str, entry: CatalogueFile, to: Path, on_progress: Progress | None) -> None:
    """Stream one file to `to`, checking its size as it comes and its md5 digest at the end."""
    digest = hashlib.md5()  # the catalogue's own digest; it guards against damage, not attack
    done = 0
    with _open(url) as response, open(to, "wb") as out:
        while True:
            try:
                block = response.read(1 << 16)
            except OSError as exc:
                raise _refused(entry, f"the download broke off after {done:,} bytes ({exc})") from None
            if not block:
                break
            done += len(block)
            if done > entry.size_bytes:
                raise _refused(entry, f"it is longer than the {entry.size_bytes:,} bytes the catalogue says")
            digest.update(block)
            out.write(block)
            if on_progress:
                on_progress(entry.name, done, entry.size_bytes)
    if done != entry.size_bytes:
        raise _refused(
            entry, f"it is {done:,} bytes and the catalogue says {entry.size_bytes:,}: it was cut short"
        )
    if digest.hexdigest() != entry.md5_digest:
        raise _refused(
            entry,
            f"its md5 digest is {digest.hexdigest()} and the catalogue says {entry.md5_digest}: "
            "it was altered or damaged on the way",
        )


def _refused(entry: CatalogueFile, why: str) -> FetchError:
    return FetchError(
        f"Refused {entry.name}: {why}. Nothing was installed; run the install again, "
        "or check the mirror LISTEN_VOICE_CATALOGUE names."
    )

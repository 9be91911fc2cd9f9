"""Content-addressed store for chunk audio, encoded pieces and finished renditions.

Keys are sha256 of canonical JSON of everything that changes the bytes. Every
write goes to a temp file and is renamed into place, and every read is checked
against a digest, so a truncated or corrupt entry is re-rendered, never served.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import shutil
import struct
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from listen.errors import CacheError
from listen.files import write_atomic

T = TypeVar("T")

# Keys that renders and streams of this process hold (see Cache.using), per cache root.
_IN_USE: dict[Path, Counter[str]] = {}
_IN_USE_LOCK = threading.Lock()


def cache_key(**parts: Any) -> str:
    """Hash the canonical JSON of everything that determines an output's bytes."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_SEAL_MAGIC = b"LSTN1"


def seal(header: bytes, payload: bytes) -> bytes:
    """Pack a header and a payload with their lengths and a sha256, so damage is detectable."""
    body = struct.pack("<II", len(header), len(payload)) + header + payload
    return _SEAL_MAGIC + body + hashlib.sha256(body).digest()


def unseal(raw: bytes) -> tuple[bytes, bytes] | None:
    """Return (header, payload) from seal()'s bytes, or None if anything is off."""
    if len(raw) < len(_SEAL_MAGIC) + 8 + 32 or not raw.startswith(_SEAL_MAGIC):
        return None
    body, digest = raw[len(_SEAL_MAGIC) : -32], raw[-32:]
    header_len, payload_len = struct.unpack("<II", body[:8])
    if 8 + header_len + payload_len != len(body) or hashlib.sha256(body).digest() != digest:
        return None
    return body[8 : 8 + header_len], body[8 + header_len :]


@dataclass
class StoredRendition:
    """A finished rendition in the cache: its MP3, timings and captions."""

    key: str
    mp3: Path
    timings_path: Path
    vtt: Path
    timings: dict[str, Any]

    def public_timings(self) -> dict[str, Any]:
        """The timings as published, without the cache's own keys (those starting with "_")."""
        return {k: v for k, v in self.timings.items() if not k.startswith("_")}


class Cache:
    """The cache directory: chunks/, renditions/ and tmp/ (for atomic writes)."""

    def __init__(self, root: Path):
        # Absolute, so a relative --cache-dir means the same folder to every user of a path
        # (Flask's send_file, for one, resolves relative paths against the app's package).
        self.root = Path(root).absolute()
        try:
            for sub in ("chunks", "pieces", "renditions", "aliases", "tmp"):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(
                f"Cannot use {self.root} as the cache ({exc.strerror}); "
                "choose a writable folder with --cache-dir or LISTEN_CACHE_DIR."
            ) from None

    # -- paths and atomic writes -------------------------------------------------

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def keyed_id(self, key: str) -> str:
        """Return a rendition key keyed with this cache's secret: an article id nobody can work out from the text.

        Plain keys are sha256 of the content, so anyone could compute an article's id
        and read a keyed server's text. With API keys set, ids are an HMAC of the
        key under a secret made on first use and kept in the cache folder, which
        every web process and worker of one instance shares.
        """
        return hmac.new(self.instance_secret(), key.encode("ascii"), hashlib.sha256).hexdigest()

    def instance_secret(self) -> bytes:
        """Read this cache's secret, making it on first use (exclusively, so racing processes agree)."""
        path = self.root / "instance-secret"
        try:
            secret = path.read_bytes()
        except FileNotFoundError:
            tmp = self.temp_file(".secret")  # mode 0600, as mkstemp makes it
            try:
                tmp.write_bytes(os.urandom(32))
                os.link(tmp, path)  # fails if another process made one first: theirs wins
            except FileExistsError:
                pass
            except OSError as exc:
                raise self._write_error(exc) from None
            finally:
                tmp.unlink(missing_ok=True)
            secret = path.read_bytes()
        if len(secret) != 32:
            raise CacheError(
                f"{path} is not a secret this program made; delete it and restart to make a new one "
                "(article ids change)."
            )
        return secret

    def write_atomic(self, path: Path, data: bytes) -> None:
        """Write bytes to path through a temp file (in tmp/) and a rename, so readers never see half."""
        try:
            write_atomic(path, data, temp_dir=self.root / "tmp")
        except OSError as exc:
            raise self._write_error(exc) from None

    def temp_file(self, suffix: str) -> Path:
        """Return a fresh temp file path on the cache's file system."""
        try:
            fd, name = tempfile.mkstemp(suffix=suffix, dir=self.root / "tmp")
        except OSError as exc:  # a read-only or full cache, or its tmp/ removed by hand
            raise self._write_error(exc) from None
        os.close(fd)
        return Path(name)

    def move_into_place(self, tmp: Path, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise self._write_error(exc) from None

    def _write_error(self, exc: OSError) -> CacheError:
        return write_error(exc)

    def read_checked(self, path: Path, decode: Callable[[bytes], T | None]) -> T | None:
        """Read and decode an entry; a missing one is None, a damaged one is deleted and None,
        a good one is marked as used (for pruning)."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        decoded = decode(raw)
        if decoded is None:
            path.unlink(missing_ok=True)
            return None
        _touch(path)
        return decoded

    # -- chunks --------------------------------------------------------------------

    def chunk_path(self, key: str) -> Path:
        return self._path("chunks", key, ".flac")

    # Reading and writing a chunk's audio is listen/cache/chunks.py's: only engine workers do it,
    # and it needs numpy and libsndfile, which the process that plans and stitches never loads.

    # -- pieces: encoded MP3 runs of sentences, sealed with their layout ---------------------------

    def piece_path(self, key: str) -> Path:
        return self._path("pieces", key, ".piece")

    def get_piece(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        """Return a piece's layout and MP3 bytes, or None if missing; a corrupt entry is deleted."""
        opened = self.read_checked(self.piece_path(key), unseal)
        if opened is None:
            return None
        header, payload = opened
        return json.loads(header), payload

    def put_piece(self, key: str, layout: dict[str, Any], mp3: bytes) -> None:
        self.write_atomic(self.piece_path(key), seal(json.dumps(layout).encode("utf-8"), mp3))

    # -- aliases: an article's key -> its rendition's key -----------------------------------------

    def get_alias(self, key: str) -> str | None:
        try:
            value = self._path("aliases", key, ".txt").read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return value if len(value) == 64 else None

    def put_alias(self, key: str, target: str) -> None:
        self.write_atomic(self._path("aliases", key, ".txt"), target.encode("ascii"))

    # -- renditions -------------------------------------------------------------------

    def rendition_paths(self, key: str) -> tuple[Path, Path, Path]:
        return (
            self._path("renditions", key, ".mp3"),
            self._path("renditions", key, ".json"),
            self._path("renditions", key, ".vtt"),
        )

    def get_rendition(self, key: str) -> StoredRendition | None:
        """Return a finished rendition whose MP3 matches its recorded digest, else None."""
        mp3, timings_path, vtt = self.rendition_paths(key)
        try:
            timings = json.loads(timings_path.read_text("utf-8"))
            stored = timings["_file"]
            ok = (
                mp3.stat().st_size == stored["size"] and sha256_file(mp3) == stored["sha256"] and vtt.exists()
            )
        except (OSError, ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            if timings_path.exists() or mp3.exists():
                for p in (timings_path, mp3, vtt):
                    p.unlink(missing_ok=True)
            return None
        for p in (mp3, timings_path, vtt):
            _touch(p)
        return StoredRendition(key, mp3, timings_path, vtt, timings)

    def put_rendition(self, key: str, mp3_tmp: Path, timings: dict[str, Any], vtt: str) -> StoredRendition:
        """Move a finished MP3 into place, then its captions, then its timings (written last, as the seal)."""
        mp3, timings_path, vtt_path = self.rendition_paths(key)
        # _created: when it was rendered (file times move on every read), for the podcast feed's order.
        timings = dict(
            timings,
            _file={"size": mp3_tmp.stat().st_size, "sha256": sha256_file(mp3_tmp)},
            _created=round(time.time(), 3),
        )
        self.move_into_place(mp3_tmp, mp3)
        try:
            self.write_atomic(vtt_path, vtt.encode("utf-8"))
            self.write_atomic(timings_path, json.dumps(timings, ensure_ascii=False).encode("utf-8"))
        except CacheError:  # a full disk, most likely: an unsealed MP3 would only take up its space
            for p in (mp3, vtt_path):
                p.unlink(missing_ok=True)
            raise
        return StoredRendition(key, mp3, timings_path, vtt_path, timings)

    def delete_rendition(self, key: str) -> None:
        """Remove a finished rendition's files, its timings (the seal) first; its pieces and chunks stay."""
        mp3, timings_path, vtt = self.rendition_paths(key)
        try:
            for p in (timings_path, mp3, vtt):
                p.unlink(missing_ok=True)
        except OSError as exc:
            raise self._write_error(exc) from None

    # -- withdrawn articles: ids whose pages and audio answer 410 Gone until posted again ----------

    def _withdrawn_path(self, key: str) -> Path:
        return self._path("withdrawn", key, "")

    def withdraw(self, key: str) -> None:
        """Mark an id as withdrawn, for every process that shares this cache."""
        self.write_atomic(self._withdrawn_path(key), b"")

    def is_withdrawn(self, key: str) -> bool:
        return self._withdrawn_path(key).exists()

    def restore(self, key: str) -> None:
        """Take back a withdrawal: the article was posted again."""
        try:
            self._withdrawn_path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise self._write_error(exc) from None

    # -- housekeeping -------------------------------------------------------------------

    @contextmanager
    def using(self, keys: Iterable[str]) -> Iterator[None]:
        """Keep these entries (chunk, piece or rendition keys) from being pruned while the block runs.

        Renders pin their plan's keys and streams their rendition's, so a prune that runs
        meanwhile, in this process, never deletes what they are about to read.
        """
        keys = list(keys)
        with _IN_USE_LOCK:
            _IN_USE.setdefault(self.root, Counter()).update(keys)
        try:
            yield
        finally:
            with _IN_USE_LOCK:
                _IN_USE[self.root].subtract(keys)
                _IN_USE[self.root] += Counter()  # drop the keys no one holds any more

    def _entries(self) -> list[tuple[float, int, list[Path]]]:
        """List entries as (last use, bytes, files); a rendition's files go together."""
        entries: list[tuple[float, int, list[Path]]] = []
        singles = [
            *(self.root / "chunks").rglob("*.flac"),
            *(self.root / "pieces").rglob("*.piece"),
            *(self.root / "chunks").rglob("*.wav"),
            *(self.root / "lexicons").glob("*.json"),
        ]  # .wav: chunks of older releases, never read now; lexicons: rules posted inline (web/lexicons.py)
        for path in singles:
            try:
                st = path.stat()
            except FileNotFoundError:  # removed by a render that found it damaged, or another prune
                continue
            entries.append((st.st_mtime, st.st_size, [path]))
        for path in (self.root / "renditions").rglob("*.json"):
            # The web app keeps what a rendition was made of in articles/ (to repair it): it goes with it.
            record = self.root / "articles" / path.parent.name / path.name
            files = [path, path.with_suffix(".mp3"), path.with_suffix(".vtt"), record]
            stats = [p.stat() for p in files if p.exists()]
            if stats:
                entries.append((max(s.st_mtime for s in stats), sum(s.st_size for s in stats), files))
        return entries

    def stats(self) -> dict[str, Any]:
        count = {
            kind: len(list((self.root / kind).rglob(pattern)))
            for kind, pattern in (("chunks", "*.flac"), ("pieces", "*.piece"), ("renditions", "*.json"))
        }
        return {"root": str(self.root), **count, "bytes": sum(e[1] for e in self._entries())}

    def prune(self, max_bytes: int, dry_run: bool = False, min_idle_s: float = 0) -> tuple[int, int]:
        """Delete least recently used entries until the cache fits in max_bytes; return (entries, bytes).

        Entries pinned with `using()` are never deleted, nor any used in the last min_idle_s
        seconds (the server's own pruning: a queue worker elsewhere may be reading them).
        With dry_run, count what would go and delete nothing.
        """
        if not dry_run:
            self.clear_stale_temp_files()
        entries = sorted(self._entries(), key=lambda e: e[0])
        total = sum(e[1] for e in entries)
        with _IN_USE_LOCK:
            pinned = set(_IN_USE.get(self.root, ()))
        recent = time.time() - min_idle_s
        removed = freed = 0
        for used, size, files in entries:
            if total <= max_bytes:
                break
            if files[0].stem in pinned or (min_idle_s and used > recent):
                continue
            if not dry_run:
                try:
                    for p in files:
                        p.unlink(missing_ok=True)
                except OSError as exc:
                    raise self._write_error(exc) from None
            total -= size
            freed += size
            removed += 1
        return removed, freed

    def clear_stale_temp_files(self, older_than_s: float = 3600) -> None:
        """Remove temp files left by a crashed render (fresh ones may still be in use)."""
        cutoff = time.time() - older_than_s
        for path in (self.root / "tmp").iterdir():
            if path.stat().st_mtime < cutoff:
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)


def write_error(exc: OSError) -> CacheError:
    """Say why the cache cannot be written, without its path: the message reaches web clients."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return CacheError(
            "The disk holding the audio cache is full; try again later.",
            "Free space on it, or run `listen cache prune --max-size 500MB`.",
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return CacheError(
            f"Cannot write to the audio cache ({exc.strerror}).",
            "Choose a writable folder with --cache-dir or LISTEN_CACHE_DIR, or fix its permissions.",
        )
    return CacheError(
        f"Cannot write to the audio cache ({exc.strerror}).",
        "Check the permissions of the cache folder (--cache-dir or LISTEN_CACHE_DIR).",
    )


def _touch(path: Path) -> None:
    """Mark an entry as just used, for least-recently-used pruning (to the minute).

    Not again within a minute: web processes verify a rendition again when its mtime
    changes, and two of them touching it in turn would each hash it on every request.
    """
    try:
        if path.stat().st_mtime < time.time() - 60:
            os.utime(path)
    except OSError:
        pass  # a read-only cache still serves; it just cannot track use

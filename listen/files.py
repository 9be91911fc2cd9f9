"""Writing files so that a reader sees the old contents or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def replacing(path: Path, temp_dir: Path | None = None) -> Iterator[Path]:
    """Yield a fresh temp file path; when the block ends without error, rename it over `path`.

    The temp file lives in `temp_dir` (default: beside `path`), which must be on the same file
    system for the rename to be atomic. On any error the temp file is removed and `path` is untouched.
    """
    folder = temp_dir if temp_dir is not None else path.parent
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        # mkstemp makes the file 0600; give it the mode any new file gets (0644 under umask 022),
        # so a web server running as another user can serve what a batch wrote.
        os.chmod(tmp, 0o666 & ~current_umask())
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process's umask, read without changing it where Linux tells it (os.umask can only swap)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: swap and put back at once
    os.umask(mask)
    return mask


def write_atomic(path: Path, content: bytes | str | BinaryIO, temp_dir: Path | None = None) -> None:
    """Write bytes, text (UTF-8) or a binary stream's contents to `path` atomically (see `replacing`)."""
    with replacing(path, temp_dir) as tmp, open(tmp, "wb") as f:
        if isinstance(content, str):
            f.write(content.encode("utf-8"))
        elif isinstance(content, bytes):
            f.write(content)
        else:
            shutil.copyfileobj(content, f)

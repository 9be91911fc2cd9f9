"""Output files of `speak` and `batch`: a Rendition and a path in; the MP3, its timings JSON and
its WebVTT captions beside each other out, each written whole (listen.files) or not at all.

Also the checks made before any work: an output that cannot be written, or that would
replace one of the inputs, is refused up front.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from listen.errors import OutputError
from listen.files import write_atomic


def check_output_file(path: Path) -> Path:
    """Refuse an output we cannot write before doing any work."""
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name such as {path / 'article.mp3'}.")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"The folder {parent} does not exist; create it or choose another -o path.")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OutputError(f"Cannot write to {path}; choose a path you can write with -o.")
    return path


def outputs(out: Path) -> list[Path]:
    """The files `speak` writes for an output path: the MP3, its timings and its captions."""
    return [out, out.with_suffix(".json"), out.with_suffix(".vtt")]


def refuse_inputs(out: Path, inputs: list[str]) -> Path:
    """Refuse an output whose MP3, timings or captions would replace one of the inputs."""
    sources = [Path(i) for i in inputs if i != "-" and "://" not in i]
    for target in outputs(out):
        for source in sources:
            try:
                same = os.path.samefile(target, source)
            except (OSError, ValueError):  # one of them does not exist, or cannot be a path
                continue
            if same:
                raise OutputError(
                    f"Writing {out} would replace the input {source} with {'the MP3' if target == out else target.name}; "
                    "choose another output name with -o."
                )
    return out


def write_outputs(rendition: Any, out: Path) -> None:
    """Copy the MP3, timings and captions beside each other, each through a temp file and a rename.

    Each temp file gets a random name, created exclusively (O_EXCL) in the target
    folder, so a file or symlink planted at a guessable name is never written through.
    """
    timings = json.dumps(rendition.timings, ensure_ascii=False, indent=1).encode("utf-8")
    mp3, timings_path, vtt = outputs(out)
    try:
        with open(rendition.mp3, "rb") as f:
            write_atomic(mp3, f)
        with open(rendition.vtt, "rb") as f:
            write_atomic(vtt, f)
        write_atomic(timings_path, timings)
    except OSError as exc:
        raise OutputError(f"Cannot write {out} ({exc.strerror}); check the folder and free space.") from None


def up_to_date(target: Path, key: str) -> bool:
    """Tell whether `target` holds the rendition `key` already (its timings say so)."""
    try:
        return target.exists() and json.loads(target.with_suffix(".json").read_text("utf-8")).get("id") == key
    except (OSError, ValueError):
        return False

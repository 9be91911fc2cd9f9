"""Word lists and tables shipped as data files: a package and a file name in, the entries out.

A `.txt` list holds one entry per line; blank lines and lines starting with "#" are
skipped. A `.yaml` table is read with every value a string ("no" stays "no", not False).
Each file is read once per process.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

__all__ = ["word_list", "word_table"]


@cache
def word_list(package: str, name: str) -> tuple[str, ...]:
    """Return the entries of a package's data/<name>, one per line, in file order."""
    text = resources.files(package).joinpath(f"data/{name}").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def word_table(package: str, name: str) -> Any:
    """Return a package's data/<name> YAML table, every scalar in it a string."""
    import yaml

    text = resources.files(package).joinpath(f"data/{name}").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))

"""Atomic file writes: a reader sees the old file or the new one, never a part."""

from pathlib import Path

import pytest

from listen.files import replacing, write_atomic


def test_write_atomic_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_text("old")
    write_atomic(target, "new contents")
    assert target.read_text() == "new contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_write_atomic_copies_a_stream(tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(b"\x00\x01" * 1000)
    with open(source, "rb") as f:
        write_atomic(tmp_path / "dst.bin", f)
    assert (tmp_path / "dst.bin").read_bytes() == source.read_bytes()


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), replacing(target) as tmp:  # noqa: PT012 - the raise must abandon a half-done write
        tmp.write_text("half")
        raise RuntimeError("disk gone")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]

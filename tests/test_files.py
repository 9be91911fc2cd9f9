"""Atomic file writes: a reader sees the old file or the new one, never a part."""

import os
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


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_get_the_mode_the_umask_gives_so_a_web_server_can_serve_them(
    tmp_path: Path, umask: int, mode: int
) -> None:
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "a.mp3", b"ID3")
        with replacing(tmp_path / "feed.xml") as tmp:
            tmp.write_text("<rss/>")
    finally:
        os.umask(old)
    assert (tmp_path / "a.mp3").stat().st_mode & 0o777 == mode
    assert (tmp_path / "feed.xml").stat().st_mode & 0o777 == mode

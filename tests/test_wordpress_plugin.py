"""The WordPress plugin as a file: the zip WordPress installs, and its GPL header (no WordPress needed;
tests/test_wordpress.py runs it in a real one)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_plugin_zip_holds_the_plugin_folder_with_its_gpl_header_and_readme(tmp_path):
    out = tmp_path / "listen-wordpress.zip"
    subprocess.run(["sh", str(ROOT / "integrations/wordpress/build-zip.sh"), str(out)], check=True)
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        header = archive.read("listen/listen.php").decode()
        readme = archive.read("listen/readme.txt").decode()
    assert {"listen/listen.php", "listen/readme.txt", "listen/blocks/player.js"} <= names
    assert all(name.startswith("listen/") for name in names)  # one folder: wp-content/plugins/listen
    assert "Plugin Name:       Listen" in header
    assert "License:           GPL-2.0-or-later" in header
    assert "License: GPL-2.0-or-later" in readme

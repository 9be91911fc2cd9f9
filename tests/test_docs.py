"""The documentation: its links resolve, its index lists every page, and it covers every option and setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from listen.cli.parser import build_parser
from listen.config import environment_variables

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *PAGES]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"(`+).+?\1", re.DOTALL)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def prose(text: str) -> str:
    """Return the text without code blocks and code spans, where brackets are not links."""
    return CODE.sub("", FENCE.sub("", text))


def anchors(path: Path) -> set[str]:
    """Return the anchors GitHub makes for a page's headings (duplicates get -1, -2, ...)."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text("utf-8"))):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def relative_links(path: Path) -> list[str]:
    return [t for t in LINK.findall(prose(path.read_text("utf-8"))) if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_image_resolves_to_a_file_and_heading(document):
    broken = []
    for target in relative_links(document):
        file, _, anchor = target.partition("#")
        resolved = (document.parent / file).resolve() if file else document
        if not resolved.exists():
            broken.append(f"{target} (no file {resolved.relative_to(ROOT.resolve())})")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target} (no heading #{anchor})")
    assert not broken, f"broken links in {document.name}: {broken}"


def test_the_links_checker_sees_links_images_and_anchors_but_not_code():
    text = "[a](x.md) ![b](y.png) [c](z.md#part) [d](https://e.example) `[f](g.md)`\n```\n[h](i.md)\n```\n"
    assert LINK.findall(prose(text)) == ["x.md", "y.png", "z.md#part", "https://e.example"]


def test_headings_become_anchors_as_github_makes_them(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Set-up: two commands\n## `web/`: HTTP in, pages out\n## Notes\n## Notes\n", "utf-8")
    assert anchors(page) == {"set-up-two-commands", "web-http-in-pages-out", "notes", "notes-1"}


def test_the_docs_index_lists_every_page():
    listed = {Path(t.partition("#")[0]).name for t in relative_links(DOCS / "index.md")}
    missing = [p.name for p in PAGES if p.name != "index.md" and p.name not in listed]
    assert not missing, f"docs/index.md does not list: {missing}"


def test_the_readme_links_every_docs_page_and_stays_short():
    readme = ROOT / "README.md"
    linked = {Path(t.partition("#")[0]).name for t in relative_links(readme) if t.startswith("docs/")}
    missing = [p.name for p in PAGES if p.name not in linked]
    assert not missing, f"README.md does not link: {missing}"
    assert len(readme.read_text("utf-8").splitlines()) <= 200


def test_every_cli_option_is_documented_on_the_command_line_page():
    page = (DOCS / "command-line.md").read_text("utf-8")
    parser = build_parser()
    missing = []
    for name, sub in parser._subparsers._group_actions[0].choices.items():
        if f"listen {name}" not in page:
            missing.append(f"listen {name}")
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help" and option not in page:
                    missing.append(f"{name} {option}")
    assert not missing, f"undocumented in docs/command-line.md: {missing}"


def test_every_setting_is_documented_on_the_configuration_page():
    page = (DOCS / "configuration.md").read_text("utf-8")
    missing = [name for name in environment_variables() if name not in page]
    assert not missing, f"undocumented in docs/configuration.md: {missing}"

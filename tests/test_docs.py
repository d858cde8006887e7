"""The documentation in docs/ holds what a test can check: its commands exist, its links resolve."""
import re
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
COMMANDS_MD = DOCS / "commands.md"
PROJECT_APPS = ("reviews", "screening", "extraction", "synthesis")
MAX_IMAGE_BYTES = 300 * 1024

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.M)
COMMAND_HEADING = re.compile(r"^##\s+`([a-z_]+)`(.*)$", re.M)
MANAGE_CALL = re.compile(r"manage\.py\s+([a-z_]+)")


def _pages():
    return sorted([*DOCS.glob("*.md"), ROOT / "README.md"])


def _prose(path):
    """The page without its fenced code blocks (whose brackets are not links)."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def _slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path):
    return {_slug(h) for h in HEADING.findall(_prose(path))}


def _documented_commands():
    """{name: planned?} for every `## \\`name\\`` heading of commands.md."""
    text = COMMANDS_MD.read_text(encoding="utf-8")
    return {name: "(planned)" in rest for name, rest in COMMAND_HEADING.findall(text)}


def _project_commands():
    return {name for name, app in get_commands().items() if app in PROJECT_APPS}


def test_commands_md_documents_the_contracts_the_brief_names():
    documented = _documented_commands()
    for name in ("metaanalysis", "parse_records", "dedupe_records", "simulate_screening",
                 "load_demo", "pool", "export_analyses", "prisma", "export_review",
                 "import_review"):
        assert name in documented, f"commands.md has no section for {name}"


def test_every_command_documented_as_available_exists():
    commands = get_commands()
    for name, planned in _documented_commands().items():
        if not planned:
            assert name in commands, f"commands.md documents {name}, which is no command"


def test_every_command_of_the_project_is_documented_and_not_marked_planned():
    documented = _documented_commands()
    for name in sorted(_project_commands()):
        assert name in documented, f"manage.py {name} exists but commands.md has no section"
        assert not documented[name], f"{name} exists: drop '(planned)' from its heading"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_every_manage_py_call_names_a_command_or_a_planned_one(page):
    commands, planned = get_commands(), {n for n, p in _documented_commands().items() if p}
    for name in set(MANAGE_CALL.findall(page.read_text(encoding="utf-8"))):
        assert name in commands or name in planned, f"{page.name}: manage.py {name} is unknown"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_every_relative_link_resolves_to_a_file_and_its_anchor(page):
    for target in LINK.findall(_prose(page)):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
            continue
        path_part, _, anchor = target.partition("#")
        resolved = (page.parent / path_part).resolve() if path_part else page
        assert resolved.exists(), f"{page.name}: link to {target} resolves to nothing"
        if anchor and resolved.suffix == ".md":
            assert anchor in _anchors(resolved), f"{page.name}: no heading #{anchor} in {target}"


def test_every_screenshot_is_used_and_small():
    used = {(DOCS / t).resolve() for page in DOCS.glob("*.md")
            for t in LINK.findall(_prose(page)) if t.startswith("img/")}
    images = sorted((DOCS / "img").glob("*"))
    assert images, "docs/img holds no screenshots"
    for image in images:
        assert image.resolve() in used, f"{image.name} is not shown on any page"
        assert image.stat().st_size <= MAX_IMAGE_BYTES, f"{image.name} is over 300 KB"


def test_the_slug_matches_githubs_anchors():
    assert _slug("`export_review` (planned)") == "export_review-planned"
    assert _slug("Reviews, team and audit") == "reviews-team-and-audit"

"""`python manage.py prisma REVIEW_ID --out FILE [--lang en|zh]`: files, and exit codes 0, 1, 2."""
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from PIL import Image

from tests.synthesis.prisma_review import import_exports

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def review(team):
    import_exports(team.review, team.users["owner"])
    return team.review


def _run_in_process(*argv):
    """The command as the command line runs it (CommandError -> stderr and exit code), on the
    test database."""
    command = load_command_class("synthesis", "prisma")
    with pytest.raises(SystemExit) as stopped:
        command.run_from_argv(["manage.py", "prisma", *map(str, argv)])
    return stopped.value.code


def test_json_holds_the_flow_of_the_review(review, tmp_path):
    out = tmp_path / "flow.json"
    call_command("prisma", str(review.id), "--out", str(out))
    flow = json.loads(out.read_text(encoding="utf-8"))
    assert flow["review_id"] == review.id
    assert flow["databases_and_registers"]["identified"] == 10
    assert flow["other_methods"]["sources"][0]["name"] == "Citation searching"


def test_csv_has_a_row_per_box(review, tmp_path):
    out = tmp_path / "flow.csv"
    call_command("prisma", str(review.id), "--out", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["column", "box", "item", "n"]
    assert ["databases_and_registers", "duplicates_removed", "", "2"] in rows
    assert ["databases_and_registers", "identified_database", "Embase", "4"] in rows


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"),
                                               (".pdf", b"%PDF")])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_diagram_is_written_in_each_format_and_language(review, tmp_path, suffix, magic,
                                                            lang):
    out = tmp_path / f"flow{suffix}"
    call_command("prisma", str(review.id), "--out", str(out), "--lang", lang)
    assert out.read_bytes().startswith(magic)
    if suffix == ".png":
        assert Image.open(out).width > 1000


def test_previous_studies_draw_the_updated_template(review, tmp_path):
    out = tmp_path / "flow.json"
    call_command("prisma", str(review.id), "--out", str(out), "--previous-studies", "3",
                 "--previous-reports", "5")
    flow = json.loads(out.read_text(encoding="utf-8"))
    assert flow["template"] == "updated" and flow["total"] == {"studies": 3, "reports": 5}


def test_an_unknown_review_exits_1_with_the_reason(db, tmp_path, capsys):
    assert _run_in_process(424242, "--out", tmp_path / "x.svg") == 1
    assert "no review with id 424242" in capsys.readouterr().err
    assert not (tmp_path / "x.svg").exists()


def test_an_unknown_extension_exits_1_with_the_reason(review, tmp_path, capsys):
    assert _run_in_process(review.id, "--out", tmp_path / "x.gif") == 1
    assert "unknown extension '.gif'" in capsys.readouterr().err


def test_an_unwritable_path_exits_1(review, tmp_path, capsys):
    assert _run_in_process(review.id, "--out", tmp_path / "missing" / "x.svg") == 1
    assert "cannot write" in capsys.readouterr().err


def test_half_of_the_previous_counts_exits_1(review, tmp_path, capsys):
    assert _run_in_process(review.id, "--out", tmp_path / "x.json",
                           "--previous-studies", "3") == 1
    assert "--previous-reports" in capsys.readouterr().err


@pytest.mark.parametrize("args", [[], ["1"], ["x", "--out", "a.svg"],
                                  ["1", "--out", "a.svg", "--lang", "fr"]])
def test_usage_errors_exit_2(args):
    result = subprocess.run([sys.executable, "manage.py", "prisma", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "usage:" in result.stderr

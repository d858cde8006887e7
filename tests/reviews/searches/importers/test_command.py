"""The parse_records command: output, exit codes and messages."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .test_formats import RIS

ROOT = Path(__file__).resolve().parents[4]


def test_it_writes_one_json_object_per_record(tmp_path):
    source = tmp_path / "in.ris"
    source.write_text(RIS + RIS)
    out = tmp_path / "out.jsonl"
    call_command("parse_records", str(source), "--out", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["doi"] == "10.1186/s13287-022-02786-3"


def test_it_applies_column_mappings(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("Heading,When\nA title,1999\n")
    out = tmp_path / "out.jsonl"
    call_command(
        "parse_records", str(source), "--out", str(out), "--map", "Heading=title", "When=year"
    )
    record = json.loads(out.read_text())
    assert (record["title"], record["year"]) == ("A title", 1999)


def test_bad_input_exits_1_naming_file_and_line(tmp_path, capsys):
    source = tmp_path / "bad.bib"
    source.write_text("\n@article{key,\n title = {Open\n")
    with pytest.raises(SystemExit) as exc:
        call_command("parse_records", str(source), "--out", str(tmp_path / "o.jsonl"))
    assert exc.value.code == 1
    assert f"{source}: line 2: " in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_unknown_mapping_field_is_a_usage_error(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError) as exc:
        call_command("parse_records", str(source), "--out", str(tmp_path / "o"), "--map", "a=zz")
    assert exc.value.returncode == 2


def test_exit_codes_of_the_real_process(tmp_path):
    good = tmp_path / "in.ris"
    good.write_text(RIS)
    bad = tmp_path / "in.txt"
    bad.write_text("nothing recognisable\n")
    base = [sys.executable, "manage.py", "parse_records"]
    runs = {
        0: base + [str(good), "--out", str(tmp_path / "a.jsonl")],
        1: base + [str(bad), "--out", str(tmp_path / "b.jsonl")],
        2: base + [str(good), "--out", str(tmp_path / "c.jsonl"), "--format", "nope"],
    }
    for code, argv in runs.items():
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == code, (code, done.stderr)
    done = subprocess.run(runs[1], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert str(bad) in done.stderr and "format could not be recognised" in done.stderr

"""dedupe_records: the CSV outputs and the exit codes of the command-line contract."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[4]

HEADER = "title,author,year,journal,volume,pages,doi\n"
ROWS = [
    "Stem cells for systemic sclerosis: a randomised trial,Zhang W and Li N,2019,"
    "Stem Cell Res Ther,10,115-123,10.1186/s13287-019-1234-5\n",
    "Haematopoietic stem cell transplantation in scleroderma,Burt R K,2011,Lancet,378,498-506,\n",
]
ROWS_B = [
    "STEM CELLS FOR SYSTEMIC SCLEROSIS: A RANDOMISED TRIAL,Zhang W and Li N,2019,"
    "Stem Cell Research and Therapy,10,115-23,\n",
]


def _write(path, rows):
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def _read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_writes_one_row_per_record_and_shares_labels_across_files(tmp_path):
    a, b = _write(tmp_path / "a.csv", ROWS), _write(tmp_path / "b.csv", ROWS_B)
    out = tmp_path / "out.csv"
    call_command("dedupe_records", a, b, "--out", str(out), "--queue", str(tmp_path / "q.csv"))
    rows = _read(out)
    assert [(r["file"], r["position"]) for r in rows] == [(a, "1"), (a, "2"), (b, "1")]
    assert rows[0]["cluster"] == rows[2]["cluster"] != rows[1]["cluster"]
    header = (tmp_path / "q.csv").read_text().splitlines()[0]
    assert header == "file_a,position_a,file_b,position_b,score"


def test_a_missing_file_is_bad_input_naming_the_file(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("dedupe_records", str(tmp_path / "none.ris"), "--out", str(tmp_path / "o"))
    assert raised.value.returncode == 1
    assert "none.ris" in str(raised.value)


def test_exit_codes_from_the_command_line(tmp_path):
    good = _write(tmp_path / "a.csv", ROWS)
    run = [sys.executable, "manage.py", "dedupe_records"]
    ok = subprocess.run([*run, good, "--out", str(tmp_path / "o.csv")], cwd=ROOT, check=False)
    usage = subprocess.run(run, cwd=ROOT, capture_output=True, check=False)
    missing = subprocess.run(
        [*run, str(tmp_path / "x.ris"), "--out", str(tmp_path / "o.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ok.returncode, usage.returncode, missing.returncode) == (0, 2, 1)
    assert "x.ris" in missing.stderr

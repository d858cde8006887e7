"""The `metaanalysis` command contract: results per case, case-level errors, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[3]

# Two studies with y = ±1 and v = 1: DL tau2 = 1, estimate 0, se = 1 (worked by hand).
GOOD = {"name": "two", "measure": "GEN", "method": "DL", "data": {"yi": [-1, 1], "vi": [1, 1]}}
BAD_SD = {
    "name": "sd zero",
    "measure": "MD",
    "data": {"m1i": [1, 2], "sd1i": [0, 1], "n1i": [10, 10], "m2i": [1, 1], "sd2i": [1, 1],
             "n2i": [10, 10]},
}  # fmt: skip


def _run(tmp_path, spec):
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps(spec))
    call_command("metaanalysis", str(src), "--out", str(out))
    return json.loads(out.read_text())


def test_each_case_gets_its_result_in_order(tmp_path):
    out = _run(tmp_path, {"cases": [GOOD, dict(GOOD, name="fe", method="FE")]})
    assert [c["name"] for c in out["cases"]] == ["two", "fe"]
    res = out["cases"][0]["result"]
    assert res["tau2"] == pytest.approx(1.0) and res["se"] == pytest.approx(1.0)
    assert res["estimate"] == pytest.approx(0.0, abs=1e-12)
    assert out["cases"][1]["result"]["tau2"] == 0.0


def test_a_bad_case_gets_an_error_and_the_others_still_run(tmp_path):
    unknown = dict(GOOD, name="unknown", measure="XYZ")
    empty = {"name": "empty", "measure": "GEN", "data": {"yi": [], "vi": []}}
    negative = {"name": "neg", "measure": "OR", "method": "MH",
                "data": {"ai": [-1, 2], "bi": [3, 4], "ci": [1, 2], "di": [5, 6]}}  # fmt: skip
    out = _run(tmp_path, {"cases": [unknown, BAD_SD, empty, negative, GOOD]})
    errors = {c["name"]: c.get("error", "") for c in out["cases"]}
    assert "XYZ" in errors["unknown"]
    assert "sd1i" in errors["sd zero"]
    assert errors["empty"] and errors["neg"]
    assert "result" in out["cases"][-1]


def test_nan_never_reaches_the_output(tmp_path):
    # k = 2 with the t_{k-2} prediction interval has 0 df: the bounds are null, not NaN.
    out = _run(tmp_path, {"cases": [dict(GOOD, options={"pi": "t_k2"})]})
    assert out["cases"][0]["result"]["pi_lb"] is None


def test_an_unreadable_file_is_exit_1_naming_the_file_and_line(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"cases": [\n  {"name": 1,,}\n]}')
    with pytest.raises(CommandError) as err:
        call_command("metaanalysis", str(bad), "--out", str(tmp_path / "o.json"))
    assert err.value.returncode == 1
    assert "broken.json" in str(err.value) and "line 2" in str(err.value)


def test_a_file_without_cases_is_exit_1(tmp_path):
    bad = tmp_path / "list.json"
    bad.write_text("[1, 2]")
    with pytest.raises(CommandError) as err:
        call_command("metaanalysis", str(bad), "--out", str(tmp_path / "o.json"))
    assert err.value.returncode == 1 and "cases" in str(err.value)


def test_exit_codes_from_the_command_line(tmp_path):
    missing = subprocess.run(
        [sys.executable, "manage.py", "metaanalysis", str(tmp_path / "none.json"), "--out",
         str(tmp_path / "o.json")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert missing.returncode == 1 and "none.json" in missing.stderr
    usage = subprocess.run(
        [sys.executable, "manage.py", "metaanalysis"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert usage.returncode == 2


@pytest.mark.shared_data
def test_the_reference_file_runs_without_a_single_error(tmp_path):
    src = shared_path("meta", "reference_cases.json")
    out = tmp_path / "out.json"
    call_command("metaanalysis", str(src), "--out", str(out))
    cases = json.loads(out.read_text())["cases"]
    assert len(cases) == 82
    assert [c["name"] for c in cases if "error" in c] == []

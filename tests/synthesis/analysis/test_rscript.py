"""R scripts: their files, and (where R with metafor is installed) their results against the
engine's to 1e-6."""

import csv
import io
import json
import shutil
import subprocess

import pytest

from synthesis.analysis.compile import compile_case
from synthesis.analysis.rscript import RScriptError, r_files, slugify, write_r_files
from synthesis.stats.engine import pool_case
from tests.synthesis.analysis.snapshots import (
    AE,
    BASELINE,
    END,
    FVC,
    M3,
    M6,
    M12,
    MRSS,
    SAE,
    rct_snapshot,
    reference_snapshot,
)

KEYS = ("estimate", "se", "ci_lb", "ci_ub", "pval", "tau2", "I2", "QE", "Qb")


def _before_after(timepoint=M6, **changes):
    spec = {"name": f"mRSS {timepoint}", "outcome": MRSS, "measure": "MC", "r": 0.5,
            "comparison": {"kind": "before_after", "timepoint": timepoint, "baseline": BASELINE}}
    return dict(spec, **changes)


def _ae(measure, **changes):
    return dict({"name": f"AE {measure}", "outcome": AE, "measure": measure,
                 "comparison": {"kind": "single_group", "timepoint": END}}, **changes)


def _two_arm(outcome, measure, **changes):
    return dict({"name": f"RCT {measure}", "outcome": outcome, "measure": measure,
                 "comparison": {"kind": "two_arm", "timepoint": M12}}, **changes)


CASES = {
    "mc-reml": (reference_snapshot, _before_after()),
    "mc-dl-knha-3m": (reference_snapshot, _before_after(M3, method="DL", test="knha")),
    "mc-improvement-12m": (reference_snapshot, _before_after(M12, sign="improvement_positive")),
    "smcr-pm": (reference_snapshot, _before_after(measure="SMCR", method="PM")),
    "smcc-reml": (reference_snapshot, _before_after(measure="SMCC")),
    "md-independent-by-source": (reference_snapshot, _before_after(
        measure="MD_independent", r=None, sign="baseline_minus_follow_up",
        subgroup="msc_source")),
    "mc-knha-by-route": (reference_snapshot, _before_after(test="knha", subgroup="route")),
    "mc-fe-i2q": (reference_snapshot, _before_after(method="FE", options={"i2": "q"})),
    "mc-meta-regression": (reference_snapshot, _before_after(method="ML",
                                                             moderators=["mean_age"])),
    "plo": (reference_snapshot, _ae("PLO")),
    "pft-dl": (reference_snapshot, _ae("PFT", method="DL")),
    "pr-fe": (reference_snapshot, _ae("PR", method="FE")),
    "md-dl": (rct_snapshot, _two_arm(FVC, "MD", method="DL")),
    "smd-reml": (rct_snapshot, _two_arm(FVC, "SMD")),
    "smd-revman": (rct_snapshot, _two_arm(FVC, "SMD", method="DL",
                                          options={"smd_correction": "approx"})),
    "rom": (rct_snapshot, _two_arm(FVC, "ROM", method="HS")),
    "rr-mh": (rct_snapshot, _two_arm(SAE, "RR", method="MH")),
    "rr-mh-by-route": (rct_snapshot, _two_arm(SAE, "RR", method="MH", subgroup="route")),
    "or-peto": (rct_snapshot, _two_arm(SAE, "OR", method="PETO")),
    "rd-mh": (rct_snapshot, _two_arm(SAE, "RD", method="MH")),
    "or-reml-knha": (rct_snapshot, _two_arm(SAE, "OR", test="knha")),
    "rr-sj-add": (rct_snapshot, _two_arm(SAE, "RR", method="SJ",
                                         options={"add": 0.25, "to": "all"})),
}


def test_slug_of_analysis_names():
    assert slugify("mRSS at 6 months vs Baseline") == "mrss-at-6-months-vs-baseline"
    assert slugify("  FVC (% predicted) — 12 m ") == "fvc-predicted-12-m"
    assert slugify("改良Rodnan皮肤评分") == "rodnan"
    assert slugify("皮肤评分") == "analysis"


def test_csv_holds_the_case_data_and_the_correlation_source():
    case, _ = compile_case(reference_snapshot(), _before_after(subgroup="msc_source"))
    slug, csv_text, r_text = r_files(case)
    assert slug == "mrss-3"
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [r["study"] for r in rows] == case["data"]["study"]
    assert [float(r["m1i"]) for r in rows] == case["data"]["m1i"]
    assert [r["ri_source"] for r in rows] == ["assumed"] * 4 + ["reported"]
    assert [r["subgroup"] for r in rows] == case["subgroup"]
    assert 'escalc(measure = "MC"' in r_text and 'method = "REML"' in r_text
    assert "assumed r = 0.5" in r_text and "follow up minus baseline" in r_text


def test_every_choice_is_written_out_for_counts():
    case, _ = compile_case(rct_snapshot(), _two_arm(SAE, "RR", method="MH"))
    _, _, r_text = r_files(case)
    assert 'rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i' in r_text
    assert 'add = 0.5, to = "only0", drop00 = TRUE, correct = TRUE' in r_text
    case, _ = compile_case(reference_snapshot(), _ae("PFT"))
    assert 'add = 0, to = "only0"' in r_files(case)[2]


def test_options_without_a_metafor_equivalent_are_refused():
    case, _ = compile_case(rct_snapshot(), _two_arm(SAE, "RR", method="DL",
                                                    options={"q_center": "mh"}))
    with pytest.raises(RScriptError, match="q_center"):
        r_files(case)


# ---------------------------------------------------------------- against metafor


def _rscript():
    path = shutil.which("Rscript")
    if path is None:
        pytest.skip("Rscript is not installed (.ci/run installs r-cran-metafor)")
    probe = subprocess.run([path, "-e", "suppressMessages(library(metafor))"],
                           capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        pytest.skip(f"R cannot load metafor: {probe.stderr.strip()[-200:]}")
    return path


def _expected(case):
    result = pool_case(case)
    out = {key: result.get(key) for key in KEYS}
    if out["estimate"] is None and "coefficients" in result:
        coef = result["coefficients"]
        out.update({key: coef[key][0] for key in ("estimate", "se", "ci_lb", "ci_ub", "pval")})
        out["QM"] = result["QM"]
    if out["tau2"] is None:
        out["tau2"] = 0.0  # metafor reports 0 for common-effect fits
    return {key: value for key, value in out.items() if value is not None}


def _close(got, want):
    return abs(got - want) <= max(1e-6 * abs(want), 1e-9)


def test_r_scripts_reproduce_the_engine_with_metafor(tmp_path):
    rscript = _rscript()
    expected = {}
    for label, (snapshot, analysis) in CASES.items():
        case, _ = compile_case(snapshot(), dict(analysis, name=label))
        write_r_files(case, tmp_path)
        expected[label] = _expected(case)
    driver = ("for (f in commandArgs(TRUE)) tryCatch(source(f), error = function(e) "
              "message(f, ': ', conditionMessage(e)))")
    run = subprocess.run([rscript, "-e", driver, *(f"{label}.R" for label in CASES)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600)
    failures = []
    for label, want in expected.items():
        out = tmp_path / f"{label}.metafor.json"
        if not out.exists():
            failures.append(f"{label}: no JSON ({run.stderr[-500:]})")
            continue
        got = json.loads(out.read_text())
        for key, value in want.items():
            if key not in got or got[key] is None or not _close(got[key], value):
                failures.append(f"{label} {key}: R {got.get(key)!r} engine {value!r}")
    assert not failures, "\n".join(failures)


def test_rscript_run_in_its_folder_writes_the_json(tmp_path):
    rscript = _rscript()
    case, _ = compile_case(reference_snapshot(), _before_after(name="mRSS at 6 months"))
    write_r_files(case, tmp_path)
    subprocess.run([rscript, "mrss-at-6-months.R"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    got = json.loads((tmp_path / "mrss-at-6-months.metafor.json").read_text())
    assert set(got) == {"estimate", "se", "ci_lb", "ci_ub", "pval", "tau2", "I2", "QE"}
    assert _close(got["estimate"], pool_case(case)["estimate"])

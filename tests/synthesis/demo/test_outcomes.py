"""The demo's illustrative outcome values reproduce the reference review's Table 3 through the
statistics engine; its study characteristics fit the extraction template."""
import json
import math
from pathlib import Path

import pytest

from extraction.cells import clean_cell
from extraction.schema import clean_values
from extraction.templates_data import STUDY_TEMPLATE
from synthesis.stats.engine import run_case
from tests.conftest import shared_path

DATA = Path(__file__).resolve().parents[3] / "synthesis" / "demo" / "data"
OUTCOMES = json.loads((DATA / "outcomes.json").read_text(encoding="utf-8"))
STUDIES = json.loads((DATA / "studies.json").read_text(encoding="utf-8"))
ANALYSES = {a["id"]: a for a in OUTCOMES["analyses"]}
SOURCE = {s["label"]: s["values"]["msc_source"] for s in STUDIES["studies"]}
N = {s["label"]: s["values"]["n_patients"] for s in STUDIES["studies"]}
TABLE3 = [t for t in OUTCOMES["targets"] if "estimate" in t]
LUNG = [t for t in OUTCOMES["targets"] if "pval_below" in t]


def _cells(outcome, timepoint):
    return {c["study"]: c for c in OUTCOMES["cells"]
            if c["outcome"] == outcome and c["timepoint"] == timepoint}


def _pairs(analysis, level=None):
    """[(study, baseline cell, follow-up cell)] of an analysis, optionally one MSC source."""
    base = _cells(analysis["outcome"], "Baseline")
    follow = _cells(analysis["outcome"], analysis["timepoint"])
    studies = sorted(s for s in follow if level is None or SOURCE[s] == level)
    return [(s, base[s], follow[s]) for s in studies]


def _case(analysis, level=None, measure=None, method=None, subgroup=False):
    """The engine case. Independent groups (MD, ROM): group 1 is the group the analysis's
    `engine.m1i` names; MC: m1i follow-up, m2i baseline, ri reported or assumed."""
    pairs = _pairs(analysis, level)
    measure = measure or analysis["engine"]["measure"]
    if measure == "MC":
        base = [b for _s, b, _f in pairs]
        follow = [f for _s, _b, f in pairs]
        data = {"m1i": [f["mean"] for f in follow], "m2i": [b["mean"] for b in base],
                "sd1i": [f["sd"] for f in follow], "sd2i": [b["sd"] for b in base],
                "ni": [f["n"] for f in follow],
                "ri": [f.get("corr", OUTCOMES["assumed_r"]) for f in follow]}
    else:
        first_is_baseline = analysis["engine"]["m1i"] == "baseline"
        g1 = [b if first_is_baseline else f for _s, b, f in pairs]
        g2 = [f if first_is_baseline else b for _s, b, f in pairs]
        data = {"m1i": [c["mean"] for c in g1], "sd1i": [c["sd"] for c in g1],
                "n1i": [c["n"] for c in g1], "m2i": [c["mean"] for c in g2],
                "sd2i": [c["sd"] for c in g2], "n2i": [c["n"] for c in g2]}
    data["study"] = [s for s, _b, _f in pairs]
    case = {"name": analysis["id"], "measure": measure, "data": data,
            "method": method or analysis["method"], "test": analysis["test"],
            "options": analysis["options"] if measure == analysis["measure"] else {}}
    if subgroup:
        case["subgroup"] = [SOURCE[s] for s, _b, _f in pairs]
    return case


def _pool(case):
    out = run_case(case)
    assert "error" not in out, out.get("error")
    return out["result"]


def _printed(result, scale):
    f = math.exp if scale == "ratio" else (lambda x: x)
    return tuple(round(f(result[key]), 2) for key in ("estimate", "ci_lb", "ci_ub"))


def _label(target):
    return target["row"]


def test_the_values_are_marked_illustrative():
    assert OUTCOMES["illustrative"] is True
    assert "ILLUSTRATIVE" in OUTCOMES["notice"]


@pytest.mark.parametrize("target", TABLE3, ids=_label)
def test_each_table3_row_is_reproduced_to_the_printed_two_decimals(target):
    analysis = ANALYSES[target["analysis"]]
    result = _pool(_case(analysis, target["subgroup_level"]))
    assert _printed(result, target["scale"]) == (
        target["estimate"], target["ci_lb"], target["ci_ub"])


@pytest.mark.parametrize("target", TABLE3, ids=_label)
def test_each_row_pools_the_studies_and_participants_the_table_counts(target):
    pairs = _pairs(ANALYSES[target["analysis"]], target["subgroup_level"])
    assert [s for s, _b, _f in pairs] == target["studies"]
    for study, base, follow in pairs:
        assert base["n"] == follow["n"] == N[study]
    if target["counts_match"]:
        assert len(pairs) == target["trials"]
        assert sum(N[s] for s, _b, _f in pairs) == target["participants"]
    else:  # DU: Table 3's 36 participants in 4 trials cannot be rebuilt (see its note)
        assert "Table 2" in target["note"]
        assert sum(N[s] for s, _b, _f in pairs) < target["participants"]


def test_the_6_month_subgroup_analysis_reproduces_overall_and_each_source():
    analysis = ANALYSES["mrss_6m"]
    result = _pool(_case(analysis, subgroup=True))
    rows = {t["subgroup_level"]: t for t in TABLE3 if t["analysis"] == "mrss_6m"}
    assert _printed(result, "difference") == (
        rows[None]["estimate"], rows[None]["ci_lb"], rows[None]["ci_ub"])
    for level in ("SVF", "UC-MSCs"):  # the one-study BMSCs level is reported on its own
        row = rows[level]
        assert _printed(result["subgroups"][level], "difference") == (
            row["estimate"], row["ci_lb"], row["ci_ub"])


@pytest.mark.parametrize("target", [t for t in TABLE3 if t["analysis"].startswith("mrss")],
                         ids=_label)
def test_mrss_rows_are_homogeneous_so_the_fixed_effect_model_agrees(target):
    analysis = ANALYSES[target["analysis"]]
    dl = _pool(_case(analysis, target["subgroup_level"]))
    fe = _pool(_case(analysis, target["subgroup_level"], method="FE"))
    assert dl["tau2"] == 0
    assert _printed(fe, "difference") == _printed(dl, "difference")


@pytest.mark.parametrize("target", TABLE3, ids=_label)
def test_heterogeneity_follows_table3s_inconsistency_judgement(target):
    result = _pool(_case(ANALYSES[target["analysis"]], target["subgroup_level"]))
    if target["published_grade"]["inconsistency"]:
        assert result["I2"] >= 50
    else:
        assert result["I2"] < 50


def test_the_design_agrees_with_the_fixed_effect_consistency_of_the_6_month_rows():
    from synthesis.demo.data.design_outcomes import check_fe_consistency

    best_margin, groups = check_fe_consistency()
    assert best_margin > 0  # FE of the printed subgroups can print as the overall row
    assert [round(e, 2) for e, _se in groups] == [4.65, 5.08, 6.70]


MD_ANALYSES = [a for a in OUTCOMES["analyses"] if a["measure"] == "MD"]


@pytest.mark.parametrize("analysis", MD_ANALYSES, ids=lambda a: a["id"])
def test_the_paired_mean_change_runs_and_is_narrower_than_independent_groups(analysis):
    # MC is the correct pre/post analysis (the demo's sensitivity analysis); both pooled with
    # the common-effect model so only the study variances differ.
    independent = _pool(_case(analysis, method="FE"))
    paired = _pool(_case(analysis, measure="MC", method="FE"))
    # the same per-study change, follow-up minus baseline, whatever sign the main analysis uses
    sign = -1 if analysis["engine"]["m1i"] == "baseline" else 1
    assert paired["yi"] == pytest.approx([sign * y for y in independent["yi"]])
    assert all(p < i for p, i in zip(paired["vi"], independent["vi"], strict=True))
    assert paired["ci_ub"] - paired["ci_lb"] < independent["ci_ub"] - independent["ci_lb"]
    for _s, _b, follow in _pairs(analysis):
        assert 0 < follow.get("corr", OUTCOMES["assumed_r"]) < 1


@pytest.mark.parametrize("target", LUNG, ids=_label)
def test_lung_function_improves_significantly_at_12_months(target):
    analysis = ANALYSES[target["analysis"]]
    result = _pool(_case(analysis))
    assert [s for s, _b, _f in _pairs(analysis)] == target["studies"]
    assert result["estimate"] > 0  # follow-up minus baseline; higher is better
    assert result["pval"] < target["pval_below"]


def test_every_cell_is_plausible_for_its_scale_and_passes_the_extraction_grid_checks():
    scales = {o["name"]: o for o in OUTCOMES["outcomes"]}
    labels = {t["label"] for t in OUTCOMES["timepoints"]}
    for cell in OUTCOMES["cells"]:
        low, high = scales[cell["outcome"]]["range"]
        assert cell["timepoint"] in labels
        assert low <= cell["mean"] and (high is None or cell["mean"] <= high), cell
        assert 0 < cell["sd"] < (high - low if high is not None else 10 * cell["mean"]), cell
        stats = {k: cell[k] for k in ("n", "mean", "sd", "corr") if k in cell}
        _cleaned, errors = clean_cell(stats, participants=N[cell["study"]])
        assert errors == {}, (cell, errors)


def test_outcome_definitions_say_which_direction_is_better():
    defs = {o["name"]: o for o in OUTCOMES["outcomes"]}
    assert set(defs) == {"mRSS", "RCS", "VAS", "MHISS", "CHFS", "DU", "DLCO", "FVC"}
    assert {n for n, o in defs.items() if o["direction"] == "higher"} == {"DLCO", "FVC"}
    assert defs["mRSS"]["mid"] > 0 and defs["mRSS"]["type"] == "continuous"


def test_the_file_is_what_the_design_script_derives():
    from synthesis.demo.data.design_outcomes import build

    rebuilt = json.loads(json.dumps(build()))
    assert rebuilt == OUTCOMES


# ---------------------------------------------------------------- studies.json


@pytest.mark.parametrize("study", STUDIES["studies"], ids=lambda s: s["label"])
def test_study_characteristics_fit_the_extraction_template(study):
    cleaned, errors = clean_values(STUDY_TEMPLATE, study["values"], require=True)
    assert errors == {}
    values = study["values"]
    assert values["female"] + values["male"] == values["n_patients"]
    for row in values["adverse_events"]:
        assert row["at_risk"] == values["n_patients"] and row["serious"] is False
        assert row.get("patients", 0) <= row["at_risk"]


def test_the_adjudicated_disagreements_settle_to_the_values_in_the_files():
    studies = {s["label"]: s["values"] for s in STUDIES["studies"]}
    items = STUDIES["extraction_disagreements"]["items"]
    assert 2 <= len(items) <= 3
    for item in items:
        assert item["extractor_1"] != item["extractor_2"]
        values = studies[item["study"]]
        if item["kind"] == "field":
            correct = values[item["field"]]
        elif item["kind"] == "cell":
            correct = _cells(item["outcome"], item["timepoint"])[item["study"]][item["statistic"]]
        else:
            row = next(r for r in values["adverse_events"] if r["event"] == item["event"])
            correct = row[item["column"]]
        assert item["adjudicated"] == correct
        assert correct in (item["extractor_1"], item["extractor_2"])


# ---------------------------------------------------------------- against the seed file


def _seed():
    return json.loads(shared_path("seed", "msc_ssc_2022.json").read_text(encoding="utf-8"))


def _seed_label(row):
    outcome, where = row["outcome"], row["timepoint_or_subgroup"]
    return f"mRSS {where}" if outcome.startswith("mRSS (") else f"{outcome} {where}"


def test_the_targets_are_table3_of_the_seed_file():
    seed = {_seed_label(r): r for r in _seed()["table3_pooled_results"]}
    assert set(seed) == {t["row"] for t in TABLE3}
    for target in TABLE3:
        row = seed[target["row"]]
        assert (target["estimate"], target["ci_lb"], target["ci_ub"]) == (
            row["estimate"], row["ci_lb"], row["ci_ub"])
        assert (target["participants"], target["trials"]) == (row["participants"],
                                                              row["trials"])


def test_the_mrss_study_sets_are_the_seeds_inferred_ones():
    inferred = _seed()["inferred_study_sets_by_participant_counts"]
    by_row = {"mRSS 3 m": "mRSS_3m (22, 3 trials)", "mRSS 6 m": "mRSS_6m (52, 5 trials)",
              "mRSS 12 m": "mRSS_12m (19, 2 trials)", "mRSS SVF": "SVF (30, 2)",
              "mRSS UC-MSCs": "UC-MSCs (19, 2)", "mRSS BMSCs": "BMSCs (3, 1)"}
    for target in TABLE3:
        if target["row"] in by_row:
            authors = [entry.split()[0] for entry in inferred[by_row[target["row"]]]]
            assert [s.split()[0] for s in target["studies"]] == authors


def test_studies_json_transcribes_tables_1_and_2_of_the_seed_file():
    seed = _seed()
    table2 = {r["study"]: r for r in seed["table2_outcomes_and_quality"]}
    studies = {s["first_author"]: s for s in STUDIES["studies"]}
    for row in seed["table1_included_studies"]:
        study = studies[row["study"]]
        values = study["values"]
        assert study["year"] == row["year"]
        assert values["n_patients"] == row["n"]
        assert f"{values['female']}/{values['male']}" == row["female_male"]
        assert values.get("mean_age") == row["mean_age"]
        assert values["msc_source"] == row["msc_source"] and values["route"] == row["route"]
        assert ("cell_dose" in values) == (row["cells"] != "NA")
        assert study["risk_of_bias"]["score"] == table2[row["study"]]["NOS"]
        n_aes = table2[row["study"]]["n_AEs"]
        if isinstance(n_aes, int):
            assert sum(r["patients"] for r in values["adverse_events"]) == n_aes

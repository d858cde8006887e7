"""Compiling the reference review's snapshot into engine cases, and pooling them."""

import math

import pytest

from synthesis.analysis.compile import (
    NoStudiesError,
    compile_case,
    compile_sensitivity,
    study_risk_of_bias,
)
from synthesis.analysis.spec import AnalysisSpecError
from synthesis.stats.engine import pool_case
from tests.synthesis.analysis.snapshots import (
    AE,
    BASELINE,
    END,
    FVC,
    M6,
    M12,
    MRSS,
    MRSS_VALUES,
    SAE,
    ZHANG_CORR_6M,
    rct_snapshot,
    reference_snapshot,
)

SIX_MONTH_STUDIES = ["Granel 2015", "Keyszer 2011", "Park 2020", "Wang 2013", "Zhang 2017"]
N = {"Granel 2015": 12, "Keyszer 2011": 3, "Park 2020": 18, "Wang 2013": 5, "Zhang 2017": 14}


def mrss(timepoint=M6, **changes):
    spec = {"name": "mRSS at 6 months", "outcome": MRSS, "measure": "MC", "r": 0.5,
            "comparison": {"kind": "before_after", "timepoint": timepoint, "baseline": BASELINE}}
    spec.update(changes)
    return spec


def _fixed_effect(yi, vi):
    w = [1 / v for v in vi]
    return sum(a * b for a, b in zip(w, yi, strict=True)) / sum(w), math.sqrt(1 / sum(w))


def _mc_by_hand(timepoint, r, sign=1):
    yi, vi = [], []
    for label in SIX_MONTH_STUDIES:
        values = MRSS_VALUES[label]
        if timepoint not in values:
            continue
        (mb, sb), (mf, sf) = values[BASELINE], values[timepoint]
        rr = ZHANG_CORR_6M if (label == "Zhang 2017" and timepoint == M6) else r
        yi.append(sign * (mf - mb))
        vi.append((sf**2 + sb**2 - 2 * rr * sf * sb) / N[label])
    return yi, vi


def test_mean_change_picks_follow_up_and_baseline_cells_of_each_study():
    case, _ = compile_case(reference_snapshot(), mrss())
    data = case["data"]
    assert data["study"] == SIX_MONTH_STUDIES
    assert data["m1i"] == [MRSS_VALUES[s][M6][0] for s in SIX_MONTH_STUDIES]
    assert data["m2i"] == [MRSS_VALUES[s][BASELINE][0] for s in SIX_MONTH_STUDIES]
    assert data["ni"] == [N[s] for s in SIX_MONTH_STUDIES]
    assert case["measure"] == "MC" and case["method"] == "REML" and case["test"] == "z"


def test_reported_correlation_is_used_and_the_assumed_one_elsewhere():
    case, _ = compile_case(reference_snapshot(), mrss(r=0.3))
    assert case["data"]["ri"] == [0.3, 0.3, 0.3, 0.3, ZHANG_CORR_6M]
    assert case["extra"]["ri_source"] == ["assumed"] * 4 + ["reported"]
    assert case["extra"]["assumed_r"] == 0.3


def test_studies_without_data_are_left_out_with_the_reason():
    _, left_out = compile_case(reference_snapshot(), mrss(timepoint=M12))
    reasons = {entry["label"]: entry["reason"] for entry in left_out}
    assert reasons["Almadori 2019"] == "no mRSS data"
    assert reasons["Granel 2015"] == "no value at 12 months"
    assert reasons["Keyszer 2011"] == "no value at 12 months"
    assert "Wang 2013" not in reasons and "Zhang 2017" not in reasons


def test_pooled_mean_change_matches_the_inverse_variance_formula():
    case, _ = compile_case(reference_snapshot(), mrss(method="FE"))
    result = pool_case(case)
    estimate, se = _fixed_effect(*_mc_by_hand(M6, 0.5))
    assert result["estimate"] == pytest.approx(estimate, rel=1e-12)
    assert result["se"] == pytest.approx(se, rel=1e-12)
    assert result["estimate"] < 0  # follow-up minus baseline: mRSS fell


def test_improvement_positive_reports_a_reduction_of_mrss_as_positive():
    down = pool_case(compile_case(reference_snapshot(), mrss())[0])
    case, _ = compile_case(reference_snapshot(), mrss(sign="improvement_positive"))
    up = pool_case(case)
    assert case["extra"]["sign"] == "baseline_minus_follow_up"
    assert up["estimate"] == pytest.approx(-down["estimate"], rel=1e-10)
    assert up["ci_lb"] == pytest.approx(-down["ci_ub"], rel=1e-10)


def test_improvement_positive_keeps_follow_up_minus_baseline_when_higher_is_better():
    snap = reference_snapshot()
    snap["outcomes"][0]["direction"] = "higher"
    case, _ = compile_case(snap, mrss(sign="improvement_positive"))
    assert case["extra"]["sign"] == "follow_up_minus_baseline"
    assert case["data"]["m1i"][0] == MRSS_VALUES["Granel 2015"][M6][0]


def test_smcr_standardises_by_the_baseline_sd_in_both_signs():
    for sign in ("follow_up_minus_baseline", "baseline_minus_follow_up"):
        case, _ = compile_case(reference_snapshot(), mrss(measure="SMCR", sign=sign))
        assert case["data"]["sd1i"] == [MRSS_VALUES[s][BASELINE][1] for s in SIX_MONTH_STUDIES]
        assert "sd2i" not in case["data"]
    result = pool_case(case)
    (mb, sb), (mf, _sf) = MRSS_VALUES["Granel 2015"][BASELINE], MRSS_VALUES["Granel 2015"][M6]
    j = 1 - 3 / (4 * (12 - 1) - 1)  # approximate Hedges J for 11 df, within 1e-3
    assert result["yi"][0] == pytest.approx(j * (mb - mf) / sb, rel=1e-3)


def test_md_independent_treats_baseline_and_follow_up_as_independent_groups():
    case, _ = compile_case(reference_snapshot(), mrss(measure="MD_independent", r=None,
                                                      sign="baseline_minus_follow_up"))
    assert case["measure"] == "MD"
    assert "independent groups" in case["extra"]["measure_label"]
    result = pool_case(case)
    (mb, sb), (mf, sf) = MRSS_VALUES["Park 2020"][BASELINE], MRSS_VALUES["Park 2020"][M6]
    assert result["yi"][2] == pytest.approx(mb - mf)
    assert result["vi"][2] == pytest.approx(sb**2 / 18 + sf**2 / 18)
    # ignoring the positive correlation makes every variance larger than MC's with r = 0.5
    mc = pool_case(compile_case(reference_snapshot(), mrss())[0])
    assert all(a > b for a, b in zip(result["vi"], mc["vi"], strict=True))


def test_subgroups_by_msc_source_come_from_the_characteristics():
    case, _ = compile_case(reference_snapshot(), mrss(subgroup="msc_source"))
    assert case["subgroup"] == ["SVF", "BMSCs", "SVF", "UC-MSCs", "UC-MSCs"]
    result = pool_case(case)
    assert set(result["subgroups"]) == {"SVF", "UC-MSCs"}  # BMSCs has one study
    assert result["Qb_df"] == 2  # ... but it counts in the test for subgroup differences


def test_a_missing_characteristic_is_its_own_subgroup_level():
    case, _ = compile_case(reference_snapshot(), mrss(subgroup="mean_age"))
    assert case["subgroup"][2] == "Not reported"  # Park: no mean age in Table 1


def test_moderators_leave_out_studies_without_a_numeric_value():
    case, left_out = compile_case(reference_snapshot(), mrss(moderators=["mean_age"]))
    assert case["moderators"] == {"mean_age": [54.5, 54.67, 44.6, 37.4]}
    assert {"study": 105, "label": "Park 2020",
            "reason": "no numeric value of 'mean_age' for the meta-regression"} in left_out


def test_reported_change_scores_enter_mean_change_exactly():
    snap = reference_snapshot()
    granel = next(s for s in snap["studies"] if s["label"] == "Granel 2015")
    granel["cells"] = [c for c in granel["cells"] if c["timepoint"] != BASELINE]
    follow = next(c for c in granel["cells"] if c["timepoint"] == M6)
    follow["reported"].update(change_mean=-4.0, change_se=1.5)
    case, _ = compile_case(snap, mrss())
    result = pool_case(case)
    assert case["extra"]["ri_source"][0] == "change_sd"
    assert result["yi"][0] == pytest.approx(-4.0)
    assert result["vi"][0] == pytest.approx(1.5**2)  # (SE·√n)² / n


def test_proportion_of_patients_with_adverse_events():
    spec = {"name": "Any adverse event", "outcome": AE, "measure": "PLO",
            "comparison": {"kind": "single_group", "timepoint": END}}
    case, left_out = compile_case(reference_snapshot(), spec)
    assert case["data"]["xi"] == [1, 2, 3, 4, 0, 6]
    assert case["data"]["ni"] == [62, 12, 3, 18, 5, 14]
    assert {e["label"] for e in left_out} == {"Blezien 2017", "Francesco 2017", "Scuderi 2013"}
    result = pool_case(case)
    back = result["back_transformed"]
    assert 0 < back["ci_lb"] < back["pred"] < back["ci_ub"] < 1
    assert back["pred"] == pytest.approx(1 / (1 + math.exp(-result["estimate"])))


def test_two_arm_mean_difference_and_risk_ratio():
    md = {"name": "FVC at 12 months", "outcome": FVC, "measure": "MD", "method": "FE",
          "comparison": {"kind": "two_arm", "timepoint": M12}}
    case, left_out = compile_case(rct_snapshot(), md)
    assert not left_out
    d = case["data"]
    yi = [a - b for a, b in zip(d["m1i"], d["m2i"], strict=True)]
    vi = [s1**2 / n1 + s2**2 / n2
          for s1, n1, s2, n2 in zip(d["sd1i"], d["n1i"], d["sd2i"], d["n2i"], strict=True)]
    assert pool_case(case)["estimate"] == pytest.approx(_fixed_effect(yi, vi)[0], rel=1e-12)
    assert case["extra"]["participants"] == [39, 62, 31, 81]
    rr = dict(md, name="SAE", outcome=SAE, measure="RR", method="MH")
    case, _ = compile_case(rct_snapshot(), rr)
    assert case["data"]["ai"] == [1, 2, 0, 3] and case["data"]["n2i"] == [19, 30, 16, 41]
    a, n1, c, n2 = (case["data"][k] for k in ("ai", "n1i", "ci", "n2i"))
    mh = sum(x * m / (p + m) for x, p, m in zip(a, n1, n2, strict=True)) / sum(
        y * p / (p + m) for y, p, m in zip(c, n1, n2, strict=True))
    assert math.exp(pool_case(case)["estimate"]) == pytest.approx(mh, rel=1e-10)


def test_a_study_without_both_arms_is_left_out():
    snap = rct_snapshot()
    snap["studies"][1]["arms"] = snap["studies"][1]["arms"][:1]
    spec = {"name": "FVC", "outcome": FVC, "measure": "MD",
            "comparison": {"kind": "two_arm", "timepoint": M12}}
    _, left_out = compile_case(snap, spec)
    assert left_out == [{"study": 501, "label": "Beta 2019",
                         "reason": "no arm with the role 'control'"}]


def test_unknown_outcome_or_time_point_and_no_data_are_clear_errors():
    with pytest.raises(AnalysisSpecError, match="no outcome with id 999"):
        compile_case(reference_snapshot(), mrss(outcome=999))
    with pytest.raises(AnalysisSpecError, match="no time point with id 77"):
        compile_case(reference_snapshot(), mrss(timepoint=77))
    with pytest.raises(NoStudiesError) as info:
        compile_case(rct_snapshot(), mrss(timepoint=M12, outcome=FVC))  # no single arm
    assert len(info.value.left_out) == 4


def test_excluded_after_extraction_is_left_out():
    snap = reference_snapshot()
    snap["studies"][3]["excluded_after_extraction"] = True
    case, left_out = compile_case(snap, mrss())
    assert "Granel 2015" not in case["data"]["study"]
    assert {"study": 103, "label": "Granel 2015",
            "reason": "excluded by screening after extraction"} in left_out


def test_sensitivity_variants():
    spec = mrss(method="FE", sensitivity={"exclude_high_rob": True, "fixed_vs_random": True,
                                          "r_values": [0.2, 0.5, 0.8], "leave_one_out": True})
    variants = dict(compile_sensitivity(reference_snapshot(), spec))
    assert list(variants) == ["excluding high risk of bias", "random effects (REML)",
                              "r = 0.2", "r = 0.5", "r = 0.8"]
    assert "Keyszer 2011" not in variants["excluding high risk of bias"]["data"]["study"]
    assert variants["random effects (REML)"]["method"] == "REML"
    assert variants["r = 0.8"]["data"]["ri"] == [0.8] * 4 + [ZHANG_CORR_6M]
    ses = [pool_case(variants[f"r = {r}"])["se"] for r in (0.2, 0.5, 0.8)]
    assert ses[0] > ses[1] > ses[2]  # a higher r, a smaller variance of the change
    loo = dict(compile_sensitivity(reference_snapshot(), spec, leave_one_out_cases=True))
    assert loo["without Park 2020"]["data"]["study"] == [
        "Granel 2015", "Keyszer 2011", "Wang 2013", "Zhang 2017"]


def test_exclude_high_rob_is_skipped_when_no_study_is_high():
    snap = rct_snapshot()
    snap["studies"][3]["risk_of_bias"] = []
    spec = {"name": "FVC", "outcome": FVC, "measure": "MD",
            "comparison": {"kind": "two_arm", "timepoint": M12},
            "sensitivity": {"exclude_high_rob": True, "fixed_vs_random": True}}
    variants = dict(compile_sensitivity(snap, spec))
    assert "skip" in variants["excluding high risk of bias"]
    assert variants["fixed effect (inverse variance)"]["method"] == "FE"


def test_worst_overall_judgement_across_tools():
    study = {"risk_of_bias": [{"overall": "low"}, {"overall": "Serious"}]}
    assert study_risk_of_bias(study) == "high"
    assert study_risk_of_bias({"risk_of_bias": [{"overall": "moderate"}]}) == "some_concerns"
    assert study_risk_of_bias({"risk_of_bias": []}) is None


def test_two_arms_with_one_role_are_combined():
    snap = rct_snapshot()
    alpha = snap["studies"][0]
    alpha["arms"].append({"id": 699, "label": "MSC high dose", "role": "intervention"})
    alpha["cells"].append({"outcome": FVC, "timepoint": M12, "arm": 699,
                           "reported": {}, "converted": {"n": 10, "mean": 82.0, "sd": 11.0}})
    alpha["cells"].append({"outcome": SAE, "timepoint": M12, "arm": 699,
                           "reported": {}, "converted": {"events": 2, "total": 10}})
    md = {"name": "FVC", "outcome": FVC, "measure": "MD",
          "comparison": {"kind": "two_arm", "timepoint": M12}}
    case, _ = compile_case(snap, md)
    n1, m1, s1, n2, m2, s2 = 20, 78.2, 12.1, 10, 82.0, 11.0
    mean = (n1 * m1 + n2 * m2) / (n1 + n2)
    var = ((n1 - 1) * s1**2 + (n2 - 1) * s2**2
           + n1 * n2 / (n1 + n2) * (m1 - m2) ** 2) / (n1 + n2 - 1)
    assert case["data"]["n1i"][0] == 30
    assert case["data"]["m1i"][0] == pytest.approx(mean)
    assert case["data"]["sd1i"][0] == pytest.approx(math.sqrt(var))
    assert case["extra"]["notes"][0] == "2 arms combined"
    rr, _ = compile_case(snap, dict(md, outcome=SAE, measure="RR"))
    assert (rr["data"]["ai"][0], rr["data"]["n1i"][0]) == (3, 30)


def test_duplicate_study_labels_are_told_apart():
    snap = reference_snapshot()
    for study in snap["studies"]:
        if study["label"] in ("Wang 2013", "Zhang 2017"):
            study["label"] = "Wang 2013"
    case, _ = compile_case(snap, mrss())
    assert case["data"]["study"][-2:] == ["Wang 2013 (a)", "Wang 2013 (b)"]


def test_unknown_subgroup_variable_is_named():
    with pytest.raises(AnalysisSpecError, match="no study has the characteristic 'msc_sourse'"):
        compile_case(reference_snapshot(), mrss(subgroup="msc_sourse"))

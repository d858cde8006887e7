"""pool_analysis and default_analyses on the reference review and the two-arm fixture."""

import json

import pytest

from synthesis.analysis.compile import compile_case
from synthesis.analysis.defaults import default_analyses
from synthesis.analysis.run import pool_analysis
from synthesis.stats.engine import pool_case
from tests.synthesis.analysis.snapshots import (
    AE,
    BASELINE,
    FVC,
    M3,
    M6,
    M12,
    MRSS,
    SAE,
    rct_snapshot,
    reference_snapshot,
)

ALL_SENSITIVITY = {"leave_one_out": True, "exclude_high_rob": True, "fixed_vs_random": True}


def mrss(**changes):
    spec = {"name": "mRSS at 6 months", "outcome": MRSS, "measure": "MC", "r": 0.5,
            "comparison": {"kind": "before_after", "timepoint": M6, "baseline": BASELINE},
            "sensitivity": dict(ALL_SENSITIVITY, r_values=[0.2, 0.5, 0.8])}
    spec.update(changes)
    return spec


def test_pool_analysis_gives_main_result_and_every_sensitivity_side_by_side():
    pooled = pool_analysis(reference_snapshot(), mrss())
    assert "error" not in pooled
    assert pooled["result"]["k"] == 5 and pooled["spec"]["measure"] == "MC"
    assert len(pooled["left_out"]) == 4
    sens = pooled["sensitivity"]
    assert set(sens) == {"without Granel 2015", "without Keyszer 2011", "without Park 2020",
                         "without Wang 2013", "without Zhang 2017",
                         "excluding high risk of bias", "fixed effect (inverse variance)",
                         "r = 0.2", "r = 0.5", "r = 0.8"}
    # r = 0.5 is the main analysis's own assumption
    assert sens["r = 0.5"]["estimate"] == pytest.approx(pooled["result"]["estimate"], rel=1e-12)
    assert sens["r = 0.2"]["estimate"] != pytest.approx(sens["r = 0.8"]["estimate"])


def test_leave_one_out_entries_equal_pooling_without_that_study():
    snap = reference_snapshot()
    pooled = pool_analysis(snap, mrss())
    snap["studies"] = [s for s in snap["studies"] if s["label"] != "Park 2020"]
    alone = pool_case(compile_case(snap, mrss())[0])
    entry = pooled["sensitivity"]["without Park 2020"]
    assert entry["estimate"] == pytest.approx(alone["estimate"], rel=1e-8)
    assert entry["se"] == pytest.approx(alone["se"], rel=1e-8)
    assert entry["tau2"] == pytest.approx(alone["tau2"], rel=1e-6, abs=1e-10)


def test_excluding_high_risk_of_bias_drops_keyszer():
    pooled = pool_analysis(reference_snapshot(), mrss())
    excluded = pooled["sensitivity"]["excluding high risk of bias"]
    assert excluded["k"] == 4
    assert excluded["estimate"] == pytest.approx(
        pooled["sensitivity"]["without Keyszer 2011"]["estimate"], rel=1e-8)


def test_a_failing_sensitivity_analysis_never_hides_the_main_result():
    snap = reference_snapshot()
    wang = next(s for s in snap["studies"] if s["label"] == "Wang 2013")
    wang["risk_of_bias"][0]["overall"] = "high"
    # at 12 months only Wang and Zhang report mRSS: without Wang, one study is left, which
    # the Hartung-Knapp test cannot take (k - 1 = 0 df)
    pooled = pool_analysis(snap, mrss(name="mRSS 12", test="knha", comparison={
        "kind": "before_after", "timepoint": M12, "baseline": BASELINE}))
    assert pooled["result"]["k"] == 2
    assert "needs at least 2 studies" in pooled["sensitivity"]["excluding high risk of bias"][
        "error"]
    assert "estimate" in pooled["sensitivity"]["r = 0.8"]


def test_errors_come_back_as_messages():
    bad = pool_analysis(reference_snapshot(), mrss(measure="RR"))
    assert bad["result"] is None and "does not fit" in bad["error"]
    none = pool_analysis(rct_snapshot(), mrss(outcome=FVC, comparison={
        "kind": "before_after", "timepoint": M12, "baseline": BASELINE}))
    assert none["result"] is None and "no study has usable" in none["error"]
    assert len(none["left_out"]) == 4


def test_mantel_haenszel_leave_one_out_uses_one_case_per_study():
    spec = {"name": "SAE", "outcome": SAE, "measure": "RR", "method": "MH",
            "comparison": {"kind": "two_arm", "timepoint": M12}, "sensitivity": ALL_SENSITIVITY}
    pooled = pool_analysis(rct_snapshot(), spec)
    sens = pooled["sensitivity"]
    assert sens["without Alpha 2018"]["k"] == 3
    assert sens["random effects (REML)"]["k"] == 4
    assert sens["excluding high risk of bias"]["k"] == 3  # Delta is at high risk


def test_default_analyses_of_the_reference_review():
    analyses = default_analyses(reference_snapshot())
    names = [a["name"] for a in analyses]
    assert names == ["mRSS at 3 months vs Baseline", "mRSS at 6 months vs Baseline",
                     "mRSS at 12 months vs Baseline",
                     "Any adverse event at End of follow-up: proportion (single group)"]
    mc = analyses[1]
    assert (mc["measure"], mc["r"], mc["method"], mc["test"]) == ("MC", 0.5, "REML", "z")
    assert mc["comparison"] == {"kind": "before_after", "timepoint": M6, "baseline": BASELINE}
    assert mc["sensitivity"] == {"leave_one_out": True, "fixed_vs_random": True,
                                 "exclude_high_rob": True, "r_values": [0.2, 0.5, 0.8]}
    assert analyses[3]["measure"] == "PLO" and analyses[3]["outcome"] == AE
    for analysis in analyses:
        assert pool_analysis(reference_snapshot(), analysis)["result"] is not None
    assert analyses[0]["comparison"]["timepoint"] == M3


def test_default_analyses_of_a_two_arm_review():
    analyses = default_analyses(rct_snapshot())
    assert [(a["outcome"], a["measure"]) for a in analyses] == [(FVC, "MD"), (SAE, "RR")]
    snap = rct_snapshot()
    snap["studies"][0]["cells"][0]["reported"]["unit"] = "litres"
    assert default_analyses(snap)[0]["measure"] == "SMD"


def test_default_analyses_skip_high_rob_exclusion_without_judgements():
    snap = reference_snapshot()
    for study in snap["studies"]:
        study["risk_of_bias"] = []
    assert all(not a["sensitivity"]["exclude_high_rob"] for a in default_analyses(snap))


def test_pooled_output_is_strict_json():
    for snapshot in (reference_snapshot(), rct_snapshot()):
        for analysis in default_analyses(snapshot):
            pooled = pool_analysis(snapshot, analysis)
            json.dumps(pooled, allow_nan=False)
            assert pooled["result"] is not None, pooled.get("error")

"""GRADE: proposals by stated rules, reviewer overrides, final certainty and the SoF row."""

import pytest

from synthesis.analysis.grade import GradeInputError, certainty, grade_outcome, sof_row
from synthesis.analysis.run import pool_analysis
from tests.synthesis.analysis.snapshots import (
    AE,
    BASELINE,
    END,
    FVC,
    M6,
    M12,
    MRSS,
    SAE,
    rct_snapshot,
    reference_snapshot,
)


def _mrss(**changes):
    spec = {"name": "mRSS at 6 months", "outcome": MRSS, "measure": "MD_independent",
            "sign": "improvement_positive",
            "comparison": {"kind": "before_after", "timepoint": M6, "baseline": BASELINE}}
    spec.update(changes)
    return pool_analysis(reference_snapshot(), spec)


def _fake(pooled, **result):
    """The same pooled analysis with some result values replaced (to probe one rule)."""
    out = dict(pooled, result=dict(pooled["result"], **result))
    return out


def test_single_arm_studies_start_low_and_rcts_high():
    assert grade_outcome(_mrss())["start"]["level"] == 2
    rct = pool_analysis(rct_snapshot(), {"name": "FVC", "outcome": FVC, "measure": "MD",
                                         "comparison": {"kind": "two_arm", "timepoint": M12}})
    assert grade_outcome(rct)["start"]["level"] == 4


def test_risk_of_bias_from_the_weight_of_judged_studies():
    pooled = _mrss()
    weights = pooled["result"]["weights_percent"]
    judged = pooled["spec"]["extra"]["risk_of_bias"]
    share = sum(w for w, j in zip(weights, judged, strict=True) if j != "low")
    domain = grade_outcome(pooled)["domains"]["risk_of_bias"]
    assert domain["proposed"] == (1 if share > 50 else 0)
    assert "50%" in domain["rule"]
    # every study at high risk: 2 levels
    pooled["spec"]["extra"]["risk_of_bias"] = ["high"] * len(weights)
    assert grade_outcome(pooled)["domains"]["risk_of_bias"]["proposed"] == 2


@pytest.mark.parametrize(("i2", "expected"), [(10.0, 0), (55.0, 1), (80.0, 2)])
def test_inconsistency_follows_i2_thresholds(i2, expected):
    pooled = _fake(_mrss(), I2=i2, pi_lb=None, pi_ub=None)
    assert grade_outcome(pooled)["domains"]["inconsistency"]["proposed"] == expected


def test_prediction_interval_crossing_the_null_downgrades_inconsistency():
    pooled = _fake(_mrss(), I2=20.0, ci_lb=1.0, ci_ub=3.0, pi_lb=-0.5, pi_ub=4.5)
    domain = grade_outcome(pooled)["domains"]["inconsistency"]
    assert domain["proposed"] == 1 and "prediction interval" in domain["reason"]


def test_imprecision_against_the_null_the_mid_and_the_information_size():
    pooled = _mrss()  # 52 participants: below the OIS for continuous outcomes
    lb, ub = pooled["result"]["ci_lb"], pooled["result"]["ci_ub"]
    assert lb > 0
    domain = grade_outcome(pooled, mid=0.1)["domains"]["imprecision"]
    assert domain["proposed"] == 1 and "52 participants" in domain["reason"]
    crossing_mid = grade_outcome(pooled, mid=(lb + ub) / 2)["domains"]["imprecision"]
    assert crossing_mid["proposed"] == 2 and "crosses the MID" in crossing_mid["reason"]
    wide = _fake(pooled, ci_lb=-10.0, ci_ub=10.0)
    assert grade_outcome(wide, mid=4.0)["domains"]["imprecision"]["proposed"] == 2


def test_outcome_mid_from_the_snapshot_is_the_default():
    pooled = _mrss()
    assert grade_outcome(pooled)["mid"] == 4.0
    smcr = _mrss(measure="SMCR", r=0.5)
    assert grade_outcome(smcr)["mid"] is None  # points do not apply to a standardised measure


def test_publication_bias_needs_ten_studies():
    pooled = _mrss()
    domain = grade_outcome(pooled)["domains"]["publication_bias"]
    assert domain["proposed"] == 0 and "not assessable" in domain["reason"]
    many = _fake(pooled, k=12, regtest={"zval": 2.1, "pval": 0.04})
    assert grade_outcome(many)["domains"]["publication_bias"]["proposed"] == 1
    clean = _fake(pooled, k=12, regtest={"zval": 0.3, "pval": 0.7})
    assert "undetected" in grade_outcome(clean)["domains"]["publication_bias"]["reason"]


def test_indirectness_is_left_to_the_reviewer():
    domain = grade_outcome(_mrss())["domains"]["indirectness"]
    assert domain["proposed"] is None and domain["status"] == "reviewer"
    assert domain["levels"] == 0


def test_final_certainty_counts_the_downgrades_and_never_goes_below_very_low():
    pooled = _mrss()
    grade = grade_outcome(pooled, overrides={
        "indirectness": {"levels": 1, "footnote": "Mostly diffuse cutaneous SSc"}})
    total = sum(d["levels"] for d in grade["domains"].values())
    assert grade["final"]["level"] == max(1, 2 - total)
    assert grade["final"]["symbols"] == "⊕◯◯◯"


def test_a_changed_domain_needs_a_footnote():
    pooled = _mrss()
    proposed = grade_outcome(pooled)["domains"]["imprecision"]["proposed"]
    with pytest.raises(GradeInputError, match="needs a footnote"):
        grade_outcome(pooled, overrides={"imprecision": {"levels": (proposed + 1) % 3}})
    confirmed = grade_outcome(pooled, overrides={"imprecision": {"levels": proposed}})
    assert confirmed["domains"]["imprecision"]["status"] == "confirmed"
    changed = grade_outcome(pooled, overrides={
        "imprecision": {"levels": 0, "footnote": "Effect far beyond the MID"}})
    assert changed["domains"]["imprecision"]["status"] == "changed"
    with pytest.raises(GradeInputError, match="unknown GRADE domain"):
        grade_outcome(pooled, overrides={"bias": {"levels": 1}})


def test_certainty_symbols_and_words():
    assert certainty(4)["symbols"] == "⊕⊕⊕⊕"
    assert certainty(3)["symbols"] == "⊕⊕⊕◯" and certainty(3)["label"] == "Moderate"
    assert certainty(1, "zh")["label"] == "极低"


def test_summary_of_findings_row():
    pooled = _mrss()
    grade = grade_outcome(pooled)
    row = sof_row(pooled, grade)
    result = pooled["result"]
    assert row["participants_studies"] == "52 (5 studies)"
    assert row["effect"] == (f"MD (independent groups) {result['estimate']:.2f} "
                             f"({result['ci_lb']:.2f} to {result['ci_ub']:.2f})")
    assert row["certainty"] == grade["final"]["symbols"]
    assert row["footnotes"][0]["letter"] == "a"
    assert "starts at low" in row["footnotes"][0]["text"]
    downgraded = [d for d in grade["domains"].values() if d["levels"]]
    assert len(row["footnotes"]) == 1 + len(downgraded)
    assert row["certainty_text"].endswith(",".join(f["letter"] for f in row["footnotes"]))
    zh = sof_row(pooled, grade_outcome(pooled, lang="zh"), lang="zh")
    assert zh["participants_studies"] == "52（5 项研究）"


def test_summary_row_shows_ratios_and_proportions_on_their_natural_scale():
    rr = pool_analysis(rct_snapshot(), {"name": "SAE", "outcome": SAE, "measure": "RR",
                                        "method": "MH",
                                        "comparison": {"kind": "two_arm", "timepoint": M12}})
    row = sof_row(rr, grade_outcome(rr))
    back = rr["result"]["back_transformed"]
    assert row["effect"] == f"RR {back['pred']:.2f} ({back['ci_lb']:.2f} to {back['ci_ub']:.2f})"
    ae = pool_analysis(reference_snapshot(), {
        "name": "AE", "outcome": AE, "measure": "PLO",
        "comparison": {"kind": "single_group", "timepoint": END}})
    grade = grade_outcome(ae)
    assert "16 events" in grade["domains"]["imprecision"]["reason"]
    assert sof_row(ae, grade)["effect"].startswith("Proportion 0.")


def test_meta_regression_and_failed_analyses_are_not_graded():
    reg = _mrss(measure="MC", r=0.5, moderators=["mean_age"])
    with pytest.raises(GradeInputError, match="meta-regression"):
        grade_outcome(reg)
    with pytest.raises(GradeInputError, match="no pooled result"):
        grade_outcome({"spec": None, "result": None})

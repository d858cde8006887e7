"""The analysis spec: validation messages, defaults and the hash."""

import pytest

from synthesis.analysis.spec import AnalysisSpecError, spec_hash, validate_analysis

BEFORE_AFTER = {"kind": "before_after", "timepoint": 3, "baseline": 1}


def _mc(**changes):
    spec = {"name": "mRSS at 6 months", "outcome": 10, "comparison": dict(BEFORE_AFTER),
            "measure": "MC", "r": 0.5}
    spec.update(changes)
    return spec


def test_defaults_are_written_out():
    spec = validate_analysis(_mc())
    assert spec["method"] == "REML" and spec["test"] == "z"
    assert spec["sign"] == "follow_up_minus_baseline"
    assert spec["comparison"]["arm_role"] == "single"
    assert spec["sensitivity"] == {"leave_one_out": False, "exclude_high_rob": False,
                                   "fixed_vs_random": False, "r_values": []}


def test_hash_is_the_same_for_two_spellings_of_one_analysis():
    explicit = _mc(method="REML", test="z", sign="follow_up_minus_baseline", options={})
    assert spec_hash(_mc()) == spec_hash(explicit)
    assert len(spec_hash(_mc())) == 64


def test_hash_changes_with_any_choice():
    hashes = {spec_hash(_mc()), spec_hash(_mc(r=0.6)), spec_hash(_mc(method="DL")),
              spec_hash(_mc(test="knha")), spec_hash(_mc(subgroup="route"))}
    assert len(hashes) == 5


def test_mean_change_needs_the_assumed_correlation_stated():
    spec = _mc()
    del spec["r"]
    with pytest.raises(AnalysisSpecError, match="assumed pre/post correlation"):
        validate_analysis(spec)


@pytest.mark.parametrize("r", [1, -1, 1.5, "0.5", True])
def test_correlation_outside_minus_one_to_one_is_refused(r):
    with pytest.raises(AnalysisSpecError, match="between -1 and 1"):
        validate_analysis(_mc(r=r))


def test_measure_must_fit_the_comparison():
    with pytest.raises(AnalysisSpecError, match="does not fit a before_after comparison"):
        validate_analysis(_mc(measure="RR"))
    two_arm = {"kind": "two_arm", "timepoint": 3}
    with pytest.raises(AnalysisSpecError, match="does not fit a two_arm"):
        validate_analysis(_mc(comparison=two_arm, measure="MC"))


def test_two_arm_roles_default_to_intervention_and_control():
    spec = validate_analysis({"name": "FVC", "outcome": 20, "measure": "MD",
                              "comparison": {"kind": "two_arm", "timepoint": 4}})
    assert (spec["comparison"]["intervention"], spec["comparison"]["control"]) == (
        "intervention", "control")
    assert spec["r"] is None and spec["sign"] is None


def test_mantel_haenszel_and_peto_limits():
    two_arm = {"kind": "two_arm", "timepoint": 4}
    base = {"name": "SAE", "outcome": 21, "comparison": two_arm}
    with pytest.raises(AnalysisSpecError, match="Peto's method pools odds ratios only"):
        validate_analysis(dict(base, measure="RR", method="PETO"))
    with pytest.raises(AnalysisSpecError, match="uses the z test"):
        validate_analysis(dict(base, measure="RR", method="MH", test="knha"))
    with pytest.raises(AnalysisSpecError, match="Mantel-Haenszel pools"):
        validate_analysis(dict(base, measure="SMD", method="MH"))


def test_unknown_keys_options_and_sensitivity_are_named():
    with pytest.raises(AnalysisSpecError, match="unknown key.*colour"):
        validate_analysis(_mc(colour="red"))
    with pytest.raises(AnalysisSpecError, match="unknown engine option.*bogus"):
        validate_analysis(_mc(options={"bogus": 1}))
    with pytest.raises(AnalysisSpecError, match="unknown sensitivity analysis.*cumulative"):
        validate_analysis(_mc(sensitivity={"cumulative": True}))


def test_r_range_only_for_correlation_measures():
    with pytest.raises(AnalysisSpecError, match="r_values"):
        validate_analysis(_mc(measure="MD_independent", r=None,
                              sensitivity={"r_values": [0.2, 0.8]}))
    spec = validate_analysis(_mc(sensitivity={"r_values": [0.8, 0.2, 0.5, 0.2]}))
    assert spec["sensitivity"]["r_values"] == [0.2, 0.5, 0.8]


def test_sign_only_for_before_after():
    with pytest.raises(AnalysisSpecError, match='"sign" must be one of'):
        validate_analysis(_mc(sign="upside_down"))
    two_arm = {"kind": "two_arm", "timepoint": 4}
    with pytest.raises(AnalysisSpecError, match="before/after comparisons only"):
        validate_analysis({"name": "x", "outcome": 20, "measure": "MD", "comparison": two_arm,
                           "sign": "baseline_minus_follow_up"})


def test_subgroup_and_moderators_are_exclusive():
    with pytest.raises(AnalysisSpecError, match="either a subgroup variable or moderators"):
        validate_analysis(_mc(subgroup="route", moderators=["mean_age"]))


def test_baseline_cannot_be_the_follow_up():
    with pytest.raises(AnalysisSpecError, match="cannot be the baseline"):
        validate_analysis(_mc(comparison={"kind": "before_after", "timepoint": 1,
                                          "baseline": 1}))


@pytest.mark.parametrize("spec", [
    _mc(sensitivity={"r_values": [0.2, 0.8], "leave_one_out": True}),
    {"name": "SAE", "outcome": 21, "measure": "RR", "method": "MH",
     "comparison": {"kind": "two_arm", "timepoint": 4}},
    {"name": "AE", "outcome": 11, "measure": "PFT",
     "comparison": {"kind": "single_group", "timepoint": 5}},
])
def test_the_normalised_spec_validates_to_itself(spec):
    once = validate_analysis(spec)
    assert validate_analysis(once) == once
    assert spec_hash(once) == spec_hash(spec)

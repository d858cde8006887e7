"""Newcastle-Ottawa stars and quality bands, MINORS scores, JBI case-series counts."""
import pytest

from extraction.rob import AnswerError, get_tool, propose, validate_answers

NOS_BEST = {"S1": "a", "S2": "a", "S3": "a", "S4": "a", "C1": "main_and_additional",
            "O1": "a", "O2": "a", "O3": "a"}


def test_nos_cohort_counts_stars_per_domain_out_of_nine():
    proposal = propose(get_tool("nos_cohort"), NOS_BEST)
    assert proposal["score"] == 9 and proposal["max_score"] == 9
    assert [proposal["domains"][k]["score"] for k in ("selection", "comparability",
                                                      "outcome")] == [4, 2, 3]
    assert [proposal["domains"][k]["max_score"] for k in ("selection", "comparability",
                                                          "outcome")] == [4, 2, 3]
    assert proposal["overall"]["judgement"] == "good"


@pytest.mark.parametrize(("changes", "score", "ahrq", "total"), [
    ({}, 9, "good", "good"),
    ({"S1": "c"}, 8, "good", "good"),                   # selection 3
    ({"S1": "c", "S2": "b"}, 7, "fair", "good"),        # selection 2
    ({"S1": "c", "S2": "b", "S3": "d"}, 6, "poor", "fair"),  # selection 1
    ({"C1": "none"}, 7, "poor", "good"),                # comparability 0
    ({"C1": "main", "O1": "c", "O2": "b"}, 6, "poor", "fair"),  # outcome 1
    ({"C1": "main", "O1": "c"}, 7, "good", "good"),     # outcome 2, comparability 1
    ({"S1": "d", "S2": "c", "S3": "c", "S4": "b", "C1": "none", "O1": "d", "O2": "b",
      "O3": "d"}, 0, "poor", "poor"),
    ({"S1": "d", "S2": "c", "C1": "main", "O1": "d", "O3": "c"}, 4, "poor", "fair"),
    ({"S1": "d", "S2": "c", "S3": "c", "C1": "main", "O1": "d", "O3": "c"}, 3, "poor", "poor"),
])
def test_nos_quality_bands_follow_ahrq_and_total_conventions(changes, score, ahrq, total):
    tool = get_tool("nos_cohort")
    answers = {**NOS_BEST, **changes}
    by_ahrq = propose(tool, answers)
    by_total = propose(tool, answers, convention="total")
    assert by_ahrq["score"] == by_total["score"] == score
    assert by_ahrq["overall"]["judgement"] == ahrq
    assert by_total["overall"]["judgement"] == total
    assert by_total["convention"] == "total"


def test_nos_refuses_an_unknown_convention():
    with pytest.raises(ValueError, match="unknown NOS convention"):
        propose(get_tool("nos_cohort"), NOS_BEST, convention="stars")


def test_nos_case_control_scores_exposure_domain():
    answers = {"S1": "b", "S2": "a", "S3": "b", "S4": "a", "C1": "main", "E1": "b",
               "E2": "a", "E3": "c"}
    proposal = propose(get_tool("nos_case_control"), answers)
    assert proposal["domains"]["selection"]["score"] == 2
    assert proposal["domains"]["exposure"]["score"] == 2
    assert proposal["score"] == 5
    assert proposal["overall"]["judgement"] == "fair"


def test_nos_refuses_an_option_the_item_does_not_have():
    with pytest.raises(AnswerError, match="S4: 'c' is not one of a, b"):
        propose(get_tool("nos_cohort"), {**NOS_BEST, "S4": "c"})


def test_minors_totals_out_of_16_and_24():
    non_comparative = get_tool("minors_noncomparative")
    answers = {f"M{i}": v for i, v in zip(range(1, 9), "22120120", strict=True)}
    proposal = propose(non_comparative, answers)
    assert (proposal["score"], proposal["max_score"]) == (10, 16)
    assert proposal["overall"]["judgement"] is None
    assert proposal["domains"]["M3"] == {"judgement": None, "reason": "1 of 2", "score": 1,
                                         "max_score": 2}
    comparative = get_tool("minors_comparative")
    full = {**answers, "M9": "2", "M10": "2", "M11": "1", "M12": "2"}
    proposal = propose(comparative, full)
    assert (proposal["score"], proposal["max_score"]) == (17, 24)
    with pytest.raises(AnswerError, match="M9: no such question"):
        propose(non_comparative, full)
    partial = propose(comparative, answers)
    assert partial["complete"] is False
    assert partial["domains"]["M12"]["judgement"] is None
    with pytest.raises(AnswerError, match="M12: is asked but not answered"):
        validate_answers(comparative, answers)


def test_jbi_counts_yes_over_applicable_items_and_leaves_the_decision_open():
    tool = get_tool("jbi_case_series")
    answers = {f"J{i}": "yes" for i in range(1, 11)}
    answers.update({"J4": "unclear", "J5": "no", "J10": "not_applicable"})
    proposal = propose(tool, answers)
    assert (proposal["score"], proposal["max_score"]) == (7, 9)
    assert proposal["overall"]["judgement"] is None
    with pytest.raises(AnswerError, match="J1: 'maybe' is not one of yes, no, unclear"):
        propose(tool, {**answers, "J1": "maybe"})


def test_incomplete_scored_tools_keep_a_running_total_but_no_band():
    proposal = propose(get_tool("nos_cohort"), {"S1": "a", "S2": "a"})
    assert proposal["complete"] is False
    assert (proposal["score"], proposal["max_score"]) == (0, 0)
    assert proposal["overall"]["judgement"] is None
    assert "selection" in proposal["overall"]["reason"]
    minors = propose(get_tool("minors_noncomparative"), {"M1": "2"})
    assert (minors["score"], minors["max_score"]) == (2, 2)
    assert minors["overall"]["judgement"] is None and "score" not in minors["overall"]

"""QUADAS-2: risk of bias from signalling questions, applicability concerns, overall."""
import itertools

from extraction.rob import get_tool, propose

ALL_YES = {"1.1": "yes", "1.2": "yes", "1.3": "yes", "1.A": "low", "2.1": "yes", "2.2": "yes",
           "2.A": "low", "3.1": "yes", "3.2": "yes", "3.A": "low", "4.1": "yes", "4.2": "yes",
           "4.3": "yes", "4.4": "yes"}


def test_domain_is_low_only_when_every_signalling_question_is_yes():
    tool = get_tool("quadas2")
    for values in itertools.product(["yes", "no", "unclear"], repeat=3):
        answers = {**ALL_YES, "1.1": values[0], "1.2": values[1], "1.3": values[2]}
        got = propose(tool, answers)["domains"]["D1"]["judgement"]
        expected = ("low" if set(values) == {"yes"} else "high" if "no" in values
                    else "unclear")
        assert got == expected, values


def test_overall_risk_and_applicability():
    tool = get_tool("quadas2")
    proposal = propose(tool, ALL_YES)
    assert proposal["overall"]["judgement"] == "low"
    assert proposal["overall"]["applicability"] == "low"
    proposal = propose(tool, {**ALL_YES, "4.2": "unclear", "2.A": "unclear"})
    assert proposal["domains"]["D4"]["judgement"] == "unclear"
    assert "applicability" not in proposal["domains"]["D4"]
    assert proposal["domains"]["D2"]["applicability"] == "unclear"
    assert proposal["overall"]["judgement"] == "unclear"
    assert proposal["overall"]["applicability"] == "unclear"
    proposal = propose(tool, {**ALL_YES, "4.2": "unclear", "3.2": "no", "1.A": "high"})
    assert proposal["domains"]["D3"]["reason"].startswith("3.2 no")
    assert proposal["overall"]["judgement"] == "high"
    assert proposal["overall"]["applicability"] == "high"

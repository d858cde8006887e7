"""Bad answers are refused with the question and the reason."""
import pytest

from extraction.rob import AnswerError, ToolError, get_tool, validate_answers

from .test_rob2 import LOW_ANSWERS


def _errors(answers, tool="rob2", **kwargs):
    with pytest.raises(AnswerError) as info:
        validate_answers(get_tool(tool), answers, **kwargs)
    return dict(info.value.errors)


def test_complete_answers_come_back_with_na_for_questions_not_asked():
    clean = validate_answers(get_tool("rob2"), LOW_ANSWERS)
    assert clean["1.1"] == "Y" and clean["2.3"] == "NA" and clean["3.2"] == "NA"


def test_unknown_question_and_value_are_named():
    errors = _errors({**LOW_ANSWERS, "9.9": "Y", "1.1": "Maybe"})
    assert errors["9.9"] == "no such question in rob2"
    assert errors["1.1"] == "'Maybe' is not one of Y, PY, PN, N, NI"


def test_a_question_not_asked_cannot_be_answered():
    errors = _errors({**LOW_ANSWERS, "2.3": "Y"})
    assert errors["2.3"].startswith("not asked unless any of (2.1 is Y/PY/NI; 2.2 is Y/PY/NI)")


def test_an_asked_question_cannot_be_na_unless_the_tool_allows_it():
    errors = _errors({**LOW_ANSWERS, "2.1": "Y", "2.3": "NA"})
    assert errors["2.3"] == "is asked here, so it cannot be NA"
    adhering = {**{k: v for k, v in LOW_ANSWERS.items() if not k.startswith("2.")},
                "2.1": "Y", "2.2": "N", "2.3": "NA", "2.4": "NA", "2.5": "NA"}
    assert validate_answers(get_tool("rob2_adhering"), adhering)["2.3"] == "NA"


def test_missing_answers_are_errors_unless_partial():
    answers = {k: v for k, v in LOW_ANSWERS.items() if k != "4.2"}
    assert _errors(answers)["4.2"] == "is asked but not answered"
    clean = validate_answers(get_tool("rob2"), answers, partial=True)
    assert clean["4.2"] is None


def test_3_2_offers_no_no_information_answer():
    errors = _errors({**LOW_ANSWERS, "3.1": "N", "3.2": "NI"})
    assert errors["3.2"] == "'NI' is not one of Y, PY, PN, N"


def test_answers_must_be_strings_in_a_dict():
    assert "an answer is a string" in _errors({**LOW_ANSWERS, "1.1": 1})["1.1"]
    assert "answers must be a dict" in _errors(["Y"])["rob2"]


def test_unknown_tool_is_refused():
    with pytest.raises(ToolError, match="rob3: no such tool"):
        get_tool("rob3")

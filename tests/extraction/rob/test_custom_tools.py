"""Owner-defined tools: the same schema, checked, and proposed from like the published ones."""
import copy

import pytest

from extraction.rob import ToolError, final_judgements, propose, tools, validate_tool

CUSTOM = {
    "key": "lab_quality",
    "name": {"en": "Laboratory study quality", "zh": "实验室研究质量"},
    "family": "generic",
    "judgements": [
        {"value": "low", "label": {"en": "Low"}},
        {"value": "unclear", "label": {"en": "Unclear"}},
        {"value": "high", "label": {"en": "High"}},
    ],
    "overall_rule": "worst",
    "domains": [
        {"key": "blinding", "name": {"en": "Blinding"}, "rule": "worst_answer", "questions": [
            {"key": "b1", "text": {"en": "Were assessors blinded?"}, "options": [
                {"value": "yes", "label": {"en": "Yes"}, "judgement": "low"},
                {"value": "no", "label": {"en": "No"}, "judgement": "high"},
                {"value": "unsure", "label": {"en": "Unsure"}, "judgement": "unclear"}]},
            {"key": "b2", "text": {"en": "How?"}, "when": {"any": [{"q": "b1", "in": ["yes"]}]},
             "options": [{"value": "sham", "label": {"en": "Sham"}, "judgement": "low"},
                         {"value": "other", "label": {"en": "Other"}, "judgement": "unclear"}]},
        ]},
        {"key": "conduct", "name": {"en": "Conduct"}, "rule": "assessor", "questions": []},
    ],
}


def test_published_tools_pass_the_schema():
    for tool in tools().values():
        assert validate_tool(tool) is tool


def test_custom_tool_proposes_by_its_own_rules():
    tool = validate_tool(CUSTOM)
    proposal = propose(tool, {"b1": "yes", "b2": "other"})
    assert proposal["domains"]["blinding"]["judgement"] == "unclear"
    assert proposal["domains"]["conduct"]["judgement"] is None
    assert proposal["overall"]["judgement"] is None
    final = final_judgements(proposal, {"conduct": {"judgement": "high"}}, tool=tool)
    assert final["overall"]["final"] == "high"
    assert propose(tool, {"b1": "no"})["domains"]["blinding"]["judgement"] == "high"


def _broken(change):
    tool = copy.deepcopy(CUSTOM)
    change(tool)
    with pytest.raises(ToolError) as info:
        validate_tool(tool)
    return str(info.value)


def test_custom_tool_errors_name_the_place_and_reason():
    assert "domains[0].questions[1]: question key 'b1' is used twice" in _broken(
        lambda t: t["domains"][0]["questions"][1].update(key="b1"))
    assert "unknown rule 'magic'" in _broken(lambda t: t["domains"][1].update(rule="magic"))
    assert "may only refer to an earlier question" in _broken(
        lambda t: t["domains"][0]["questions"][1]["when"]["any"][0].update(q="zz"))
    assert "must be options of b1" in _broken(
        lambda t: t["domains"][0]["questions"][1]["when"]["any"][0].update(**{"in": ["maybe"]}))
    assert "maps to unknown judgement 'awful'" in _broken(
        lambda t: t["domains"][0]["questions"][0]["options"][1].update(judgement="awful"))
    assert "option 'yes' is listed twice" in _broken(
        lambda t: t["domains"][0]["questions"][0]["options"][1].update(value="yes"))
    assert "name: needs an English text" in _broken(lambda t: t.update(name="Lab"))
    assert "rule rob2 needs the judgements ['some_concerns']" in _broken(
        lambda t: t.update(overall_rule="rob2"))
    assert "needs a non-empty list of domains" in _broken(lambda t: t.update(domains=[]))
    assert "domains[1]: needs a unique key" in _broken(
        lambda t: t["domains"][1].update(key="blinding"))


def test_scored_custom_tool_needs_scores_and_a_matching_maximum():
    scored = {"key": "scored", "name": {"en": "Scored"}, "judgements": [],
              "overall_rule": "score_only", "domains": [
                  {"key": "d", "name": {"en": "D"}, "rule": "sum", "max_score": 3,
                   "questions": [{"key": "q", "text": {"en": "Q"}, "options": [
                       {"value": "0", "label": {"en": "0"}, "score": 0},
                       {"value": "2", "label": {"en": "2"}, "score": 2}]}]}]}
    with pytest.raises(ToolError, match="max_score 3 but the options add up to 2"):
        validate_tool(scored)
    scored["domains"][0]["max_score"] = 2
    assert propose(validate_tool(scored), {"q": "2"})["score"] == 2
    del scored["domains"][0]["questions"][0]["options"][0]["score"]
    with pytest.raises(ToolError, match="needs a score"):
        validate_tool(scored)


def test_published_tools_carry_english_and_chinese_and_flag_our_translations():
    for tool in tools().values():
        assert tool["translation"] == "unofficial", tool["key"]
        texts = [tool["name"]] + [j["label"] for j in tool["judgements"]]
        for domain in tool["domains"]:
            texts += [domain["name"], *([domain["guidance"]] if "guidance" in domain else [])]
            for question in domain["questions"]:
                texts += [question["text"], *[o["label"] for o in question["options"]]]
                if "guidance" in question:
                    texts.append(question["guidance"])
        for entry in texts:
            assert entry["en"].strip() and entry["zh"].strip(), (tool["key"], entry)


def test_published_tools_have_their_published_shape():
    shape = {key: [len(d["questions"]) for d in tool["domains"]]
             for key, tool in tools().items()}
    assert shape["rob2"] == [3, 7, 4, 5, 3]
    assert shape["rob2_adhering"] == [3, 6, 4, 5, 3]
    assert shape["robins_i"] == [8, 5, 3, 2, 5, 4, 3]
    assert shape["robins_i_adhering"] == [8, 5, 3, 4, 5, 4, 3]
    assert shape["nos_cohort"] == shape["nos_case_control"] == [4, 1, 3]
    assert len(shape["minors_noncomparative"]) == 8 and len(shape["minors_comparative"]) == 12
    assert len(shape["jbi_case_series"]) == 10
    assert shape["quadas2"] == [4, 3, 3, 4]


def test_guidance_and_translation_flag_are_checked():
    tool = copy.deepcopy(CUSTOM)
    tool["translation"] = "machine"
    tool["domains"][0]["guidance"] = {"zh": "只有中文"}
    with pytest.raises(ToolError) as info:
        validate_tool(tool)
    assert ("translation", "is 'official' or 'unofficial'") in info.value.errors
    assert any(where == "domains[0].guidance" for where, _ in info.value.errors)

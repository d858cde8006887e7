"""ROBINS-I (2016): the published overall rule over every combination of the 7 domain
judgements, the domain 1 shortcut, and the assessor's judgements where the tool gives no
algorithm."""
import itertools

import pytest

from extraction.rob import final_judgements, get_tool, propose
from extraction.rob.errors import OverrideError
from extraction.rob.overall import robins_i as robins_overall

from .tables import complete_answer_sets, load, row_matches

TABLES = load("robins_i_tables.json")
LEVELS = ["low", "moderate", "serious", "critical", "no_information"]
ANSWERS = {
    "1.1": "N", "2.1": "N", "2.4": "Y", "3.1": "Y", "3.2": "Y", "3.3": "N", "4.1": "N",
    "5.1": "Y", "5.2": "N", "5.3": "N", "6.1": "N", "6.2": "N", "6.3": "Y", "6.4": "N",
    "7.1": "N", "7.2": "N", "7.3": "N",
}


def test_overall_follows_every_row_of_the_published_table_for_every_combination():
    tool = get_tool("robins_i")
    keys = [d["key"] for d in tool["domains"]]
    hits = [0] * len(TABLES["overall"])
    for combo in itertools.product(LEVELS, repeat=7):
        rows = [i for i, r in enumerate(TABLES["overall"])
                if set(combo) <= set(r["only"]) and set(combo) & set(r["some"])]
        assert len(rows) == 1, combo
        hits[rows[0]] += 1
        domains = {k: {"judgement": j} for k, j in zip(keys, combo, strict=True)}
        assert robins_overall(tool, domains)["judgement"] == \
            TABLES["overall"][rows[0]]["judgement"], combo
    assert all(hits)


def test_domain_1_follows_the_published_shortcut_over_every_answer_set():
    tool = get_tool("robins_i")
    domain = tool["domains"][0]
    for answers in complete_answer_sets(tool, "D1", ANSWERS):
        rows = [r for r in TABLES["D1"] if row_matches(r, answers, domain["questions"])]
        assert len(rows) == 1
        assert propose(tool, answers)["domains"]["D1"]["judgement"] == rows[0]["judgement"]


def test_domains_without_an_algorithm_wait_for_the_assessor():
    proposal = propose(get_tool("robins_i"), ANSWERS)
    assert proposal["complete"]
    assert proposal["domains"]["D1"]["judgement"] == "low"
    assert all(proposal["domains"][k]["judgement"] is None for k in
               ("D2", "D3", "D4", "D5", "D6", "D7"))
    assert proposal["overall"]["judgement"] is None


def test_assessor_judgements_fill_the_domains_and_give_the_overall():
    proposal = propose(get_tool("robins_i"), {**ANSWERS, "1.1": "Y", "1.2": "N", "1.4": "Y",
                                              "1.5": "Y", "1.6": "N"})
    judged = {"D1": "moderate", "D2": "low", "D3": "low", "D4": "low",
              "D5": "no_information", "D6": "serious", "D7": "low"}
    final = final_judgements(proposal, {k: {"judgement": v} for k, v in judged.items()})
    assert {k: d["final"] for k, d in final["domains"].items()} == judged
    assert final["domains"]["D2"]["source"] == "assessor"
    assert final["overall"]["final"] == "serious"
    # No information in a domain that is not a key one: the assessor may say moderate.
    judged["D6"] = "moderate"
    final = final_judgements(proposal, {**{k: {"judgement": v} for k, v in judged.items()},
                                        "overall": {"judgement": "moderate",
                                                    "reason": "D5 is not a key domain"}})
    assert final["overall"]["proposed"] == "no_information"
    assert final["overall"]["final"] == "moderate"


def test_overriding_the_domain_1_shortcut_needs_a_reason():
    proposal = propose(get_tool("robins_i"), ANSWERS)
    with pytest.raises(OverrideError, match="D1: overriding the proposed judgement needs"):
        final_judgements(proposal, {"D1": {"judgement": "serious", "reason": "  "}})
    with pytest.raises(OverrideError, match="'some_concerns' is not one of"):
        final_judgements(proposal, {"D2": {"judgement": "some_concerns"}})
    with pytest.raises(OverrideError, match="D9: no such domain"):
        final_judgements(proposal, {"D9": {"judgement": "low"}})


def test_time_varying_confounding_questions_follow_the_splitting_answers():
    tool = get_tool("robins_i")
    answers = {**ANSWERS, "1.1": "Y", "1.2": "Y", "1.3": "Y", "1.7": "N"}
    assert propose(tool, answers)["complete"]
    with pytest.raises(Exception, match="1.4: not asked unless"):
        propose(tool, {**answers, "1.4": "Y"})


def test_adhering_variant_asks_the_adherence_questions_in_domain_4():
    tool = get_tool("robins_i_adhering")
    answers = {k: v for k, v in ANSWERS.items() if k != "4.1"}
    answers.update({"4.3": "Y", "4.4": "N", "4.5": "Y", "4.6": "PY"})
    assert propose(tool, answers)["complete"]
    with pytest.raises(Exception, match="4.1: no such question"):
        propose(tool, {**answers, "4.1": "N"})

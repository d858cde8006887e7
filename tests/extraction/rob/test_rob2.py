"""RoB 2: every row of the published domain algorithms, checked over every complete way to
answer each domain, and the overall rule over every combination of domain judgements."""
import itertools

import pytest

from extraction.rob import final_judgements, get_tool, propose, validate_answers
from extraction.rob.errors import OverrideError

from .tables import complete_answer_sets, domain_of, load, row_matches

TABLES = load("rob2_decision_tables.json")
LOW_ANSWERS = {
    "1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "N", "2.2": "N", "2.6": "Y", "3.1": "Y",
    "4.1": "N", "4.2": "N", "4.3": "N", "5.1": "Y", "5.2": "N", "5.3": "N",
}
LOW_ADHERING = {**{k: v for k, v in LOW_ANSWERS.items() if not k.startswith("2.")},
                "2.1": "N", "2.2": "N", "2.4": "N", "2.5": "N"}


def _check_domain(tool, domain_key, baseline, expected_for):
    questions = domain_of(tool, domain_key)["questions"]
    seen_rows = set()
    count = 0
    for answers in complete_answer_sets(tool, domain_key, baseline):
        validate_answers(tool, answers)  # every enumerated set is a valid, complete one
        expected, rows = expected_for(answers, questions)
        assert len(rows) == 1, f"{answers} matches rows {rows} of the table"
        seen_rows.update(rows)
        got = propose(tool, answers)["domains"][domain_key]["judgement"]
        assert got == expected, f"{domain_key} {answers}: expected {expected}, got {got}"
        count += 1
    return seen_rows, count


def _single_table(table):
    def expected_for(answers, questions):
        rows = [i for i, row in enumerate(table) if row_matches(row, answers, questions)]
        return (table[rows[0]]["judgement"] if rows else None), rows
    return expected_for


@pytest.mark.parametrize("domain_key", ["D1", "D3", "D4", "D5"])
def test_domain_algorithm_follows_every_row_of_the_published_table(domain_key):
    table = TABLES[domain_key]
    seen, count = _check_domain(get_tool("rob2"), domain_key, LOW_ANSWERS, _single_table(table))
    assert seen == set(range(len(table))), "a table row no answer set reaches"
    assert count >= len(table)


def test_domain_2_assignment_combines_both_parts_as_published():
    part1, part2 = TABLES["D2_assignment_part1"], TABLES["D2_assignment_part2"]
    combine = {(r["part1"], r["part2"]): r["judgement"] for r in TABLES["D2_assignment_combine"]}

    def expected_for(answers, questions):
        rows1 = [i for i, r in enumerate(part1) if row_matches(r, answers, questions)]
        rows2 = [i for i, r in enumerate(part2) if row_matches(r, answers, questions)]
        assert len(rows1) == 1 and len(rows2) == 1, answers
        key = (part1[rows1[0]]["judgement"], part2[rows2[0]]["judgement"])
        return combine[key], [(rows1[0], rows2[0])]

    seen, _ = _check_domain(get_tool("rob2"), "D2", LOW_ANSWERS, expected_for)
    assert {a for a, _ in seen} == set(range(len(part1)))
    assert {b for _, b in seen} == set(range(len(part2)))


def test_domain_2_adhering_follows_every_row_of_the_published_table():
    table = TABLES["D2_adhering"]
    seen, _ = _check_domain(get_tool("rob2_adhering"), "D2", LOW_ADHERING,
                            _single_table(table))
    assert seen == set(range(len(table)))


def _answers_giving(tool_key, domain_key, judgement):
    """One answer set for a domain that the table maps to `judgement`."""
    tool = get_tool(tool_key)
    for answers in complete_answer_sets(tool, domain_key, LOW_ANSWERS):
        if propose(tool, answers)["domains"][domain_key]["judgement"] == judgement:
            return {k: v for k, v in answers.items() if k.startswith(domain_key[1] + ".")}
    raise AssertionError(f"no answers give {judgement} in {domain_key}")


def test_overall_follows_the_published_rule_for_every_combination_of_domains():
    tool = get_tool("rob2")
    levels = ["low", "some_concerns", "high"]
    keys = [d["key"] for d in tool["domains"]]
    pieces = {(k, j): _answers_giving("rob2", k, j) for k in keys for j in levels}
    for combo in itertools.product(levels, repeat=len(keys)):
        answers = {}
        for key, judgement in zip(keys, combo, strict=True):
            answers.update(pieces[(key, judgement)])
        proposal = propose(tool, answers)
        assert [proposal["domains"][k]["judgement"] for k in keys] == list(combo)
        rows = [r for r in TABLES["overall"]
                if set(combo) <= set(r["only"]) and set(combo) & set(r["some"])]
        assert len(rows) == 1
        assert proposal["overall"]["judgement"] == rows[0]["judgement"], combo
        several_concerns = combo.count("some_concerns") > 1 and "high" not in combo
        assert (proposal["overall"].get("may_raise_to") == "high") == several_concerns


def test_assessor_may_raise_several_some_concerns_to_high_with_a_reason():
    answers = {**LOW_ANSWERS, "1.2": "NI", "5.1": "NI"}
    proposal = propose(get_tool("rob2"), answers)
    assert proposal["overall"]["judgement"] == "some_concerns"
    with pytest.raises(OverrideError, match="needs a reason"):
        final_judgements(proposal, {"overall": {"judgement": "high"}})
    final = final_judgements(proposal, {"overall": {"judgement": "high",
                                                    "reason": "D1 and D5 together"}})
    assert final["overall"]["proposed"] == "some_concerns"
    assert final["overall"]["final"] == "high"
    assert final["overall"]["kind"] == "escalation"


def test_domain_override_re_derives_the_overall_proposal_and_keeps_both():
    proposal = propose(get_tool("rob2"), LOW_ANSWERS)
    assert proposal["overall"]["judgement"] == "low"
    final = final_judgements(proposal, {"D3": {"judgement": "high",
                                               "reason": "differential dropout"}})
    assert final["domains"]["D3"]["proposed"] == "low"
    assert final["domains"]["D3"]["final"] == "high"
    assert final["domains"]["D3"]["override_reason"] == "differential dropout"
    assert final["overall"]["proposed"] == "high"
    assert final["overall"]["final"] == "high" and not final["overall"]["overridden"]


def test_incomplete_answers_leave_the_domain_and_overall_open():
    answers = dict(LOW_ANSWERS)
    del answers["1.3"]
    proposal = propose(get_tool("rob2"), answers)
    assert proposal["complete"] is False
    assert proposal["domains"]["D1"] == {"judgement": None, "reason": "unanswered: 1.3"}
    assert proposal["domains"]["D2"]["judgement"] == "low"
    assert proposal["overall"]["judgement"] is None

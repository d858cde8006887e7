"""Any answers dict either validates or is refused with AnswerError; propose never crashes."""
from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.rob import AnswerError, propose, tools

TOOLS = list(tools().values())
KEYS = sorted({q["key"] for t in TOOLS for d in t["domains"] for q in d["questions"]}
              | {"x", ""})
VALUES = sorted({o["value"] for t in TOOLS for d in t["domains"] for q in d["questions"]
                 for o in q["options"]} | {"NA", "", "yes "})


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TOOLS),
       st.dictionaries(st.sampled_from(KEYS),
                       st.one_of(st.sampled_from(VALUES), st.none(), st.integers()),
                       max_size=25))
def test_propose_accepts_or_refuses_cleanly(tool, answers):
    try:
        proposal = propose(tool, answers)
    except AnswerError as error:
        assert error.errors and all(where and reason for where, reason in error.errors)
        return
    assert set(proposal["domains"]) == {d["key"] for d in tool["domains"]}
    judgements = {j["value"] for j in tool["judgements"]}
    for domain in proposal["domains"].values():
        assert domain["judgement"] is None or domain["judgement"] in judgements
    if not proposal["complete"]:
        assert proposal["overall"]["judgement"] is None

"""Helpers that read the published decision tables under data/ and enumerate answers."""
import json
from pathlib import Path

from extraction.rob.schema import applies

DATA = Path(__file__).parent / "data"


def load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def cell_values(spec, question):
    """The answers a table cell covers; "NA" means the question is not asked."""
    if spec == "any":
        return {o["value"] for o in question["options"]}
    return set(spec.split("/"))


def domain_of(tool, key):
    return next(d for d in tool["domains"] if d["key"] == key)


def complete_answer_sets(tool, domain_key, baseline):
    """Every complete, valid way to answer one domain, the other domains as in `baseline`.
    Questions the tool does not ask are left out."""
    questions = domain_of(tool, domain_key)["questions"]
    others = {k: v for k, v in baseline.items()
              if k not in {q["key"] for q in questions}}

    def walk(i, state):
        if i == len(questions):
            yield {k: v for k, v in state.items() if v != "NA" or k in _na_options(questions)}
            return
        question = questions[i]
        if applies(question, state) is False:
            yield from walk(i + 1, {**state, question["key"]: "NA"})
            return
        for value in [o["value"] for o in question["options"]]:
            yield from walk(i + 1, {**state, question["key"]: value})

    yield from walk(0, dict(others))


def _na_options(questions):
    return {q["key"] for q in questions if any(o["value"] == "NA" for o in q["options"])}


def row_matches(row, answers, questions):
    by_key = {q["key"]: q for q in questions}
    for key, spec in row.items():
        if key in by_key and answers.get(key, "NA") not in cell_values(spec, by_key[key]):
            return False
    return True

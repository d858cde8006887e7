"""Risk-of-bias test helpers: a team whose review uses NOS (cohort) and RoB 2, answer sets
that respect each tool's conditional questions, and a paired assessment."""
from extraction import rob
from extraction.rob import services as rob_services
from extraction.services import study_for_record


def holds(when, answers):
    if not when:
        return True
    [(mode, clauses)] = when.items()
    tests = [answers.get(c["q"]) in c["in"] for c in clauses]
    return any(tests) if mode == "any" else all(tests)


def answer_all(tool, **given):
    """A complete answer set: `given` where named, else the first option;
    questions whose condition fails are left out."""
    answers = {}
    for domain in tool["domains"]:
        for q in domain["questions"]:
            if not holds(q.get("when"), answers):
                continue
            name = "_" + q["key"].replace(".", "_")  # 1.1 is given as _1_1
            answers[q["key"]] = given.get(name, given.get(q["key"], q["options"][0]["value"]))
    return answers


# NOS cohort: selection 4, comparability 1, outcome 3 -> good (AHRQ).
NOS_GOOD = {"S1": "a", "S2": "a", "S3": "a", "S4": "a", "C1": "main", "O1": "a", "O2": "a",
            "O3": "a"}


def with_rob_tools(team):
    """The extraction team (fixture ex_team) with NOS cohort and RoB 2 chosen and a study
    for each included report."""
    owner = team.users["owner"]
    rob_services.rob_tools_update(actor=owner, review=team.review, keys=["nos_cohort", "rob2"])
    team.studies = [study_for_record(review=team.review, record_id=r.id) for r in team.records]
    team.nos = rob.get_tool("nos_cohort")
    team.rob2 = rob.get_tool("rob2")
    return team


def assess(team, persona, study, answers, *, tool="nos_cohort", overrides=None, submit=True,
           outcome=None, support=None):
    user = team.users[persona]
    mine = rob_services.rob_assessment_start(actor=user, review=team.review, tool_key=tool,
                                             study_id=study.id,
                                             outcome_id=outcome.id if outcome else None)
    rob_services.rob_assessment_save(actor=user, review=team.review, assessment_id=mine.id,
                                     answers=answers, overrides=overrides, support=support)
    if submit:
        return rob_services.rob_assessment_submit(actor=user, review=team.review,
                                                  assessment_id=mine.id)
    mine.refresh_from_db()
    return mine

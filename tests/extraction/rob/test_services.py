"""Risk-of-bias services: tools, pairing, blinding, overrides, consensus, audit."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from extraction.models import ExtractionSettings, RobAssessment
from extraction.rob import selectors as rob_selectors
from extraction.rob import services as rob_services
from reviews.models import AuditEvent

from .support import NOS_GOOD, answer_all, assess, with_rob_tools

pytestmark = pytest.mark.django_db


@pytest.fixture
def rob_team(ex_team):
    return with_rob_tools(ex_team)


def _consensus(study):
    return RobAssessment.objects.get(target__study=study, kind="consensus")


def test_only_the_owner_chooses_tools_and_unknown_ones_are_refused(rob_team):
    with pytest.raises(PermissionDenied):
        rob_services.rob_tools_update(actor=rob_team.users["reviewer"], review=rob_team.review,
                                      keys=["rob2"])
    with pytest.raises(ValidationError):
        rob_services.rob_tools_update(actor=rob_team.users["owner"], review=rob_team.review,
                                      keys=["no_such_tool"])
    keys = [t["key"] for t in rob_selectors.review_tools(review=rob_team.review)]
    assert keys == ["nos_cohort", "rob2"]


def test_a_tool_in_use_cannot_be_dropped(rob_team):
    assess(rob_team, "reviewer", rob_team.studies[0], NOS_GOOD, submit=False)
    with pytest.raises(ValidationError):
        rob_services.rob_tools_update(actor=rob_team.users["owner"], review=rob_team.review,
                                      keys=["rob2"])


def test_a_custom_tool_is_validated_and_then_usable(rob_team):
    owner = rob_team.users["owner"]
    bad = {"key": "my_tool", "domains": []}
    with pytest.raises(ValidationError):
        rob_services.rob_custom_tool_save(actor=owner, review=rob_team.review, definition=bad)
    tool = {
        "key": "my_tool", "family": "generic", "name": {"en": "Mine"}, "version": "1",
        "judgements": [{"value": "low", "label": {"en": "Low"}},
                       {"value": "high", "label": {"en": "High"}}],
        "overall_rule": "worst",
        "domains": [{"key": "A", "name": {"en": "Blinding"}, "rule": "worst_answer",
                     "questions": [{"key": "a1", "text": {"en": "Blinded?"}, "options": [
                         {"value": "yes", "label": {"en": "Yes"}, "judgement": "low"},
                         {"value": "no", "label": {"en": "No"}, "judgement": "high"}]}]}],
    }
    rob_services.rob_custom_tool_save(actor=owner, review=rob_team.review, definition=tool)
    done = assess(rob_team, "reviewer", rob_team.studies[0], {"a1": "no"}, tool="my_tool")
    assert done.result["overall"]["final"] == "high"


def test_rob2_is_assessed_per_result_and_needs_an_outcome(rob_team):
    with pytest.raises(ValidationError):
        rob_services.rob_assessment_start(actor=rob_team.users["reviewer"],
                                          review=rob_team.review, tool_key="rob2",
                                          study_id=rob_team.studies[0].id)
    a = rob_services.rob_assessment_start(actor=rob_team.users["reviewer"],
                                          review=rob_team.review, tool_key="rob2",
                                          study_id=rob_team.studies[0].id,
                                          outcome_id=rob_team.mrss.id, result="ITT 6 months")
    b = rob_services.rob_assessment_start(actor=rob_team.users["reviewer"],
                                          review=rob_team.review, tool_key="rob2",
                                          study_id=rob_team.studies[0].id,
                                          outcome_id=rob_team.du.id)
    assert a.target_id != b.target_id
    assert a.target.slot == f"{rob_team.mrss.id}:ITT 6 months"


def test_two_assessors_at_most_and_a_third_is_refused(rob_team):
    study = rob_team.studies[0]
    assess(rob_team, "reviewer", study, NOS_GOOD, submit=False)
    assess(rob_team, "adjudicator", study, NOS_GOOD, submit=False)
    with pytest.raises(ValidationError):
        assess(rob_team, "owner", study, NOS_GOOD, submit=False)


def test_an_override_of_a_proposal_needs_a_reason_and_both_are_kept(rob_team):
    user, study = rob_team.users["reviewer"], rob_team.studies[0]
    mine = assess(rob_team, "reviewer", study, NOS_GOOD, submit=False)
    with pytest.raises(ValidationError) as refused:
        rob_services.rob_assessment_save(actor=user, review=rob_team.review,
                                         assessment_id=mine.id,
                                         overrides={"overall": {"judgement": "fair"}})
    assert "overall" in refused.value.message_dict
    rob_services.rob_assessment_save(
        actor=user, review=rob_team.review, assessment_id=mine.id,
        overrides={"overall": {"judgement": "fair", "reason": "single arm, no controls"}})
    mine.refresh_from_db()
    overall = mine.result["overall"]
    assert (overall["proposed"], overall["final"], overall["overridden"]) == \
        ("good", "fair", True)
    assert overall["override_reason"] == "single arm, no controls"


def test_robins_i_domains_without_an_algorithm_must_be_judged_before_submitting(rob_team):
    owner = rob_team.users["owner"]
    rob_services.rob_tools_update(actor=owner, review=rob_team.review,
                                  keys=["nos_cohort", "rob2", "robins_i"])
    answers = answer_all(rob_services.rob.get_tool("robins_i"), _1_1="N")
    mine = assess(rob_team, "reviewer", rob_team.studies[0], answers, tool="robins_i",
                  submit=False)
    with pytest.raises(ValidationError) as refused:
        rob_services.rob_assessment_submit(actor=rob_team.users["reviewer"],
                                           review=rob_team.review, assessment_id=mine.id)
    assert {"D2", "D7"} <= set(refused.value.message_dict)
    judged = {f"D{n}": {"judgement": "moderate", "reason": "per criteria"} for n in range(2, 8)}
    rob_services.rob_assessment_save(actor=rob_team.users["reviewer"], review=rob_team.review,
                                     assessment_id=mine.id, overrides=judged)
    done = rob_services.rob_assessment_submit(actor=rob_team.users["reviewer"],
                                              review=rob_team.review, assessment_id=mine.id)
    assert done.result["domains"]["D1"]["final"] == "low"
    assert done.result["overall"]["final"] == "moderate"


def test_an_assessor_cannot_see_the_other_until_both_submit(rob_team):
    study = rob_team.studies[0]
    a = assess(rob_team, "reviewer", study, NOS_GOOD)
    b = assess(rob_team, "adjudicator", study, NOS_GOOD, submit=False)
    settings = rob_selectors.settings_of(rob_team.review)
    assert not rob_selectors.may_see(user=rob_team.users["adjudicator"], assessment=a,
                                     settings=settings)
    assert not rob_selectors.may_see(user=rob_team.users["reviewer"], assessment=b,
                                     settings=settings)
    rob_services.rob_assessment_submit(actor=rob_team.users["adjudicator"],
                                       review=rob_team.review, assessment_id=b.id)
    assert rob_selectors.may_see(user=rob_team.users["adjudicator"], assessment=a,
                                 settings=settings)


def test_the_audit_log_names_questions_not_answers_while_blinded(rob_team):
    study = rob_team.studies[0]
    assess(rob_team, "reviewer", study, {**NOS_GOOD, "C1": "main_and_additional"},
           support={"C1": {"quote": "matched on age", "page": "4"}})
    events = AuditEvent.objects.filter(verb__startswith="rob.")
    text = " ".join(str(e.before) + str(e.after) for e in events)
    assert "main_and_additional" not in text and "matched on age" not in text
    assert any("C1" in e.after["answers_changed"] for e in events.filter(verb="rob.save"))
    assess(rob_team, "owner", study, NOS_GOOD)
    start = AuditEvent.objects.get(verb="rob.consensus_start")
    assert start.after["assessments"]["reviewer"]["answers"]["C1"] == "main_and_additional"


def test_agreeing_assessors_make_a_consensus_at_once(rob_team):
    study = rob_team.studies[0]
    assess(rob_team, "reviewer", study, NOS_GOOD)
    assess(rob_team, "adjudicator", study, NOS_GOOD)
    consensus = _consensus(study)
    assert consensus.status == "submitted"
    assert consensus.result["overall"]["final"] == "good"


def test_a_difference_waits_for_someone_who_is_not_an_assessor(rob_team):
    study = rob_team.studies[0]
    assess(rob_team, "reviewer", study, NOS_GOOD)
    assess(rob_team, "owner", study, {**NOS_GOOD, "C1": "none"})
    consensus = _consensus(study)
    assert consensus.status == "in_progress"
    rows = rob_selectors.comparison(target=consensus.target)
    assert [(r["key"], r["a"], r["b"], r["needs_decision"]) for r in rows] == [
        ("q:C1", "main", "none", True), ("j:overall", "good", "poor", False)]
    with pytest.raises(PermissionDenied):  # the owner assessed it
        rob_services.rob_consensus_decide(actor=rob_team.users["owner"],
                                          review=rob_team.review, target_id=consensus.target_id,
                                          key="q:C1", source="a")
    with pytest.raises(PermissionDenied):  # a reviewer may not settle
        rob_services.rob_consensus_decide(actor=rob_team.users["viewer"],
                                          review=rob_team.review, target_id=consensus.target_id,
                                          key="q:C1", source="a")
    settled = rob_services.rob_consensus_decide(
        actor=rob_team.users["adjudicator"], review=rob_team.review,
        target_id=consensus.target_id, key="q:C1", source="b")
    assert settled.status == "submitted"
    assert settled.answers["C1"] == "none"
    assert settled.result["overall"]["final"] == "poor"  # follows the settled answer
    assert AuditEvent.objects.filter(verb="rob.consensus_decide",
                                     after__value="none").exists()


def test_an_overridden_judgement_that_differs_needs_its_own_decision(rob_team):
    study = rob_team.studies[0]
    assess(rob_team, "reviewer", study, NOS_GOOD,
           overrides={"overall": {"judgement": "fair", "reason": "no control group"}})
    assess(rob_team, "owner", study, NOS_GOOD)
    consensus = _consensus(study)
    assert rob_services.open_differences(consensus) == ["j:overall"]
    with pytest.raises(ValidationError):  # typed without a reason
        rob_services.rob_consensus_decide(actor=rob_team.users["adjudicator"],
                                          review=rob_team.review, target_id=consensus.target_id,
                                          key="j:overall", source="typed", value="poor")
    settled = rob_services.rob_consensus_decide(
        actor=rob_team.users["adjudicator"], review=rob_team.review,
        target_id=consensus.target_id, key="j:overall", source="a")
    overall = settled.result["overall"]
    assert (overall["proposed"], overall["final"]) == ("good", "fair")
    assert overall["override_reason"] == "no control group"
    assert settled.status == "submitted"


def test_nothing_is_written_while_extraction_is_locked(rob_team):
    ExtractionSettings.objects.update_or_create(review=rob_team.review,
                                                defaults={"locked": True})
    with pytest.raises(ValidationError):
        assess(rob_team, "reviewer", rob_team.studies[0], NOS_GOOD, submit=False)


def test_verification_mode_needs_one_assessor_and_a_checker(rob_team):
    ExtractionSettings.objects.update_or_create(review=rob_team.review,
                                                defaults={"mode": "verify"})
    study = rob_team.studies[0]
    assess(rob_team, "reviewer", study, NOS_GOOD)
    consensus = _consensus(study)
    assert consensus.status == "in_progress"
    with pytest.raises(PermissionDenied):
        rob_services.rob_consensus_verify(actor=rob_team.users["reviewer"],
                                          review=rob_team.review, target_id=consensus.target_id)
    rob_services.rob_consensus_decide(actor=rob_team.users["owner"], review=rob_team.review,
                                      target_id=consensus.target_id, key="q:C1",
                                      source="typed", value="none")
    done = rob_services.rob_consensus_verify(actor=rob_team.users["owner"],
                                             review=rob_team.review,
                                             target_id=consensus.target_id)
    assert done.status == "submitted" and done.result["overall"]["final"] == "poor"


def test_withdrawing_is_refused_once_consensus_started(rob_team):
    study = rob_team.studies[0]
    a = assess(rob_team, "reviewer", study, NOS_GOOD)
    back = rob_services.rob_assessment_withdraw(actor=rob_team.users["reviewer"],
                                                review=rob_team.review, assessment_id=a.id)
    assert back.status == "in_progress"
    rob_services.rob_assessment_submit(actor=rob_team.users["reviewer"],
                                       review=rob_team.review, assessment_id=a.id)
    assess(rob_team, "adjudicator", study, NOS_GOOD)
    with pytest.raises(ValidationError):
        rob_services.rob_assessment_withdraw(actor=rob_team.users["reviewer"],
                                             review=rob_team.review, assessment_id=a.id)


def test_nobody_edits_another_persons_assessment(rob_team):
    a = assess(rob_team, "reviewer", rob_team.studies[0], NOS_GOOD, submit=False)
    with pytest.raises(PermissionDenied):
        rob_services.rob_assessment_save(actor=rob_team.users["adjudicator"],
                                         review=rob_team.review, assessment_id=a.id,
                                         answers={"C1": "none"})


def test_a_settled_answer_drops_a_question_it_no_longer_asks(rob_team):
    owner = rob_team.users["owner"]
    rob_services.rob_tools_update(actor=owner, review=rob_team.review,
                                  keys=["nos_cohort", "rob2", "robins_i"])
    tool = rob_services.rob.get_tool("robins_i")
    judged = {f"D{n}": {"judgement": "moderate", "reason": "per criteria"} for n in range(2, 8)}
    study = rob_team.studies[0]
    asked = answer_all(tool, _1_1="Y", _1_2="Y")  # 1.2 is asked after 1.1 Y
    assert "1.2" in asked
    assess(rob_team, "reviewer", study, asked, tool="robins_i",
           overrides={**judged, "D1": {"judgement": "moderate", "reason": "age only"}})
    assess(rob_team, "adjudicator", study, answer_all(tool, _1_1="N"), tool="robins_i",
           overrides=judged)
    consensus = RobAssessment.objects.get(kind="consensus")
    settle = {"actor": owner, "review": rob_team.review, "target_id": consensus.target_id}
    rob_services.rob_consensus_decide(key="q:1.2", source="a", **settle)
    settled = rob_services.rob_consensus_decide(key="q:1.1", source="b", **settle)
    assert settled.answers["1.1"] == "N" and "1.2" not in settled.answers
    assert settled.result["domains"]["D1"]["final"] == "low"  # no potential for confounding
    assert rob_services.open_differences(settled) == ["j:D1"]  # the override still waits


def test_a_custom_tool_set_aside_keeps_its_definition(rob_team):
    owner = rob_team.users["owner"]
    tool = {"key": "mine", "family": "generic", "name": {"en": "Mine"}, "version": "1",
            "judgements": [{"value": "low", "label": {"en": "Low"}},
                           {"value": "high", "label": {"en": "High"}}],
            "overall_rule": "worst",
            "domains": [{"key": "A", "name": {"en": "A"}, "rule": "worst_answer",
                         "questions": [{"key": "a1", "text": {"en": "?"}, "options": [
                             {"value": "y", "label": {"en": "Yes"}, "judgement": "low"}]}]}]}
    rob_services.rob_custom_tool_save(actor=owner, review=rob_team.review, definition=tool)
    rob_services.rob_tools_update(actor=owner, review=rob_team.review, keys=["nos_cohort"])
    assert [t["key"] for t in rob_selectors.review_tools(review=rob_team.review)] == \
        ["nos_cohort"]
    assert rob_selectors.custom_tools(review=rob_team.review) == [tool]
    rob_services.rob_tools_update(actor=owner, review=rob_team.review,
                                  keys=["nos_cohort", "mine"])
    assert rob_selectors.tool_for(rob_team.review, "mine") == tool

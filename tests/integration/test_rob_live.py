"""Risk-of-bias races on PostgreSQL with real threads."""
import pytest
from django.core.exceptions import ValidationError

from extraction.models import RobAssessment
from extraction.rob import services as rob_services
from extraction.services import study_for_record
from tests.extraction.conftest import include_at_full_text
from tests.extraction.rob.support import NOS_GOOD, assess
from tests.integration.test_screening_live import _together
from tests.screening.conftest import make_records

pytestmark = pytest.mark.integration


@pytest.fixture
def live_rob(live_team):
    owner, review = live_team.users["owner"], live_team.review
    [record] = make_records(review, owner, ["Granel 2015"])
    include_at_full_text([record])
    rob_services.rob_tools_update(actor=owner, review=review, keys=["nos_cohort"])
    live_team.study = study_for_record(review=review, record_id=record.id)
    return live_team


def test_two_assessors_submitting_at_once_make_one_consensus(live_rob):
    team = live_rob
    errors = _together(lambda: assess(team, "reviewer", team.study, NOS_GOOD),
                       lambda: assess(team, "adjudicator", team.study,
                                      {**NOS_GOOD, "C1": "none"}))
    assert errors == []
    individuals = RobAssessment.objects.filter(kind="individual")
    assert {a.status for a in individuals} == {"submitted"} and individuals.count() == 2
    consensus = RobAssessment.objects.get(kind="consensus")
    assert rob_services.open_differences(consensus) == ["q:C1"]


def test_three_people_starting_at_once_leave_two_assessors(live_rob):
    team = live_rob

    def start(persona):
        return lambda: rob_services.rob_assessment_start(
            actor=team.users[persona], review=team.review, tool_key="nos_cohort",
            study_id=team.study.id)

    errors = _together(start("reviewer"), start("adjudicator"), start("owner"))
    assert RobAssessment.objects.filter(kind="individual").count() == 2
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)

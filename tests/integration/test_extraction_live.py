"""Extraction races on PostgreSQL with real threads."""
import pytest

from extraction import services
from extraction.models import Cell, Extraction
from tests.extraction.conftest import STUDY_VALUES, include_at_full_text
from tests.integration.test_screening_live import _together
from tests.screening.conftest import make_records

pytestmark = pytest.mark.integration


@pytest.fixture
def live_study(live_team):
    owner, review = live_team.users["owner"], live_team.review
    [record] = make_records(review, owner, ["Granel 2015"])
    include_at_full_text([record])
    services.form_from_template(actor=owner, review=review)
    outcome = services.outcome_save(actor=owner, review=review, name="mRSS")
    tps = [services.timepoint_save(actor=owner, review=review, label=f"{m} months", months=m)
           for m in (0, 3, 6, 12)]
    return live_team, record, outcome, tps


def _save(team, persona, record, outcome, tps, base):
    ex = services.extraction_start(actor=team.users[persona], review=team.review,
                                   record_id=record.id)
    arm = ex.study.arms.get()
    services.extraction_save(
        actor=team.users[persona], review=team.review, extraction_id=ex.id,
        values=STUDY_VALUES,
        cells=[{"outcome": outcome.id, "timepoint": t.id, "arm": arm.id,
                "values": {"n": 12, "mean": base + i, "sd": 2}} for i, t in enumerate(tps)])
    services.extraction_submit(actor=team.users[persona], review=team.review,
                               extraction_id=ex.id)


def test_two_extractors_saving_the_same_study_at_once_lose_nothing(live_study):
    team, record, outcome, tps = live_study
    errors = _together(lambda: _save(team, "reviewer", record, outcome, tps, 10),
                       lambda: _save(team, "adjudicator", record, outcome, tps, 20))
    assert errors == []
    individuals = Extraction.objects.filter(kind="individual")
    assert individuals.count() == 2 and {e.status for e in individuals} == {"submitted"}
    for e in individuals:
        assert Cell.objects.filter(extraction=e).count() == 4
        assert e.values["country"] == "France"
    # Both submitted at once: exactly one consensus, with every mean to settle.
    consensus = Extraction.objects.get(kind="consensus")
    assert len(services.open_differences(consensus)) == 4

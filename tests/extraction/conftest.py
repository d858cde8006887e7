"""Extraction fixtures: a team whose review has three reports included at full text, the
study template as its form, two outcomes and two time points."""
import pytest

from extraction import services
from screening.models import Item
from tests.screening.conftest import make_records

STUDY_VALUES = {"country": "France", "design": "single_arm", "n_patients": 12, "female": 12,
                "male": 0, "mean_age": 54.5, "msc_source": "SVF", "route": "IH"}


def include_at_full_text(records):
    for record in records:
        Item.objects.create(review=record.review, record=record, stage="ft", status="included",
                            decision="include")


@pytest.fixture
def ex_team(team):
    owner = team.users["owner"]
    records = make_records(team.review, owner, ["Granel 2015 SVF in SSc hands",
                                                "Park 2020 SVF for SSc",
                                                "Zhang 2017 UC-MSCs in SSc"])
    include_at_full_text(records)
    team.records = records
    services.form_from_template(actor=owner, review=team.review)
    team.mrss = services.outcome_save(actor=owner, review=team.review, name="mRSS",
                                      unit="points", direction="lower")
    team.du = services.outcome_save(actor=owner, review=team.review, name="Digital ulcers",
                                    type="dichotomous", direction="lower")
    team.baseline = services.timepoint_save(actor=owner, review=team.review, label="Baseline",
                                            months=0, is_baseline=True)
    team.m6 = services.timepoint_save(actor=owner, review=team.review, label="6 months",
                                      months=6)
    return team


def start(team, persona, record):
    return services.extraction_start(actor=team.users[persona], review=team.review,
                                     record_id=record.id)


def cell(team, extraction, timepoint, **values):
    arm = extraction.study.arms.first()
    return {"outcome": team.mrss.id, "timepoint": timepoint.id, "arm": arm.id, "values": values}


def fill_and_submit(team, persona, record, *, mean6=14.0, values=None):
    ex = start(team, persona, record)
    services.extraction_save(
        actor=team.users[persona], review=team.review, extraction_id=ex.id,
        values={**STUDY_VALUES, **(values or {})},
        cells=[cell(team, ex, team.baseline, n=12, mean=20.0, sd=6.0),
               cell(team, ex, team.m6, n=12, mean=mean6, sd=5.0)])
    return services.extraction_submit(actor=team.users[persona], review=team.review,
                                      extraction_id=ex.id)

"""The demo's searches and screening (synthesis.demo.screening), loaded once for the module:
seven databases, two reviewers, an adjudicator, nine studies in eleven reports."""
import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.test import override_settings

from reviews.models import Record, Search
from screening.models import Adjudication, Item, Study, StudyReport
from synthesis.demo.services import demo_load, demo_populate, demo_spec
from synthesis.prisma.flow import check_flow
from synthesis.prisma.selectors import prisma_flow

# The mark makes pytest-django create the test database even when only this module runs.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_review(django_db_setup, django_db_blocker, tmp_path_factory):
    """One load for every test here (it takes seconds), rolled back after the module; its
    export files go to a temporary media folder (the per-test one is not made yet)."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with media, django_db_blocker.unblock(), transaction.atomic():
        review, _passwords = demo_load()
        assert demo_populate(review) is True
        yield review
        transaction.set_rollback(True)


def test_the_demo_searches_its_seven_databases_on_the_reference_date_in_real_formats(demo_review):
    review = demo_review
    searches = Search.objects.filter(review=review).order_by("id")
    assert [(s.source, s.format) for s in searches] == [
        ("pubmed", "medline"), ("embase", "ris"), ("cochrane", "ris"), ("wos", "wos"),
        ("ovid", "ovid"), ("cnki", "noteexpress"), ("wanfang", "noteexpress")]
    assert {s.date_searched for s in searches} == {datetime.date(2021, 2, 1)}
    assert all(s.status == "done" and s.query and s.problem_count == 0 for s in searches)
    assert sum(s.record_count for s in searches) == Record.objects.filter(review=review).count()
    # Chinese records carry their English titles, and Wang 2013 found in both CNKI and
    # Wanfang is one record after de-duplication.
    wang = Study.objects.get(review=review, label="Wang 2013").reports.get().record
    assert "系统性硬化症" in wang.title and wang.title_translated.startswith("Umbilical cord")
    assert {wang.search.source, *(d.search.source for d in wang.duplicates.all())} == {
        "cnki", "wanfang"}


def test_the_demo_flow_adds_up_to_nine_studies_in_eleven_reports(demo_review):
    review = demo_review
    flow = prisma_flow(review=review)
    assert check_flow(flow) == []
    column = flow["databases_and_registers"]
    assert [s["name"] for s in column["sources"]] == [
        "PubMed/MEDLINE", "Embase", "Cochrane Library/CENTRAL",
        "Web of Science (Core Collection)", "Ovid (MEDLINE)", "CNKI", "Wanfang"]
    assert column["identified"] == Record.objects.filter(review=review).count()
    assert column["duplicates_removed"] == Record.objects.filter(
        review=review, duplicate_of__isnull=False).count() > 0
    # Screening is finished: nothing awaits a vote, one report could not be retrieved.
    assert (column["awaiting_screening"], column["awaiting_assessment"]) == (0, 0)
    assert column["not_retrieved"] == 1
    assert column["assessed"] == column["sought"] - 1
    reasons = {r["reason"]: r["n"] for r in column["reports_excluded"]}
    assert {"Wrong population", "Wrong intervention", "Wrong study design",
            "Duplicate report"} <= set(reasons)
    assert flow["included"] == {"studies": 9, "reports": 11}
    assert flow["duplicate_pairs_waiting"] == 0
    assert flow["other_methods"]["identified"] == 0


def test_the_demo_studies_are_the_reference_reviews_nine_with_granels_three_reports(demo_review):
    review = demo_review
    studies = {s.label: s.reports.count() for s in Study.objects.filter(review=review)}
    assert set(studies) == {s["study"] for s in demo_spec()["included_studies"]}
    assert studies.pop("Granel 2015") == 3
    assert set(studies.values()) == {1}
    included = Item.objects.filter(review=review, stage="ft", status="included")
    assert set(included.values_list("record_id", flat=True)) == set(
        StudyReport.objects.filter(study__review=review).values_list("record_id", flat=True))


def test_every_record_has_both_reviewers_votes_and_conflicts_went_to_the_adjudicator(demo_review):
    review = demo_review
    reviewers = {"demo-reviewer-1", "demo-reviewer-2"}
    ta_items = Item.objects.filter(review=review, stage="ta")
    assert ta_items.count() == Record.objects.filter(
        review=review, duplicate_of__isnull=True).count()
    for item in ta_items.prefetch_related("votes__reviewer"):
        assert sorted(v.reviewer.username for v in item.votes.all()) == sorted(reviewers)
        assert item.status in ("included", "excluded")
    adjudications = Adjudication.objects.filter(item__review=review)
    assert {a.adjudicator.username for a in adjudications} == {"demo-adjudicator"}
    assert all(a.note for a in adjudications)
    by_stage = Counter(a.item.stage for a in adjudications)
    assert 3 <= by_stage["ta"] <= 4 and 1 <= by_stage["ft"] <= 2
    assert not Item.objects.filter(review=review, status="conflict").exists()
    # Full text: two votes on every report retrieved; the one not retrieved has none.
    for item in Item.objects.filter(review=review, stage="ft"):
        assert item.votes.count() == (0 if item.not_retrieved else 2)
        assert item.settled != item.not_retrieved
    excluded = Item.objects.filter(review=review, stage="ft", status="excluded")
    assert excluded.exists() and not excluded.filter(reason__isnull=True).exists()

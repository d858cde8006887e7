"""Several reports of one study are linked; PRISMA counts studies and reports apart."""
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from screening import selectors, studies
from screening.models import Study

from .test_votes import ft_item, vote


def _include_full_texts(team, items):
    for item in items:
        ft = ft_item(team, item)
        vote(team, "reviewer", ft, "include")
        vote(team, "owner", ft, "include")


def test_two_reports_linked_count_as_one_study(screening_team):
    t = screening_team
    _include_full_texts(t, t.items)
    ids = [t.items[0].record_id, t.items[1].record_id]
    study = studies.study_link(actor=t.users["reviewer"], review_id=t.review.id,
                               record_ids=ids, label="Granel 2015")
    assert sorted(study.reports.values_list("record_id", flat=True)) == sorted(ids)
    counts = selectors.prisma_counts(review=t.review)
    assert (counts["reports_included"], counts["studies_included"]) == (3, 2)
    studies.study_unlink(actor=t.users["reviewer"], review_id=t.review.id, record_id=ids[0])
    assert selectors.prisma_counts(review=t.review)["studies_included"] == 3


def test_linking_to_a_linked_report_joins_its_study(screening_team):
    t = screening_team
    _include_full_texts(t, t.items)
    a, b, c = (i.record_id for i in t.items)
    first = studies.study_link(actor=t.users["reviewer"], review_id=t.review.id,
                               record_ids=[a, b], label="")
    second = studies.study_link(actor=t.users["reviewer"], review_id=t.review.id,
                                record_ids=[b, c], label="One trial")
    assert first.pk == second.pk and Study.objects.count() == 1
    assert second.reports.count() == 3


def test_only_included_reports_of_this_review_can_be_linked(screening_team):
    t = screening_team
    with pytest.raises(ValidationError):
        studies.study_link(actor=t.users["reviewer"], review_id=t.review.id,
                           record_ids=[t.items[0].record_id], label="x")
    with pytest.raises(Http404):
        studies.study_link(actor=t.users["outsider"], review_id=t.review.id,
                           record_ids=[t.items[0].record_id], label="x")


def test_the_studies_page_links_reports(screening_team):
    t = screening_team
    _include_full_texts(t, t.items[:2])
    ids = [str(t.items[0].record_id), str(t.items[1].record_id)]
    client = t.client("reviewer")
    client.post(f"/reviews/{t.review.id}/screening/studies/", {"records": ids,
                                                              "label": "Zhang 2017"})
    page = client.get(f"/reviews/{t.review.id}/screening/studies/").content.decode()
    assert page.count("Zhang 2017") == 2
    assert t.client("viewer").post(f"/reviews/{t.review.id}/screening/studies/",
                                   {"records": ids}).status_code == 403


def test_included_studies_carry_on_to_the_extraction_stage_of_the_review_home(screening_team):
    from synthesis.pipeline import stages_for_review


    t = screening_team
    extraction = {s.key: s for s in stages_for_review(review=t.review)}["extraction"]
    assert not extraction.started
    _include_full_texts(t, t.items[:2])
    extraction = {s.key: s for s in stages_for_review(review=t.review)}["extraction"]
    assert [v for _label, v in extraction.counts] == [2, 2, 0, 0]  # + consensus, conflicts
    records = [i.record_id for i in t.items[:2]]
    studies.study_link(actor=t.users["owner"], review_id=t.review.id, record_ids=records,
                       label="One trial, two reports")
    extraction = {s.key: s for s in stages_for_review(review=t.review)}["extraction"]
    assert [v for _label, v in extraction.counts] == [1, 2, 0, 0]
    home = t.client("viewer").get(f"/reviews/{t.review.id}/").content.decode()
    assert "Studies to extract" in home

"""A full-text report marked not retrieved leaves the queue and the count of records
needing votes (PRISMA already counted it apart); clearing the mark brings it back."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.errors import Conflict
from reviews.models import AuditEvent
from screening import counts, selectors, services
from screening.fulltexts import services as fulltext
from screening.models import Item, Vote

from ..test_votes import ft_item


def _recount(review, stage):
    counts.forget(review.id, stage, review.reviewers_per_record, now=True)
    return counts.team_counts(review, stage)


def test_a_report_not_retrieved_is_neither_needing_votes_nor_in_the_queue(
        screening_team, django_capture_on_commit_callbacks):
    t = screening_team
    ft = ft_item(t, t.items[0])
    progress = selectors.progress(user=t.users["owner"], review=t.review, stage="ft")
    assert (progress["pending"], progress["my_remaining"]) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        fulltext.fulltext_not_retrieved(actor=t.users["reviewer"], item_id=ft.id)
    progress = selectors.progress(user=t.users["owner"], review=t.review, stage="ft")
    assert (progress["pending"], progress["my_remaining"], progress["not_retrieved"]) == (
        0, 0, 1)
    assert progress == dict(progress, **{k: v for k, v in _recount(t.review, "ft").items()
                                          if k in progress})
    assert selectors.next_for_reviewer(user=t.users["owner"], review=t.review,
                                       stage="ft") is None
    assert not selectors.queue_for_reviewer(user=t.users["owner"], review=t.review,
                                            stage="ft").exists()
    overview = t.client("owner").get(f"/reviews/{t.review.id}/screening/").content.decode()
    assert 'id="screen-ft"' not in overview  # nothing to screen at full text
    assert selectors.prisma_counts(review=t.review)["not_retrieved"] == 1


def test_clearing_the_mark_brings_the_report_back(screening_team,
                                                  django_capture_on_commit_callbacks):
    t = screening_team
    ft = ft_item(t, t.items[0])
    counts.team_counts(t.review, "ft")  # counters primed: the change must move them
    with django_capture_on_commit_callbacks(execute=True):
        fulltext.fulltext_not_retrieved(actor=t.users["reviewer"], item_id=ft.id)
    with django_capture_on_commit_callbacks(execute=True):
        fulltext.fulltext_not_retrieved(actor=t.users["reviewer"], item_id=ft.id, value=False)
    assert counts.team_counts(t.review, "ft") == _recount(t.review, "ft")
    assert counts.team_counts(t.review, "ft")["pending"] == 1
    assert selectors.next_for_reviewer(user=t.users["owner"], review=t.review,
                                       stage="ft").id == ft.id


def test_a_report_not_retrieved_takes_no_vote_and_a_voted_report_cannot_be_marked(
        screening_team):
    # PRISMA counts reports not retrieved apart from reports assessed: never both.
    t = screening_team
    ft = ft_item(t, t.items[0])
    fulltext.fulltext_not_retrieved(actor=t.users["reviewer"], item_id=ft.id)
    with pytest.raises(Conflict, match="not retrieved"):
        services.vote_cast(actor=t.users["reviewer"], item_id=ft.id, decision="include")
    assert not Vote.objects.filter(item=ft).exists()
    fulltext.fulltext_not_retrieved(actor=t.users["reviewer"], item_id=ft.id, value=False)
    services.vote_cast(actor=t.users["reviewer"], item_id=ft.id, decision="include")
    with pytest.raises(Conflict, match="already has votes"):
        fulltext.fulltext_not_retrieved(actor=t.users["owner"], item_id=ft.id)
    assert not Item.objects.get(pk=ft.pk).not_retrieved


def test_attaching_the_full_text_clears_the_mark(screening_team):
    t = screening_team
    ft = ft_item(t, t.items[0])
    fulltext.fulltext_not_retrieved(actor=t.users["reviewer"], item_id=ft.id)
    pdf = SimpleUploadedFile("found.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    fulltext.fulltext_attach(actor=t.users["reviewer"], record_id=ft.record_id, upload=pdf)
    assert not Item.objects.get(pk=ft.pk).not_retrieved
    assert AuditEvent.objects.filter(verb="fulltext.not_retrieved",
                                     after={"not_retrieved": False}).count() == 1
    services.vote_cast(actor=t.users["reviewer"], item_id=ft.id, decision="include")

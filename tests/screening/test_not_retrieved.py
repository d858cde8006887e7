"""A full-text report marked not retrieved leaves the queue and the count of records
needing votes (PRISMA already counted it apart); clearing the mark brings it back."""
from screening import counts, fulltext, selectors

from .test_votes import ft_item


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

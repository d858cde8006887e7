"""Screening races on PostgreSQL with real threads."""
import threading

import pytest
from django.db import connection

from screening import services
from screening.models import Item, Vote
from tests.screening.conftest import RANKED_FIRST, RANKING_TITLES, make_records

pytestmark = pytest.mark.integration


@pytest.fixture
def live_items(live_team):
    make_records(live_team.review, live_team.users["owner"], ["A", "B", "C", "D", "E", "F"])
    services.items_sync(review=live_team.review)
    return live_team, list(Item.objects.filter(review=live_team.review).order_by("id"))


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        barrier.wait()
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_two_reviewers_voting_at_once_leave_both_votes_and_one_conflict(live_items):
    team, items = live_items
    for item in items:
        errors = _together(
            lambda i=item: services.vote_cast(actor=team.users["reviewer"], item_id=i.id,
                                              decision="include"),
            lambda i=item: services.vote_cast(actor=team.users["adjudicator"], item_id=i.id,
                                              decision="exclude"),
        )
        assert errors == []
        assert Vote.objects.filter(item=item, superseded_at__isnull=True).count() == 2
        item.refresh_from_db()
        assert item.status == "conflict" and item.live_votes == 2
    from reviews.models import AuditEvent

    assert AuditEvent.objects.filter(verb="item.conflict").count() == len(items)


def test_a_double_submit_at_the_same_moment_leaves_one_vote(live_items):
    team, items = live_items
    for item in items:
        errors = _together(*[
            (lambda i=item: services.vote_cast(actor=team.users["reviewer"], item_id=i.id,
                                               decision="include", note="same"))
            for _ in range(3)])
        assert errors == []
        assert Vote.objects.filter(item=item).count() == 1


def test_settling_the_first_include_reorders_the_queue_through_the_worker(live_items,
                                                                        celery_worker):
    from .conftest import wait_for

    team, items = live_items
    for who in ("reviewer", "adjudicator"):
        services.vote_cast(actor=team.users[who], item_id=items[0].id, decision="include")
    assert wait_for(lambda: Item.objects.filter(review=team.review, priority__gt=0).exists(),
                    timeout=60)


def test_reviewers_asking_at_the_same_moment_never_share_the_last_place(live_items):
    from screening import selectors

    team, items = live_items
    review = team.review
    review.reviewers_per_record = 1  # one place per record: any shared choice collides
    review.save(update_fields=["reviewers_per_record"])
    screeners = [team.users[w] for w in ("owner", "reviewer", "adjudicator")]
    chosen = {}

    def take(user):
        chosen[user.username] = selectors.next_for_reviewer(user=user, review=review,
                                                            stage="ta").id

    for _round in range(3):
        chosen.clear()
        errors = _together(*[(lambda u=u: take(u)) for u in screeners])
        assert errors == []
        assert len(set(chosen.values())) == len(screeners), chosen
        for user in screeners:  # each votes on what they were handed: nothing is refused
            services.vote_cast(actor=user, item_id=chosen[user.username], decision="exclude")
        if Item.objects.filter(review=review, status="pending").count() < len(screeners):
            break


def test_a_retrain_writes_the_new_order_in_one_update_on_postgresql(live_team, monkeypatch):
    from screening import selectors
    from screening.prioritisation import services as prioritise
    from screening.prioritisation.services import items_prioritise_run

    make_records(live_team.review, live_team.users["owner"], RANKING_TITLES)
    services.items_sync(review=live_team.review)
    items = list(Item.objects.filter(review=live_team.review).order_by("id"))
    # No retrain queued to a worker: one finishing late would write its older order.
    monkeypatch.setattr(prioritise, "prioritise_soon", lambda *a, **k: None)
    for who in ("reviewer", "owner"):
        services.vote_cast(actor=live_team.users[who], item_id=items[0].id, decision="include")
        services.vote_cast(actor=live_team.users[who], item_id=items[1].id, decision="exclude")
    assert items_prioritise_run(review_id=live_team.review.id) == len(items) - 2  # unsettled
    queue = [i.record.title for i in selectors.queue_for_reviewer(
        user=live_team.users["adjudicator"], review=live_team.review, stage="ta")]
    assert set(queue[:2]) == RANKED_FIRST
    assert items_prioritise_run(review_id=live_team.review.id) == 0  # nothing moved


def test_reopening_while_a_full_text_vote_arrives_never_loses_the_vote(live_items):
    """item_reopen locks the full-text item before checking it for votes: either the vote
    commits first and the reopening is refused, or the reopening wins and the vote finds
    no item. Never a vote deleted with its item."""
    from django.core.exceptions import ValidationError

    from reviews.models import AuditEvent

    # A refusal is a ValidationError, or its subclass Conflict (409 in the API) since the
    # one exception handler; anything else (an IntegrityError, a lost vote) still fails.
    team, items = live_items
    for item in items:
        services.vote_cast(actor=team.users["reviewer"], item_id=item.id, decision="include")
        services.vote_cast(actor=team.users["adjudicator"], item_id=item.id, decision="include")
        ft = Item.objects.get(record=item.record, stage="ft")
        errors = _together(
            lambda i=item: services.item_reopen(actor=team.users["owner"], item_id=i.id),
            lambda f=ft: services.vote_cast(actor=team.users["reviewer"], item_id=f.id,
                                            decision="include"),
        )
        kinds = {ValidationError if isinstance(e, ValidationError) else type(e) for e in errors}
        item.refresh_from_db()
        if Item.objects.filter(pk=ft.pk).exists():  # the vote won: reopening refused
            assert kinds == {ValidationError} and item.status == "included"
            assert Vote.objects.filter(item=ft).count() == 1
            assert AuditEvent.objects.filter(verb="vote.cast", object_id=str(
                Vote.objects.get(item=ft).pk)).exists()
        else:  # the reopening won: the vote found no item, and nothing was written
            assert kinds == {Item.DoesNotExist} and item.status != "included"
            assert not AuditEvent.objects.filter(verb="vote.cast", after__item=ft.pk).exists()


def test_lowering_the_votes_needed_while_reviewers_vote_strands_no_record(live_items):
    """A vote judged by the old number while the owner lowers it would leave a record
    waiting for a vote nobody may cast. Votes and the change race on every record."""
    from reviews.models import Review
    from reviews.services import review_update

    team, items = live_items
    for rounds, item in enumerate(items):
        Review.objects.filter(pk=team.review.pk).update(reviewers_per_record=2)
        errors = _together(
            lambda i=item: services.vote_cast(actor=team.users["reviewer"], item_id=i.id,
                                              decision="exclude"),
            lambda: review_update(actor=team.users["owner"], review_id=team.review.id,
                                  reviewers_per_record=1),
        )
        assert errors == [], rounds
        item.refresh_from_db()
        assert (item.status, item.live_votes) == ("excluded", 1)

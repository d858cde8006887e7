"""Stopping screening on PostgreSQL while reviewers vote, with real threads."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from screening import services
from screening.models import Item, ItemStatus, StoppingDecision, Vote
from screening.prioritisation.services import stopping_adopt, stopping_undo
from tests.screening.conftest import make_records

from .test_screening_live import _together

pytestmark = pytest.mark.integration


@pytest.fixture
def nearly_done(live_team):
    """30 records: 3 included, 26 excluded, 1 nobody voted on (the rule allows stopping)."""
    make_records(live_team.review, live_team.users["owner"], [f"R{i}" for i in range(30)])
    services.items_sync(review=live_team.review)
    items = list(Item.objects.filter(review=live_team.review).order_by("id"))
    start = timezone.now() - timedelta(days=1)
    for n, item in enumerate(items[:29]):
        inc = n < 3
        Item.objects.filter(pk=item.pk).update(
            status=ItemStatus.INCLUDED if inc else ItemStatus.EXCLUDED,
            decision="include" if inc else "exclude", live_votes=2,
            settled_at=start + timedelta(seconds=n))
    live_team.last = items[29]
    return live_team


def test_a_vote_and_a_stop_at_the_same_moment_never_both_take_the_record(nearly_done):
    team, item = nearly_done, nearly_done.last
    outcomes = set()
    for _round in range(6):
        errors = _together(
            lambda: stopping_adopt(actor=team.users["owner"], review_id=team.review.id),
            lambda: services.vote_cast(actor=team.users["reviewer"], item_id=item.id,
                                       decision="exclude"),
        )
        assert len(errors) == 1 and isinstance(errors[0], ValidationError)
        item.refresh_from_db()
        live = Vote.objects.filter(item=item, superseded_at__isnull=True).count()
        decision = StoppingDecision.objects.filter(undone_at__isnull=True).first()
        if decision is not None:  # the stop came first: the vote was refused
            assert item.status == ItemStatus.STOPPED and live == 0 and decision.n_stopped == 1
            outcomes.add("stopped")
            stopping_undo(actor=team.users["owner"], review_id=team.review.id,
                          decision_id=decision.id)
        else:  # the vote came first: nothing was left to stop
            assert item.status == ItemStatus.PENDING and live == 1
            outcomes.add("voted")
            services.vote_retract(actor=team.users["reviewer"], item_id=item.id)
        item.refresh_from_db()
        assert item.status == ItemStatus.PENDING and item.live_votes == 0
    assert outcomes  # each round ended in one of the two consistent states


def test_two_stops_at_the_same_moment_make_one_decision(nearly_done):
    team = nearly_done
    errors = _together(*[
        (lambda: stopping_adopt(actor=team.users["owner"], review_id=team.review.id))
        for _ in range(3)])
    assert len(errors) == 2 and all(isinstance(e, ValidationError) for e in errors)
    assert StoppingDecision.objects.count() == 1
    assert Item.objects.filter(status=ItemStatus.STOPPED).count() == 1

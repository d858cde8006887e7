"""Screening invariants: the votes needed per record, reopening, and votes that cannot vanish."""
import pytest
from django.db.models import ProtectedError
from rest_framework.test import APIClient

from reviews.models import AuditEvent
from reviews.services import review_update
from screening import selectors, services
from screening.models import Adjudication, Item, Vote

from .test_votes import ft_item, refreshed, vote


def set_needed(team, n):
    review_update(actor=team.users["owner"], review_id=team.review.id, reviewers_per_record=n)
    team.review.refresh_from_db()


def test_lowering_the_votes_needed_settles_records_that_have_enough(screening_team):
    t = screening_team
    a, b, c = t.items
    vote(t, "reviewer", a, "exclude")
    vote(t, "reviewer", b, "include")
    set_needed(t, 1)
    assert (refreshed(a).status, refreshed(a).decision) == ("excluded", "exclude")
    assert refreshed(b).status == "included"
    assert Item.objects.filter(record=b.record, stage="ft").exists()  # on to full text
    assert refreshed(c).status == "pending"  # no vote yet: still in everyone's queue
    assert AuditEvent.objects.filter(verb="item.settle", actor=t.users["owner"]).count() == 2
    queue = selectors.queue_for_reviewer(user=t.users["owner"], review=t.review, stage="ta")
    assert list(queue.values_list("id", flat=True)) == [c.id]


def test_lowering_from_three_to_two_turns_a_split_into_a_conflict(screening_team):
    t = screening_team
    set_needed(t, 3)
    a = t.items[0]
    vote(t, "reviewer", a, "include")
    vote(t, "adjudicator", a, "exclude")
    assert refreshed(a).status == "pending"
    set_needed(t, 2)
    assert refreshed(a).status == "conflict"


def test_raising_the_votes_needed_leaves_settled_records_as_they_were(screening_team):
    t = screening_team
    set_needed(t, 1)
    a, b, _c = t.items
    vote(t, "reviewer", a, "exclude")
    assert refreshed(a).status == "excluded"
    set_needed(t, 2)
    assert (refreshed(a).status, refreshed(a).decision) == ("excluded", "exclude")
    vote(t, "reviewer", b, "include")
    assert refreshed(b).status == "pending"  # now waits for a second vote


def test_a_record_stranded_by_the_old_rule_takes_no_vote_but_is_settled_now(screening_team):
    t = screening_team
    a = t.items[0]
    vote(t, "reviewer", a, "include")
    set_needed(t, 1)
    # Before the fix this record stayed pending with one vote: in nobody's queue, and
    # every new vote refused with "already has all its votes".
    assert refreshed(a).status == "included"


def test_the_settings_api_rejudges_in_the_same_request(screening_team):
    t = screening_team
    vote(t, "reviewer", t.items[0], "exclude")
    client = APIClient()
    client.force_authenticate(t.users["owner"])
    response = client.patch(f"/api/reviews/{t.review.id}/", {"reviewers_per_record": 1},
                            format="json")
    assert response.status_code == 200
    assert refreshed(t.items[0]).status == "excluded"


def test_a_failed_rejudge_rolls_the_setting_back(screening_team, monkeypatch):
    t = screening_team
    vote(t, "reviewer", t.items[0], "exclude")

    def broken(**kwargs):
        raise RuntimeError("rejudge failed")

    monkeypatch.setattr(services, "_judge", lambda *a, **k: broken())
    with pytest.raises(RuntimeError):
        set_needed(t, 1)
    t.review.refresh_from_db()
    assert t.review.reviewers_per_record == 2
    assert refreshed(t.items[0]).status == "pending"


def test_votes_and_adjudications_cannot_be_deleted_with_their_item(screening_team):
    t = screening_team
    a, b, c = t.items
    vote(t, "reviewer", a, "include")
    with pytest.raises(ProtectedError):
        Item.objects.filter(pk=a.pk).delete()
    vote(t, "reviewer", b, "include")
    vote(t, "owner", b, "exclude")
    services.conflict_resolve(actor=t.users["adjudicator"], item_id=b.id, decision="include",
                              note="fits the PICO")
    Vote.objects.filter(item=b).update(item=c)  # only the adjudication holds b now
    assert Adjudication.objects.filter(item=b).exists()
    with pytest.raises(ProtectedError):
        Item.objects.filter(pk=b.pk).delete()


def test_reopening_refuses_while_the_full_text_has_votes_and_keeps_them(screening_team):
    from django.core.exceptions import ValidationError

    t = screening_team
    ft = ft_item(t, t.items[0])
    vote(t, "reviewer", ft, "include")
    with pytest.raises(ValidationError):
        services.item_reopen(actor=t.users["owner"], item_id=t.items[0].id)
    assert Vote.objects.filter(item=ft).count() == 1

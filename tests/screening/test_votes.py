"""Votes, settlement, conflicts, adjudication and reopening."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from reviews.models import AuditEvent
from screening import services
from screening.models import Item, Vote


def vote(team, who, item, decision, **kw):
    return services.vote_cast(actor=team.users[who], item_id=item.id, decision=decision, **kw)


def refreshed(item):
    return Item.objects.get(pk=item.pk)


def ft_item(team, item):
    vote(team, "reviewer", item, "include")
    vote(team, "adjudicator", item, "include")
    return Item.objects.get(record=item.record, stage="ft")


def test_two_agreeing_includes_settle_the_record_and_open_its_full_text(screening_team):
    item = screening_team.items[0]
    vote(screening_team, "reviewer", item, "include")
    assert refreshed(item).status == "pending"
    vote(screening_team, "owner", item, "include")
    assert (refreshed(item).status, refreshed(item).decision) == ("included", "include")
    assert Item.objects.filter(record=item.record, stage="ft", status="pending").exists()


def test_two_excludes_settle_without_a_full_text(screening_team):
    item = screening_team.items[0]
    vote(screening_team, "reviewer", item, "exclude")
    vote(screening_team, "owner", item, "exclude")
    assert refreshed(item).status == "excluded"
    assert not Item.objects.filter(stage="ft").exists()


def test_maybe_advances_like_include_unless_the_review_says_otherwise(screening_team):
    a, b = screening_team.items[:2]
    vote(screening_team, "reviewer", a, "maybe")
    vote(screening_team, "owner", a, "include")
    assert refreshed(a).status == "included"
    screening = services.settings_for(screening_team.review)  # no row until a save
    screening.maybe_advances = False
    screening.save()  # as the settings form does; the cached options follow
    vote(screening_team, "reviewer", b, "maybe")
    vote(screening_team, "owner", b, "include")
    assert refreshed(b).status == "conflict"


def test_a_split_is_a_conflict_that_only_a_non_voting_adjudicator_resolves(screening_team):
    item = screening_team.items[0]
    vote(screening_team, "reviewer", item, "include")
    vote(screening_team, "adjudicator", item, "exclude")
    assert refreshed(item).status == "conflict"
    with pytest.raises(PermissionDenied):  # voted on it
        services.conflict_resolve(actor=screening_team.users["adjudicator"], item_id=item.id,
                                  decision="include", note="x")
    with pytest.raises(PermissionDenied):  # role too low
        services.conflict_resolve(actor=screening_team.users["reviewer"], item_id=item.id,
                                  decision="include", note="x")
    with pytest.raises(ValidationError):  # a decision needs its reason
        services.conflict_resolve(actor=screening_team.users["owner"], item_id=item.id,
                                  decision="include", note=" ")
    services.conflict_resolve(actor=screening_team.users["owner"], item_id=item.id,
                              decision="include", note="Population matches on p. 2")
    item = refreshed(item)
    assert (item.status, item.settled_by_adjudication) == ("included", True)
    assert AuditEvent.objects.filter(verb="conflict.resolve").count() == 1


def test_a_changed_vote_supersedes_and_the_old_one_stays(screening_team):
    item = screening_team.items[0]
    first = vote(screening_team, "reviewer", item, "include")
    vote(screening_team, "reviewer", item, "exclude")
    votes = Vote.objects.filter(item=item, reviewer=screening_team.users["reviewer"])
    assert votes.count() == 2
    assert votes.get(superseded_at__isnull=True).decision == "exclude"
    assert Vote.objects.get(pk=first.pk).superseded_at is not None
    changed = AuditEvent.objects.filter(verb="vote.cast").order_by("id").last()
    assert changed.before == {"decision": "include"} and changed.after["decision"] == "exclude"


def test_a_double_submit_leaves_one_vote(screening_team):
    item = screening_team.items[0]
    one = vote(screening_team, "reviewer", item, "include", note="fits")
    two = vote(screening_team, "reviewer", item, "include", note="fits")
    assert one.pk == two.pk and Vote.objects.filter(item=item).count() == 1


def test_no_vote_beyond_the_number_the_review_asks_for(screening_team):
    item = screening_team.items[0]
    vote(screening_team, "reviewer", item, "include")
    vote(screening_team, "adjudicator", item, "exclude")
    with pytest.raises(ValidationError):
        vote(screening_team, "owner", item, "include")


def test_viewers_and_outsiders_cannot_vote(screening_team):
    item = screening_team.items[0]
    with pytest.raises(PermissionDenied):
        vote(screening_team, "viewer", item, "include")
    with pytest.raises(Http404):
        vote(screening_team, "outsider", item, "include")
    assert not Vote.objects.exists()


def test_a_settled_record_is_closed_until_reopened_by_an_adjudicator(screening_team):
    item = screening_team.items[0]
    vote(screening_team, "reviewer", item, "exclude")
    vote(screening_team, "owner", item, "exclude")
    with pytest.raises(ValidationError):
        vote(screening_team, "reviewer", item, "include")
    with pytest.raises(PermissionDenied):
        services.item_reopen(actor=screening_team.users["reviewer"], item_id=item.id)
    services.item_reopen(actor=screening_team.users["adjudicator"], item_id=item.id)
    vote(screening_team, "reviewer", item, "include")
    assert refreshed(item).status == "conflict"


def test_undo_withdraws_my_vote_on_an_unsettled_record(screening_team):
    item = screening_team.items[0]
    vote(screening_team, "reviewer", item, "include")
    services.vote_retract(actor=screening_team.users["reviewer"], item_id=item.id)
    assert not Vote.objects.filter(item=item, superseded_at__isnull=True).exists()
    assert refreshed(item).live_votes == 0


def test_full_text_exclusion_needs_a_reason_and_other_needs_words(screening_team):
    ft = ft_item(screening_team, screening_team.items[0])
    reasons = {r.label: r for r in services.reasons_ensure(screening_team.review)}
    with pytest.raises(ValidationError):
        vote(screening_team, "reviewer", ft, "exclude")
    with pytest.raises(ValidationError):
        vote(screening_team, "reviewer", ft, "exclude", reason_id=reasons["Other"].id)
    vote(screening_team, "reviewer", ft, "exclude", reason_id=reasons["Wrong population"].id)
    vote(screening_team, "owner", ft, "exclude", reason_id=reasons["Wrong population"].id)
    ft = refreshed(ft)
    assert (ft.status, ft.reason.label) == ("excluded", "Wrong population")


def test_full_text_exclusions_with_different_reasons_are_a_conflict(screening_team):
    ft = ft_item(screening_team, screening_team.items[0])
    reasons = {r.label: r for r in services.reasons_ensure(screening_team.review)}
    vote(screening_team, "reviewer", ft, "exclude", reason_id=reasons["Wrong population"].id)
    vote(screening_team, "owner", ft, "exclude", reason_id=reasons["Wrong outcomes"].id)
    assert refreshed(ft).status == "conflict"


def test_reopening_a_title_abstract_include_withdraws_its_unvoted_full_text(screening_team):
    item = screening_team.items[0]
    ft_item(screening_team, item)
    services.item_reopen(actor=screening_team.users["owner"], item_id=item.id)
    assert not Item.objects.filter(record=item.record, stage="ft").exists()


def test_items_sync_is_idempotent(screening_team):
    assert services.items_sync(review=screening_team.review) == 0
    assert Item.objects.filter(review=screening_team.review).count() == 3


def test_a_record_merged_away_before_any_vote_leaves_screening(screening_team):
    from reviews.models import Record

    a, b = screening_team.items[:2]
    vote(screening_team, "reviewer", a, "include")
    Record.objects.filter(pk=b.record_id).update(duplicate_of=a.record_id)
    Record.objects.filter(pk=a.record_id).update(duplicate_of=screening_team.items[2].record_id)
    services.items_sync(review=screening_team.review)
    assert not Item.objects.filter(pk=b.pk).exists()  # no votes: withdrawn
    assert Item.objects.filter(pk=a.pk).exists()  # has a vote: kept for a person to decide

"""The team's counts move with each change instead of being recounted on every vote."""
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from reviews.models import Record, Search
from screening import counts, services
from screening.models import Item


def recount(review, stage):
    counts.forget(review.id, stage, review.reviewers_per_record, now=True)
    return counts.team_counts(review, stage)


@pytest.fixture
def ten_records(screening_team):
    search = Search.objects.get(review=screening_team.review)
    Record.objects.bulk_create([Record(review=screening_team.review, search=search,
                                       position=10 + i, title=f"Extra record {i}")
                                for i in range(7)])
    services.items_sync(review=screening_team.review)
    screening_team.items = list(Item.objects.filter(review=screening_team.review, stage="ta")
                                .order_by("id"))
    return screening_team


def test_counters_follow_votes_conflicts_adjudication_and_reopening(
        ten_records, django_capture_on_commit_callbacks, django_assert_num_queries):
    team, review = ten_records, ten_records.review
    users, items = team.users, team.items
    vote = services.vote_cast
    steps = [
        (vote, dict(actor=users["reviewer"], item_id=items[0].id, decision="include")),
        (vote, dict(actor=users["owner"], item_id=items[0].id, decision="include")),
        (vote, dict(actor=users["reviewer"], item_id=items[1].id, decision="include")),
        (vote, dict(actor=users["owner"], item_id=items[1].id, decision="exclude")),
        (services.conflict_resolve, dict(actor=users["adjudicator"], item_id=items[1].id,
                                         decision="exclude", note="off topic")),
        (vote, dict(actor=users["reviewer"], item_id=items[2].id, decision="exclude")),
        (services.vote_retract, dict(actor=users["reviewer"], item_id=items[2].id)),
        (services.item_reopen, dict(actor=users["adjudicator"], item_id=items[0].id)),
        (vote, dict(actor=users["reviewer"], item_id=items[3].id, decision="exclude")),
        (vote, dict(actor=users["owner"], item_id=items[3].id, decision="exclude")),
    ]
    assert counts.team_counts(review, "ta")["total"] == 10  # primes the counters
    counts.team_counts(review, "ft")
    for service, kwargs in steps:
        with django_capture_on_commit_callbacks(execute=True):
            service(**kwargs)
        with django_assert_num_queries(0):  # served from the counters, no recount
            moved = {stage: counts.team_counts(review, stage) for stage in ("ta", "ft")}
        for stage in ("ta", "ft"):
            assert moved[stage] == recount(review, stage), (service.__name__, stage)
    final = counts.team_counts(review, "ta")
    # items[0] reopened with two votes in: a conflict; [1] and [3] excluded; [2] no votes.
    assert (final["conflicts"], final["excluded"], final["included"]) == (1, 2, 0)
    assert final["open"] == final["pending"] == 7


def test_a_refused_vote_moves_no_counter(ten_records, django_capture_on_commit_callbacks):
    team, item = ten_records, ten_records.items[0]
    for who in ("reviewer", "owner"):
        services.vote_cast(actor=team.users[who], item_id=item.id, decision="exclude")
    before = counts.team_counts(team.review, "ta")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.vote_cast(actor=team.users["adjudicator"], item_id=item.id, decision="include")
    assert counts.team_counts(team.review, "ta") == before


def test_a_missing_counter_means_a_recount_not_a_guess(ten_records,
                                                       django_capture_on_commit_callbacks):
    team = ten_records
    counts.team_counts(team.review, "ta")
    cache.delete(f"prismflow:counts:{team.review.id}:ta:2:open")  # evicted
    for who in ("reviewer", "owner"):  # the second vote settles: "open" must move
        with django_capture_on_commit_callbacks(execute=True):
            services.vote_cast(actor=team.users[who], item_id=team.items[0].id,
                               decision="exclude")
    assert cache.get(f"prismflow:counts:{team.review.id}:ta:2:pending") is None
    assert counts.team_counts(team.review, "ta")["pending"] == 9

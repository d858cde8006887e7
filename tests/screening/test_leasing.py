"""The next-record SQL hands out the same queue as the ORM statement of it."""
from datetime import timedelta

from django.utils import timezone

from reviews.models import Record, Search
from screening import leasing, selectors, services
from screening.models import Item, Lease


def lease_all(team, who):
    """Every record the SQL hands `who` in turn, skipping what they were handed."""
    handed = []
    while True:
        chosen = leasing.lease_next(user=team.users[who], review=team.review, stage="ta",
                                    now=timezone.now(), skip=handed)
        if chosen is None:
            return handed
        handed.append(chosen)


def orm_queue(team, who):
    return list(selectors.queue_for_reviewer(user=team.users[who], review=team.review,
                                             stage="ta").values_list("id", flat=True))


def test_the_sql_queue_is_the_orm_queue_in_the_same_order(screening_team):
    t = screening_team
    search = Search.objects.get(review=t.review)
    Record.objects.bulk_create([Record(review=t.review, search=search, position=10 + i,
                                       title=f"Extra {i}") for i in range(5)])
    services.items_sync(review=t.review)
    items = list(Item.objects.filter(review=t.review).order_by("id"))
    for item, priority in zip(items, [0, 5, 0, 9, 1, 5, 0, 2], strict=True):
        Item.objects.filter(pk=item.pk).update(priority=priority)
    services.vote_cast(actor=t.users["reviewer"], item_id=items[3].id, decision="include")
    for who in ("owner", "adjudicator"):
        services.vote_cast(actor=t.users[who], item_id=items[5].id, decision="exclude")
    expected = orm_queue(t, "reviewer")
    assert items[3].id not in expected and items[5].id not in expected  # mine; full
    assert lease_all(t, "reviewer") == expected
    assert lease_all(t, "owner") == orm_queue(t, "owner")


def test_only_unexpired_leases_of_others_hold_a_place(screening_team):
    t = screening_team
    t.review.reviewers_per_record = 1
    t.review.save(update_fields=["reviewers_per_record"])
    first = t.items[0]
    Lease.objects.create(item=first, reviewer=t.users["owner"],
                         expires_at=timezone.now() + timedelta(minutes=5))
    chosen = leasing.lease_next(user=t.users["reviewer"], review=t.review, stage="ta",
                                now=timezone.now())
    assert chosen == t.items[1].id  # the owner holds the only place on the first
    Lease.objects.filter(item=first).update(expires_at=timezone.now() - timedelta(minutes=1))
    chosen = leasing.lease_next(user=t.users["adjudicator"], review=t.review, stage="ta",
                                now=timezone.now())
    assert chosen == first.id  # an expired lease holds nothing


def test_a_reviewer_holds_one_lease_per_review(screening_team):
    t = screening_team
    now = timezone.now()
    for skip in ([], [t.items[0].id]):
        leasing.lease_next(user=t.users["reviewer"], review=t.review, stage="ta", now=now,
                           skip=skip)
    held = list(Lease.objects.filter(reviewer=t.users["reviewer"]).values_list("item_id",
                                                                               flat=True))
    assert held == [t.items[1].id]

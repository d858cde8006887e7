"""The team's screening counts per stage, kept in the cache and moved by each change.

Every vote shows the team's progress. Counting a 50,000-record stage costs more than the rest
of a vote, and with a team voting several times a second, dropping the counts on each change
meant recounting them on nearly every vote. So a change moves the counters it affects
(atomic increments, after commit), and only a missing counter (first read, expiry, eviction,
a bulk change) costs a recount. Counters expire, so a process that died between its commit
and its increment leaves them wrong for at most COUNTS_SECONDS.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q

from .models import Item, ItemStatus

FIELDS = ("total", "included", "excluded", "conflicts", "pending", "open", "not_retrieved",
          "stopped")
COUNTS_SECONDS = 300
_BY_STATUS = {
    ItemStatus.INCLUDED: "included",
    ItemStatus.EXCLUDED: "excluded",
    ItemStatus.CONFLICT: "conflicts",
    ItemStatus.PENDING: "pending",
    ItemStatus.STOPPED: "stopped",
}


def _keys(review_id, stage, needed):
    # The votes needed per record is part of the key: changing it starts fresh counts.
    return {f: f"prismflow:counts:{review_id}:{stage}:{needed}:{f}" for f in FIELDS}


def team_counts(review, stage, *, store=True):
    """{total, included, excluded, conflicts, pending, open, not_retrieved, stopped} for one
    stage; "open" counts pending records that still need votes, "stopped" those the stopping
    rule set aside. A full-text report marked not retrieved while waiting for votes counts
    as not_retrieved, not as pending: nobody can judge it, and PRISMA counts it apart.

    Inside a transaction that changed items, pass store=False: a recount there sees the
    uncommitted change, which its counter moves would then add a second time."""
    needed = review.reviewers_per_record
    keys = _keys(review.id, stage, needed)
    found = cache.get_many(keys.values())
    if len(found) == len(FIELDS):
        return {f: found[keys[f]] for f in FIELDS}
    counts = _count(review, stage, needed)
    if store:
        cache.set_many({keys[f]: counts[f] for f in FIELDS}, COUNTS_SECONDS)
    return counts


def _count(review, stage, needed):
    return Item.objects.filter(review=review, stage=stage).aggregate(
        total=Count("id"),
        included=Count("id", filter=Q(status=ItemStatus.INCLUDED)),
        excluded=Count("id", filter=Q(status=ItemStatus.EXCLUDED)),
        conflicts=Count("id", filter=Q(status=ItemStatus.CONFLICT)),
        pending=Count("id", filter=Q(status=ItemStatus.PENDING, not_retrieved=False)),
        open=Count("id", filter=Q(status=ItemStatus.PENDING, not_retrieved=False,
                                  live_votes__lt=needed)),
        not_retrieved=Count("id", filter=Q(status=ItemStatus.PENDING, not_retrieved=True)),
        stopped=Count("id", filter=Q(status=ItemStatus.STOPPED)),
    )


def buckets(item, needed):
    """The counters an item adds one to; an item that no longer exists adds to none."""
    if item is None:
        return frozenset()
    if item.status == ItemStatus.PENDING and item.not_retrieved:
        return frozenset({"total", "not_retrieved"})
    found = {"total", _BY_STATUS[item.status]}
    if item.status == ItemStatus.PENDING and item.live_votes < needed:
        found.add("open")
    return frozenset(found)


class Tracked:
    """Wrap a change to one item: `before` is taken now, `moved()` after the change queues
    the counter moves for after the commit (nothing moves if the transaction rolls back)."""

    def __init__(self, item, *, exists=True):
        self.review_id, self.stage = item.review_id, item.stage
        self.needed = item.review.reviewers_per_record
        self.before = buckets(item if exists else None, self.needed)

    def moved(self, item):
        after = buckets(item, self.needed)
        if after == self.before:
            return
        deltas = {f: 1 for f in after - self.before}
        deltas.update({f: -1 for f in self.before - after})
        keys = _keys(self.review_id, self.stage, self.needed)
        transaction.on_commit(lambda: _apply(keys, deltas))


def _apply(keys, deltas):
    try:
        for field, delta in deltas.items():
            cache.incr(keys[field], delta)
    except ValueError:
        # A counter expired or was never read: recount next time rather than guess.
        cache.delete_many(keys.values())


def forget(review_id, stage, needed, *, now=False):
    """After a bulk change (items made or removed by a sync): recount on the next read."""
    keys = _keys(review_id, stage, needed)
    if now:
        cache.delete_many(keys.values())
    else:
        transaction.on_commit(lambda: cache.delete_many(keys.values()))

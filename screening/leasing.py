"""Handing a reviewer their next record: the look-ahead, the claim and the lease.

This runs on every vote, and through the ORM its five statements cost more CPU to build
than to run (7 ms of a 20 ms vote on a 50,000-record review). Written as plain SQL that
PostgreSQL and SQLite both accept; `queue_for_reviewer` in selectors is the ORM statement
of the same queue, used where speed does not matter, and the tests hold the two together.
"""

from datetime import timedelta

from django.db import connection, transaction

from .models import Item, ItemStatus, Lease, Vote

LEASE_SECONDS = 600
LOOKAHEAD = 50

_ITEM, _LEASE, _VOTE = (connection.ops.quote_name(m._meta.db_table) for m in (Item, Lease, Vote))
# Table names come from the models and every value is a parameter (hence the S608 noqa).
_HELD = (
    f"SELECT COUNT(*) FROM {_LEASE} l WHERE l.item_id = {{item}} AND l.expires_at > %s "  # noqa: S608
    "AND l.reviewer_id <> %s"
)
_LOOK_AHEAD = f"""
    SELECT i.id, i.live_votes, ({_HELD.format(item="i.id")})
    FROM {_ITEM} i
    WHERE i.review_id = %s AND i.stage = %s AND i.status = %s AND i.live_votes < %s
      AND i.not_retrieved = %s
      AND NOT EXISTS (SELECT 1 FROM {_VOTE} v WHERE v.item_id = i.id AND v.reviewer_id = %s
                      AND v.superseded_at IS NULL)
      {{skip}}
    ORDER BY i.priority DESC, i.id
    LIMIT {LOOKAHEAD}
"""  # noqa: S608
_UNLEASE = (
    f"DELETE FROM {_LEASE} WHERE reviewer_id = %s AND item_id <> %s "  # noqa: S608
    f"AND item_id IN (SELECT id FROM {_ITEM} WHERE review_id = %s)"
)
_LEASE_ONE = (
    f"INSERT INTO {_LEASE} (item_id, reviewer_id, expires_at) VALUES (%s, %s, %s) "  # noqa: S608
    "ON CONFLICT (item_id, reviewer_id) DO UPDATE SET expires_at = excluded.expires_at"
)


def lease_next(*, user, review, stage, now, skip=()):
    """Lease the reviewer's next record and return its id, or None when their queue is
    empty. Records whose votes plus other reviewers' open leases already reach the number
    needed are passed over, so a team working at once spreads over the queue."""
    when = connection.ops.adapt_datetimefield_value(now)
    needed = review.reviewers_per_record
    skip = [int(x) for x in skip]
    sql = _LOOK_AHEAD.format(
        skip=f"AND i.id NOT IN ({', '.join(['%s'] * len(skip))})" if skip else "")
    params = [when, user.id, review.id, stage, ItemStatus.PENDING, needed, False, user.id,
              *skip]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        candidates = cursor.fetchall()
        if not candidates:
            return None
        chosen = _claim(cursor, candidates, needed, when, user.id) or candidates[0][0]
        expires = connection.ops.adapt_datetimefield_value(now + timedelta(seconds=LEASE_SECONDS))
        cursor.execute(_UNLEASE, [user.id, chosen, review.id])
        cursor.execute(_LEASE_ONE, [chosen, user.id, expires])
    return chosen


def _claim(cursor, candidates, needed, when, user_id):
    """The first candidate with a place left, checked again under its row lock: a reviewer
    choosing the same record at this moment holds the lock until their lease commits, so
    two reviewers never both take the last place on one record."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    for item_id, votes, held in candidates:
        if votes + held >= needed:
            continue
        cursor.execute(f"SELECT live_votes FROM {_ITEM} WHERE id = %s{lock}", [item_id])  # noqa: S608
        row = cursor.fetchone()
        # Counted in a statement of its own, after the lock: a subquery of the locking
        # statement reads the snapshot from before the wait and misses the lease just made.
        cursor.execute(_HELD.format(item="%s"), [item_id, when, user_id])
        if row is not None and row[0] + cursor.fetchone()[0] < needed:
            return item_id
    return None

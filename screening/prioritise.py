"""Prioritisation: order the title/abstract queue by the model trained on settled decisions.

Runs in a Celery task, never in a vote's request: a vote only enqueues it (on commit), and
at most one run per review is queued at a time (a cache flag), so a busy team triggers one
retrain after another rather than one per vote.
"""
from django.core.cache import cache
from django.db import connection, transaction

from reviews.models import Record

from .models import SETTLED_STATUSES, Item, ItemStatus, Stage
from .schedule import retrain_due

TOP = 2000  # queue positions written per retrain


def _flag(review_id):
    return f"prismflow:rerank-queued:{review_id}"


def _last(review_id):
    return f"prismflow:rerank-last:{review_id}"


def prioritise_soon(review_id, settled_count, first_include=False):
    """Enqueue a retrain after a settlement when it is due; called inside the vote's
    transaction, so the task sees the committed decision."""
    if not retrain_due(settled_count, cache.get(_last(review_id), 0), first_include):
        return
    if not cache.add(_flag(review_id), 1, timeout=600):
        return  # one is already queued
    cache.set(_last(review_id), settled_count, timeout=None)
    from .tasks import items_prioritise

    transaction.on_commit(lambda: items_prioritise.delay(review_id))


_FEATURES = {}  # review id -> (key, features): the worker keeps them between runs


def _features(review_id, rows):
    """TF-IDF of the review's records, fitted once and reused while the records stay the
    same: the texts do not change as votes come in, only the labels do, so a retrain costs
    a classifier fit rather than a pass over every abstract."""
    key = (len(rows), rows[-1][ID], rows[0][ID])
    cached = _FEATURES.get(review_id)
    if cached and cached[0] == key:
        return cached[1]
    records = Record.objects.in_bulk([row[RECORD] for row in rows])
    from .ranking import featurize, record_text  # scikit-learn: loaded by the worker only

    texts = [record_text(r.title, r.abstract, r.keywords)
             for r in (records[row[RECORD]] for row in rows)]
    features = featurize(texts)
    _FEATURES.clear()  # one review at a time is enough and keeps the worker's memory flat
    _FEATURES[review_id] = (key, features)
    return features


ID, STATUS, PRIORITY, RECORD = range(4)


def items_prioritise_run(*, review_id):
    """Recompute the priority of every unsettled title/abstract item. Safe to run twice:
    it only writes scores derived from the current decisions."""
    cache.delete(_flag(review_id))
    # Plain rows, not model instances: building 50,000 Items took most of a retrain's time.
    rows = list(Item.objects.filter(review_id=review_id, stage=Stage.TITLE_ABSTRACT)
                .order_by("id").values_list("id", "status", "priority", "record_id"))
    if not rows:
        return 0
    labels = {i: int(row[STATUS] == ItemStatus.INCLUDED) for i, row in enumerate(rows)
              if row[STATUS] in SETTLED_STATUSES}
    if not any(labels.values()):
        return 0  # no relevant record yet: the stable order stays
    from .ranking import rank_features

    order = rank_features(_features(review_id, rows), labels)
    # Only the head of the queue is served before the next retrain, so only the head is
    # written: the rest fall back to priority 0 (then id order). Writing every item's score
    # on a 50,000-record review kept the database busy for seconds per retrain.
    head = {rows[index][ID]: float(TOP - position) for position, index in enumerate(order[:TOP])}
    changed = [(row[ID], head.get(row[ID], 0.0)) for row in rows
               if row[PRIORITY] != head.get(row[ID], 0.0)]
    # Small transactions: one over many items would hold row locks that votes wait on.
    for start in range(0, len(changed), 500):
        with transaction.atomic():
            _write_priorities(changed[start:start + 500])
    return len(changed)


def _write_priorities(pairs):
    """On PostgreSQL one UPDATE joined to the new values: bulk_update's CASE expression
    compares every row with every id, which cost the database more than the retrain."""
    if connection.vendor != "postgresql":
        Item.objects.bulk_update([Item(id=i, priority=p) for i, p in pairs], ["priority"])
        return
    table = connection.ops.quote_name(Item._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS item SET priority = new.priority "  # noqa: S608 (model name)
            "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::float8[]) AS priority) AS new "
            "WHERE item.id = new.id",
            [[i for i, _p in pairs], [p for _i, p in pairs]],
        )

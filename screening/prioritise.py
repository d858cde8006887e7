"""Prioritisation: order the title/abstract queue by the model trained on settled decisions.

Runs in a Celery task, never in a vote's request: a vote only enqueues it (on commit), and
at most one run per review is queued at a time (a cache flag), so a busy team triggers one
retrain after another rather than one per vote.
"""
from django.core.cache import cache
from django.db import transaction

from .models import Item, ItemStatus, Stage
from .ranking import rank, record_text

RETRAIN_EVERY = 10  # settled records between retrains, after the first relevant one


def _flag(review_id):
    return f"prismflow:rerank-queued:{review_id}"


def prioritise_soon(review_id, settled_count, first_include=False):
    """Enqueue a retrain after a settlement when it is due; called inside the vote's
    transaction, so the task sees the committed decision."""
    if not (first_include or settled_count % RETRAIN_EVERY == 0):
        return
    if not cache.add(_flag(review_id), 1, timeout=600):
        return  # one is already queued
    from .tasks import items_prioritise

    transaction.on_commit(lambda: items_prioritise.delay(review_id))


def items_prioritise_run(*, review_id):
    """Recompute the priority of every unsettled title/abstract item. Safe to run twice:
    it only writes scores derived from the current decisions."""
    cache.delete(_flag(review_id))
    items = list(Item.objects.filter(review_id=review_id, stage=Stage.TITLE_ABSTRACT)
                 .select_related("record").order_by("id"))
    if not items:
        return 0
    labels = {i: int(item.status == ItemStatus.INCLUDED) for i, item in enumerate(items)
              if item.settled}
    if not any(labels.values()):
        return 0  # no relevant record yet: the stable order stays
    texts = [record_text(it.record.title, it.record.abstract, it.record.keywords)
             for it in items]
    order = rank(texts, labels)
    n = len(order)
    changed = []
    for position, index in enumerate(order):
        item = items[index]
        item.priority = float(n - position)
        changed.append(item)
    with transaction.atomic():
        Item.objects.bulk_update(changed, ["priority"], batch_size=2000)
    return len(changed)

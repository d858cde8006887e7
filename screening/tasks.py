"""Celery tasks of screening: thin, take ids, call a service."""
from celery import shared_task


@shared_task(name="screening.items_prioritise")
def items_prioritise(review_id):
    from .prioritise import items_prioritise_run

    return items_prioritise_run(review_id=review_id)


@shared_task(name="screening.items_score_new")
def items_score_new(review_id, after_id):
    from .prioritise import items_score_new_run

    return items_score_new_run(review_id=review_id, after_id=after_id)


@shared_task(name="screening.items_sync")
def items_sync(review_id):
    from reviews.models import Review

    from .services import items_sync as sync

    review = Review.objects.filter(pk=review_id).first()
    return sync(review=review) if review else 0


def sync_after_dedup(sender, review_id, **kwargs):
    """Receiver of reviews' unique_records_changed: sync in the worker, off the request."""
    items_sync.delay(review_id)

"""Celery tasks of screening: thin, take ids, call a service."""
from celery import shared_task


@shared_task(name="screening.items_sync")
def items_sync(review_id):
    from reviews.models import Review

    from .services import items_sync as sync

    review = Review.objects.filter(pk=review_id).first()
    return sync(review=review) if review else 0


def sync_after_dedup(sender, review_id, **kwargs):
    """Receiver of reviews' unique_records_changed: sync in the worker, off the request."""
    items_sync.delay(review_id)

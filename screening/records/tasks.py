"""Celery task of the records workbench: index a review's new records off the request."""
from celery import shared_task

# A page indexes up to this many new records itself (about a second); more go to a worker.
INLINE_LIMIT = 3000


@shared_task(name="screening.records_index_sync")
def records_index_sync(review_id):
    from reviews.models import Review

    from .services import records_index_sync as sync

    review = Review.objects.filter(pk=review_id).first()
    return sync(review=review) if review else 0


def index_after_dedup(sender, review_id, **kwargs):
    """Receiver of reviews' unique_records_changed: imports are followed by a de-duplication
    run, so the records are indexed then, on a worker."""
    records_index_sync.delay(review_id)


def index_soon(review):
    """Index what the records page needs now: a few new records here, many on a worker.
    Returns how many records are still waiting to be searchable."""
    from .services import records_index_sync as sync
    from .services import records_missing_index

    missing = records_missing_index(review)[:INLINE_LIMIT + 1].count()
    if not missing:
        return 0
    if missing <= INLINE_LIMIT:
        sync(review=review)
        return 0
    records_index_sync.delay(review.id)
    return records_missing_index(review).count()

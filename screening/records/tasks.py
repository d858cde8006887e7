"""Celery task of the records workbench: index a review's new records off the request."""
from celery import shared_task
from django.core.cache import cache

# A page indexes up to this many new records itself (about a second); more go to a worker.
INLINE_LIMIT = 3000


@shared_task(name="screening.records_index_sync")
def records_index_sync(review_id):
    from reviews.models import Review

    from .services import records_index_sync as sync

    review = Review.objects.filter(pk=review_id).first()
    return sync(review=review) if review else 0


def _complete_key(review_id):
    return f"prismflow:records-indexed:{review_id}"


COMPLETE_SECONDS = 60


def index_after_dedup(sender, review_id, **kwargs):
    """Receiver of reviews' unique_records_changed: imports are followed by a de-duplication
    run, so the records are indexed then, on a worker."""
    cache.delete(_complete_key(review_id))
    records_index_sync.delay(review_id)


def index_soon(review):
    """Index what the records page needs now: a few new records here, many on a worker.
    Returns how many records are still waiting to be searchable. A review found complete is
    not checked again for a minute (the check cost more than the rest of a list request);
    a de-duplication run, which follows every import, clears that at once."""
    from .services import records_index_sync as sync
    from .services import records_missing_index

    if cache.get(_complete_key(review.id)):
        return 0
    missing = records_missing_index(review)[:INLINE_LIMIT + 1].count()
    if not missing:
        cache.set(_complete_key(review.id), True, COMPLETE_SECONDS)
        return 0
    if missing <= INLINE_LIMIT:
        sync(review=review)
        return 0
    records_index_sync.delay(review.id)
    return records_missing_index(review).count()

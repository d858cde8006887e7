"""Celery task of the de-duplication stage: thin, takes an id, calls a service. Its name is the
one it had as reviews.tasks (queued messages and worker configs name it)."""

from celery import shared_task


@shared_task(name="reviews.dedupe_review")
def dedupe_review(review_id):
    from .services import review_dedupe

    return review_dedupe(review_id=review_id)

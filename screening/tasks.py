"""Celery tasks of screening: thin, take ids, call a service."""
from celery import shared_task


@shared_task(name="screening.items_prioritise")
def items_prioritise(review_id):
    from .prioritise import items_prioritise_run

    return items_prioritise_run(review_id=review_id)

"""Celery tasks of prioritisation: thin, take ids, call a service. Their names are the ones
they had before the sub-package, so messages queued by an older release still run."""
from celery import shared_task


@shared_task(name="screening.items_prioritise")
def items_prioritise(review_id):
    from .services import items_prioritise_run

    return items_prioritise_run(review_id=review_id)


@shared_task(name="screening.items_score_new")
def items_score_new(review_id, after_id):
    from .services import items_score_new_run

    return items_score_new_run(review_id=review_id, after_id=after_id)

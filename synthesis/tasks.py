"""Celery tasks of synthesis: thin, take ids, call a service."""
from celery import shared_task


@shared_task(name="synthesis.pooling_run", acks_late=True, reject_on_worker_lost=True)
def pooling_run_task(run_id):
    from .services import pooling_run

    return pooling_run(run_id=run_id)

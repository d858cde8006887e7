"""Celery task of synthesis analyses: pool one run. Thin: takes an id, calls a service. Its
name stays "synthesis.pooling_run"; synthesis.apps imports this module so workers register it
(autodiscovery looks only at synthesis/tasks.py)."""
from celery import shared_task


@shared_task(name="synthesis.pooling_run", acks_late=True, reject_on_worker_lost=True)
def pooling_run_task(run_id):
    from .services import pooling_run

    return pooling_run(run_id=run_id)

"""Celery application. Settings come from Django settings under the CELERY_ namespace."""
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("prismflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _yield_to_people(**kwargs):
    """Background work (imports, de-duplication, ranking) runs at a lower CPU priority, so
    on a small server a retrain never slows the reviewers' requests: under a 20-reviewer
    load the worker used half a core. Child processes inherit it. CELERY_WORKER_NICE=0
    turns it off."""
    os.nice(worker_nice())


def worker_nice():
    return max(0, min(19, int(os.environ.get("CELERY_WORKER_NICE", "10"))))

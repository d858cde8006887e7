"""Celery tasks of the import stage: thin, take ids, call a service. Their names are the ones
they had as reviews.tasks (queued messages and worker configs name them)."""

from celery import shared_task
from django.db import transaction

from ..duplicates.tasks import dedupe_review


@shared_task(name="reviews.search_import")
def search_import(search_id):
    from ..models import Search
    from .services import search_import_run

    imported = search_import_run(search_id=search_id)
    if imported:
        review_id = Search.objects.filter(pk=search_id).values_list("review_id", flat=True).first()
        if review_id is not None:
            # The import has committed; de-duplicate what it added against the whole review.
            transaction.on_commit(lambda: dedupe_review.delay(review_id))
    return imported


@shared_task(name="reviews.search_scan")
def search_scan(search_id):
    """Read an uploaded export for its preview (a large file takes longer than a request)."""
    from .services import search_scan_run

    return search_scan_run(search_id=search_id)

"""Celery tasks for reviews: thin, take ids, call a service."""

from celery import shared_task
from django.db import transaction

from . import services


@shared_task(name="reviews.invitation_send")
def invitation_send(invitation_id):
    return services.invitation_mail(invitation_id=invitation_id)


@shared_task(name="reviews.search_import")
def search_import(search_id):
    from .imports import search_import_run
    from .models import Search

    imported = search_import_run(search_id=search_id)
    if imported:
        review_id = Search.objects.filter(pk=search_id).values_list("review_id", flat=True).first()
        if review_id is not None:
            # The import has committed; de-duplicate what it added against the whole review.
            transaction.on_commit(lambda: dedupe_review.delay(review_id))
    return imported


@shared_task(name="reviews.dedupe_review")
def dedupe_review(review_id):
    from .dedup_services import review_dedupe

    return review_dedupe(review_id=review_id)


@shared_task(name="reviews.search_scan")
def search_scan(search_id):
    """Read an uploaded export for its preview (a large file takes longer than a request)."""
    from .imports import search_scan_run

    return search_scan_run(search_id=search_id)

"""An import queued from the web is stored by the live worker on PostgreSQL."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from reviews.duplicates.selectors import unique_records_for_review
from reviews.models import Record, Search
from reviews.searches import selectors, services
from screening.models import Item

from .conftest import wait_for

pytestmark = pytest.mark.integration


def _ris(n):
    return "".join(
        f"TY  - JOUR\nTI  - Record number {i} about systemic sclerosis\nAU  - Author, A{i}\n"
        f"PY  - {2000 + i % 20}\nER  - \n\n" for i in range(n)
    ).encode()


def test_a_queued_import_is_stored_by_the_worker_all_at_once(live_team, celery_worker):
    started = _now()
    upload = SimpleUploadedFile("big.ris", _ris(5000))
    search = services.search_preview(actor=live_team.users["owner"],
                                    review_id=live_team.review.id, upload=upload, source="pubmed")
    # The upload only stored the file; the worker reads it for the preview.
    assert search.status == "reading" and search.record_count == 0
    assert wait_for(lambda: Search.objects.get(pk=search.pk).status == "preview", timeout=60)
    assert Search.objects.get(pk=search.pk).record_count == 5000
    services.search_import_start(actor=live_team.users["owner"], review_id=live_team.review.id,
                                search_id=search.id)

    def finished():
        s = Search.objects.get(pk=search.pk)
        return s.status if s.status in ("done", "failed") else None

    assert wait_for(finished, timeout=90) == "done"
    # The import queues de-duplication; let it finish before the test's data is torn down.
    assert wait_for(lambda: not Record.objects.filter(search=search,
                                                      dedup_checked=False).exists(), timeout=120)
    assert Record.objects.filter(search=search).count() == 5000
    assert selectors.search_progress(Search.objects.get(pk=search.pk))["done"] == 5000
    # The de-duplication run's commit makes the screening items, in the worker too.
    unique = unique_records_for_review(review=live_team.review).count()
    assert wait_for(lambda: Item.objects.filter(review=live_team.review).count() == unique,
                    timeout=60)
    # Bulk writes refresh the planner's statistics rather than wait for autovacuum.
    assert wait_for(lambda: _analyzed_since(started, "reviews_record", "screening_item"),
                    timeout=30)


def _now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def _analyzed_since(moment, *tables):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname, GREATEST(last_analyze, last_autoanalyze) FROM "
                       "pg_stat_user_tables WHERE relname = ANY(%s)", [list(tables)])
        found = dict(cursor.fetchall())
    return all(found.get(t) and found[t] >= moment for t in tables)


def test_a_file_that_breaks_midway_through_copy_stores_nothing(live_team, monkeypatch):
    from reviews.searches.importers import ParseError

    upload = SimpleUploadedFile("midway.ris", _ris(3000))
    search = services.search_preview(actor=live_team.users["owner"], scan_now=True,
                                    review_id=live_team.review.id, upload=upload, source="pubmed")
    real = services.iter_records

    def breaks_after_2000(*args, **kwargs):
        for n, parsed in enumerate(real(*args, **kwargs), 1):
            if n > 2000:
                raise ParseError("midway.ris", parsed.line, "damaged after the preview")
            yield parsed

    monkeypatch.setattr(services, "iter_records", breaks_after_2000)
    Search.objects.filter(pk=search.pk).update(status="queued")
    assert services.search_import_run(search_id=search.id) is False
    search.refresh_from_db()
    assert search.status == "failed" and "damaged after the preview" in search.error
    assert Record.objects.filter(search=search).count() == 0

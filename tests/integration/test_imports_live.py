"""An import queued from the web is stored by the live worker on PostgreSQL."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews import imports
from reviews.models import Record, Search

from .conftest import wait_for

pytestmark = pytest.mark.integration


def _ris(n):
    return "".join(
        f"TY  - JOUR\nTI  - Record number {i} about systemic sclerosis\nAU  - Author, A{i}\n"
        f"PY  - {2000 + i % 20}\nER  - \n\n" for i in range(n)
    ).encode()


def test_a_queued_import_is_stored_by_the_worker_all_at_once(live_team, celery_worker):
    upload = SimpleUploadedFile("big.ris", _ris(5000))
    search = imports.search_preview(actor=live_team.users["owner"],
                                    review_id=live_team.review.id, upload=upload, source="pubmed")
    imports.search_import_start(actor=live_team.users["owner"], review_id=live_team.review.id,
                                search_id=search.id)

    def finished():
        s = Search.objects.get(pk=search.pk)
        return s.status if s.status in ("done", "failed") else None

    assert wait_for(finished, timeout=90) == "done"
    assert Record.objects.filter(search=search).count() == 5000
    assert imports.search_progress(Search.objects.get(pk=search.pk))["done"] == 5000

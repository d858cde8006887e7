"""In a real browser: the owner uploads an export, checks the preview, imports it."""
import re

import pytest

from reviews.services import review_create

from .conftest import log_in

pytestmark = pytest.mark.e2e

RIS = """TY  - JOUR
TI  - Mesenchymal stem cells in systemic sclerosis: a pilot study
AU  - Wang, Li
PY  - 2013
DO  - 10.1000/demo.1
ER  -

TY  - JOUR
AU  - Missing, Title
PY  - 2014
ER  -
"""


def test_owner_uploads_previews_and_imports_a_search(page, live_server, transactional_db,
                                                     django_user_model, tmp_path):
    owner = django_user_model.objects.create_user("lead", password="lead-pass-123")
    review = review_create(actor=owner, title="MSCs for SSc")
    export = tmp_path / "pubmed.ris"
    export.write_text(RIS, encoding="utf-8")

    log_in(page, live_server.url, "lead", "lead-pass-123")
    page.goto(f"{live_server.url}/reviews/{review.id}/searches/")
    page.set_input_files("#id_file", str(export))
    page.select_option("#id_source", "pubmed")
    page.fill("#id_date_searched", "2021-02-01")
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r".*/searches/\d+/$"))
    assert "Mesenchymal stem cells" in page.locator("#preview-list").inner_text()
    assert "no title" in page.locator("#problem-list").inner_text().lower()

    page.click("#import-submit")
    page.wait_for_selector("#search-status:has-text('Imported')")
    page.goto(f"{live_server.url}/reviews/{review.id}/")
    stage = page.locator("[data-stage=import]").inner_text()
    assert "Records identified" in stage and "2" in stage
    # The de-duplication run that follows the import puts its records on the screening queue.
    page.goto(f"{live_server.url}/reviews/{review.id}/screening/ta/")
    page.wait_for_selector("#rec-title:has-text('Mesenchymal stem cells in systemic sclerosis')")


def test_the_page_of_a_file_being_read_shows_its_progress_then_the_preview(
        page, live_server, transactional_db, django_user_model, tmp_path, settings, monkeypatch):
    """With workers: the upload answers at once, the bar shows how far the worker read, and
    the page turns into the preview by itself when the worker is done."""
    from reviews.models import Search
    from reviews.searches import selectors, services, tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks.search_scan, "delay", lambda search_id: None)  # no worker yet
    owner = django_user_model.objects.create_user("lead", password="lead-pass-123")
    review = review_create(actor=owner, title="MSCs for SSc")
    export = tmp_path / "pubmed.ris"
    export.write_text(RIS * 50, encoding="utf-8")

    log_in(page, live_server.url, "lead", "lead-pass-123")
    page.goto(f"{live_server.url}/reviews/{review.id}/searches/")
    page.set_input_files("#id_file", str(export))
    page.select_option("#id_source", "pubmed")
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r".*/searches/\d+/$"))
    assert page.locator("#search-status").inner_text() == "Reading the file"
    assert page.locator("#progress-label").is_visible()
    search = Search.objects.get()
    services._beat(selectors.read_key(search.id), search.file_size // 2)  # the worker's report
    page.wait_for_selector("#progress-bar[value]")
    bar = page.locator("#progress-bar")
    page.locator("#progress-text").filter(has_text="/").wait_for()
    for _ in range(50):
        if bar.evaluate("b => b.value") > 0:
            break
        page.wait_for_timeout(200)
    assert bar.evaluate("b => b.value / b.max") == pytest.approx(0.5, abs=0.01)
    page.screenshot(path=str(tmp_path / "reading.png"))
    tasks.search_scan(search.id)  # the worker finishes
    page.wait_for_selector("#search-status:has-text('Previewed')")
    assert "Mesenchymal stem cells" in page.locator("#preview-list").inner_text()
    assert page.locator("#import-submit").inner_text() == "Import 100 records"

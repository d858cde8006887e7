"""In a real browser, on the demo review: the PRISMA 2020 diagram and the summary of findings
table download as files a reader can open."""
import io

import pytest

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_the_demo_downloads_its_prisma_diagram_and_summary_of_findings(
    page, live_server, transactional_db, django_capture_on_commit_callbacks
):
    from synthesis.demo.services import demo_load, demo_populate
    from synthesis.demo.synthesis import demo_extract_and_pool

    review, passwords = demo_load()
    demo_populate(review)
    with django_capture_on_commit_callbacks(execute=True):
        demo_extract_and_pool(review)
    log_in(page, live_server.url, "demo-owner", passwords["demo-owner"])

    page.goto(f"{live_server.url}/reviews/{review.id}/prisma/")
    page.wait_for_selector("#prisma-diagram svg")
    with page.expect_download() as download:
        page.locator("a[href*='format=png']").first.click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"

    page.goto(f"{live_server.url}/reviews/{review.id}/synthesis/grade/")
    page.wait_for_selector("#sof tbody tr")
    assert "⊕" in page.locator("#sof").inner_text()
    with page.expect_download() as download:
        page.click("#sof-docx")
    from docx import Document

    with open(download.value.path(), "rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    rows = [row.cells[0].text for row in doc.tables[0].rows[1:]]
    assert any(text.startswith("mRSS") for text in rows)
    assert "Illustrative" in doc.paragraphs[1].text

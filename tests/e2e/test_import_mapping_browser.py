"""In a real browser: the owner maps the unrecognised columns of a spreadsheet, then imports."""

import re

import pytest

from reviews.models import Record
from reviews.services import review_create

from .conftest import log_in

pytestmark = pytest.mark.e2e

CSV = (
    "Titel,Verfasser,Jahr,Bemerkung\n"
    'Mesenchymal stem cells in systemic sclerosis,"Wang, Li; Zhang, H",2013,x\n'
    'Adipose-derived cells for hand function,"Granel, B",2015,y\n'
)


def test_owner_maps_columns_previews_again_and_imports(
    page, live_server, transactional_db, django_user_model, tmp_path
):
    owner = django_user_model.objects.create_user("lead", password="lead-pass-123")
    review = review_create(actor=owner, title="MSCs for SSc")
    export = tmp_path / "export.csv"
    export.write_text(CSV, encoding="utf-8")

    log_in(page, live_server.url, "lead", "lead-pass-123")
    page.goto(f"{live_server.url}/reviews/{review.id}/searches/")
    page.set_input_files("#id_file", str(export))
    page.select_option("#id_source", "other_database")
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r".*/searches/\d+/$"))
    columns = page.locator("#column-list").inner_text()
    assert "Titel" in columns and "Adipose-derived cells" in columns
    # No header was recognised: nothing to import until the columns are mapped.
    assert page.locator("#mapping-needed").is_visible()
    assert page.locator("#import-submit").count() == 0

    page.select_option("#id_column_0", "title")
    page.select_option("#id_column_1", "authors")
    page.select_option("#id_column_2", "year")
    page.click("#mapping-submit")
    page.wait_for_selector("#preview-list:has-text('Mesenchymal stem cells')")
    assert "Wang, Li" in page.locator("#preview-list").inner_text()
    assert page.locator("#id_column_0").input_value() == "title"
    assert page.locator("#problem-list").count() == 0

    page.click("#import-submit")
    page.wait_for_selector("#search-status:has-text('Imported')")
    assert sorted(Record.objects.values_list("year", flat=True)) == [2013, 2015]

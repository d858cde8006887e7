"""CSV exports: a cell a spreadsheet would run as a formula is escaped (reviews.files)."""
import csv
import io

import pytest

from reviews.files import safe_cell


@pytest.mark.parametrize(("value", "shown"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("-0.2500", "-0.2500"),  # a number stays a number
    ("1e-3", "1e-3"),
    ("Wrong population", "Wrong population"),
    (3, 3),
    (None, None),
])
def test_a_cell_a_spreadsheet_would_run_is_escaped(value, shown):
    assert safe_cell(value) == shown


def _rows(response):
    body = (b"".join(response.streaming_content) if response.streaming
            else response.content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def test_the_audit_export_escapes_a_username_that_looks_like_a_formula(team):
    from reviews.services import review_update

    team.users["owner"].username = "@SUM(1+1)"
    team.users["owner"].save()
    review_update(actor=team.users["owner"], review_id=team.review.id, title="=cmd|calc")
    rows = _rows(team.client("owner").get(f"/reviews/{team.review.id}/audit.csv"))
    actors = {r[1] for r in rows[1:]}
    assert "'@SUM(1+1)" in actors and "@SUM(1+1)" not in actors

"""A review of thousands of records travels in bulk: the queries of an export and of an
import do not grow with the number of rows (benchmarks/bench_archive.py prints the times)."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Record, Search
from screening.models import Item, Vote
from synthesis.archive.export import review_export
from synthesis.archive.restore import review_import


def _populate(team, n):
    review, owner = team.review, team.users["owner"]
    search = Search.objects.create(review=review, source="pubmed", file_name="big.ris",
                                   file_sha256=f"{n:064d}", file_size=1, format="ris",
                                   record_count=n, status="done", created_by=owner)
    Record.objects.bulk_create(
        Record(review=review, search=search, position=i, title=f"Record {i}",
               authors=[f"Author {i}, A"], year=2000 + i % 20, doi=f"10.1000/{i}")
        for i in range(1, n + 1))
    Item.objects.bulk_create(Item(review=review, record=r, stage="ta", status="pending")
                             for r in Record.objects.filter(search=search))
    Vote.objects.bulk_create(Vote(item=item, reviewer=team.users[who], decision="exclude")
                             for item in Item.objects.filter(record__search=search)
                             for who in ("owner", "reviewer"))


def _queries(run):
    with CaptureQueriesContext(connection) as captured:
        result = run()
    return len(captured), result


def _round(team, tmp_path, n):
    _populate(team, n)
    path = tmp_path / f"big-{n}.zip"
    with path.open("wb") as out:
        exported, _manifest = _queries(lambda: review_export(review=team.review, out=out))
    with path.open("rb") as fh:
        imported, result = _queries(lambda: review_import(actor=team.users["owner"], source=fh))
    total = team.review.records.count()  # the second round adds to the first
    assert result.review.records.count() == total
    assert Vote.objects.filter(item__review=result.review).count() == 2 * total
    return exported, imported


def test_queries_do_not_grow_with_the_records(team, tmp_path):
    small = _round(team, tmp_path, 300)
    large = _round(team, tmp_path, 3000)
    # One query per model to export, whatever the size (the first export also makes the
    # installation's id).
    assert large[0] <= small[0] <= 40
    # Importing inserts in batches (SQLite caps a statement at 999 parameters, so about 40
    # records a statement there, 1000 rows on PostgreSQL): far fewer queries than rows.
    rows = 4 * team.review.records.count()  # records, items and two votes each
    assert large[1] < rows / 20

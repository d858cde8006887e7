"""CSV exports: a cell a spreadsheet would run as a formula is escaped (reviews.files)."""
import csv
import io
from pathlib import Path

import pytest
from django.conf import settings

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


# Files stored for a change that rolls back go with it (reviews.files.delete_on_rollback).

def _stored(name="x.ris"):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    return default_storage, default_storage.save(name, ContentFile(b"TY  - JOUR\nER  -\n"))


def test_a_file_stored_in_a_transaction_that_rolls_back_is_removed(db):
    from django.db import transaction

    from reviews.files import delete_on_rollback

    with pytest.raises(RuntimeError), transaction.atomic():
        storage, name = _stored()
        delete_on_rollback(storage, name)
        assert storage.exists(name)
        raise RuntimeError("the row could not be written")
    assert not storage.exists(name)


def test_a_file_stored_in_a_savepoint_that_rolls_back_is_removed_and_others_kept(
        db, django_capture_on_commit_callbacks):
    from django.db import transaction

    from reviews.files import delete_on_rollback

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        kept_storage, kept = _stored("kept.ris")
        delete_on_rollback(kept_storage, kept)
        with pytest.raises(RuntimeError), transaction.atomic():
            storage, name = _stored("gone.ris")
            delete_on_rollback(storage, name)
            raise RuntimeError
        assert not storage.exists(name)
    assert kept_storage.exists(kept)


def test_an_upload_whose_transaction_rolls_back_leaves_no_file(team, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reviews.models import Search
    from reviews.searches import services

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Search, "save", broken_save)
    media = Path(settings.MEDIA_ROOT)
    with pytest.raises(RuntimeError):
        services.search_preview(actor=team.users["owner"], review_id=team.review.id,
                               upload=SimpleUploadedFile("a.ris", b"TY  - JOUR\nTI  - A\nER  -\n"),
                               source="pubmed")
    assert [p for p in media.rglob("*") if p.is_file()] == []

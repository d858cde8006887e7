"""Screening's files and exports: escaped CSV, downloads named right, deletions on commit."""
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from screening.fulltexts import services as fulltext
from screening.models import FullText

from .test_votes import ft_item, vote

PDF = b"%PDF-1.4\n%%EOF\n"


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_the_agreement_export_escapes_reviewer_names_and_keeps_numbers(screening_team):
    t = screening_team
    t.users["reviewer"].username = "-2+3"
    t.users["reviewer"].save()
    for item, (x, y) in zip(t.items, [("include", "include"), ("exclude", "exclude"),
                                      ("include", "exclude")], strict=True):
        vote(t, "reviewer", item, x)
        vote(t, "owner", item, y)
    [header, row] = _rows(t.client("owner").get(f"/reviews/{t.review.id}/screening/agreement.csv"))
    assert "'-2+3" in row[1:3]
    assert row[5] == "0.4000"


def test_a_full_text_with_a_chinese_name_downloads_under_that_name(screening_team):
    t = screening_team
    ft = ft_item(t, t.items[0])
    fulltext.fulltext_attach(actor=t.users["reviewer"], record_id=ft.record_id,
                             upload=SimpleUploadedFile("间充质干细胞治疗.pdf", PDF))
    response = t.client("viewer").get(
        f"/reviews/{t.review.id}/screening/items/{ft.id}/fulltext/")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    assert "filename*=utf-8''%E9%97%B4%E5%85%85%E8%B4%A8" in disposition
    assert b"".join(response.streaming_content) == PDF


def test_a_replaced_full_text_is_removed_only_after_the_commit(
        screening_team, django_capture_on_commit_callbacks):
    t = screening_team
    ft = ft_item(t, t.items[0])
    first = fulltext.fulltext_attach(actor=t.users["reviewer"], record_id=ft.record_id,
                                     upload=SimpleUploadedFile("a.pdf", PDF))
    storage, old_name = first.file.storage, first.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fulltext.fulltext_attach(actor=t.users["reviewer"], record_id=ft.record_id,
                                 upload=SimpleUploadedFile("a.pdf", PDF + b"v2"))
    assert storage.exists(old_name)  # not yet committed: still there
    for callback in callbacks:
        callback()
    assert not storage.exists(old_name)
    assert storage.exists(FullText.objects.get(record_id=ft.record_id).file.name)


def test_a_rolled_back_replacement_keeps_the_old_file(screening_team):
    t = screening_team
    ft = ft_item(t, t.items[0])
    first = fulltext.fulltext_attach(actor=t.users["reviewer"], record_id=ft.record_id,
                                     upload=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(RuntimeError), transaction.atomic():
        fulltext.fulltext_attach(actor=t.users["reviewer"], record_id=ft.record_id,
                                 upload=SimpleUploadedFile("a.pdf", PDF + b"v2"))
        raise RuntimeError("the request failed after the upload")
    kept = FullText.objects.get(record_id=ft.record_id)
    assert kept.file.name == first.file.name and kept.file.storage.exists(kept.file.name)

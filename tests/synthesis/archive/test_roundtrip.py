"""Export -> import -> export keeps a review's whole content, apart from ids."""
import hashlib

import pytest
from django.core.management import call_command

from extraction.models import Snapshot
from reviews.models import Membership, Review
from screening.models import FullText, Vote
from synthesis.models import PoolingRun
from tests.synthesis.archive.helpers import content, rich_review, without_import_events


@pytest.fixture
def archives(db, tmp_path, capsys, django_capture_on_commit_callbacks):
    review, owner = rich_review(django_capture_on_commit_callbacks)
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    call_command("export_review", str(review.id), "--out", str(first))
    call_command("import_review", str(first), "--owner", owner.username)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("review id: ")
    copy = Review.objects.get(pk=int(last.split(": ")[1]))
    call_command("export_review", str(copy.id), "--out", str(second))
    return review, copy, first, second


def test_export_import_export_keeps_the_content_apart_from_ids(archives):
    review, copy, first, second = archives
    manifest_a, a = content(first)
    manifest_b, b = content(second)
    assert copy.pk != review.pk
    assert without_import_events(b) == a
    counts_b = dict(manifest_b["counts"], **{"reviews.auditevent":
                                             manifest_b["counts"]["reviews.auditevent"] - 1})
    assert counts_b == manifest_a["counts"]


def test_the_archive_holds_every_stage_of_the_review(archives):
    _review, _copy, first, _second = archives
    manifest, tables = content(first)
    for name in ("reviews.membership", "reviews.invitation", "reviews.search", "reviews.record",
                 "reviews.duplicatepair", "screening.item", "screening.vote",
                 "screening.adjudication", "screening.fulltext", "screening.exclusionreason",
                 "screening.study",
                 "extraction.form", "extraction.extraction", "extraction.cell",
                 "extraction.consensusdecision", "extraction.snapshot", "synthesis.analysis",
                 "synthesis.poolingrun", "synthesis.gradejudgement", "reviews.auditevent"):
        assert manifest["counts"][name] > 0, name
    assert any(v["superseded_at"] for v in tables["screening.vote"])
    assert any(r["duplicate_of"] is not None for r in tables["reviews.record"])
    assert any(v["reason"] is not None for v in tables["screening.vote"])
    assert all(m.startswith(("data/", "files/")) for m in manifest["members"])


def test_the_imported_review_keeps_snapshot_hashes_files_and_votes(archives):
    review, copy, _first, _second = archives
    original = Snapshot.objects.filter(review=review).order_by("number")
    imported = Snapshot.objects.filter(review=copy).order_by("number")
    assert [(s.content_hash, s.data) for s in imported] == [
        (s.content_hash, s.data) for s in original]
    assert PoolingRun.objects.filter(review=copy).count() == PoolingRun.objects.filter(
        review=review).count()
    assert Vote.objects.filter(item__review=copy, superseded_at__isnull=False).count() == 1
    old, new = (FullText.objects.get(record__review=r) for r in (review, copy))
    assert new.file.name != old.file.name
    with old.file.open("rb") as a, new.file.open("rb") as b:
        assert hashlib.sha256(b.read()).digest() == hashlib.sha256(a.read()).digest()
    roles = sorted(Membership.objects.filter(review=copy).values_list("user__username", "role"))
    assert roles == sorted(Membership.objects.filter(review=review)
                           .values_list("user__username", "role"))


def test_an_imported_review_travels_again_unchanged(archives, tmp_path, capsys):
    _review, copy, _first, second = archives
    owner = copy.memberships.get(role="owner").user
    call_command("import_review", str(second), "--owner", owner.username)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    third = tmp_path / "third.zip"
    call_command("export_review", last.removeprefix("review id: "), "--out", str(third))
    assert without_import_events(content(third)[1]) == without_import_events(content(second)[1])

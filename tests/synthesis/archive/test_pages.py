"""The archive from the pages: the owner's streamed export and the import page."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import Membership, Review
from screening.models import Item
from screening.services import vote_cast
from tests.synthesis.archive.helpers import footprint
from tests.synthesis.prisma_review import import_exports


@pytest.fixture
def review(team):
    import_exports(team.review, team.users["owner"])
    return team.review


def _download(response):
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def test_the_owner_downloads_the_whole_review_as_a_zip(team, review):
    response = team.client("owner").get(reverse("archive_export", args=[review.id]))
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(_download(response))) as zf:
        assert "manifest.json" in zf.namelist()
        assert "data/reviews.record.json" in zf.namelist()


@pytest.mark.parametrize("persona,status", [("reviewer", 403), ("viewer", 403),
                                            ("outsider", 404)])
def test_only_the_owner_may_export(team, review, persona, status):
    response = team.client(persona).get(reverse("archive_export", args=[review.id]))
    assert response.status_code == status


def test_the_home_page_offers_the_export_to_the_owner_only(team, review):
    url = reverse("review_home", args=[review.id])
    assert b"archive-export-link" in team.client("owner").get(url).content
    assert b"archive-export-link" not in team.client("reviewer").get(url).content


def test_an_owner_still_blinded_to_a_vote_cannot_export(team, review):
    item = Item.objects.filter(review=review, stage="ta").order_by("id").first()
    vote_cast(actor=team.users["reviewer"], item_id=item.id, decision="include")
    response = team.client("owner").get(reverse("archive_export", args=[review.id]))
    assert response.status_code == 409
    vote_cast(actor=team.users["owner"], item_id=item.id, decision="include")
    _download(team.client("owner").get(reverse("archive_export", args=[review.id])))


def test_any_member_imports_an_archive_into_a_review_they_own(team, review):
    archive = _download(team.client("owner").get(reverse("archive_export", args=[review.id])))
    response = team.client("outsider").post(reverse("archive_import"), {
        "archive": SimpleUploadedFile("review.zip", archive, content_type="application/zip")})
    assert response.status_code == 302
    copy = Review.objects.exclude(pk__in=[review.pk, team.other_review.pk]).get()
    assert response["Location"] == reverse("review_home", args=[copy.id])
    assert Membership.objects.get(review=copy, user=team.users["outsider"]).role == "owner"
    assert copy.records.count() == review.records.count()


def test_a_refused_archive_is_shown_with_its_reason_and_leaves_nothing(team, review):
    client = team.client("viewer")
    before = footprint()
    response = client.post(reverse("archive_import"), {
        "archive": SimpleUploadedFile("broken.zip", b"PK\x03\x04 nothing",
                                      content_type="application/zip")})
    assert response.status_code == 200
    assert "broken.zip was refused: not a readable zip archive" in response.content.decode()
    assert footprint() == before


def test_the_import_page_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("archive_import"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_import_page_speaks_chinese(team):
    client = team.client("viewer")
    response = client.get(reverse("archive_import"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = response.content.decode()
    assert "导入系统评价归档" in text and "接受来自其他安装实例的归档" in text
    assert "导入后将创建一个由您拥有的新系统评价" in text

"""Full texts in the API, as the pages allow them: upload one or many, list, download, mark
not retrieved. A viewer reads and is refused writes (403); an outsider finds nothing (404)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from reviews.models import AuditEvent
from screening.models import FullText, Item

from ..test_votes import ft_item

PDF = b"%PDF-1.4\n%%EOF\n"


def api(team, who):
    client = APIClient()
    client.force_authenticate(team.users[who])
    return client


@pytest.fixture
def ft(screening_team):
    return ft_item(screening_team, screening_team.items[0])


def _url(t, tail):
    return f"/api/reviews/{t.review.id}/screening/{tail}"


def test_a_reviewer_uploads_lists_and_downloads_a_full_text(screening_team, ft):
    t = screening_team
    response = api(t, "reviewer").post(
        _url(t, f"items/{ft.id}/fulltext/"),
        {"file": SimpleUploadedFile("paper.pdf", PDF, "application/pdf")}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["full_text"]["name"] == "paper.pdf"
    assert AuditEvent.objects.filter(verb="fulltext.attach").count() == 1
    listed = api(t, "viewer").get(_url(t, "fulltexts/")).json()
    assert listed["count"] == 1
    [row] = listed["results"]
    assert (row["item"], row["record"], row["full_text"]["size"]) == (ft.id, ft.record_id,
                                                                       len(PDF))
    assert "votes" not in row and "status" not in row and "decision" not in row
    download = api(t, "viewer").get(_url(t, f"items/{ft.id}/fulltext/"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    asked = api(t, "viewer").get(_url(t, f"items/{ft.id}/fulltext/"),
                                 HTTP_ACCEPT="application/pdf")
    assert asked.status_code == 200 and b"".join(asked.streaming_content) == PDF
    missing = api(t, "viewer").get(_url(t, f"items/{t.items[1].id}/fulltext/"),
                                   HTTP_ACCEPT="application/pdf")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_kept(screening_team, ft):
    t = screening_team
    response = api(t, "reviewer").post(
        _url(t, f"items/{ft.id}/fulltext/"),
        {"file": SimpleUploadedFile("paper.pdf", b"hello")}, format="multipart")
    assert response.status_code == 400
    assert "not a PDF" in str(response.json())
    assert not FullText.objects.exists()


def test_bulk_upload_matches_files_by_doi_and_reports_each(screening_team, ft):
    t = screening_team
    doi = ft.record.doi.replace("/", "_")
    response = api(t, "reviewer").post(_url(t, "fulltexts/"), {"files": [
        SimpleUploadedFile(f"{doi}.pdf", PDF), SimpleUploadedFile("nothing-like-it.pdf", PDF)]},
        format="multipart")
    assert response.status_code == 200, response.content
    report = {r["file"]: r for r in response.json()}
    assert report[f"{doi}.pdf"]["attached"] and report[f"{doi}.pdf"]["record"] == ft.record_id
    assert not report["nothing-like-it.pdf"]["attached"]
    assert report["nothing-like-it.pdf"]["error"]
    assert FullText.objects.get().record_id == ft.record_id


def test_marking_not_retrieved_and_clearing_it(screening_team, ft):
    t = screening_team
    url = _url(t, f"items/{ft.id}/not-retrieved/")
    response = api(t, "reviewer").post(url, {"not_retrieved": True}, format="json")
    assert response.status_code == 200 and response.json()["not_retrieved"] is True
    assert Item.objects.get(pk=ft.pk).not_retrieved
    api(t, "reviewer").post(url, {"not_retrieved": False}, format="json")
    assert not Item.objects.get(pk=ft.pk).not_retrieved
    assert AuditEvent.objects.filter(verb="fulltext.not_retrieved").count() == 2
    refused = api(t, "reviewer").post(_url(t, f"items/{t.items[1].id}/not-retrieved/"),
                                      {"not_retrieved": True}, format="json")
    assert refused.status_code == 400  # a title/abstract item has no report to retrieve


def test_a_viewer_may_read_but_not_write_and_an_outsider_finds_nothing(screening_team, ft):
    t = screening_team
    upload = {"file": SimpleUploadedFile("paper.pdf", PDF)}
    viewer = api(t, "viewer")
    assert viewer.post(_url(t, f"items/{ft.id}/fulltext/"), upload,
                       format="multipart").status_code == 403
    assert viewer.post(_url(t, "fulltexts/"), {"files": [SimpleUploadedFile("a.pdf", PDF)]},
                       format="multipart").status_code == 403
    assert viewer.post(_url(t, f"items/{ft.id}/not-retrieved/"), {"not_retrieved": True},
                       format="json").status_code == 403
    assert viewer.get(_url(t, f"items/{ft.id}/fulltext/")).status_code == 404  # none yet
    outsider = api(t, "outsider")
    for response in (outsider.get(_url(t, "fulltexts/")),
                     outsider.get(_url(t, f"items/{ft.id}/fulltext/")),
                     outsider.post(_url(t, f"items/{ft.id}/fulltext/"),
                                   {"file": SimpleUploadedFile("p.pdf", PDF)},
                                   format="multipart"),
                     outsider.post(_url(t, f"items/{ft.id}/not-retrieved/"),
                                   {"not_retrieved": True}, format="json")):
        assert response.status_code == 404
    assert not FullText.objects.exists() and not Item.objects.get(pk=ft.pk).not_retrieved


def test_another_reviews_item_is_not_found(screening_team, ft):
    t = screening_team
    own = api(t, "reviewer").post(_url(t, f"items/{ft.id}/fulltext/"),
                                  {"file": SimpleUploadedFile("p.pdf", PDF)}, format="multipart")
    assert own.status_code == 201
    # The outsider's own review in the path, this review's item: not found, nothing shown.
    url = f"/api/reviews/{t.other_review.id}/screening/items/{ft.id}/fulltext/"
    assert api(t, "outsider").get(url).status_code == 404
    assert api(t, "outsider").post(url, {"file": SimpleUploadedFile("p.pdf", PDF)},
                                   format="multipart").status_code == 404
    marked = api(t, "outsider").post(
        f"/api/reviews/{t.other_review.id}/screening/items/{ft.id}/not-retrieved/",
        {"not_retrieved": True}, format="json")
    assert marked.status_code == 404 and marked.json() == {"detail": "Not found."}
    assert not Item.objects.get(pk=ft.pk).not_retrieved


def test_the_schema_documents_the_uploads_as_binary():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    parts = schema["components"]["schemas"]
    assert parts["FullTextUploadInputRequest"]["properties"]["file"]["format"] == "binary"
    files = parts["FullTextBulkInputRequest"]["properties"]["files"]
    assert files["items"]["format"] == "binary"
    path = schema["paths"]["/api/reviews/{review_id}/screening/items/{item_id}/fulltext/"]
    assert "multipart/form-data" in path["post"]["requestBody"]["content"]
    assert "application/pdf" in path["get"]["responses"]["200"]["content"]


def _item_reads(queries):
    return [q["sql"] for q in queries
            if q["sql"].startswith("SELECT") and 'FROM "screening_item"' in q["sql"]]


def test_marking_not_retrieved_reads_the_item_once(screening_team, ft,
                                                   django_assert_num_queries):
    t = screening_team
    client = api(t, "reviewer")
    url = _url(t, f"items/{ft.id}/not-retrieved/")
    # The access check, the locked read of the item with its record and full text, the
    # service's own access check, the votes check, the write, its audit line (and savepoints).
    with django_assert_num_queries(8) as captured:
        response = client.post(url, {"not_retrieved": True}, format="json")
    assert response.status_code == 200
    assert len(_item_reads(captured.captured_queries)) == 1
    assert response.json() == {"item": ft.id, "record": ft.record_id,
                               "title": ft.record.title, "doi": ft.record.doi,
                               "pmid": ft.record.pmid, "not_retrieved": True,
                               "full_text": None}


def test_an_upload_answers_the_item_as_attached_without_reading_it_again(screening_team, ft):
    t = screening_team
    client = api(t, "reviewer")
    client.post(_url(t, f"items/{ft.id}/not-retrieved/"), {"not_retrieved": True},
                format="json")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(_url(t, f"items/{ft.id}/fulltext/"),
                               {"file": SimpleUploadedFile("paper.pdf", PDF)},
                               format="multipart")
    assert response.status_code == 201
    # The item named in the URL, and the service's locked read of the marked reports.
    assert len(_item_reads(captured.captured_queries)) == 2
    body = response.json()
    assert body["not_retrieved"] is False and not Item.objects.get(pk=ft.pk).not_retrieved
    assert (body["full_text"]["name"], body["full_text"]["size"],
            body["full_text"]["uploaded_by"]) == ("paper.pdf", len(PDF), "reviewer")

"""The import stage as stored data: preview, all-or-nothing import, re-import, bad files."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models as dj_models
from rest_framework.test import APIClient

from reviews.models import AuditEvent, Record, Search
from reviews.searches import services
from reviews.searches.importers import ParseError

from ...conftest import shared_path

RIS = """TY  - JOUR
TI  - Autologous adipose-derived stromal vascular fraction in systemic sclerosis
AU  - Granel, Brigitte
AU  - Daumas, Aurelie
PY  - 2015
JO  - Annals of the Rheumatic Diseases
VL  - 74
IS  - 12
SP  - 2175
EP  - 2182
DO  - https://doi.org/10.1136/ANNRHEUMDIS-2014-205681
AB  - Hand disability is a major problem in systemic sclerosis.
ER  -

TY  - JOUR
AU  - Nobody, Known
PY  - 2019
JO  - Some Journal
ER  -

TY  - JOUR
TI  - Umbilical cord mesenchymal stem cells for diffuse cutaneous systemic sclerosis
AU  - Zhang, H
PY  - 2017
ER  -
"""


def _upload(text=RIS, name="pubmed.ris"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/octet-stream")


def _preview(team, upload=None, **kw):
    return services.search_preview(actor=team.users["owner"], review_id=team.review.id,
                                  upload=upload or _upload(), source=kw.pop("source", "pubmed"),
                                  **kw)


def _import(team, search):
    return services.search_import_start(actor=team.users["owner"], review_id=team.review.id,
                                       search_id=search.id)


def test_preview_counts_records_shows_the_first_and_lists_problem_records(team):
    search = _preview(team, query="mesenchymal AND sclerosis")
    assert (search.status, search.format, search.record_count) == ("preview", "ris", 3)
    assert search.preview["first"][0]["doi"] == "10.1136/annrheumdis-2014-205681"
    [problem] = search.preview["problems"]
    assert problem["position"] == 2 and problem["line"] == 15
    assert Record.objects.count() == 0


def test_import_stores_every_record_with_its_fields_and_audits_it(team,
                                                                  django_capture_on_commit_callbacks):
    search = _preview(team)
    with django_capture_on_commit_callbacks(execute=True):
        _import(team, search)
    search.refresh_from_db()
    assert search.status == "done" and search.record_count == 3 and search.problem_count == 1
    first = Record.objects.get(search=search, position=1)
    assert first.authors == ["Granel, Brigitte", "Daumas, Aurelie"]
    assert (first.year, first.volume, first.issue) == (2015, "74", "12")
    assert Record.objects.get(search=search, position=2).problems
    verbs = set(AuditEvent.objects.filter(review=team.review).values_list("verb", flat=True))
    assert {"search.queue", "search.import"} <= verbs


def test_reimporting_the_same_file_adds_nothing_and_says_so(team,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _import(team, _preview(team))
    with pytest.raises(services.AlreadyImported) as exc:
        _preview(team, upload=_upload(name="renamed.ris"), source="embase")
    assert "already imported" in exc.value.messages[0]
    assert Record.objects.count() == 3 and Search.objects.count() == 1


def test_a_malformed_file_is_rejected_with_its_line_and_nothing_is_stored(team):
    bad = "title,author\nNot RIS at all,Someone\n"
    with pytest.raises(ParseError) as exc:
        _preview(team, upload=_upload(bad, "broken.ris"), format="ris")
    assert exc.value.filename == "broken.ris" and exc.value.line is not None
    assert Search.objects.count() == 0


def test_a_file_over_the_limit_is_refused_before_reading(team, settings, monkeypatch):
    settings.IMPORT_MAX_BYTES = 100
    monkeypatch.setattr(services, "scan_file", lambda *a, **k: pytest.fail("file was read"))
    with pytest.raises(services.ValidationError) as exc:
        _preview(team)
    assert "refused" in exc.value.messages[0]
    assert Search.objects.count() == 0


def test_an_import_that_fails_midway_stores_nothing(team, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "BATCH", 1)
    calls = {"n": 0}
    real = dj_models.QuerySet.bulk_create

    def flaky(self, objs, *a, **k):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(self, objs, *a, **k)

    monkeypatch.setattr(dj_models.QuerySet, "bulk_create", flaky)
    search = _preview(team)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        _import(team, search)
    search.refresh_from_db()
    assert search.status == "failed" and "nothing of the file was stored" in search.error
    assert Record.objects.count() == 0


def test_running_the_import_task_twice_imports_once(team):
    search = _preview(team)
    Search.objects.filter(pk=search.pk).update(status="queued")
    assert services.search_import_run(search_id=search.id) is True
    assert services.search_import_run(search_id=search.id) is False
    assert Record.objects.filter(search=search).count() == 3


def test_the_review_home_counts_searches_and_records(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _import(team, _preview(team))
    page = team.client("viewer").get(f"/reviews/{team.review.id}/").content.decode()
    assert "Records identified" in page and ">3<" in page


def test_the_import_page_previews_then_imports(team, django_capture_on_commit_callbacks):
    client = team.client("owner")
    response = client.post(f"/reviews/{team.review.id}/searches/", {
        "file": _upload(), "source": "cnki", "date_searched": "2021-02-01", "query": "q"})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Import 3 records" in detail and "Autologous adipose-derived" in detail
    search = Search.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reviews/{team.review.id}/searches/{search.id}/import/")
    listing = client.get(f"/reviews/{team.review.id}/searches/").content.decode()
    assert "CNKI" in listing and 'id="records-total">3<' in listing


def test_the_import_page_shows_the_line_and_reason_of_a_malformed_file(team):
    response = team.client("owner").post(f"/reviews/{team.review.id}/searches/", {
        "file": _upload("title,author\nNot RIS at all,Someone\n", "bad.ris"),
        "source": "pubmed", "format": "ris"})
    assert response.status_code == 400
    assert "bad.ris: line" in response.content.decode()


def test_the_api_uploads_imports_and_refuses_a_second_copy(team,
                                                          django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_authenticate(team.users["owner"])
    url = f"/api/reviews/{team.review.id}/searches/"
    created = client.post(url, {"file": _upload(), "source": "embase"}, format="multipart")
    assert created.status_code == 201 and created.json()["record_count"] == 3
    sid = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(f"{url}{sid}/import/")
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    assert client.get(f"{url}{sid}/").json()["status"] == "done"
    again = client.post(url, {"file": _upload(), "source": "embase"}, format="multipart")
    assert again.status_code == 409 and again.json()["search"] == sid


def test_a_real_cnki_export_keeps_its_chinese_text(team, django_capture_on_commit_callbacks):
    path = shared_path("imports", "cnki_noteexpress", "Classic5Test.net")
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    search = _preview(team, upload=upload, source="cnki")
    with django_capture_on_commit_callbacks(execute=True):
        _import(team, search)
    titles = list(Record.objects.filter(search=search).values_list("title", flat=True))
    assert len(titles) == 5
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in t or "") for t in titles)


def test_on_sqlite_the_file_is_read_before_the_write_transaction_opens(team, monkeypatch):
    # SQLite has one writer: parsing inside the import's transaction kept the web side's
    # writes waiting (up to its 20 s timeout) for as long as a large file took to read.
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL reads and copies in one stream; its writers do not block")
    search = _preview(team)
    Search.objects.filter(pk=search.pk).update(status="queued")
    outer = len(connection.atomic_blocks)
    depths, beats = [], []
    real_rows, real_beat = services._rows, services._beat

    def rows(s):
        for fields in real_rows(s):
            depths.append(len(connection.atomic_blocks))
            yield fields

    monkeypatch.setattr(services, "_rows", rows)
    monkeypatch.setattr(services, "BATCH", 1)
    monkeypatch.setattr(services, "_beat", lambda key, done: (beats.append(done),
                                                              real_beat(key, done)))
    assert services.search_import_run(search_id=search.id) is True
    assert depths == [outer] * 3  # no transaction of the import's own while reading
    assert beats == sorted(beats) and beats[-1] == 3  # the bar only moves forward
    assert Record.objects.filter(search=search).count() == 3

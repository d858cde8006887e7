"""An uploaded export is read by a worker, not in the web request: the search waits as
"reading" with a progress bar, a bad file becomes a visible failed search, a lost task can be
queued again or the file discarded by the owner."""
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import AuditEvent, Search
from reviews.searches import selectors, services, tasks

from .test_imports import RIS


@pytest.fixture
def sent(settings, monkeypatch):
    """Workers present (tasks not eager); the tasks sent are recorded, not run."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    messages = []
    monkeypatch.setattr(tasks.search_scan, "delay", lambda sid: messages.append(("scan", sid)))
    monkeypatch.setattr(tasks.search_import, "delay",
                        lambda sid: messages.append(("import", sid)))
    return messages


def _file(text=RIS, name="pubmed.ris"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def _upload_page(team, text=RIS, name="pubmed.ris", **extra):
    return team.client("owner").post(f"/reviews/{team.review.id}/searches/", {
        "file": _file(text, name), "source": "pubmed", **extra})


def test_the_upload_request_only_stores_the_file_and_sends_the_reading_to_a_worker(
        team, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload_page(team)
    assert response.status_code == 302
    search = Search.objects.get()
    # Nothing was read in the request: no count, no preview, the task was sent.
    assert (search.status, search.record_count, search.preview) == ("reading", 0, {})
    assert sent == [("scan", search.id)]
    page = team.client("owner").get(response["Location"]).content.decode()
    assert 'id="progress"' in page and 'data-status="reading"' in page
    assert "Reading the file for its preview" in page
    progress = team.client("viewer").get(
        f"/reviews/{team.review.id}/searches/{search.id}/progress/").json()
    assert progress["status"] == "reading" and progress["unit"] == "bytes"
    assert progress["total"] == search.file_size and progress["stuck"] is False
    # The worker's part.
    assert tasks.search_scan(search.id) is True
    search.refresh_from_db()
    assert (search.status, search.format, search.record_count) == ("preview", "ris", 3)
    assert search.preview["first"][0]["title"].startswith("Autologous")


def test_reading_reports_how_far_it_got_in_bytes(team, sent, monkeypatch):
    search = services.search_preview(actor=team.users["owner"], review_id=team.review.id,
                                    upload=_file(RIS * 400), source="pubmed")
    seen = []
    real = services._beat

    def beat(key, done):
        seen.append(done)
        real(key, done)

    monkeypatch.setattr(services, "_beat", beat)
    monkeypatch.setattr(services.time, "monotonic", iter(range(0, 10**6, 10)).__next__)
    assert services.search_scan_run(search_id=search.id)
    assert seen[0] == 0 and max(seen) > 0 and seen == sorted(seen)
    assert max(seen) <= search.file_size


def test_a_file_that_cannot_be_read_becomes_a_visible_failed_search_not_a_hidden_one(
        team, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload_page(team, "title,author\nNot RIS at all,Someone\n", "bad.ris", format="ris")
    search = Search.objects.get()
    tasks.search_scan(search.id)
    search.refresh_from_db()
    assert search.status == "failed" and "bad.ris" in search.error
    listing = team.client("viewer").get(f"/reviews/{team.review.id}/searches/").content.decode()
    assert "bad.ris" in listing  # listed, so its owner sees it and can discard it
    page = team.client("owner").get(
        f"/reviews/{team.review.id}/searches/{search.id}/").content.decode()
    assert "bad.ris" in page and 'id="discard-submit"' in page and "import-submit" not in page
    # Nothing to import: the import is not started.
    services.search_import_start(actor=team.users["owner"], review_id=team.review.id,
                                search_id=search.id)
    assert Search.objects.get().status == "failed" and ("import", search.id) not in sent
    stored = search.file.path
    with django_capture_on_commit_callbacks(execute=True):
        team.client("owner").post(f"/reviews/{team.review.id}/searches/{search.id}/discard/")
    assert not Search.objects.exists()
    import os

    assert not os.path.exists(stored)


def test_without_workers_a_bad_file_is_refused_in_the_answer_and_nothing_is_left(team):
    # Eager (tests, plain manage.py): the reading is over before the answer.
    client = APIClient()
    client.force_authenticate(team.users["owner"])
    response = client.post(f"/api/reviews/{team.review.id}/searches/", {
        "file": _file("title,author\nNot RIS at all,Someone\n", "bad.ris"),
        "source": "pubmed", "format": "ris"}, format="multipart")
    assert response.status_code == 400 and response.json()["file"] == "bad.ris"
    assert not Search.objects.exists()


def test_the_api_answers_reading_then_the_preview(team, sent, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_authenticate(team.users["owner"])
    url = f"/api/reviews/{team.review.id}/searches/"
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(url, {"file": _file(), "source": "embase"}, format="multipart")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "reading" and body["progress"]["unit"] == "bytes"
    tasks.search_scan(body["id"])
    later = client.get(f"{url}{body['id']}/").json()
    assert later["status"] == "preview" and later["record_count"] == 3


def _stuck(search):
    Search.objects.filter(pk=search.pk).update(
        queued_at=timezone.now() - timedelta(seconds=3600))


def test_a_lost_reading_task_can_be_queued_again_by_the_owner(
        team, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload_page(team)
    search = Search.objects.get()
    url = f"/api/reviews/{team.review.id}/searches/{search.id}/requeue/"
    owner = APIClient()
    owner.force_authenticate(team.users["owner"])
    # Not yet: it was sent a moment ago.
    assert owner.post(url).status_code == 409
    _stuck(search)
    reviewer = APIClient()
    reviewer.force_authenticate(team.users["reviewer"])
    assert reviewer.post(url).status_code == 403
    page = team.client("owner").get(
        f"/reviews/{team.review.id}/searches/{search.id}/").content.decode()
    assert 'id="stuck"' in page and 'id="stuck" hidden' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = team.client("owner").post(
            f"/reviews/{team.review.id}/searches/{search.id}/requeue/")
    assert response.status_code == 302
    assert sent == [("scan", search.id), ("scan", search.id)]
    assert AuditEvent.objects.filter(verb="search.requeue").count() == 1
    # The task delivered twice does its work once.
    assert tasks.search_scan(search.id) is True
    assert tasks.search_scan(search.id) is False
    assert Search.objects.get().status == "preview"


def test_a_lost_import_task_can_be_queued_again_or_the_file_discarded(
        team, sent, django_capture_on_commit_callbacks):
    search = services.search_preview(actor=team.users["owner"], review_id=team.review.id,
                                    upload=_file(), source="pubmed", scan_now=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.search_import_start(actor=team.users["owner"], review_id=team.review.id,
                                    search_id=search.id)
    assert sent == [("import", search.id)]
    discard = f"/reviews/{team.review.id}/searches/{search.id}/discard/"
    # A queued import that may be running is not discarded.
    assert team.client("owner").post(discard).status_code == 404
    _stuck(search)
    progress = selectors.search_progress(Search.objects.get())
    assert progress["stuck"] is True
    owner = APIClient()
    owner.force_authenticate(team.users["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        again = owner.post(f"/api/reviews/{team.review.id}/searches/{search.id}/requeue/")
    assert again.status_code == 202 and sent[-1] == ("import", search.id)
    _stuck(search)
    assert team.client("owner").post(discard).status_code == 302
    assert not Search.objects.exists()
    # The lost message, delivered late after all, finds nothing to do.
    assert tasks.search_import(search.id) is False


def test_a_search_with_a_worker_at_work_is_not_stuck(team, sent):
    search = services.search_preview(actor=team.users["owner"], review_id=team.review.id,
                                    upload=_file(), source="pubmed")
    _stuck(search)
    services._beat(selectors.read_key(search.id), 10)
    assert selectors.search_progress(Search.objects.get())["stuck"] is False


MAPPED_CSV = "Titel,Jahr\nMesenchymal stem cells in systemic sclerosis,2013\nAdipose cells,2015\n"


def test_with_workers_a_new_column_mapping_is_read_by_a_worker_too(
        team, sent, django_capture_on_commit_callbacks):
    search = services.search_preview(
        actor=team.users["owner"], review_id=team.review.id, scan_now=True,
        upload=_file(MAPPED_CSV, "export.csv"), source="other_database")
    assert (search.status, search.record_count) == ("preview", 0)  # nothing recognised
    with django_capture_on_commit_callbacks(execute=True):
        response = team.client("owner").post(
            f"/reviews/{team.review.id}/searches/{search.id}/mapping/",
            {"column_0": "title", "column_1": "year"}, follow=True)
    assert "being read again" in response.content.decode()
    search.refresh_from_db()
    assert (search.status, search.mapping) == ("reading", {"Titel": "title", "Jahr": "year"})
    assert sent == [("scan", search.id)]
    tasks.search_scan(search.id)
    search.refresh_from_db()
    assert (search.status, search.record_count) == ("preview", 2)
    assert search.preview["first"][0]["year"] == 2013


def test_with_workers_a_mapping_that_leaves_nothing_to_read_fails_visibly(
        team, sent, django_capture_on_commit_callbacks):
    search = services.search_preview(
        actor=team.users["owner"], review_id=team.review.id, scan_now=True,
        upload=_file(MAPPED_CSV, "export.csv"), source="other_database")
    with django_capture_on_commit_callbacks(execute=True):
        services.search_remap(actor=team.users["owner"], review_id=team.review.id,
                             search_id=search.id, mapping={"Titel": "ignore", "Jahr": "ignore"})
    tasks.search_scan(search.id)
    search.refresh_from_db()
    assert search.status == "failed" and search.error
    page = team.client("owner").get(
        f"/reviews/{team.review.id}/searches/{search.id}/").content.decode()
    assert 'id="mapping-form"' in page  # the owner can choose the columns again


def test_a_search_no_longer_waiting_is_not_queued_again(team, sent):
    search = services.search_preview(actor=team.users["owner"], review_id=team.review.id,
                                    upload=_file(), source="pubmed", scan_now=True)
    _stuck(search)
    owner = APIClient()
    owner.force_authenticate(team.users["owner"])
    answer = owner.post(f"/api/reviews/{team.review.id}/searches/{search.id}/requeue/")
    assert answer.status_code == 409
    assert answer.json()["detail"] == "This search is no longer waiting for a worker."
    page = team.client("owner").post(
        f"/reviews/{team.review.id}/searches/{search.id}/requeue/", follow=True)
    assert "This search is no longer waiting for a worker." in page.content.decode()
    assert sent == [] and not AuditEvent.objects.filter(verb="search.requeue").exists()


def test_the_progress_poll_looks_up_the_workers_sign_once(team, sent, monkeypatch):
    """The page polls search_progress every second or so: with no worker's sign yet (the usual
    case while a task waits) it is still one cache read, not one for the progress and another
    for `stuck`."""
    search = services.search_preview(actor=team.users["owner"], review_id=team.review.id,
                                    upload=_file(), source="pubmed")
    _stuck(search)
    keys, backend = [], caches["default"]  # the backend behind services.cache, this thread
    real_get = backend.get
    monkeypatch.setattr(backend, "get", lambda key, *a: keys.append(key) or real_get(key, *a))
    progress = selectors.search_progress(Search.objects.get())
    assert progress["stuck"] is True and progress["done"] == 0
    assert keys == [selectors.read_key(search.id)]

"""The audit log page, API and CSV: readable before/after values, pages, filters by person,
kind and day, and an export of every event (no cut-off)."""
import csv
import io
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.audit.services import audit_record
from reviews.audit.views import audit_changes
from reviews.models import AuditEvent


def _events(team, n, *, who="owner", verb="test.event"):
    with transaction.atomic():
        for i in range(n):
            audit_record(review=team.review, actor=team.users[who], verb=verb,
                         object_type="test", object_id=str(i), after={"n": i})


def test_before_and_after_read_as_values_not_python_dicts(team):
    client = team.client("owner")
    client.post(f"/reviews/{team.review.id}/settings/", {
        "title": "Changed title", "status": "screening", "reviewers_per_record": 2,
        "blind_screening": "on"})
    page = client.get(f"/reviews/{team.review.id}/audit/").content.decode()
    row = page.split("<code>review.update</code>")[1].split("</tr>")[0]
    assert "Changed title" in row
    assert "{&#x27;" not in row and "{'" not in row  # no dict printed as Python
    assert "<del>MSCs for systemic sclerosis</del> → Changed title" in row


def test_audit_changes_pair_before_and_after_by_key():
    from django.utils import translation

    translation.activate("en")  # a language another test left active would translate "yes"
    assert audit_changes({"status": "pending", "x": None}, {"status": "conflict",
                                                          "reasons": ["A", "B"]}) == [
        ("status", "pending", "conflict"), ("x", "—", None), ("reasons", None, "A; B")]
    assert audit_changes(None, {"on": True}) == [("on", None, "yes")]


def test_the_page_is_paged_and_reaches_the_oldest_event(team):
    _events(team, 250)
    client = team.client("owner")
    first = client.get(f"/reviews/{team.review.id}/audit/").content.decode()
    assert first.count('<tr><td>') + first.count('<tr class="redacted">') == 100
    assert 'id="audit-next"' in first and "page 1 of 3" in first
    last = client.get(f"/reviews/{team.review.id}/audit/?page=3").content.decode()
    assert "test #0<" in last  # the oldest event is reachable
    assert "page 3 of 3" in last


def test_filters_by_person_kind_and_day(team):
    _events(team, 3, who="owner", verb="test.a")
    _events(team, 2, who="adjudicator", verb="test.b")
    old = AuditEvent.objects.filter(verb="test.b").first()
    from django.db import connection

    # Events are append-only for the app; the test moves one back in time in SQL.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET created_at = %s WHERE id = %s",  # noqa: S608
                       [timezone.now() - timedelta(days=10), old.pk])
    client = team.client("owner")
    base = f"/reviews/{team.review.id}/audit/"
    by_person = client.get(base, {"actor": "adjudicator"}).content.decode()
    assert "test.b" in by_person and "test.a</code>" not in by_person
    by_verb = client.get(base, {"verb": "test.a"}).content.decode()
    assert by_verb.count("<code>test.a</code>") == 3
    today = timezone.localdate().isoformat()
    recent = client.get(base, {"actor": "adjudicator", "since": today}).content.decode()
    assert recent.count("<code>test.b</code>") == 1
    bad = client.get(base, {"since": today, "until": "2000-01-01"})
    assert bad.status_code == 400 and "comes after" in bad.content.decode()
    api = APIClient()
    api.force_authenticate(team.users["owner"])
    data = api.get(f"/api/reviews/{team.review.id}/audit/",
                   {"actor": "adjudicator", "until": (timezone.localdate() - timedelta(days=5))
                    .isoformat()}).json()
    assert [e["id"] for e in data["results"]] == [old.pk]
    assert api.get(f"/api/reviews/{team.review.id}/audit/",
                   {"since": "yesterday"}).status_code == 400
    # A blank date is not a date (the schema says so); a blank name filters nothing.
    assert api.get(f"/api/reviews/{team.review.id}/audit/", {"since": ""}).status_code == 400
    assert api.get(f"/api/reviews/{team.review.id}/audit/", {"verb": ""}).status_code == 200
    csv_filtered = b"".join(client.get(f"/reviews/{team.review.id}/audit.csv",
                                       {"verb": "test.a"}).streaming_content).decode()
    assert [r["verb"] for r in csv.DictReader(io.StringIO(csv_filtered))] == ["test.a"] * 3


def test_the_export_holds_every_event(team):
    _events(team, 1203)
    response = team.client("owner").get(f"/reviews/{team.review.id}/audit.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == AuditEvent.objects.filter(review=team.review).count() > 1203
    page = team.client("owner").get(f"/reviews/{team.review.id}/audit/").content.decode()
    assert "Export every event" in page

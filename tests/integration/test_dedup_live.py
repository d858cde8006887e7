"""De-duplication on PostgreSQL: races between people and runs, and the run after an import."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from reviews.duplicates import services as ds
from reviews.duplicates.selectors import unique_records_for_review
from reviews.models import AuditEvent, DuplicatePair, Record
from reviews.searches import services
from tests.reviews.duplicates.test_dedup_services import (
    CONFERENCE,
    OTHER,
    TRIAL,
    TRIAL_SHORT,
    add_records,
    make_search,
)

from .conftest import wait_for

pytestmark = pytest.mark.integration


def _at_once(*calls):
    """Run the calls in threads released together; return each one's result or exception."""
    gate = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            gate.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 (the test inspects what each thread met)
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _pair(team):
    a, b = add_records(make_search(team), TRIAL, CONFERENCE)
    return DuplicatePair.objects.create(review=team.review, record_a=a, record_b=b, score=0.75)


def _decide(team, persona, pair, decision):
    return lambda: ds.pair_decide(
        actor=team.users[persona], review_id=team.review.id, pair_id=pair.id, decision=decision
    )


def test_two_people_deciding_one_pair_at_once_yield_one_decision(live_team):
    pair = _pair(live_team)
    results = _at_once(
        _decide(live_team, "reviewer", pair, "merge"),
        _decide(live_team, "adjudicator", pair, "not_duplicate"),
    )

    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and isinstance(refused[0], ds.AlreadyDecided)
    pair.refresh_from_db()
    events = AuditEvent.objects.filter(object_type="reviews.duplicatepair", object_id=str(pair.id))
    assert events.count() == 1 and events.get().after["status"] == pair.status
    merged = Record.objects.filter(pk=pair.record_b_id, duplicate_of__isnull=False).exists()
    assert merged == (pair.status == "merged")


def test_a_double_submit_of_the_same_decision_yields_one_decision(live_team):
    pair = _pair(live_team)
    results = _at_once(
        _decide(live_team, "reviewer", pair, "merge"), _decide(live_team, "reviewer", pair, "merge")
    )
    assert not any(isinstance(r, Exception) for r in results)
    assert AuditEvent.objects.filter(verb="duplicate.merge").count() == 1
    assert Record.objects.get(pk=pair.record_b_id).duplicate_of_id == pair.record_a_id


def test_two_runs_at_once_store_each_pair_once(live_team):
    add_records(make_search(live_team, "pubmed"), TRIAL, OTHER, CONFERENCE)
    add_records(make_search(live_team, "embase"), TRIAL_SHORT)
    run = lambda: ds.review_dedupe(review_id=live_team.review.id)  # noqa: E731

    results = _at_once(run, run)

    assert sorted(r["records"] for r in results) == [0, 4]
    assert AuditEvent.objects.filter(verb="dedup.run").count() == 1
    assert unique_records_for_review(review=live_team.review).count() == 3


RIS = (
    "TY  - JOUR\nTI  - Mesenchymal stem cells for systemic sclerosis: a phase 1 trial\n"
    "AU  - Zhang, Wei\nPY  - 2019\nDO  - 10.1186/s13287-019-0001-1\n{extra}ER  - \n\n"
    "TY  - JOUR\nTI  - Record {n} about an unrelated topic in cardiology\nAU  - Roe, R\n"
    "PY  - 2001\nER  - \n\n"
)


def test_the_worker_deduplicates_each_import_against_the_review(live_team, celery_worker):
    owner, review_id = live_team.users["owner"], live_team.review.id
    for n, (source, extra) in enumerate([("pubmed", ""), ("embase", "VL  - 10\n")]):
        upload = SimpleUploadedFile(f"{source}.ris", RIS.format(extra=extra, n=n).encode())
        search = services.search_preview(
            actor=owner, review_id=review_id, upload=upload, source=source, scan_now=True
        )
        services.search_import_start(actor=owner, review_id=review_id, search_id=search.id)

    def settled():
        records = Record.objects.filter(review_id=review_id)
        return records.count() == 4 and not records.filter(dedup_checked=False).exists()

    assert wait_for(settled, timeout=90)
    assert unique_records_for_review(review=live_team.review).count() == 3
    removed = Record.objects.get(review_id=review_id, duplicate_of__isnull=False)
    assert removed.dedup_method == "auto" and removed.search.source in ("pubmed", "embase")

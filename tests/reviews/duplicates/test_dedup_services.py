"""De-duplication services: the run after each import, merges, splits and remembered decisions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404

from reviews.duplicates import services as ds
from reviews.duplicates.matching import dedupe
from reviews.duplicates.selectors import duplicate_counts, unique_records_for_review
from reviews.models import AuditEvent, DuplicatePair, Record, Search
from reviews.selectors import stage_counts

TRIAL = {
    "title": "Mesenchymal stem cells for systemic sclerosis: a phase 1 trial",
    "authors": ["Zhang, Wei", "Li, Na"],
    "year": 2019,
    "journal": "Stem Cell Res Ther",
    "volume": "10",
    "pages": "101-110",
    "doi": "10.1186/s13287-019-0001-1",
    "pmid": "31000001",
}
# The same trial as another database gives it: fewer fields, initials, a trailing full stop.
TRIAL_SHORT = {
    **TRIAL,
    "title": TRIAL["title"] + ".",
    "authors": ["Zhang, W", "Li, N"],
    "pages": "101",
    "journal": None,
}
OTHER = {
    "title": "Autologous haematopoietic stem cell transplantation in scleroderma",
    "authors": ["Smith, John"],
    "year": 2015,
    "journal": "Lancet",
    "volume": "1",
    "pages": "1-9",
    "doi": "10.1016/s0140-6736(15)00001-1",
}
CONFERENCE = {
    "title": "Mesenchymal stem cells for systemic sclerosis a phase 1 trial",
    "authors": ["Zhang, W"],
    "year": 2020,
    "journal": "Arthritis Rheum",
    "volume": "72",
    "pages": "S5",
}


def make_search(team, source="pubmed"):
    return search_for(team.review, team.users["owner"], source)


def search_for(review, owner, source="pubmed"):
    name = f"{source}-{Search.objects.count()}.ris"
    search = Search(
        review=review,
        source=source,
        file_name=name,
        file_sha256=name.ljust(64, "0")[:64],
        file_size=1,
        format="ris",
        status=Search.Status.DONE,
        created_by=owner,
    )
    search.file.save(name, ContentFile(b"x"), save=False)
    search.save()
    return search


def add_records(search, *records):
    start = Record.objects.filter(search=search).count()
    return [
        Record.objects.create(review=search.review, search=search, position=start + n, **fields)
        for n, fields in enumerate(records, 1)
    ]


def open_pair(team, a, b, score=0.8):
    a, b = sorted((a, b), key=lambda r: r.id)
    return DuplicatePair.objects.create(review=team.review, record_a=a, record_b=b, score=score)


def refreshed(*records):
    return [Record.objects.get(pk=r.pk) for r in records]


def test_a_run_merges_the_same_trial_found_in_two_databases(team):
    (pubmed,) = add_records(make_search(team, "pubmed"), TRIAL)
    embase, other = add_records(make_search(team, "embase"), TRIAL_SHORT, OTHER)

    summary = ds.review_dedupe(review_id=team.review.id)

    assert summary["records"] == 3 and summary["merged"] == 1
    pubmed, embase, other = refreshed(pubmed, embase, other)
    # The fuller PubMed record is kept; the Embase one is removed automatically.
    assert pubmed.duplicate_of_id is None
    assert (embase.duplicate_of_id, embase.dedup_method) == (pubmed.id, "auto")
    assert list(unique_records_for_review(review=team.review)) == [pubmed, other]
    pair = DuplicatePair.objects.get(review=team.review)
    assert (pair.status, pair.method) == ("merged", "auto")


def test_the_earliest_record_stays_kept_when_a_fuller_copy_arrives_later(team):
    # Screening may already have votes on the first copy: a later import must not move them.
    (embase,) = add_records(make_search(team, "embase"), TRIAL_SHORT | {"pmid": None})
    ds.review_dedupe(review_id=team.review.id)
    (pubmed,) = add_records(make_search(team, "pubmed"), TRIAL)
    ds.review_dedupe(review_id=team.review.id)
    embase, pubmed = refreshed(embase, pubmed)
    assert embase.duplicate_of_id is None and pubmed.duplicate_of_id == embase.id


def test_the_queue_holds_what_the_engine_calls_possible(team):
    records = add_records(make_search(team), TRIAL, CONFERENCE, OTHER)
    ds.review_dedupe(review_id=team.review.id)
    expected = dedupe([ds.engine_record(r) for r in records]).possible
    stored = {
        (p.record_a_id, p.record_b_id)
        for p in DuplicatePair.objects.filter(review=team.review, status="open")
    }
    assert stored == {(records[p.i].id, records[p.j].id) for p in expected}


def test_a_second_run_finds_nothing_to_do_and_adds_nothing(team):
    add_records(make_search(team), TRIAL, TRIAL_SHORT, CONFERENCE)
    ds.review_dedupe(review_id=team.review.id)
    pairs = list(DuplicatePair.objects.values_list("record_a_id", "record_b_id", "status"))
    runs = AuditEvent.objects.filter(verb="dedup.run").count()

    assert ds.review_dedupe(review_id=team.review.id) == {"records": 0, "merged": 0, "queued": 0}
    assert list(DuplicatePair.objects.values_list("record_a_id", "record_b_id", "status")) == pairs
    assert AuditEvent.objects.filter(verb="dedup.run").count() == runs == 1


def test_a_later_import_is_compared_with_everything_already_in_the_review(team):
    (first,) = add_records(make_search(team, "pubmed"), TRIAL)
    ds.review_dedupe(review_id=team.review.id)
    (later,) = add_records(make_search(team, "embase"), TRIAL_SHORT)

    assert ds.review_dedupe(review_id=team.review.id)["records"] == 1
    assert Record.objects.get(pk=later.pk).duplicate_of_id == first.id


def test_a_run_is_audited_with_the_pairs_it_merged(team):
    a, b = add_records(make_search(team), TRIAL, TRIAL_SHORT)
    ds.review_dedupe(review_id=team.review.id)
    event = AuditEvent.objects.get(verb="dedup.run")
    assert event.after["merged"] == [[a.id, b.id]] and event.after["records"] == 2


def test_merging_a_pair_removes_one_record_by_a_person_and_is_audited(team):
    a, b = add_records(make_search(team), TRIAL, CONFERENCE)
    pair = open_pair(team, a, b)

    ds.pair_decide(
        actor=team.users["reviewer"], review_id=team.review.id, pair_id=pair.id, decision="merge"
    )

    pair.refresh_from_db()
    assert (pair.status, pair.method, pair.decided_by) == (
        "merged",
        "manual",
        team.users["reviewer"],
    )
    a, b = refreshed(a, b)
    assert (b.duplicate_of_id, b.dedup_method) == (a.id, "manual")
    event = AuditEvent.objects.get(verb="duplicate.merge")
    assert event.actor == team.users["reviewer"] and event.before["status"] == "open"
    assert duplicate_counts(review=team.review)["removed_by_person"] == 1


def test_deciding_twice_the_same_way_yields_one_decision(team):
    a, b = add_records(make_search(team), TRIAL, CONFERENCE)
    pair = open_pair(team, a, b)
    for persona in ("reviewer", "adjudicator"):
        ds.pair_decide(
            actor=team.users[persona],
            review_id=team.review.id,
            pair_id=pair.id,
            decision="not_duplicate",
        )
    pair.refresh_from_db()
    assert pair.decided_by == team.users["reviewer"]
    assert AuditEvent.objects.filter(verb="duplicate.not_duplicate").count() == 1


def test_a_different_decision_on_a_decided_pair_is_refused(team):
    a, b = add_records(make_search(team), TRIAL, CONFERENCE)
    pair = open_pair(team, a, b)
    ds.pair_decide(
        actor=team.users["reviewer"],
        review_id=team.review.id,
        pair_id=pair.id,
        decision="not_duplicate",
    )
    with pytest.raises(ds.AlreadyDecided):
        ds.pair_decide(
            actor=team.users["owner"], review_id=team.review.id, pair_id=pair.id, decision="merge"
        )
    assert Record.objects.get(pk=b.pk).duplicate_of_id is None


def test_not_a_duplicate_is_remembered_by_later_runs(team):
    a, b = add_records(make_search(team, "pubmed"), TRIAL, TRIAL_SHORT)
    ds.review_dedupe(review_id=team.review.id)
    merged = DuplicatePair.objects.get(record_a=a, record_b=b)
    ds.pair_split(actor=team.users["reviewer"], review_id=team.review.id, pair_id=merged.id)
    # A third copy arrives: it may join one of them, never both, and the split pair stays split.
    (c,) = add_records(make_search(team, "embase"), TRIAL | {"pages": "101-10"})

    ds.review_dedupe(review_id=team.review.id)

    a, b, c = refreshed(a, b, c)
    assert (a.duplicate_of_id or a.id) != (b.duplicate_of_id or b.id)
    assert DuplicatePair.objects.get(pk=merged.pk).status == "not_duplicate"
    assert not duplicate_queue_has(team, a, b)


def duplicate_queue_has(team, x, y):
    from reviews.duplicates.selectors import duplicate_queue_for_review

    ids = {x.id, y.id}
    return any(
        {p.record_a_id, p.record_b_id} == ids
        for p in duplicate_queue_for_review(review=team.review)
    )


def test_splitting_a_merged_pair_makes_both_records_unique_again(team):
    a, b = add_records(make_search(team), TRIAL, TRIAL_SHORT)
    ds.review_dedupe(review_id=team.review.id)
    pair = DuplicatePair.objects.get(record_a=a, record_b=b)

    ds.pair_split(actor=team.users["adjudicator"], review_id=team.review.id, pair_id=pair.id)

    assert [r.duplicate_of_id for r in refreshed(a, b)] == [None, None]
    assert unique_records_for_review(review=team.review).count() == 2
    event = AuditEvent.objects.get(verb="duplicate.split")
    assert event.before["status"] == "merged" and event.after["status"] == "not_duplicate"


def test_splitting_a_link_in_a_chain_keeps_what_other_merges_still_join(team):
    a, b, c = add_records(make_search(team), TRIAL, TRIAL_SHORT, CONFERENCE)
    ab, bc = open_pair(team, a, b), open_pair(team, b, c)
    for pair in (ab, bc):
        ds.pair_decide(
            actor=team.users["owner"], review_id=team.review.id, pair_id=pair.id, decision="merge"
        )
    assert unique_records_for_review(review=team.review).count() == 1

    ds.pair_split(actor=team.users["owner"], review_id=team.review.id, pair_id=bc.id)

    a, b, c = refreshed(a, b, c)
    assert b.duplicate_of_id == a.id and c.duplicate_of_id is None
    assert DuplicatePair.objects.get(pk=ab.pk).status == "merged"


def test_not_a_duplicate_on_two_records_joined_through_a_third_takes_one_out(team):
    a, b, c = add_records(make_search(team), TRIAL, TRIAL_SHORT, CONFERENCE)
    ab, bc, ac = open_pair(team, a, b), open_pair(team, b, c), open_pair(team, a, c)
    for pair in (ab, bc):
        ds.pair_decide(
            actor=team.users["owner"], review_id=team.review.id, pair_id=pair.id, decision="merge"
        )

    ds.pair_decide(
        actor=team.users["owner"], review_id=team.review.id, pair_id=ac.id, decision="not_duplicate"
    )

    a, b, c = refreshed(a, b, c)
    assert (a.duplicate_of_id or a.id) != (c.duplicate_of_id or c.id)


def test_a_merge_across_a_remembered_not_a_duplicate_is_refused(team):
    a, b, c = add_records(make_search(team), TRIAL, TRIAL_SHORT, CONFERENCE)
    ab, bc, ac = open_pair(team, a, b), open_pair(team, b, c), open_pair(team, a, c)
    ds.pair_decide(
        actor=team.users["owner"], review_id=team.review.id, pair_id=ab.id, decision="merge"
    )
    ds.pair_decide(
        actor=team.users["owner"], review_id=team.review.id, pair_id=ac.id, decision="not_duplicate"
    )
    with pytest.raises(ValidationError):
        ds.pair_decide(
            actor=team.users["owner"], review_id=team.review.id, pair_id=bc.id, decision="merge"
        )
    assert Record.objects.get(pk=c.pk).duplicate_of_id is None


def test_unmerging_one_record_leaves_the_rest_of_its_group_merged(team):
    a, b, c = add_records(make_search(team), TRIAL, TRIAL_SHORT, TRIAL | {"pages": "101-10"})
    ds.review_dedupe(review_id=team.review.id)
    kept = Record.objects.get(review=team.review, duplicate_of=None)
    leaving = Record.objects.filter(duplicate_of=kept).first()
    assert Record.objects.filter(duplicate_of=kept).count() == 2

    ds.record_unmerge(actor=team.users["reviewer"], review_id=team.review.id, record_id=leaving.id)

    assert Record.objects.get(pk=leaving.pk).duplicate_of_id is None
    assert Record.objects.filter(duplicate_of=kept).count() == 1
    assert AuditEvent.objects.filter(verb="duplicate.unmerge", object_id=str(leaving.id)).exists()


def test_unmerging_a_record_that_is_not_merged_is_refused(team):
    (a,) = add_records(make_search(team), TRIAL)
    with pytest.raises(ValidationError):
        ds.record_unmerge(actor=team.users["owner"], review_id=team.review.id, record_id=a.id)


def test_a_viewer_cannot_decide_and_an_outsider_cannot_see_the_pair(team):
    a, b = add_records(make_search(team), TRIAL, CONFERENCE)
    pair = open_pair(team, a, b)
    with pytest.raises(PermissionDenied):
        ds.pair_decide(
            actor=team.users["viewer"], review_id=team.review.id, pair_id=pair.id, decision="merge"
        )
    with pytest.raises(Http404):
        ds.pair_decide(
            actor=team.users["outsider"],
            review_id=team.review.id,
            pair_id=pair.id,
            decision="merge",
        )
    assert DuplicatePair.objects.get(pk=pair.pk).status == "open"


def test_a_pair_of_another_review_cannot_be_decided_through_this_one(team):
    a, b = add_records(make_search(team), TRIAL, CONFERENCE)
    pair = open_pair(team, a, b)
    with pytest.raises(DuplicatePair.DoesNotExist):
        ds.pair_decide(
            actor=team.users["outsider"],
            review_id=team.other_review.id,
            pair_id=pair.id,
            decision="merge",
        )


def test_the_review_home_counts_removed_duplicates_and_unique_records(team):
    add_records(make_search(team), TRIAL, TRIAL_SHORT, OTHER)
    ds.review_dedupe(review_id=team.review.id)
    counts = dict((str(label), value) for label, value in stage_counts(review=team.review)["dedup"])
    assert counts["Duplicates removed automatically"] == 1
    assert counts["Duplicates removed by a person"] == 0
    assert counts["Unique records"] == 2


RIS = (
    b"TY  - JOUR\nTI  - Mesenchymal stem cells for systemic sclerosis: a phase 1 trial\n"
    b"AU  - Zhang, Wei\nPY  - 2019\nDO  - 10.1186/s13287-019-0001-1\nER  - \n\n"
)


def test_an_import_is_followed_by_a_dedup_run(team, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reviews.searches import services as search_services

    owner = team.users["owner"]
    # Two databases' exports of the same trial (different bytes, so both are imported).
    for source, extra in (("pubmed", b""), ("embase", b"VL  - 10\n")):
        upload = SimpleUploadedFile(f"{source}.ris", RIS.replace(b"ER  -", extra + b"ER  -"))
        search = search_services.search_preview(
            actor=owner, review_id=team.review.id, upload=upload, source=source
        )
        with django_capture_on_commit_callbacks(execute=True):
            search_services.search_import_start(actor=owner, review_id=team.review.id,
                                                search_id=search.id)

    assert Record.objects.filter(review=team.review).count() == 2
    assert not Record.objects.filter(review=team.review, dedup_checked=False).exists()
    assert unique_records_for_review(review=team.review).count() == 1


def test_screening_items_follow_each_run_and_each_decision(
    team, django_capture_on_commit_callbacks
):
    from screening.models import Item

    def items():
        return set(Item.objects.filter(review=team.review, stage="ta").values_list("record_id",
                                                                                  flat=True))

    (pubmed,) = add_records(make_search(team, "pubmed"), TRIAL)
    embase, other = add_records(make_search(team, "embase"), TRIAL_SHORT, OTHER)
    assert items() == set()  # imported, not yet de-duplicated: nothing to screen
    with django_capture_on_commit_callbacks(execute=True):
        ds.review_dedupe(review_id=team.review.id)
    assert items() == {pubmed.id, other.id}  # the duplicate never enters screening

    pair = DuplicatePair.objects.get(review=team.review)
    with django_capture_on_commit_callbacks(execute=True):
        ds.pair_split(actor=team.users["owner"], review_id=team.review.id, pair_id=pair.id)
    assert items() == {pubmed.id, embase.id, other.id}  # split: both are screened

    third = open_pair(team, pubmed, other)
    with django_capture_on_commit_callbacks(execute=True):
        ds.pair_decide(actor=team.users["owner"], review_id=team.review.id, pair_id=third.id,
                       decision="merge")
    assert items() == {pubmed.id, embase.id}

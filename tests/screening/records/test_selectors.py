"""The records list: search (English and Chinese), each filter, sorting and paging."""
import pytest

from screening import services
from screening.records import selectors
from screening.records import services as record_services
from screening.records.models import RecordIndex

from .conftest import ids


def listed(t, persona="owner", **filters):
    return selectors.records_found(membership=t.memberships[persona], review=t.review,
                                   filters=filters)


def test_the_list_holds_the_unique_records_only(library):
    t = library
    assert sorted(listed(t)) == sorted(r.id for r in t.records)


@pytest.mark.parametrize(("q", "expected"), [
    ("stem", [0]), ("STEM cells", [0]), ("fibro", []), ("fibro*", [0, 4]), ("sclero", []),
    ("zhang", [0]),
    ("rheumatology", [3]), ("干细胞", [2]), ("硬皮病", [2]), ("系统性硬化", [2]),
    ("风湿病", [2]), ('"skin fibrosis"', [4]), ("fibrosis -mouse", [0]), ("李明", [2]),
])
def test_search_finds_words_in_every_field_in_both_languages(library, q, expected):
    t = library
    assert sorted(listed(t, q=q)) == sorted(t.records[i].id for i in expected)


def test_search_for_chinese_pairs_that_are_not_adjacent_finds_nothing(library):
    assert listed(library, q="干治") == []


def test_a_search_of_punctuation_alone_filters_nothing(library):
    assert len(listed(library, q="!!")) == len(library.records)


def test_a_record_indexed_later_is_found(library):
    t = library
    RecordIndex.objects.filter(record=t.records[1]).delete()
    assert listed(t, q="statins") == []
    assert record_services.records_index_sync(review=t.review) == 1
    assert listed(t, q="statins") == [t.records[1].id]
    assert record_services.records_index_sync(review=t.review) == 0


def test_stage_status_and_decision_filters(library):
    t = library
    a, b = t.records[0], t.records[1]
    for persona in ("reviewer", "adjudicator"):
        services.vote_cast(actor=t.users[persona], item_id=t.items[a.id].id, decision="include")
        services.vote_cast(actor=t.users[persona], item_id=t.items[b.id].id, decision="exclude")
    assert listed(t, stage="ft") == [a.id]
    assert a.id not in listed(t, stage="ta") and b.id in listed(t, stage="ta")
    assert listed(t, status="excluded") == [b.id]
    assert listed(t, decision="exclude") == [b.id]
    assert listed(t, stage="ft", status="pending") == [a.id]
    assert set(listed(t, status="pending")) == {a.id, *(r.id for r in t.records[2:])}
    assert listed(t, stage="none") == []


def test_my_vote_filter_reads_only_my_live_votes(library):
    t = library
    a, b = t.records[0], t.records[1]
    services.vote_cast(actor=t.users["reviewer"], item_id=t.items[a.id].id, decision="maybe")
    services.vote_cast(actor=t.users["owner"], item_id=t.items[b.id].id, decision="exclude")
    assert listed(t, "reviewer", my_vote="maybe") == [a.id]
    assert listed(t, "owner", my_vote="maybe") == []
    assert b.id not in listed(t, "owner", my_vote="none") and a.id in listed(
        t, "owner", my_vote="none")
    services.vote_retract(actor=t.users["reviewer"], item_id=t.items[a.id].id)
    assert listed(t, "reviewer", my_vote="maybe") == []


def test_conflict_and_reason_filters(library):
    t = library
    a = t.records[0]
    services.vote_cast(actor=t.users["reviewer"], item_id=t.items[a.id].id, decision="include")
    services.vote_cast(actor=t.users["owner"], item_id=t.items[a.id].id, decision="exclude")
    assert listed(t, conflict="yes") == [a.id]
    assert a.id not in listed(t, conflict="no")
    services.conflict_resolve(actor=t.users["adjudicator"], item_id=t.items[a.id].id,
                              decision="exclude", note="out")
    assert listed(t, conflict="yes") == [a.id]  # settled by adjudication: it disagreed
    reason = services.reasons_ensure(t.review).first()
    assert listed(t, reason=reason.id) == []  # title/abstract exclusions carry no reason


def test_label_source_year_and_full_text_filters(library):
    t = library
    label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                         name="background")
    record_services.record_label_set(actor=t.users["reviewer"], review_id=t.review.id,
                                     record_id=t.records[1].id, label_id=label.id, on=True)
    assert listed(t, label=label.id) == [t.records[1].id]
    # The Embase duplicate makes its kept record an Embase record too.
    assert listed(t, source="embase") == [t.records[0].id]
    assert listed(t, source="cnki") == [t.records[2].id]
    assert sorted(listed(t, year_from=2017)) == sorted(
        [t.records[0].id, t.records[2].id, t.records[3].id])
    assert listed(t, year_from=2016, year_to=2018) == [t.records[3].id]
    assert listed(t, has_full_text="yes") == [t.records[3].id]
    assert t.records[3].id not in listed(t, has_full_text="no")


def test_sorting(library):
    t = library
    assert listed(t) == sorted(r.id for r in t.records)  # import order by default
    years = listed(t, sort="year")
    assert years[:4] == [t.records[i].id for i in (2, 0, 3, 1)] and years[-1] == t.records[4].id
    assert listed(t, sort="year_asc")[0] == t.records[1].id
    titles = listed(t, sort="title")
    assert titles[0] == t.records[3].id  # "Adipose ..." first
    label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                         name="ask author")
    record_services.record_label_set(actor=t.users["owner"], review_id=t.review.id,
                                     record_id=t.records[4].id, label_id=label.id, on=True)
    assert listed(t, sort="changed")[0] == t.records[4].id


def test_relevance_puts_title_matches_first_on_postgresql(library):
    from django.db import connection

    t = library
    if connection.vendor != "postgresql":
        pytest.skip("relevance ranking needs PostgreSQL (elsewhere the list keeps import order)")
    # "fibrosis" is a keyword of record 0 and in the title of record 4.
    assert listed(t, q="fibrosis", sort="relevance") == [t.records[4].id, t.records[0].id]


def test_paging_counts_all_and_shows_one_page(library):
    t = library
    page = selectors.records_page(membership=t.memberships["owner"], review=t.review,
                                  filters={"page": 2}, size=2)
    assert page.count == 5 and page.pages == 3 and page.number == 2
    assert ids(page.rows) == [t.records[2].id, t.records[3].id]
    last = selectors.records_page(membership=t.memberships["owner"], review=t.review,
                                  filters={"page": 99}, size=2)
    assert last.number == 3 and ids(last.rows) == [t.records[4].id]


def test_rows_name_sources_labels_and_full_text(library):
    t = library
    page = selectors.records_page(membership=t.memberships["owner"], review=t.review,
                                  filters={})
    first = page.rows[0]
    assert first["sources"] == ["Embase", "PubMed/MEDLINE"]
    assert first["stage"] == "ta" and first["status"] == "pending"
    assert page.rows[3]["has_full_text"] is True


def test_a_bad_filter_is_a_400_naming_the_field(library):
    t = library
    client = t.client("viewer")
    response = client.get(f"/api/reviews/{t.review.id}/records/?status=nope")
    assert response.status_code == 400 and "status" in response.json()
    csv = client.get(f"/reviews/{t.review.id}/records.csv?page=x")
    assert csv.status_code == 400


def test_years_typed_the_wrong_way_round_mean_the_range_between(library):
    t = library
    api = t.client("viewer").get(f"/api/reviews/{t.review.id}/records/?year_from=2020&year_to=2017")
    assert api.status_code == 200
    assert {row["year"] for row in api.json()["results"]} == {2017, 2019, 2020}


def test_the_export_holds_every_filtered_row_escaped(library):
    t = library
    from reviews.models import Record

    Record.objects.filter(pk=t.records[1].pk).update(title="=HYPERLINK(1)")
    response = t.client("viewer").get(f"/reviews/{t.review.id}/records.csv?sort=year")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 + len(t.records)
    assert lines[0].lstrip("\ufeff").startswith("record_id,title")
    assert "'=HYPERLINK(1)" in lines[4]  # 2015: fourth newest


def test_the_search_reads_its_matches_through_the_gin_index_on_postgresql(library):
    # The page, the CSV and the bulk label read one statement; it must find the matches
    # through the GIN index, with the planner settings it is run with.
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the tsvector index exists on PostgreSQL only")
    t = library
    rows, ordering, plan = selectors._found(t.memberships["owner"], t.review,
                                            {"q": "stem -mouse", "year_from": 2000})
    statement, params = selectors._statement(rows, ordering)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(plan)
        cursor.execute("EXPLAIN " + statement, (*params, None, 0))
        explained = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert "screening_recordindex_fts" in explained


def test_a_page_of_a_blinded_review_reads_the_screening_settings_once(library):
    # The blinding rule needs the review's unblinded stages: read once for the page, not once
    # a row (each read is a round trip to the cache; the CSV export has thousands of rows).
    from unittest import mock

    import screening.services as screening_services
    from screening.records import selectors

    t = library
    t.review.blind_screening = True
    t.review.save()
    real = screening_services.cache.get
    reads = []

    def counted(key, *args, **kwargs):
        reads.append(key)
        return real(key, *args, **kwargs)

    with mock.patch.object(screening_services.cache, "get", side_effect=counted):
        rows = selectors.rows_for(t.records, membership=t.memberships["reviewer"],
                                  review=t.review)
    assert [r["status"] for r in rows] == ["pending"] * len(t.records)
    assert len(reads) == 1


def test_the_record_page_reads_its_history_whole_in_a_fixed_number_of_queries(library):
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from screening import services as screening_services
    from screening.records import services as record_services

    t = library
    a, b = t.records[0], t.records[1]

    def judge(record):
        item = t.items[record.id]
        screening_services.vote_cast(actor=t.users["reviewer"], item_id=item.id,
                                     decision="include")
        screening_services.vote_cast(actor=t.users["adjudicator"], item_id=item.id,
                                     decision="exclude")
        screening_services.conflict_resolve(actor=t.users["owner"], item_id=item.id,
                                            decision="include", note="fits")
        record_services.comment_add(actor=t.users["owner"], review_id=t.review.id,
                                    record_id=record.id, text="seen")

    judge(a)
    detail = selectors.record_detail(membership=t.memberships["owner"], review=t.review,
                                     record=a)
    verbs = {e.verb for e in detail["history"]}
    assert {"vote.cast", "conflict.resolve", "item.settle", "comment.add"} <= verbs
    assert [len(s["votes"]) for s in detail["stages"]] == [2, 0]
    assert len(detail["stages"][0]["adjudications"]) == 1

    def page_reads(record):
        # The page's own reads: the redaction of its history (the blinding resolvers of
        # reviews.blinding, tested on their own) is left out of the count.
        unredacted = mock.patch.object(
            selectors.policy, "redact_events",
            side_effect=lambda events, membership: [_shown(e) for e in events])
        with unredacted, CaptureQueriesContext(connection) as reads:
            assert owner.get(f"/reviews/{t.review.id}/records/{record.id}/").status_code == 200
        return len(reads)

    owner = t.client("owner")
    page_reads(b)  # the session's first request reads more (session, caches)
    bare = page_reads(b)
    judge(b)
    # Two stages with votes, an adjudication and a comment cost the comment rule's three
    # reads (items, voters, own votes), never a read per stage, vote or event.
    assert page_reads(b) == bare + 3


def _shown(event):
    event.redacted = False
    return event


FILTER_CASES = [
    {}, {"q": "fibrosis"}, {"q": "fibrosis", "sort": "year"}, {"q": "fibro*", "sort": "title"},
    {"q": "stem", "stage": "ta", "status": "pending"}, {"q": "fibrosis -mouse"},
    {"q": "systemic", "my_vote": "none"}, {"q": "systemic", "decision": "exclude"},
    {"q": "systemic", "status": "conflict"}, {"q": "fibrosis", "source": "embase"},
    {"q": "fibrosis", "year_from": 2018}, {"q": "干细胞", "has_full_text": "no"},
    {"q": "hands", "label": None}, {"stage": "ta", "my_vote": "exclude"},
    {"q": "fibrosis", "sort": "changed"}, {"q": "zzzz"},
]


@pytest.mark.parametrize("persona", ["owner", "viewer"])
def test_a_page_lists_what_the_filters_find_in_their_order(library, persona):
    # The page reads its ids and count its own way (on PostgreSQL one statement over the
    # search index's rows); it must agree with the filtered list, blinding and all.
    t = library
    a, b = t.records[0], t.records[4]
    services.vote_cast(actor=t.users["reviewer"], item_id=t.items[a.id].id, decision="exclude")
    services.vote_cast(actor=t.users["owner"], item_id=t.items[b.id].id, decision="exclude")
    label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                         name="background")
    record_services.record_label_set(actor=t.users["owner"], review_id=t.review.id,
                                     record_id=t.records[3].id, label_id=label.id, on=True)
    for filters in FILTER_CASES:
        if "label" in filters:
            filters = {**filters, "label": label.id}
        expected = listed(t, persona, **filters)
        for size in (2, 50):
            pages = []
            for number in range(1, 4):
                page = selectors.records_page(membership=t.memberships[persona],
                                              review=t.review,
                                              filters={**filters, "page": number}, size=size)
                assert page.count == len(expected), filters
                if page.number == number:
                    pages.extend(ids(page.rows))
            assert pages == expected, filters


def test_a_page_past_the_end_of_a_search_shows_the_last_page(library):
    t = library
    page = selectors.records_page(membership=t.memberships["owner"], review=t.review,
                                  filters={"q": "fibrosis", "page": 9}, size=1)
    assert (page.count, page.pages, page.number, len(page.rows)) == (2, 2, 2, 1)
    none = selectors.records_page(membership=t.memberships["owner"], review=t.review,
                                  filters={"q": "zzzz", "page": 3})
    assert (none.count, none.number, none.rows) == (0, 1, [])


def test_a_list_page_reads_a_fixed_number_of_queries(library, django_assert_max_num_queries):
    # The page's list, its count and its rows' details: a few queries for the lot, however
    # many rows, filters or matches.
    t = library
    client = t.client("reviewer")
    url = f"/reviews/{t.review.id}/records/"
    client.get(url)  # the session's first request reads more (session, caches)
    with django_assert_max_num_queries(20):
        assert client.get(url + "?q=fibrosis&stage=ta&status=pending").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(url + "?sort=year&my_vote=none").status_code == 200


def test_the_search_plan_settings_end_with_the_page(library):
    # The page tells the planner how to read the index (SET LOCAL); inside a longer
    # transaction those settings must not outlive the page's own statement.
    from django.db import connection, transaction

    t = library
    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    with transaction.atomic(), connection.cursor() as cursor:
        selectors.records_page(membership=t.memberships["owner"], review=t.review,
                               filters={"q": "fibrosis", "stage": "ta"})
        for setting in ("enable_seqscan", "enable_indexscan", "enable_nestloop"):
            cursor.execute(f"SHOW {setting}")
            assert cursor.fetchone()[0] == "on", setting


# A search with a word, an excluded word and a filter, over enough matches for several pages,
# with ties in every sort key (title, year, relevance) so only the tie-break orders them.
SHARED_PATH_RECORDS = [
    # title, abstract, year
    ("Fibrosis of the skin: fibrosis scores", "Scores in practice.", 2019),
    ("Lung fibrosis in systemic sclerosis", "Interstitial disease.", 2019),
    ("Lung fibrosis in systemic sclerosis", "A second cohort.", None),
    ("Digital ulcers", "Fibrosis of the fingertips.", 2017),
    ("Fibrosis in a mouse model", "Bleomycin.", 2018),
    ("Cardiac involvement", "Myocardial fibrosis on MRI.", 2021),
    ("Renal crisis", "Fibrosis was rare; mouse data aside.", 2016),
    ("Esophageal fibrosis", "Dysmotility.", 2019),
]
SHARED_PATH_FILTERS = {"q": "fibrosis -mouse", "stage": "ta", "status": "pending"}


@pytest.fixture
def matches(library):
    """The library with eight more records that mention fibrosis (two of them a mouse), and
    one of them judged out, so the status filter drops it."""
    from reviews.models import Record
    from screening.models import Item

    t = library
    search = t.records[0].search
    for n, (title, abstract, year) in enumerate(SHARED_PATH_RECORDS, len(t.records) + 1):
        record = Record.objects.create(review=t.review, search=search, position=n,
                                       title=title, abstract=abstract, year=year)
        t.records.append(record)
    services.items_sync(review=t.review)
    record_services.records_index_sync(review=t.review)
    item = Item.objects.get(record=t.records[-1], stage="ta")
    for persona in ("reviewer", "adjudicator"):
        services.vote_cast(actor=t.users[persona], item_id=item.id, decision="exclude")
    return t


def _page_ids(t, filters, size):
    """The ids the page shows, page after page, and the count it shows."""
    shown, number = [], 1
    while True:
        page = selectors.records_page(membership=t.memberships["owner"], review=t.review,
                                      filters={**filters, "page": number}, size=size)
        shown.extend(ids(page.rows))
        if not page.has_next:
            return shown, page.count
        number += 1


def _postgresql_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the search index's own statement is PostgreSQL's")


@pytest.mark.parametrize("sort", ["relevance", "title", "year", "year_asc", "changed", "id"])
def test_the_export_lists_the_pages_rows_in_their_order(matches, sort):
    # On PostgreSQL through the search index's rows, elsewhere by substring; alike on both.
    from urllib.parse import urlencode

    t = matches
    filters = {**SHARED_PATH_FILTERS, "sort": sort}
    shown, count = _page_ids(t, filters, size=3)
    assert len(shown) == count == 6  # fibrosis, no mouse, pending: the test's premise
    response = t.client("owner").get(f"/reviews/{t.review.id}/records.csv?"
                                     + urlencode(filters))
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert [int(line.split(",", 1)[0]) for line in lines[1:]] == shown


def test_the_bulk_label_labels_the_records_the_page_counts(matches):
    import json
    from urllib.parse import urlencode

    from screening.records.models import RecordLabel

    t = matches
    shown, count = _page_ids(t, SHARED_PATH_FILTERS, size=3)
    owner = t.client("owner")
    page_label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                              name="from the page")
    owner.post(f"/reviews/{t.review.id}/records/bulk-label/",
               {"scope": "filtered", "label": page_label.id,
                "query": urlencode(SHARED_PATH_FILTERS)})
    api_label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                             name="from the api")
    answer = owner.post(f"/api/reviews/{t.review.id}/records/bulk-label/",
                        json.dumps({"label": api_label.id, "filters": SHARED_PATH_FILTERS}),
                        content_type="application/json").json()
    assert answer == {"labelled": count}
    for label in (page_label, api_label):
        labelled = RecordLabel.objects.filter(label=label).values_list("record_id", flat=True)
        assert sorted(labelled) == sorted(shown) and len(shown) == count


def test_the_page_the_export_and_the_bulk_label_run_one_statement_on_postgresql(matches):
    # One path, so they cannot drift apart: each reads the search and the filters with the
    # same statement, paged or not.
    _postgresql_only()
    from urllib.parse import urlencode

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = matches
    owner = t.client("owner")
    label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                         name="all of them")
    query_string = urlencode(SHARED_PATH_FILTERS)
    owner.get(f"/reviews/{t.review.id}/records/")  # the session's first request reads more

    def statements(request):
        with CaptureQueriesContext(connection) as reads:
            response = request()
            b"".join(getattr(response, "streaming_content", [b""]))
        return [q["sql"].split(" LIMIT ")[0] for q in reads.captured_queries
                if q["sql"].startswith("WITH found")]

    page = statements(lambda: owner.get(f"/reviews/{t.review.id}/records/?{query_string}"))
    csv = statements(lambda: owner.get(f"/reviews/{t.review.id}/records.csv?{query_string}"))
    bulk = statements(lambda: owner.post(f"/reviews/{t.review.id}/records/bulk-label/",
                                         {"scope": "filtered", "label": label.id,
                                          "query": query_string}))
    assert len(page) == 1 and csv == page and bulk == page

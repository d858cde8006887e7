"""Reads of the records workbench, blinded as screening.blinding says (see records.blinding).

The list is one query, which the page, the CSV and the bulk label all read (_found): the
review's unique records, narrowed by the search (PostgreSQL: a GIN-indexed tsvector;
elsewhere substring matching over the same documents) and the filters, then ordered. Only
the rows shown are read in full.
"""
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    Expression,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest

from reviews import blinding as policy
from reviews.models import AuditEvent, Record, Search

from .. import blinding
from ..models import Adjudication, FullText, Item, ItemStatus, Stage, Vote
from ..services import unblinded_stages
from . import query
from .blinding import shown_status, visible_comments
from .models import Comment, Label, RecordIndex, RecordLabel

PAGE_SIZE = 50

class _Search(Expression):
    """`vector @@ query` (filter) or `ts_rank(title_vector, query)` (relevance), over the
    stored tsvector columns of a record's index row, which only PostgreSQL has (migration
    0004 adds them; the model does not declare them). The join to the index row is Django's:
    the column is read from the table alias Django compiled the title document with.
    `title`: the path to the title document from the queried model (a RecordIndex query
    names its own column)."""

    def __init__(self, tsquery, *, rank=False, title="search_index__title_doc"):
        super().__init__(output_field=FloatField() if rank else BooleanField())
        self.title, self.tsquery, self.rank = F(title), tsquery, rank

    def get_source_expressions(self):
        return [self.title]

    def set_source_expressions(self, exprs):
        [self.title] = exprs

    def as_sql(self, compiler, conn):
        title, params = compiler.compile(self.title)
        table = title.rsplit(".", 1)[0]
        column = "title_vector" if self.rank else "vector"
        vector = f"{table}.{conn.ops.quote_name(column)}"
        q = "to_tsquery('simple'::regconfig, %s)"
        sql = f"ts_rank({vector}, {q})" if self.rank else f"{vector} @@ {q}"
        return sql, (*params, self.tsquery)

    @property
    def conditional(self):
        return not self.rank


def _postgres():
    return connection.vendor == "postgresql"


def _search_q(terms):
    """The records matching every term (and none of the negated ones), tested on each
    record's own index row. On PostgreSQL this is the path of a search of exclusions alone,
    which no index can help: a positive term is found through the GIN index (see _found)."""
    if _postgres():
        return _Search(query.to_tsquery(terms))
    condition = Q()
    for term in terms:
        # Both documents are lower-cased NFKC text; contains on lower-cased input is exact.
        found = (Q(search_index__title_doc__contains=term.substring)
                 | Q(search_index__body_doc__contains=term.substring))
        condition &= ~found if term.negated else found
    return condition


def _current(items, stage=None, **condition):
    """Records whose current item (full text if it has one, else title/abstract), taken from
    `items`, meets `condition`. With the stage known (the stage filter) it is a plain semi-
    or anti-join, which PostgreSQL runs as a hash join rather than a lookup per record."""
    ft = Item.objects.filter(record=OuterRef("pk"), stage=Stage.FULL_TEXT)
    mine = items.filter(record=OuterRef("pk"), **condition)
    if stage == Stage.FULL_TEXT:
        return Q(Exists(mine.filter(stage=Stage.FULL_TEXT)))
    if stage == Stage.TITLE_ABSTRACT:
        return Q(Exists(mine.filter(stage=Stage.TITLE_ABSTRACT))) & ~Q(Exists(ft))
    return (Q(Exists(mine.filter(stage=Stage.FULL_TEXT)))
            | (Q(Exists(mine.filter(stage=Stage.TITLE_ABSTRACT))) & ~Q(Exists(ft))))


def _records(*, membership, review, filters, terms):
    """The review's unique records that the filters keep, unordered, read from the records
    themselves (every search but a PostgreSQL one with a positive term: see _found)."""
    records = Record.objects.filter(review=review, duplicate_of__isnull=True)
    if terms:
        records = records.filter(_search_q(terms))
    return _narrow(records, membership=membership, review=review, filters=filters)


def _narrow(records, *, membership, review, filters, record=""):
    """`records` narrowed by every filter but the search. Judgement filters (status other than
    pending, decision, reason, conflict) see only the items whose votes this member may see:
    a record never enters or leaves the list because of a vote the member may not see.
    `records` is a query of Record, or (record="record__") of RecordIndex, whose primary key
    is the record's id: the subqueries below name the record by the outer primary key, so
    they serve both."""
    stage = filters.get("stage")
    if stage == "none":
        records = records.exclude(Exists(Item.objects.filter(record=OuterRef("pk"))))
    # Every condition on the current item goes into one subquery: one semi-join, not one
    # per filter.
    judged = Q()
    status = filters.get("status")
    if status and status != ItemStatus.PENDING:
        judged &= Q(status=status)
    if filters.get("decision"):
        judged &= Q(decision=filters["decision"],
                    status__in=[ItemStatus.INCLUDED, ItemStatus.EXCLUDED])
    if filters.get("reason"):
        judged &= Q(reason_id=filters["reason"])
    if filters.get("conflict") == "yes":
        judged &= Q(status=ItemStatus.CONFLICT) | Q(settled_by_adjudication=True)
    elif filters.get("conflict") == "no":
        judged &= ~Q(status=ItemStatus.CONFLICT) & Q(settled_by_adjudication=False)
    # "Pending" says nothing about anyone's vote: every member may filter on it.
    plain = Q(status=ItemStatus.PENDING) if status == ItemStatus.PENDING else Q()
    my_vote = filters.get("my_vote")
    if my_vote:
        mine = Vote.objects.filter(item=OuterRef("pk"), reviewer_id=membership.user_id,
                                   superseded_at__isnull=True)
        plain &= ~Q(Exists(mine)) if my_vote == "none" else Q(Exists(
            mine.filter(decision=my_vote)))
    if judged or plain or stage in Stage.values:
        items = (blinding.visible_items(membership=membership, review=review) if judged
                 else Item.objects.filter(review=review))
        records = records.filter(_current(items.filter(judged & plain),
                                          stage if stage in Stage.values else None))
    if filters.get("label"):
        records = records.filter(Exists(RecordLabel.objects.filter(
            record=OuterRef("pk"), label_id=filters["label"])))
    if filters.get("source"):
        source = filters["source"]
        records = records.filter(Q(**{f"{record}search__source": source}) | Q(Exists(
            Record.objects.filter(duplicate_of=OuterRef("pk"), search__source=source))))
    if filters.get("year_from"):
        records = records.filter(**{f"{record}year__gte": filters["year_from"]})
    if filters.get("year_to"):
        records = records.filter(**{f"{record}year__lte": filters["year_to"]})
    if filters.get("has_full_text"):
        has = Exists(FullText.objects.filter(record=OuterRef("pk")))
        records = records.filter(has if filters["has_full_text"] == "yes" else ~Q(has))
    return records


def _sort(filters, terms):
    """The sort asked for; by default relevance with a search, else the import order."""
    return filters.get("sort") or ("relevance" if terms else "id")


def _ordering(sort, terms, record=""):
    """The ORDER BY of a sort, for a query of Record or (record="record__") RecordIndex.
    Relevance ranks the index rows a positive term found (PostgreSQL, see _found); any
    other list keeps the import order for it."""
    if sort == "relevance" and record and query.has_positive(terms):
        return [_Search(query.to_rank_tsquery(terms), rank=True, title="title_doc").desc(),
                F("pk").asc()]
    if sort == "year":
        return [F(f"{record}year").desc(nulls_last=True), F("pk").asc()]
    if sort == "year_asc":
        return [F(f"{record}year").asc(nulls_last=True), F("pk").asc()]
    if sort == "title":
        return [F(f"{record}title").asc(nulls_last=True), F("pk").asc()]
    if sort == "changed":
        # What the member may see changing: items made and settled, labels put on. Votes
        # are left out, or the order would tell who voted on what.
        floor = Value(EPOCH, output_field=DateTimeField())
        item = (Item.objects.filter(record=OuterRef("pk"))
                .annotate(at=Coalesce("settled_at", "created_at")).order_by("-at")
                .values("at")[:1])
        label = (RecordLabel.objects.filter(record=OuterRef("pk")).order_by("-added_at")
                 .values("added_at")[:1])
        changed = Greatest(Coalesce(Subquery(item, output_field=DateTimeField()), floor),
                           Coalesce(Subquery(label, output_field=DateTimeField()), floor))
        return [changed.desc(), F("pk").desc()]
    return [F("pk").asc()]


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Page:
    rows: list
    number: int
    count: int
    size: int = PAGE_SIZE

    @property
    def pages(self):
        return max(1, -(-self.count // self.size))

    @property
    def start(self):
        return (self.number - 1) * self.size

    @property
    def end(self):
        return self.number * self.size

    @property
    def has_next(self):
        return self.number < self.pages

    @property
    def has_previous(self):
        return self.number > 1


def records_page(*, membership, review, filters, size=PAGE_SIZE):
    """One page of the list, its rows ready to show, and the number of records in all."""
    page = Page(rows=[], number=filters.get("page") or 1, count=0, size=size)
    page.count, ids = _found_ids(membership, review, filters, start=page.start, size=size)
    if not ids and page.number > page.pages:  # past the end: the last page instead
        page.number = page.pages
        page.count, ids = _found_ids(membership, review, filters, start=page.start, size=size)
    by_id = Record.objects.in_bulk(ids)
    page.rows = rows_for([by_id[i] for i in ids], membership=membership, review=review)
    return page


def records_found(*, membership, review, filters):
    """The ids of every record the filtered list holds, in the order its pages show them:
    the page's own read, unpaged (the CSV export, the bulk label by filters)."""
    return _found_ids(membership, review, filters)[1]


# How the planner must read a search of the index: the GIN index for the matches, never a
# scan that un-compresses every record's vector. Left to itself it prices `vector @@ query`
# as cheap, so for a broad word (one record in four) it scanned the table instead, 0.8 s at
# 50,000 records, against 0.05 s through the index, which answers a whole-word search
# without reading a vector. With the statistics of migration 0006 it then expects as many
# matches as there are and joins the filters' items by hash (a lookup per match cost more
# than all the rest at 40,000 matches), and record rows one by one only for a few matches (a
# phrase, sorted by year). No parallel workers: their start-up and per-worker hash tables
# cost more than they save on a page's worth of work. No JIT for any list: the switched-off
# scans' huge costs (and a filtered list of 50,000 records) made PostgreSQL compile the
# query, up to 0.4 s for a query that runs in 0.05 s. SET LOCAL: undone with the savepoint.
_NO_JIT = "SET LOCAL jit = off"
_INDEX_PLAN = ("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; "
               "SET LOCAL max_parallel_workers_per_gather = 0; " + _NO_JIT)


class _Plus0(Expression):
    """`column + 0`: the review's rows of the index, tested on the rows the GIN index
    finds rather than found through the review's own index. Migration 0006 gives the
    planner statistics on this very expression, so it knows how many rows it keeps."""

    def __init__(self, column):
        super().__init__(output_field=BigIntegerField())
        self.column = column

    def as_sql(self, compiler, conn):
        return f"{compiler.quote_name_unless_alias(RecordIndex._meta.db_table)}." \
               f"{conn.ops.quote_name(self.column)} + 0", ()


def _index_rows(review, terms):
    """The review's unique records matching the terms, as a query of their index rows
    (PostgreSQL, with a positive term): narrow rows, where a query of Record would read the
    wide record rows of every match just to learn that it is not a duplicate."""
    duplicate = Record.objects.filter(pk=OuterRef("pk"), duplicate_of__isnull=False)
    return (RecordIndex.objects.alias(in_review=_Plus0("review_id"))
            .filter(in_review=review.id)
            .filter(_Search(query.to_tsquery(terms), title="title_doc"))
            .exclude(Exists(duplicate)))


def _found(membership, review, filters):
    """(query, ORDER BY, planner settings) of the records the filters keep: the one home of
    the list's search, so the page, the CSV and the bulk label find the same records in the
    same order. A positive term on PostgreSQL is found through the GIN index, as narrow
    index rows (_index_rows); any other list is read from the records."""
    terms = query.parse(filters.get("q", ""))
    sort = _sort(filters, terms)
    if _postgres() and query.has_positive(terms):
        rows = _narrow(_index_rows(review, terms), membership=membership, review=review,
                       filters=filters, record="record__")
        return rows, _ordering(sort, terms, record="record__"), _INDEX_PLAN
    rows = _records(membership=membership, review=review, filters=filters, terms=terms)
    return rows, _ordering(sort, terms), _NO_JIT


def _statement(rows, ordering):
    """(SQL, params) of the one statement that reads a list on PostgreSQL: the filtered
    records are found once, with their sort keys, then counted, and the rows asked for
    (LIMIT %s OFFSET %s: a page by a top-N sort, or NULL for all) picked in order. A count
    and a page apart found the records twice, which for a broad search was most of the
    time of the page. The first row is (NULL, the count)."""
    keys = {f"sort_key_{i}": o.expression for i, o in enumerate(ordering)}
    # order_by(): not the model's default order, a sort of every record for nothing.
    sql, params = (rows.annotate(**keys).values_list("pk", *keys).order_by()
                   .query.sql_with_params())
    columns = [f"k{i}" for i in range(len(keys))]
    order = ", ".join(f"{c} {'DESC' if o.descending else 'ASC'}"
                      f"{' NULLS LAST' if o.nulls_last else ''}"
                      for c, o in zip(columns, ordering, strict=True))
    # `sql` is Django's compiled query, its values apart in `params`.
    statement = (f"WITH found (id, {', '.join(columns)}) AS MATERIALIZED ({sql}) "  # noqa: S608
                 "SELECT NULL, count(*) FROM found UNION ALL "
                 f"(SELECT id, NULL FROM found ORDER BY {order} LIMIT %s OFFSET %s)")
    return statement, params


def _found_ids(membership, review, filters, *, start=0, size=None):
    """(number of records the filters keep, ids of `size` of them from `start` in the list's
    order, or of all of them with no size)."""
    rows, ordering, plan = _found(membership, review, filters)
    if not _postgres():
        # The ids first, sorted over narrow rows; then only those records are read whole.
        # Sorting whole records (abstracts and all) cost more than the search.
        ids = rows.order_by(*ordering).values_list("pk", flat=True)
        return rows.count(), list(ids[start:None if size is None else start + size])
    statement, params = _statement(rows, ordering)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(plan)
        cursor.execute(statement, (*params, size, start))
        found = cursor.fetchall()
        transaction.set_rollback(True)  # read only: this undoes the SET LOCALs
    return found[0][1], [r[0] for r in found[1:]]


def records_export(*, membership, review, filters, chunk=1000):
    """Every row of the filtered list, in the order its pages show them (for the CSV)."""
    ids = records_found(membership=membership, review=review, filters=filters)
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        by_id = {r.id: r for r in Record.objects.filter(pk__in=part)}
        yield from rows_for([by_id[i] for i in part], membership=membership, review=review)


def rows_for(records, *, membership, review):
    """The list's rows for these records: a few queries for the lot, none per record."""
    ids = [r.id for r in records]
    items = {}
    for item in Item.objects.filter(record_id__in=ids).select_related("reason"):
        item.review = review
        items.setdefault(item.record_id, {})[item.stage] = item
    mine = dict(Vote.objects.filter(item__record_id__in=ids, reviewer_id=membership.user_id,
                                    superseded_at__isnull=True)
                .values_list("item_id", "decision"))
    labels = {}
    for record_id, name in (RecordLabel.objects.filter(record_id__in=ids)
                            .order_by("label__name").values_list("record_id", "label__name")):
        labels.setdefault(record_id, []).append(name)
    sources = {}
    for rid, kept, source in (Record.objects.filter(Q(pk__in=ids) | Q(duplicate_of__in=ids))
                              .values_list("id", "duplicate_of_id", "search__source")):
        sources.setdefault(kept or rid, set()).add(source)
    with_text = set(FullText.objects.filter(record_id__in=ids)
                    .values_list("record_id", flat=True))
    source_names = dict(Search.Source.choices)
    unblinded = unblinded_stages(review)
    rows = []
    for record in records:
        stages = items.get(record.id, {})
        item = stages.get(Stage.FULL_TEXT) or stages.get(Stage.TITLE_ABSTRACT)
        my = mine.get(item.id) if item else None
        visible = item is not None and blinding.votes_visible(
            membership=membership, item=item, mine=my, unblinded=unblinded)
        rows.append({
            "id": record.id,
            "title": record.title or record.title_translated or "",
            "title_translated": record.title_translated if record.title else None,
            "authors": list(record.authors or []),
            "year": record.year,
            "journal": record.journal,
            "doi": record.doi,
            "pmid": record.pmid,
            "sources": sorted(str(source_names.get(s, s)) for s in sources.get(record.id, ())),
            "stage": item.stage if item else None,
            "item": item.id if item else None,
            "status": shown_status(item, visible),
            "decision": (item.decision or None) if visible and item else None,
            "reason": (item.reason.label if item.reason else None) if visible and item
            else None,
            "conflict": (item.status == ItemStatus.CONFLICT or item.settled_by_adjudication)
            if visible and item else None,
            "my_vote": my,
            "labels": labels.get(record.id, []),
            "has_full_text": record.id in with_text,
        })
    return rows


def labels_for_review(*, review):
    return Label.objects.filter(review=review)


def labels_with_counts(*, review):
    """The label list with `records`, how many records carry each: one query, not one a row."""
    return labels_for_review(review=review).annotate(records=Count("applied"))


def record_for_review(*, review, record_id):
    """A record of this review (a merged duplicate too), or None."""
    return (Record.objects.filter(pk=record_id, review=review)
            .select_related("search", "duplicate_of").first())


def record_detail(*, membership, review, record):
    """Everything the record page shows, blinded: the record, its merged duplicates and
    their sources, full texts, labels, comments, and its screening history."""
    kept = record.duplicate_of or record
    members = [kept, *kept.duplicates.select_related("search").order_by("id")]
    group = {"members": members,
             "sources": sorted({str(m.search.get_source_display()) for m in members})}
    items = list(Item.objects.filter(record=kept).select_related("reason")
                 .order_by("created_at", "id").prefetch_related(
                     Prefetch("votes", Vote.objects.select_related("reviewer", "reason")
                              .order_by("created_at")),
                     Prefetch("adjudications", Adjudication.objects.select_related(
                         "adjudicator", "reason"))))
    mine = {v.item_id: v for v in Vote.objects.filter(
        item__in=items, reviewer_id=membership.user_id, superseded_at__isnull=True)}
    stages = []
    for item in items:
        item.review = review
        visible = blinding.votes_visible(membership=membership, item=item,
                                         mine=mine.get(item.id))
        votes = list(item.votes.all())
        stages.append({
            "item": item, "visible": visible, "status": shown_status(item, visible),
            "my_vote": mine.get(item.id),
            "votes": votes if visible else [v for v in votes
                                            if v.reviewer_id == membership.user_id],
            "adjudications": list(item.adjudications.all()) if visible or item.settled else [],
        })
    comments, hidden_comments = comments_for_record(membership=membership, record=kept)
    return {
        "record": kept, "requested": record, "group": group,
        "duplicates": [m for m in members if m.id != kept.id],
        "full_texts": list(FullText.objects.filter(record__in=members)
                           .select_related("record")),
        "labels": list(RecordLabel.objects.filter(record=kept).select_related(
            "label", "added_by").order_by("label__name")),
        "stages": stages,
        "current": items[-1] if items else None,
        "comments": comments, "hidden_comments": hidden_comments,
        "history": history_for(membership=membership, record=kept, items=items),
    }


def comments_for_record(*, membership, record):
    """The record's comments this member may read, and how many are hidden from them."""
    return visible_comments(Comment.objects.filter(record=record).select_related("author"),
                            membership=membership)


def history_for(*, membership, record, items):
    """The record's audit trail (votes, settlements, conflicts, adjudications, reopenings,
    moves, labels, comments), newest first, redacted by the one blinding policy."""
    def ids(rows):  # an audit event names its object by its id as text
        return rows.annotate(text_id=Cast("pk", CharField())).values("text_id")

    item_ids = [str(i.id) for i in items]
    vote_ids = ids(Vote.objects.filter(item__in=items))
    adj_ids = ids(Adjudication.objects.filter(item__in=items))
    comment_ids = ids(Comment.objects.filter(record=record))
    # One query: the votes, adjudications and comments are subqueries of it.
    events = (AuditEvent.objects.filter(review=record.review_id).filter(
        Q(object_type="screening.item", object_id__in=item_ids)
        | Q(object_type="screening.vote", object_id__in=vote_ids)
        | Q(object_type="screening.adjudication", object_id__in=adj_ids)
        | Q(object_type="screening.comment", object_id__in=comment_ids)
        | Q(object_type="reviews.record", object_id=str(record.id)))
        .select_related("actor")[:200])
    shown = policy.redact_events(events, membership=membership)
    # A hidden comment is left out whole, as on the page, rather than shown redacted.
    return [e for e in shown if not (e.redacted and e.object_type == "screening.comment")]


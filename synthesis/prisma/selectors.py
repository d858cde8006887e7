"""The review's PRISMA 2020 flow, derived from its searches, de-duplication and screening.

Reads only (other apps' models and selectors); access is checked by the caller. The pure
rules (how the boxes add up, CSV rows) are in `flow`, the drawing in `figures.prisma`.

Columns: a record belongs to the "other methods" column when its search's source is one of
`Search.OTHER_METHODS`, else to "databases and registers". A duplicate cluster is counted in
the column of the record it keeps, so each column's boxes add up on their own.
"""
import csv
import io
import json

from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.utils import translation

from reviews.duplicates.selectors import duplicate_queue_for_review
from reviews.models import Record, Search
from screening.models import SETTLED_STATUSES, Item, ItemStatus, Stage, StudyReport

from ..figures.prisma import FORMATS as FIGURE_FORMATS
from ..figures.prisma import draw
from .flow import assemble_flow, empty_column, flow_rows

OTHER, DATABASES = "other_methods", "databases_and_registers"
# Sources whose label says only what kind of source it is: their detail names it.
GENERIC_SOURCES = {"other_database", "register", "website", "citation", "other_method"}
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
                 "json": "application/json", "csv": "text/csv; charset=utf-8"}
FORMATS = tuple(CONTENT_TYPES)


def _column_of(path):
    return Case(When(**{f"{path}__in": sorted(Search.OTHER_METHODS)}, then=Value(OTHER)),
                default=Value(DATABASES), output_field=CharField())


def _kind(source):
    if source in Search.OTHER_METHODS:
        return "other_method"
    return "register" if source == Search.Source.REGISTER else "database"


def _sources(review):
    """Records identified per source (database, register, other method), in the order of
    Search.Source; searches of one source and detail add up."""
    rows = (Search.objects.filter(review=review, status=Search.Status.DONE)
            .values_list("source", "source_detail").annotate(n=Sum("record_count")).order_by())
    grouped = {}
    for source, detail, n in rows:
        key = (source, (detail or "").strip())
        grouped[key] = grouped.get(key, 0) + (n or 0)
    order = list(Search.Source.values)
    return [{"kind": _kind(source), "source": source, "detail": detail,
             "name": _source_name(source, detail), "n": n}
            for (source, detail), n in sorted(grouped.items(),
                                              key=lambda kv: (order.index(kv[0][0]), kv[0][1]))]


def _source_name(source, detail):
    """The name in the diagram (English; the figure names generic sources in Chinese)."""
    with translation.override("en"):
        label = str(Search.Source(source).label)
    if not detail:
        return label
    return detail if source in GENERIC_SOURCES else f"{label} ({detail})"


def _records(review, columns):
    rows = (Record.objects.filter(review=review, search__status=Search.Status.DONE)
            .annotate(column=_column_of("search__source")).values("column").order_by()
            .annotate(duplicates=Count("id", filter=Q(duplicate_of__isnull=False)),
                      unique=Count("id", filter=Q(duplicate_of__isnull=True))))
    for row in rows:
        columns[row["column"]].update(duplicates_removed=row["duplicates"],
                                      screened=row["unique"])


def _items(review, stage):
    # Records merged away as duplicates are counted as duplicates, not as screened, even
    # if an item of theirs was kept because it had votes.
    return (Item.objects.filter(review=review, stage=stage, record__duplicate_of__isnull=True)
            .annotate(column=_column_of("record__search__source")))


def _title_abstract(review, columns):
    rows = _items(review, Stage.TITLE_ABSTRACT).values("column").order_by().annotate(
        excluded=Count("id", filter=Q(status=ItemStatus.EXCLUDED)),
        settled=Count("id", filter=Q(status__in=SETTLED_STATUSES)),
        stopped=Count("id", filter=Q(status=ItemStatus.STOPPED)))
    for column in columns.values():
        column["awaiting_screening"] = column["screened"]
    for row in rows:
        column = columns[row["column"]]
        # Records left unscreened by an adopted stopping rule leave before screening, as
        # "records marked as ineligible by automation tools" (PRISMA 2020).
        column["removed_by_automation"] = row["stopped"]
        column["screened"] -= row["stopped"]
        column["excluded"] = row["excluded"]
        column["awaiting_screening"] = column["screened"] - row["settled"]


def _full_text(review, columns):
    retrieved, settled = Q(not_retrieved=False), Q(status__in=SETTLED_STATUSES)
    # Annotations are prefixed: one named like the field `not_retrieved` would shadow it.
    rows = _items(review, Stage.FULL_TEXT).values("column").order_by().annotate(
        n_sought=Count("id"), n_not_retrieved=Count("id", filter=Q(not_retrieved=True)),
        n_awaiting_assessment=Count("id", filter=retrieved & ~settled),
        n_assessed=Count("id", filter=retrieved & settled),
        n_reports_included=Count("id", filter=retrieved & Q(status=ItemStatus.INCLUDED)))
    for row in rows:
        columns[row.pop("column")].update({k.removeprefix("n_"): v for k, v in row.items()})
    reasons = (_items(review, Stage.FULL_TEXT).filter(retrieved, status=ItemStatus.EXCLUDED)
               .values_list("column", "reason__label", "reason__label_zh")
               .annotate(n=Count("id")).order_by("column", "reason__position", "reason__label"))
    for column, label, label_zh, n in reasons:
        columns[column]["reports_excluded"].append(
            {"reason": label or "", "reason_zh": label_zh or "", "n": n})


def _included(review):
    """New studies included and their reports: linked reports of one study count once."""
    reports = _items(review, Stage.FULL_TEXT).filter(not_retrieved=False,
                                                    status=ItemStatus.INCLUDED)
    linked = StudyReport.objects.filter(record__in=reports.values("record_id"))
    return {"studies": linked.values("study").distinct().count()
            + reports.exclude(record__in=linked.values("record_id")).count(),
            "reports": reports.count()}


def prisma_flow(*, review, previous=None):
    """Every PRISMA 2020 box of the review as a plain dict (see `flow.assemble_flow`).

    `previous`: {"studies": n, "reports": n} included in the previous version of an updated
    review; Prismflow does not record previous versions yet, so the caller supplies them.
    """
    columns = {DATABASES: empty_column(), OTHER: empty_column()}
    for source in _sources(review):
        columns[OTHER if source["kind"] == "other_method" else DATABASES]["sources"].append(
            source)
    _records(review, columns)
    _title_abstract(review, columns)
    _full_text(review, columns)
    return assemble_flow(columns=columns, included=_included(review), previous=previous,
                         review_id=review.id,
                         pairs_waiting=duplicate_queue_for_review(review=review).count())


def previous_from(params):
    """{"studies", "reports"} of an updated review's previous version from a query string's
    `previous_studies` and `previous_reports`; None unless both are counts and there is at
    least one report per study."""
    try:
        studies, reports = int(params["previous_studies"]), int(params["previous_reports"])
    except (KeyError, TypeError, ValueError):
        return None
    return {"studies": studies, "reports": reports} if 0 <= studies <= reports else None


def prisma_file(flow, *, fmt, lang="en"):
    """The flow as a file's bytes: the diagram (svg, png, pdf) or the counts (json, csv)."""
    if fmt in FIGURE_FORMATS:
        return draw(flow, fmt=fmt, lang=lang)
    if fmt == "json":
        return (json.dumps(flow, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(flow_rows(flow))
        # A byte-order mark, so spreadsheet programs read Chinese names as UTF-8.
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")

"""Reads of a whole review for publication and reuse: every record with its screening
decisions and reasons, the included studies' reports, and the pooled results (written as
CSV, XLSX, RIS or BibTeX by `formats`). Large exports stream: rows are read in chunks and
written as they come. Decisions follow the blinding policy: a member sees the decision of a
record only where screening's rule lets them (screening.blinding.visible_items)."""
from reviews.models import Record
from screening.blinding import visible_items
from screening.models import Item, ItemStatus, Stage

from ..analysis.selectors import summary_rows

RECORD_COLUMNS = ["record_id", "title", "authors", "year", "journal", "volume", "issue",
                  "pages", "doi", "pmid", "language", "type", "database", "duplicate_of",
                  "ta_status", "ta_decision", "ta_reason", "ft_status", "ft_decision",
                  "ft_reason", "not_retrieved", "study"]
CHUNK = 2000


def _decisions(membership, review):
    """{(record id, stage): (status, decision, reason)} for the items this member may see;
    others show only that they exist ("blinded")."""
    visible = set(visible_items(membership=membership, review=review).values_list("id",
                                                                                flat=True))
    out = {}
    rows = Item.objects.filter(review=review).values_list(
        "id", "record_id", "stage", "status", "decision", "reason__label", "reason_text",
        "not_retrieved")
    for item_id, record, stage, status, decision, reason, text, not_retrieved in rows.iterator(
            CHUNK):
        if item_id in visible:
            out[(record, stage)] = (status, decision, " — ".join(x for x in (reason, text) if x),
                                    not_retrieved)
        else:
            out[(record, stage)] = ("blinded", "", "", not_retrieved)
    return out


def record_rows(*, membership, review):
    """Every record of the review (duplicates too, pointing at the record they merged into)
    with its decisions, a row at a time."""
    decisions = _decisions(membership, review)
    records = (Record.objects.filter(review=review).order_by("id")
               .values_list("id", "title", "authors", "year", "journal", "volume", "issue",
                            "pages", "doi", "pmid", "language", "type", "search__source",
                            "duplicate_of_id", "study_report__study__label"))
    for (rid, title, authors, year, journal, volume, issue, pages, doi, pmid, language, kind,
         source, duplicate_of, study) in records.iterator(CHUNK):
        ta = decisions.get((rid, Stage.TITLE_ABSTRACT), ("", "", "", False))
        ft = decisions.get((rid, Stage.FULL_TEXT), ("", "", "", False))
        yield [rid, title, "; ".join(authors or []), year, journal, volume, issue, pages, doi,
               pmid, language, kind, source, duplicate_of, ta[0], ta[1], ta[2], ft[0], ft[1],
               ft[2], "yes" if ft[3] else "", study]


# ---------------------------------------------------------------- included studies


def included_reports(*, review):
    return (Record.objects.filter(review=review, screening_items__stage=Stage.FULL_TEXT,
                                  screening_items__status=ItemStatus.INCLUDED)
            .select_related("study_report__study").order_by("id"))


# ---------------------------------------------------------------- pooled results

RESULT_COLUMNS = ["analysis", "measure", "model", "studies", "participants", "estimate",
                  "ci_lb", "ci_ub", "back_transformed_estimate", "back_transformed_ci_lb",
                  "back_transformed_ci_ub", "pval", "tau2", "I2", "Q", "Q_pval", "status",
                  "error"]


def result_rows(*, review):
    _snapshot, rows = summary_rows(review=review)
    for row in rows:
        result = ((row["run"].output or {}).get("result") or {}) if row["run"] else {}
        back = row.get("back") or {}
        yield [row["analysis"].name, row.get("measure"), row["analysis"].spec.get("method"),
               row.get("k"), row.get("participants"), row.get("estimate"), row.get("ci_lb"),
               row.get("ci_ub"), back.get("estimate"), back.get("ci_lb"), back.get("ci_ub"),
               row.get("pval"), row.get("tau2"), row.get("I2"), result.get("QE"),
               result.get("QEp"), row["status"], row.get("error") or ""]

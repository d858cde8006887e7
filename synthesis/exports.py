"""Exports of a whole review for publication and reuse: every record with its screening
decisions and reasons (CSV, XLSX), the included studies' reports (RIS, BibTeX, CSV), and the
pooled results (CSV, XLSX). Large exports stream: rows are read in chunks and written as they
come. Decisions follow the blinding policy: a member sees the decision of a record only where
screening's rule lets them (screening.blinding.visible_items)."""
import io
import re

from openpyxl import Workbook

from reviews.files import safe_cell
from reviews.models import Record
from screening.blinding import visible_items
from screening.models import Item, ItemStatus, Stage

from .analysis.selectors import summary_rows

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


def csv_stream(header, rows):
    """CSV text a line at a time, every cell through the formula guard."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell("" if v is None else v) for v in row])
        yield buffer.getvalue()


def xlsx_bytes(sheet_name, header, rows):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- included studies


def included_reports(*, review):
    return (Record.objects.filter(review=review, screening_items__stage=Stage.FULL_TEXT,
                                  screening_items__status=ItemStatus.INCLUDED)
            .select_related("study_report__study").order_by("id"))


RIS_TYPES = {"article": "JOUR", "conference": "CONF", "book": "BOOK", "chapter": "CHAP",
             "thesis": "THES", "report": "RPRT", "patent": "PAT", "standard": "STAND",
             "newspaper": "NEWS"}


def ris_text(records):
    lines = []
    for r in records:
        lines.append(f"TY  - {RIS_TYPES.get(r.type or '', 'JOUR')}")
        lines += [f"AU  - {a}" for a in r.authors or []]
        for tag, value in (("TI", r.title), ("T2", r.journal), ("PY", r.year), ("VL", r.volume),
                           ("IS", r.issue), ("SP", r.pages), ("DO", r.doi), ("AN", r.pmid),
                           ("LA", r.language), ("AB", r.abstract)):
            if value:
                lines.append(f"{tag}  - {_one_line(value)}")
        study = getattr(getattr(r, "study_report", None), "study", None)
        if study:
            lines.append(f"N1  - Study: {study.label}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines) + "\n"


def _one_line(value):
    return re.sub(r"\s+", " ", str(value)).strip()


def _bib_escape(value):
    return _one_line(value).replace("{", "\\{").replace("}", "\\}")


def bibtex_text(records):
    entries, seen = [], set()
    for r in records:
        first = (r.authors or ["anon"])[0].split(",")[0]
        key = re.sub(r"[^A-Za-z0-9]", "", first) + str(r.year or "")
        base, n = key or f"record{r.id}", 1
        key = base
        while key in seen:
            n += 1
            key = f"{base}{chr(96 + n)}"
        seen.add(key)
        fields = {"title": r.title, "author": " and ".join(r.authors or []) or None,
                  "journal": r.journal, "year": r.year, "volume": r.volume, "number": r.issue,
                  "pages": r.pages, "doi": r.doi, "pmid": r.pmid}
        body = ",\n".join(f"  {k} = {{{_bib_escape(v)}}}" for k, v in fields.items() if v)
        entries.append(f"@article{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


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

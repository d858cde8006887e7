"""The exports page of a review and its downloads (records with decisions, included studies,
extraction data, pooled results, summary of findings, figures)."""
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from reviews.access import review_view
from reviews.files import attachment

from . import formats, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMES = ("records.csv", "records.xlsx", "included.ris", "included.bib", "included.csv",
         "results.csv", "results.xlsx")


@review_view(GET="read")
def exports_page(request, review, membership):
    return render(request, "synthesis/exports.html", {"review": review,
                                                      "membership": membership})


def _attachment(response, review, name):
    return attachment(response, f"review-{review.id}-{name}")


@review_view(GET="read")
def export_download(request, review, membership, export_name):
    if export_name not in NAMES:
        raise Http404
    what, ext = export_name.split(".")
    if what == "records":
        rows = selectors.record_rows(membership=membership, review=review)
        if ext == "csv":
            return _attachment(StreamingHttpResponse(
                formats.csv_stream(selectors.RECORD_COLUMNS, rows), content_type="text/csv"),
                review, export_name)
        return _attachment(HttpResponse(formats.xlsx_bytes("records", selectors.RECORD_COLUMNS,
                                                           rows), content_type=XLSX),
                           review, export_name)
    if what == "included":
        records = selectors.included_reports(review=review)
        if ext == "ris":
            body, kind = formats.ris_text(records), "application/x-research-info-systems"
        elif ext == "bib":
            body, kind = formats.bibtex_text(records), "application/x-bibtex"
        else:
            rows = ([r.id, r.title, "; ".join(r.authors or []), r.year, r.journal, r.doi,
                     r.pmid, getattr(getattr(r, "study_report", None), "study", None)
                     and r.study_report.study.label] for r in records)
            return _attachment(StreamingHttpResponse(formats.csv_stream(
                ["record_id", "title", "authors", "year", "journal", "doi", "pmid", "study"],
                rows), content_type="text/csv"), review, export_name)
        return _attachment(HttpResponse(body, content_type=kind), review, export_name)
    rows = selectors.result_rows(review=review)
    if ext == "csv":
        return _attachment(StreamingHttpResponse(
            formats.csv_stream(selectors.RESULT_COLUMNS, rows), content_type="text/csv"),
            review, export_name)
    return _attachment(HttpResponse(
        formats.xlsx_bytes("results", selectors.RESULT_COLUMNS, rows), content_type=XLSX),
        review, export_name)

"""The file formats of the review's exports: CSV streamed a line at a time through the
formula guard, XLSX, and RIS and BibTeX of the included reports."""
import io
import re

from openpyxl import Workbook

from reviews.files import safe_cell


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

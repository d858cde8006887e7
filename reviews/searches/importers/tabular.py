"""CSV, TSV and XLSX exports: generic column recognition plus Scopus, Embase, PubMed and WoS."""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from .base import RECORD_KEYS, ParsedRecord, ParseError
from .encoding import iter_text
from .normalise import build_record
from .wos import WOS_TAGS

# Header names (lower case, single spaces) recognised without a mapping, English and Chinese.
COLUMN_FIELDS = {
    "title": "title", "article title": "title", "document title": "title",
    "primary title": "title", "ti": "title", "题名": "title", "标题": "title", "篇名": "title",
    "中文题名": "title", "title-题名": "title", "文献标题": "title",
    "translated title": "title_translated", "english title": "title_translated",
    "英文题名": "title_translated", "英文篇名": "title_translated", "英文标题": "title_translated",
    "original title": "title_translated", "title_translated": "title_translated",
    "author": "authors", "authors": "authors", "author(s)": "authors", "author names": "authors",
    "au": "authors", "作者": "authors", "author-作者": "authors", "著者": "authors",
    "year": "year", "publication year": "year", "pub year": "year", "py": "year", "年": "year",
    "年份": "year", "出版年": "year", "发表年份": "year", "year-年": "year", "date": "date",
    "publication date": "date", "pubtime-出版时间": "date", "出版日期": "date",
    "journal": "journal", "journal title": "journal", "source title": "journal",
    "journal/book": "journal", "publication title": "journal", "secondary title": "journal",
    "so": "journal", "刊名": "journal", "期刊": "journal", "期刊名称": "journal",
    "文献来源": "journal", "来源": "journal", "source-刊名": "journal",
    "booktitle": "journal_abbrev", "journal abbreviation": "journal_abbrev",
    "volume": "volume", "vol": "volume", "vl": "volume", "卷": "volume", "卷号": "volume",
    "roll-卷": "volume",
    "issue": "issue", "number": "issue", "no": "issue", "is": "issue", "期": "issue",
    "期号": "issue", "period-期": "issue",
    "pages": "pages", "page": "pages", "pp": "pages", "页码": "pages", "页": "pages",
    "page-页码": "pages", "page start": "start_page", "start page": "start_page",
    "first page": "start_page", "bp": "start_page", "page end": "end_page",
    "end page": "end_page", "last page": "end_page", "ep": "end_page", "art. no.": "pages",
    "doi": "doi", "di": "doi", "digital object identifier": "doi",
    "abstract": "abstract", "ab": "abstract", "摘要": "abstract", "summary-摘要": "abstract",
    "id": "source_id", "record_id": "source_id", "record id": "source_id", "recordid": "source_id",
    "accession number": "source_id", "eid": "source_id", "ut": "source_id",
    "embase accession id": "source_id", "key": "source_id", "编号": "source_id",
    "pmid": "pmid", "pubmed id": "pmid", "pm": "pmid", "medline pmid": "pmid",
    "keywords": "keywords", "keyword": "keywords", "author keywords": "keywords",
    "index keywords": "keywords", "kw": "keywords", "de": "keywords", "关键词": "keywords",
    "关键字": "keywords", "keyword-关键词": "keywords",
    "language": "language", "la": "language", "语种": "language", "语言": "language",
    "language of original document": "language", "language of article": "language",
    "type": "type", "document type": "type", "entrytype": "type", "publication type": "type",
    "pt": "type", "文献类型": "type", "reference type": "type", "dt": "type",
    "url": "url", "link": "url",
}  # fmt: skip

MAPPABLE_FIELDS = frozenset(RECORD_KEYS) | {
    "start_page",
    "end_page",
    "date",
    "url",
    "journal_abbrev",
    "ignore",
}
_ACCUMULATE = {"keywords"}
# What R, pandas and spreadsheets write into an empty cell.
_PLACEHOLDERS = {"na", "n/a", "nan", "null", "none", "#n/a", "unknown"}
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.*?)\s*\((?P<year>\d{4})\)\s*(?P<vol>[^:\s(]*)(?::(?P<iss>[^\s(]*))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
_PUBMED_CITATION = re.compile(r";\s*(?P<vol>[^(:;\s]+)?(?:\((?P<iss>[^)]*)\))?:(?P<pages>[^.;\s]+)")


def _header_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()


def header_fields(
    header: list[str], flavour: str, mapping: dict[str, str] | None, filename: str
) -> list[tuple[int, str]]:
    """Pair each read column index with its field, the user's mapping first."""
    mapping = dict(mapping or {})
    keys = [_header_key(name) for name in header]
    fields: list[tuple[int, str]] = []
    taken: set[int] = set()
    for column, field in mapping.items():
        if field not in MAPPABLE_FIELDS:
            raise ValueError(
                f"unknown field {field!r} in mapping (one of {sorted(MAPPABLE_FIELDS)})"
            )
        index = _find_column(column, header, keys)
        if index is None:
            raise ParseError(filename, 1, f"column {column!r} of the mapping is not in the header")
        taken.add(index)
        if field != "ignore":
            fields.append((index, field))
    table = _flavour_table(flavour)
    for index, key in enumerate(keys):
        if index in taken:
            continue
        field = table.get(key)
        if field:
            fields.append((index, field))
    return fields


def _find_column(column: str, header: list[str], keys: list[str]) -> int | None:
    if column in header:
        return header.index(column)
    key = _header_key(column)
    return keys.index(key) if key in keys else None


def _flavour_table(flavour: str) -> dict[str, str]:
    if flavour == "wos-tab":
        return {tag.lower(): field for tag, field in WOS_TAGS.items()}
    table = dict(COLUMN_FIELDS)
    if flavour == "embase-csv":
        table["source"] = "embase_source"
    if flavour == "pubmed-csv":
        table["citation"] = "pubmed_citation"
        table["authors"] = "pubmed_authors"
    return table


def detect_flavour(header: list[str], delimiter: str) -> str:
    keys = {_header_key(name) for name in header}
    if delimiter == "\t" and {"pt", "au", "ti"} <= keys:
        return "wos-tab"
    if "eid" in keys and ("source title" in keys or "link" in keys):
        return "scopus-csv"
    if "author names" in keys and (
        "embase accession id" in keys or any(key.startswith("emtree") for key in keys)
    ):
        return "embase-csv"
    if {"pmid", "title", "authors", "citation"} <= keys:
        return "pubmed-csv"
    return "tsv" if delimiter == "\t" else "csv"


def sniff_delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in ("\t", ",", ";", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def row_to_raw(
    row: list, fields: list[tuple[int, str]], author_sep: str | None
) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for index, field in fields:
        if index >= len(row):
            continue
        value = _cell_text(row[index])
        if not value:
            continue
        if field in raw and field not in _ACCUMULATE:
            continue
        if field == "embase_source":
            _embase_source(raw, value)
        elif field == "pubmed_citation":
            _pubmed_citation(raw, value)
        elif field == "pubmed_authors":
            raw["authors"] = [value.rstrip(".")]
        else:
            raw.setdefault(field, []).append(value)
    if author_sep:
        raw["author_sep"] = [author_sep]
    if "authors" in raw and "author_sep" not in raw:
        raw["author_text"] = raw.pop("authors")
    return raw


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.lower() in _PLACEHOLDERS:
        return None
    return text or None


def _embase_source(raw: dict[str, list[str]], value: str) -> None:
    # "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014"
    match = _EMBASE_SOURCE.match(value)
    if not match:
        raw.setdefault("journal", [value])
        return
    for key, field in (
        ("journal", "journal"),
        ("year", "year"),
        ("vol", "volume"),
        ("iss", "issue"),
        ("pages", "pages"),
    ):
        if match.group(key) and field not in raw:
            raw[field] = [match.group(key)]


def _pubmed_citation(raw: dict[str, list[str]], value: str) -> None:
    # "Cyberpsychol Behav Soc Netw. 2022 Mar;25(3):181-188. doi: ..."
    match = _PUBMED_CITATION.search(value)
    if match:
        for key, field in (("vol", "volume"), ("iss", "issue"), ("pages", "pages")):
            if match.group(key) and field not in raw:
                raw[field] = [match.group(key)]
    if "doi" not in raw and "doi:" in value:
        raw["doi"] = [value.split("doi:", 1)[1]]


def _author_sep(flavour: str) -> str | None:
    if flavour == "wos-tab":
        return ";"
    if flavour in ("embase-csv", "pubmed-csv"):
        return ","
    return None


def _records(
    rows: Iterable[tuple[int, list]],
    header: list[str],
    flavour: str,
    mapping: dict[str, str] | None,
    filename: str,
) -> Iterator[ParsedRecord]:
    fields = header_fields(header, flavour, mapping, filename)
    if not fields:
        raise ParseError(
            filename, 1, "no column could be read as a record field (give --map COLUMN=FIELD)"
        )
    author_sep = _author_sep(flavour)
    width = len(header)
    for line, row in rows:
        if not any(_cell_text(cell) for cell in row):
            continue
        raw = row_to_raw(row, fields, author_sep)
        record, problems = build_record(raw)
        if len(row) > width and any(_cell_text(cell) for cell in row[width:]):
            problems.append(f"row has {len(row)} cells but the header has {width}")
        yield ParsedRecord(record, line, problems)


# Formats whose tab-delimited cells are never quoted: a double quote in them is text (an
# abstract may open with a quoted phrase). Tab-separated values (the IANA definition) have no
# quoting; a tab-separated file that does quote CSV-style reads with format "csv".
UNQUOTED_FORMATS = frozenset({"tsv", "wos-tab"})


def quoting_for(format: str | None, delimiter: str) -> int:
    """The csv module's quoting for a format: none for tab formats that do not quote."""
    if delimiter == "\t" and format in (None, *UNQUOTED_FORMATS):
        return csv.QUOTE_NONE
    return csv.QUOTE_MINIMAL


def _csv_rows(
    lines: Iterator[str], delimiter: str, filename: str, quoting: int = csv.QUOTE_MINIMAL
) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines, delimiter=delimiter, strict=True, quoting=quoting)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ParseError(filename, start, f"CSV structure cannot be read: {exc}") from exc


def _text_lines(stream: BinaryIO, encoding: str) -> Iterator[str]:
    carry = ""
    for text in iter_text(stream, encoding):
        parts = (carry + text).split("\n")
        carry = parts.pop()
        for part in parts:
            yield part + "\n"
    if carry:
        yield carry


def _delimited_table(
    stream: BinaryIO, encoding: str, *, filename: str, format: str | None
) -> tuple[list[str], Iterator[tuple[int, list[str]]], str] | None:
    """The header, the data rows and the flavour of a CSV/TSV export (None if it is empty)."""
    csv.field_size_limit(min(sys.maxsize, 1 << 28))
    lines = _text_lines(stream, encoding)
    first = next(lines, None)
    while first is not None and not first.strip():
        first = next(lines, None)
    if first is None:
        return None
    delimiter = "\t" if format in UNQUOTED_FORMATS else sniff_delimiter(first)
    if format in ("scopus-csv", "embase-csv", "pubmed-csv") and delimiter == "\t":
        delimiter = ","
    rows = _csv_rows(_chain([first], lines), delimiter, filename, quoting_for(format, delimiter))
    header_row = next(rows, None)
    if header_row is None:
        return None
    header = header_row[1]
    return header, rows, format or detect_flavour(header, delimiter)


def iter_delimited(
    stream: BinaryIO,
    encoding: str,
    *,
    filename: str,
    format: str | None,
    mapping: dict[str, str] | None,
) -> Iterator[ParsedRecord]:
    """Records of a CSV/TSV export; format picks the flavour (None: from the header)."""
    table = _delimited_table(stream, encoding, filename=filename, format=format)
    if table is not None:
        header, rows, flavour = table
        yield from _records(rows, header, flavour, mapping, filename)


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


def _xlsx_rows(stream: BinaryIO, filename: str) -> Iterator[tuple[int, list]]:
    """The numbered rows of the first sheet of an XLSX workbook (openpyxl read-only)."""
    import openpyxl

    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ParseError(filename, None, f"not a readable XLSX workbook: {exc}") from exc
    try:
        if book.worksheets:
            for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
                yield number, list(row)
    finally:
        book.close()


def _xlsx_header(rows: Iterator[tuple[int, list]]) -> list[str] | None:
    """The first non-empty row, as text; the rows after it stay in the iterator."""
    for _number, row in rows:
        if any(_cell_text(cell) for cell in row):
            return [_cell_text(cell) or "" for cell in row]
    return None


def iter_xlsx(
    stream: BinaryIO, *, filename: str, format: str | None, mapping: dict[str, str] | None
) -> Iterator[ParsedRecord]:
    """Records of the first sheet of an XLSX workbook (streamed rows)."""
    rows = _xlsx_rows(stream, filename)
    try:
        header = _xlsx_header(rows)
        if header is not None:
            flavour = format if format not in (None, "xlsx") else detect_flavour(header, ",")
            yield from _records(rows, header, flavour, mapping, filename)
    finally:
        rows.close()


def table_columns(
    stream: BinaryIO, encoding: str, *, filename: str, format: str, samples: int
) -> list[tuple[str, str | None, list[str]]]:
    """Each named column of a CSV/TSV/XLSX export: its name, the field its header is
    recognised as (None if not), and its first non-empty values (at most samples)."""
    if format == "xlsx":
        rows = _xlsx_rows(stream, filename)
        header = _xlsx_header(rows)
        flavour = detect_flavour(header, ",") if header is not None else format
    else:
        table = _delimited_table(stream, encoding, filename=filename, format=format)
        header, rows, flavour = table if table is not None else (None, iter(()), format)
    if header is None:
        return []
    recognised = dict(header_fields(header, flavour, None, filename))
    values: list[list[str]] = [[] for _ in header]
    try:
        for _number, row in rows:
            for index, cell in enumerate(row[: len(header)]):
                text = _cell_text(cell)
                if text and len(values[index]) < samples:
                    values[index].append(text)
            if all(len(found) >= samples for found in values):
                break
    finally:
        if hasattr(rows, "close"):
            rows.close()
    return [
        (name, recognised.get(index), values[index])
        for index, name in enumerate(header)
        if name.strip()
    ]

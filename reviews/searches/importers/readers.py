"""Dispatch from a format name to the reader that streams its records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from .base import ParsedRecord
from .encoding import iter_line_blocks, iter_lines

_CNKI = {
    "noteexpress": "iter_noteexpress",
    "cnki-estudy": "iter_estudy",
    "refworks": "iter_refworks",
    "endnote-refer": "iter_refer",
}
_TABULAR = ("csv", "tsv", "scopus-csv", "embase-csv", "pubmed-csv", "wos-tab")


def read_records(
    stream: BinaryIO,
    format: str,
    encoding: str,
    *,
    filename: str,
    mapping: dict[str, str] | None,
) -> Iterator[ParsedRecord]:
    if format == "xlsx":
        from .tabular import iter_xlsx

        return iter_xlsx(stream, filename=filename, format=None, mapping=mapping)
    if format in _TABULAR:
        from .tabular import iter_delimited

        return iter_delimited(stream, encoding, filename=filename, format=format, mapping=mapping)
    if format == "endnote-xml":
        from .endnote_xml import iter_endnote_xml

        return iter_endnote_xml(stream, filename)
    if mapping:
        raise ValueError(f"a column mapping applies to CSV, TSV and XLSX, not to {format}")
    lines = iter_lines(stream, encoding)
    if format == "wos":
        from .wos import iter_wos

        return iter_wos(lines, filename)
    if format == "ris":
        from .ris import iter_ris

        return iter_ris(iter_line_blocks(stream, encoding), filename)
    if format in ("medline", "ovid"):
        from .medline import iter_medline, iter_ovid

        return (iter_medline if format == "medline" else iter_ovid)(lines, filename)
    if format in _CNKI:
        from . import cnki

        reader = getattr(cnki, _CNKI[format])
        return reader(lines, filename)
    if format == "bibtex":
        from .bibtex import iter_bibtex

        return iter_bibtex(lines, filename)
    raise ValueError(f"format {format!r} has no reader yet")

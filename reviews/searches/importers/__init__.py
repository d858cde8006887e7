"""Reading search exports into normalised records: the public API of the import stage.

iter_records streams ParsedRecord objects (memory stays flat for the text formats);
parse collects them with the format and encoding found. Nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .base import FORMATS, RECORD_KEYS, ParsedRecord, ParseError, ParseResult
from .detect import detect_format
from .encoding import binary_stream, peek, sniff_encoding
from .readers import read_records

__all__ = [
    "FORMATS",
    "RECORD_KEYS",
    "ParseError",
    "ParseResult",
    "ParsedRecord",
    "detect_format",
    "iter_records",
    "open_export",
    "parse",
    "read_records",
    "tabular_columns",
]

TABULAR_FORMATS = ("csv", "tsv", "xlsx")


@contextmanager
def open_export(source, filename: str, format: str | None):
    """(stream, format, encoding) of an export: the head is read once for both guesses."""
    with binary_stream(source) as stream:
        head, stream = peek(stream)
        if format is not None and format not in FORMATS:
            raise ValueError(f"unknown format {format!r} (one of {', '.join(FORMATS)})")
        format = format or detect_format(head, filename)
        encoding = "binary" if format == "xlsx" else sniff_encoding(head)
        yield stream, format, encoding


def iter_records(
    source,
    *,
    filename: str,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
) -> Iterator[ParsedRecord]:
    """Stream the records of one export (path, bytes or binary file); ParseError if malformed."""
    with open_export(source, filename, format) as (stream, format, encoding):
        yield from read_records(stream, format, encoding, filename=filename, mapping=mapping)


def parse(
    source,
    *,
    filename: str,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
) -> ParseResult:
    """All records of one export with the format and encoding that were used."""
    with open_export(source, filename, format) as (stream, format, encoding):
        records = list(read_records(stream, format, encoding, filename=filename, mapping=mapping))
    return ParseResult(format=format, encoding=encoding, records=records)


def tabular_columns(
    source,
    *,
    filename: str,
    format: str | None = None,
    samples: int = 3,
) -> list[tuple[str, str | None, list[str]]]:
    """The columns of a CSV/TSV/XLSX export as (name, recognised field or None, first values),
    for a person to map the columns that were not recognised. ParseError if malformed."""
    from .tabular import table_columns

    with open_export(source, filename, format) as (stream, format, encoding):
        if format not in TABULAR_FORMATS:
            raise ValueError(f"a column mapping applies to CSV, TSV and XLSX, not to {format}")
        return table_columns(stream, encoding, filename=filename, format=format, samples=samples)

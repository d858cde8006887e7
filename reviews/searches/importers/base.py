"""Shared types of the importers: format names, the record schema, errors and results."""

from __future__ import annotations

from dataclasses import dataclass, field

FORMATS = (
    "ris",
    "medline",
    "pubmed-csv",
    "wos",
    "wos-tab",
    "ovid",
    "endnote-xml",
    "bibtex",
    "scopus-csv",
    "embase-csv",
    "noteexpress",
    "cnki-estudy",
    "refworks",
    "endnote-refer",
    "csv",
    "tsv",
    "xlsx",
)

RECORD_KEYS = (
    "title",
    "title_translated",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "language",
    "keywords",
    "source_id",
    "type",
)

class ParseError(ValueError):
    """A file whose structure cannot be read, or that is not the format named."""

    def __init__(self, filename: str, line: int | None, reason: str):
        self.filename = filename
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.filename}: {self.reason}"
        return f"{self.filename}: line {self.line}: {self.reason}"


@dataclass(slots=True)
class ParsedRecord:
    """One record: the normalised fields, where it starts, and what could not be read."""

    record: dict
    line: int
    problems: list[str] = field(default_factory=list)


@dataclass
class ParseResult:
    format: str
    encoding: str
    records: list[ParsedRecord]

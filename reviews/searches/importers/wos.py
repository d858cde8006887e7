"""Web of Science plain-text exports (FN/VR header, two-letter tags, indented continuations, ER)."""

from __future__ import annotations

from collections.abc import Iterator

from .base import ParsedRecord, ParseError
from .tagged import RecordCollector

# WoS field tags (also the column names of the tab-delimited export).
WOS_TAGS = {
    "PT": "type", "DT": "type", "TI": "title", "AU": "authors", "AF": "authors_full",
    "SO": "journal", "J9": "journal_abbrev", "JI": "journal_abbrev", "VL": "volume",
    "IS": "issue", "BP": "start_page", "EP": "end_page", "AR": "pages", "PS": "pages",
    "PY": "year", "PD": "date", "DI": "doi", "AB": "abstract", "DE": "keywords",
    "ID": "keywords", "UT": "source_id", "PM": "pmid", "LA": "language",
}  # fmt: skip
_LIST_TAGS = {"AU", "AF"}


def iter_wos(lines: Iterator[str], filename: str) -> Iterator[ParsedRecord]:
    current: RecordCollector | None = None
    seen_any = False
    tag = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.startswith("   ") or line.startswith("\t"):
            if current is not None:
                current.extend(line)
            continue
        tag, value = line[:2], line[3:] if len(line) > 2 else ""
        if tag == "ER":
            if current is not None:
                yield current.finish()
            current = None
            continue
        if tag == "PT" and current is not None:
            yield current.finish()
            current = None
        if current is None:
            if tag in ("FN", "VR", "EF"):
                continue
            if tag != "PT" and not seen_any:
                raise ParseError(
                    filename, number, f"expected a WoS record (PT ...), found {line[:40]!r}"
                )
            current = RecordCollector(number)
            seen_any = True
        current.add(WOS_TAGS.get(tag), value.strip(), tag in _LIST_TAGS)
    if current is not None:
        yield current.finish()

"""Chinese database exports: CNKI/Wanfang NoteExpress, CNKI E-Study, CNKI RefWorks, CNKI EndNote."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .base import ParsedRecord, ParseError
from .tagged import RecordCollector

NOTEEXPRESS_TAGS = {
    "reference type": "type", "title": "title", "translated title": "title_translated",
    "author": "authors", "journal": "journal", "secondary title": "journal_alt",
    "translated journal": "journal_translated", "year": "year", "date": "date",
    "volume": "volume", "issue": "issue", "pages": "pages", "keywords": "keywords",
    "abstract": "abstract", "translated abstract": "abstract_translated", "doi": "doi",
    "url": "url", "language": "language", "type of work": "type_alt",
    "srcdatabase": "type_alt", "accession number": "source_id",
}  # fmt: skip

ESTUDY_TAGS = {
    "datatype": "datatype", "title": "title", "author": "authors", "source": "journal",
    "year": "year", "pubtime": "date", "keyword": "keywords", "summary": "abstract",
    "period": "issue", "roll": "volume", "page": "pages", "srcdatabase": "type",
    "link": "url", "doi": "doi", "isbn": None, "issn": None, "organ": None,
    "title-英文题名": "title_translated", "englishtitle": "title_translated",
}  # fmt: skip

REFWORKS_TAGS = {
    "RT": "type", "A1": "authors", "AU": "authors", "T1": "title", "T2": "journal_alt",
    "TT": "title_translated", "JF": "journal", "JO": "journal_abbrev", "YR": "year",
    "FD": "date", "VO": "volume", "IS": "issue", "SP": "start_page", "OP": "pages",
    "EP": "end_page", "K1": "keywords", "AB": "abstract", "DO": "doi", "LA": "language",
    "LK": "url", "UR": "url", "ID": "source_id", "PB": None, "AD": None, "SN": None,
    "DS": None, "DB": None, "CL": None, "SR": None, "A2": None, "A3": None, "NO": None,
}  # fmt: skip

REFER_TAGS = {
    "0": "type", "A": "authors", "T": "title", "Q": "title_translated", "J": "journal",
    "B": "journal_alt", "D": "year", "8": "date", "V": "volume", "N": "issue", "P": "pages",
    "K": "keywords", "X": "abstract", "R": "doi", "U": "url", "G": "language", "M": "source_id",
    "9": "type_alt",
}  # fmt: skip

_LIST_FIELDS = {"authors", "keywords"}
_NOTEEXPRESS_LINE = re.compile(r"^\{([^{}]{1,60})\}\s*[:：]\s?(.*)$")
_ESTUDY_LINE = re.compile(r"^([A-Za-z]+)(-[^:：\s]{1,20})?\s*[:：]\s?(.*)$")
_REFWORKS_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9])(?: (.*)|(\S.*)|)$")
_REFER_LINE = re.compile(r"^%(\S)(?: (.*)|)$")

Splitter = Callable[[str], "tuple[str, str] | None"]


def _noteexpress_split(line: str) -> tuple[str, str] | None:
    match = _NOTEEXPRESS_LINE.match(line)
    if not match:
        return None
    return match.group(1).strip().rstrip(",").lower(), match.group(2)


def _estudy_split(line: str) -> tuple[str, str] | None:
    match = _ESTUDY_LINE.match(line)
    if not match:
        return None
    english = match.group(1).lower()
    full = english + (match.group(2) or "")
    if full in ESTUDY_TAGS:
        return full, match.group(3)
    if english in ESTUDY_TAGS or match.group(2):
        return english, match.group(3)
    return None


def _refworks_split(line: str) -> tuple[str, str] | None:
    match = _REFWORKS_LINE.match(line)
    if not match:
        return None
    tag = match.group(1).upper()
    glued = match.group(3)
    if glued is not None and tag not in REFWORKS_TAGS:
        return None
    if glued is None and tag not in REFWORKS_TAGS and not match.group(1).isupper():
        return None
    return tag, match.group(2) if glued is None else glued


def _refer_split(line: str) -> tuple[str, str] | None:
    match = _REFER_LINE.match(line)
    return (match.group(1), match.group(2) or "") if match else None


def iter_noteexpress(lines: Iterator[str], filename: str) -> Iterator[ParsedRecord]:
    return _iter_keyed(
        lines, filename, _noteexpress_split, NOTEEXPRESS_TAGS, "reference type", "{Reference Type}"
    )


def iter_estudy(lines: Iterator[str], filename: str) -> Iterator[ParsedRecord]:
    return _iter_keyed(lines, filename, _estudy_split, ESTUDY_TAGS, "datatype", "DataType:")


def iter_refworks(lines: Iterator[str], filename: str) -> Iterator[ParsedRecord]:
    return _iter_keyed(lines, filename, _refworks_split, REFWORKS_TAGS, "RT", "RT")


def iter_refer(lines: Iterator[str], filename: str) -> Iterator[ParsedRecord]:
    return _iter_keyed(lines, filename, _refer_split, REFER_TAGS, "0", "%0")


def _iter_keyed(
    lines: Iterator[str],
    filename: str,
    split: Splitter,
    tags: dict[str, str | None],
    start: str,
    start_label: str,
) -> Iterator[ParsedRecord]:
    current: RecordCollector | None = None
    for number, line in enumerate(lines, 1):
        pair = split(line) if line[:1] not in (" ", "\t") else None
        if pair is None:
            if current is not None and line.strip():
                current.extend(line)
            elif line.strip():
                raise ParseError(filename, number, f"expected {start_label!r}, found {line[:40]!r}")
            continue
        tag, value = pair
        if tag == start:
            if current is not None:
                yield _finish(current)
            current = RecordCollector(number)
        elif current is None:
            raise ParseError(filename, number, f"expected {start_label!r}, found {line[:40]!r}")
        field = tags.get(tag)
        current.add(field, value.strip(), field in _LIST_FIELDS)
    if current is not None:
        yield _finish(current)


def _finish(current: RecordCollector) -> ParsedRecord:
    raw = current.raw
    raw["author_sep"] = ["cnki"]
    for field in ("journal", "type"):
        alt = raw.pop(f"{field}_alt", None)
        if alt and field not in raw:
            raw[field] = alt
    translated = raw.pop("journal_translated", None)
    if translated and "journal" not in raw:
        raw["journal"] = translated
    if "abstract" not in raw and "abstract_translated" in raw:
        raw["abstract"] = raw.pop("abstract_translated")
    return current.finish()

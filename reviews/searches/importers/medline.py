"""PubMed MEDLINE (.nbib/.txt, "PMID- ") and Ovid tagged ("<1. >" headers) exports."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import ParsedRecord, ParseError
from .tagged import RecordCollector

MEDLINE_TAGS = {
    "PMID": ("pmid", False), "TI": ("title", False), "BTI": ("title", False),
    "TT": ("title_translated", False), "AB": ("abstract", False),
    "FAU": ("authors_full", True), "AU": ("authors", True), "DP": ("year", False),
    "JT": ("journal", False), "TA": ("journal_abbrev", False), "VI": ("volume", False),
    "IP": ("issue", False), "PG": ("pages", False), "LID": ("medline_id", False),
    "AID": ("medline_id", False), "OT": ("keywords", True), "MH": ("keywords", True),
    "LA": ("language", False), "PT": ("type", False),
}  # fmt: skip

OVID_TAGS = {
    "TI": ("title", False), "TT": ("title_translated", False), "AB": ("abstract", False),
    "AU": ("authors", True), "YR": ("year", False), "DP": ("date", False),
    "JN": ("journal", False), "JA": ("journal_abbrev", False), "SO": ("ovid_source", False),
    "VO": ("volume", False), "IP": ("issue", False), "PG": ("pages", False),
    "DO": ("doi", False), "DI": ("doi", False), "UI": ("pmid", False), "AN": ("source_id", False),
    "KW": ("keywords", False), "ST": ("keywords", True), "MH": ("keywords", True),
    "LG": ("language", False), "PT": ("type", False), "DT": ("type", False),
}  # fmt: skip

_MEDLINE_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ?(.*)$")
_OVID_LINE = re.compile(r"^ ?([A-Z][A-Z0-9]{1,3}) {1,2}- ?(.*)$")
_OVID_HEADER = re.compile(r"^\s*<\d+\.?\s*>\s*$")
_OVID_VOLUME = re.compile(r"Vol\.?\s*(\w+)(?:\((\w[^)]*)\))?|\b(\d+)\((\w[^)]*)\)")
_OVID_PAGES = re.compile(r"pp?\.\s*([\w-]+)")


def iter_medline(lines: Iterator[str], filename: str) -> Iterator[ParsedRecord]:
    return _iter_tagged(lines, filename, MEDLINE_TAGS, _MEDLINE_LINE, None, "PMID")


def iter_ovid(lines: Iterator[str], filename: str) -> Iterator[ParsedRecord]:
    return _iter_tagged(lines, filename, OVID_TAGS, _OVID_LINE, _OVID_HEADER, None)


def _iter_tagged(lines, filename, tags, tag_line, header, start_tag) -> Iterator[ParsedRecord]:
    current: RecordCollector | None = None
    found = False
    number = 0
    for number, line in enumerate(lines, 1):
        if header is not None and header.match(line):
            if current is not None:
                yield _finish(current)
            current = RecordCollector(number + 1)
            start_tag = start_tag or ""
            found = True
            continue
        match = tag_line.match(line)
        if match is None:
            if line.strip() and current is not None:
                current.extend(line)
            elif line.strip() and not found:
                raise ParseError(filename, number, f"expected a tagged line, found {line[:40]!r}")
            continue
        tag, value = match.group(1), match.group(2)
        if start_tag is None:
            start_tag = tag
        if tag == start_tag or current is None:
            if current is not None and current.raw:
                yield _finish(current)
            if current is None or current.raw:
                current = RecordCollector(number)
            found = True
        field, is_list = tags.get(tag, (None, False))
        current.add(field, value.strip(), is_list)
    if current is not None and current.raw:
        yield _finish(current)
    if not found:
        raise ParseError(filename, number or None, "no tagged record was found")


def _finish(current: RecordCollector) -> ParsedRecord:
    raw = current.raw
    for value in raw.pop("medline_id", ()):
        if value.endswith("[doi]") and "doi" not in raw:
            raw["doi"] = [value[:-5]]
    source = raw.pop("ovid_source", None)
    if source:
        _ovid_source(raw, source[0])
    if "pmid" in raw:
        raw.setdefault("source_id", raw["pmid"])
    return current.finish()


def _ovid_source(raw: dict[str, list[str]], source: str) -> None:
    # "Behavioural and Cognitive Psychotherapy. Vol.43(5), Sep 2015, pp. 623-634."
    if "journal" not in raw:
        raw["journal"] = [re.split(r"\.\s+(?=Vol|\d)|,\s*Vol", source, maxsplit=1)[0]]
    match = _OVID_VOLUME.search(source)
    if match:
        volume = match.group(1) or match.group(3)
        issue = match.group(2) or match.group(4)
        raw.setdefault("volume", [volume])
        if issue:
            raw.setdefault("issue", [issue])
    pages = _OVID_PAGES.search(source)
    if pages:
        raw.setdefault("pages", [pages.group(1)])
    if re.search(r"\b(?:1[5-9]|20)\d\d\b", source):
        raw.setdefault("date", [source])

"""RIS exports of every dialect: Embase, Scopus, WoS, Ovid, PubMed, PsycINFO, Rayyan, Zotero, ...

A hand-written reader rather than rispy: rispy 0.10 loses the first record after a byte-order
mark and another on CR-only line ends, and does not expect Ovid's numbered headers or Rayyan's
keywords continued on untagged lines (see ../shared/data/imports/SOURCES.md). It also has to
be faster than rispy (about 38,000 records a second) to reach the 50,000 asked for, while
normalising every record, which rispy does not do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import ParsedRecord, ParseError
from .normalise import build_record, join_continued

# tag -> (raw field, whether each line is one item of a list)
RIS_TAGS = {
    "TY": ("type", False), "ER": (None, False), "TI": ("title", False), "T1": ("title", False),
    "CT": ("title", False), "BT": ("title_alt", False), "TT": ("title_translated", False),
    "AU": ("authors", True), "A1": ("authors", True),
    "PY": ("year", False), "Y1": ("year", False), "DA": ("date", False), "Y2": (None, False),
    "T2": ("journal", False), "JF": ("journal", False), "JO": ("journal", False),
    "JA": ("journal_abbrev", False), "J2": ("journal_abbrev", False),
    "J1": ("journal_abbrev", False), "T3": ("journal_alt", False),
    "VL": ("volume", False), "IS": ("issue", False), "CP": ("issue", False),
    "SP": ("start_page", False), "EP": ("end_page", False),
    "DO": ("doi", False), "DI": ("doi", False), "UR": ("url", True), "L2": ("url", True),
    "LK": ("url", True), "L3": ("url", True),
    "AB": ("abstract", False), "N2": ("abstract_alt", False),
    "KW": ("keywords", True), "DE": ("keywords", True),
    "LA": ("language", False), "AN": ("accession", False), "ID": ("alt_id", False),
    "DB": ("database", False), "DP": ("database", False),
    "C2": ("c2", False), "C5": ("c5", False), "U2": ("u2", False),
}  # fmt: skip

_TAG_LINE = re.compile(r"^\s*([A-Z][A-Z0-9]) {1,2}-(?: (.*)|\s*)$")
_NUMBERED = re.compile(r"^\s*\d+\.\s*$")


def _split_tag(line: str) -> tuple[str, str] | None:
    """The tag and value of a line in a layout other than the common "XX  - value"."""
    match = _TAG_LINE.match(line)
    if match:
        return match.group(1), match.group(2) or ""
    return None


_START, _END = "\x00start", "\x00end"
_UNTAGGED = "\x00untagged"
_LIST_FIELDS = frozenset(field for field, is_list in RIS_TAGS.values() if is_list)
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Every tag in the common layout "XX  - ", so that one dict look-up a line finds the field
# (None for the tags not read); other layouts and untagged lines take the slow path.
_FAST: dict[str, str | None] = {f"{a}{b}  - ": None for a in _UPPER for b in _UPPER + "0123456789"}
_FAST.update({f"{tag}  - ": field for tag, (field, _) in RIS_TAGS.items()})
_FAST["TY  - "] = _START
_FAST["ER  - "] = _END


def iter_ris(blocks: Iterator[list[str]], filename: str) -> Iterator[ParsedRecord]:
    """Records of a RIS file given as lists of lines (see encoding.iter_line_blocks)."""
    # This loop runs once a line, so it is written out for speed: no helper calls on the
    # common path, TY and ER are only tested for the first value of a field in a record
    # (their pseudo-fields are never stored), and lines between records go to a scratch dict.
    # Values are stripped later, when build_record cleans the ones it uses.
    fast = _FAST
    start = 0  # line of the open record's TY, 0 when none is open
    raw: dict[str, list[str]] = {}
    last: list[str] | None = None  # the values of the last tag read, None after a skipped one
    last_field = None
    number = 0  # lines before the current block
    found = False
    for block in blocks:
        position = 0  # where in the block to look for the next TY line
        for line in block:
            field = fast.get(line[:6], _UNTAGGED)
            if field is _UNTAGGED:
                if not line:
                    continue  # the blank line between records
                field, value = _slow_line(line)
                if field is _UNTAGGED:
                    if last is not None and line.strip() and not _NUMBERED.match(line):
                        if last_field in _LIST_FIELDS:
                            last.append(line.strip())
                        else:
                            last[-1] = join_continued(last[-1], line)
                    continue
            else:
                value = line[6:]
            if field is None:
                last = None
                continue
            values = raw.get(field)
            if values is not None:
                values.append(value)
                last = values
                last_field = field
                continue
            if field is _START:
                if start:
                    yield _finish(raw, start)
                # Line numbers are only needed here, so they are found here rather than counted
                # on every line: no line equal to this one lies between the last TY and it.
                position = block.index(line, position) + 1
                start = number + position
                found = True
                raw = {"type": [value]}
                last = None
            elif field is _END:
                if start:
                    yield _finish(raw, start)
                start = 0
                raw = {}
                last = None
            else:
                last = raw[field] = [value]
                last_field = field
        number += len(block)
    if start:
        yield _finish(raw, start)
    if not found:
        raise ParseError(filename, number or None, "no RIS record (a 'TY  - ' line) was found")


def _slow_line(line: str) -> tuple[str | None, str]:
    """The field and value of a tag line in another layout, or (_UNTAGGED, "") if untagged."""
    split = _split_tag(line)
    if split is None:
        return _UNTAGGED, ""
    tag, value = split
    if tag == "TY":
        return _START, value
    if tag == "ER":
        return _END, value
    return RIS_TAGS.get(tag, (None, False))[0], value


def _finish(raw: dict[str, list[str]], line: int) -> ParsedRecord:
    _move_ids(raw)
    if "abstract" not in raw and "abstract_alt" in raw:
        raw["abstract"] = raw.pop("abstract_alt")
    if "title" not in raw and "title_alt" in raw:
        raw["title"] = raw.pop("title_alt")
    if "journal" not in raw and "journal_alt" in raw:
        raw["journal"] = raw.pop("journal_alt")
    record, problems = build_record(raw)
    return ParsedRecord(record, line, problems)


def _move_ids(raw: dict[str, list[str]]) -> None:
    """Accession numbers and PubMed ids sit in different tags per database."""
    database = " ".join(raw["database"]).lower() if "database" in raw else ""
    accession = raw.get("accession") or raw.get("alt_id")
    if "embase" in database:
        if "c5" in raw:
            raw["pmid"] = raw["c5"]
        accession = raw.get("u2") or accession
    elif "scopus" in database and "c2" in raw:
        raw["pmid"] = raw["c2"]
    elif (
        accession
        and accession[0].strip().isdigit()
        and ("nlm" in database or "pubmed" in database or "medline" in database)
    ):
        raw["pmid"] = accession
    if accession:
        raw["source_id"] = accession

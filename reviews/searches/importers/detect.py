"""Format detection from the first bytes of an export (and its file name as a tie-breaker)."""

from __future__ import annotations

import re

from .base import ParseError
from .encoding import decode_head, sniff_encoding

_RIS_TAG = re.compile(r"^[A-Z][A-Z0-9] {1,2}-(?: |$)", re.M)
_RIS_TY = re.compile(r"^\s*(?:\d+\.\s*)?TY {1,2}-", re.M)
_COCHRANE = re.compile(r"^Record #\d+ of \d+", re.M)
_MEDLINE_PMID = re.compile(r"^PMID- ?\d", re.M)
_MEDLINE_TAG = re.compile(r"^ ?[A-Z][A-Z0-9]{1,3} {1,2}- ", re.M)
_OVID_HEADER = re.compile(r"^<\d+\.?\s*>\s*$", re.M)
_WOS_START = re.compile(r"^(?:FN |VR |PT [A-Z]\s*$)", re.M)
_WOS_TAG = re.compile(r"^(?:AU|TI|SO|ER)(?: |$)", re.M)
_BIBTEX = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.M)
_NOTEEXPRESS = re.compile(r"^\{Reference Type\}:", re.M)
_ESTUDY = re.compile(r"^(?:DataType:\s*\d|Title-题名:|SrcDatabase-来源库:)", re.M)
_REFWORKS = re.compile(r"^RT [A-Za-z]", re.M)
_REFWORKS_TAG = re.compile(r"^(?:A1|T1|JF|YR|SR) ?\S", re.M)
_REFER = re.compile(r"^%0 \S", re.M)
_XML = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<xml>\s*<records>", re.S)

_EXTENSIONS = {
    ".ris": "ris",
    ".nbib": "medline",
    ".ciw": "wos",
    ".bib": "bibtex",
    ".net": "noteexpress",
    ".xml": "endnote-xml",
    ".enw": "endnote-refer",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".csv": "csv",
    ".xlsx": "xlsx",
}


def detect_format(head: bytes, filename: str = "") -> str:
    """The format name (DESIGN.md) of an export from its first bytes; ParseError if none fits."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = decode_head(head, sniff_encoding(head))
    found = _detect_text(text.lstrip("\ufeff"), filename)
    if found:
        return found
    raise ParseError(filename, None, "the format could not be recognised (give --format NAME)")


def _detect_text(text: str, filename: str) -> str | None:
    stripped = text.lstrip()
    if not stripped:
        return _by_extension(filename)
    if stripped.startswith("<"):
        if _XML.match(stripped) or "<records><record>" in stripped[:4000]:
            return "endnote-xml"
    for pattern, name in (
        (_NOTEEXPRESS, "noteexpress"),
        (_ESTUDY, "cnki-estudy"),
        (_REFER, "endnote-refer"),
    ):
        if pattern.search(text):
            return name
    if _RIS_TY.search(text) or (_COCHRANE.search(text) and _RIS_TAG.search(text)):
        return "ris"
    if _OVID_HEADER.search(text) and _MEDLINE_TAG.search(text):
        return "ovid"
    if _MEDLINE_PMID.search(text) or (
        re.search(r"^(?:TI|AU|FAU)  - ", text, re.M) and re.search(r"^PT  - ", text, re.M)
    ):
        return "medline"
    if _WOS_START.search(text) and _WOS_TAG.search(text):
        return "wos"
    if _REFWORKS.search(text) and _REFWORKS_TAG.search(text):
        return "refworks"
    if _BIBTEX.search(text):
        return "bibtex"
    return _delimited(text, filename) or _by_extension(filename)


def _delimited(text: str, filename: str) -> str | None:
    from .tabular import detect_flavour, quoting_for, sniff_delimiter

    first = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = sniff_delimiter(first)
    if first.count(delimiter) == 0:
        return None
    import csv

    try:
        quoting = quoting_for(None, delimiter)
        header = next(csv.reader([first], delimiter=delimiter, quoting=quoting))
    except csv.Error:
        return None
    return detect_flavour(header, delimiter)


def _by_extension(filename: str) -> str | None:
    lowered = filename.lower()
    for extension, name in _EXTENSIONS.items():
        if lowered.endswith(extension):
            return name
    return None

"""EndNote XML exports (<xml><records><record>...), streamed with lxml and no entity expansion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from .base import ParsedRecord, ParseError
from .encoding import peek
from .normalise import build_record

# record child path -> raw field
_PATHS = {
    "titles/title": "title",
    "titles/translated-title": "title_translated",
    "titles/secondary-title": "journal_alt",
    "periodical/full-title": "journal",
    "periodical/abbr-1": "journal_abbrev",
    "titles/alt-title": "journal_abbrev",
    "volume": "volume",
    "number": "issue",
    "pages": "pages",
    "dates/year": "year",
    "dates/pub-dates/date": "date",
    "abstract": "abstract",
    "electronic-resource-num": "doi",
    "accession-num": "source_id",
    "language": "language",
    "remote-database-name": "database",
    "remote-database-provider": "database",
}


def iter_endnote_xml(stream: BinaryIO, filename: str) -> Iterator[ParsedRecord]:
    head, stream = peek(stream)
    # Entities are never expanded (resolve_entities=False); a file that declares them is
    # refused outright, as no export program writes one.
    if b"<!ENTITY" in head or b"<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y" in head:
        raise ParseError(filename, 1, "XML entity declarations are not accepted")
    parser = etree.iterparse(
        stream,
        events=("end",),
        tag="record",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    found = False
    try:
        for _, element in parser:
            found = True
            yield _record(element)
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise ParseError(filename, line, f"XML cannot be read: {exc.msg}") from exc
    if not found:
        raise ParseError(filename, None, "no EndNote <record> element was found")


def _text(element) -> str:
    return "".join(element.itertext()).strip()


def _record(element) -> ParsedRecord:
    raw: dict[str, list[str]] = {}
    ref_type = element.find("ref-type")
    if ref_type is not None:
        raw["type"] = [ref_type.get("name") or _text(ref_type)]
    authors = [_text(a) for a in element.iterfind("contributors/authors/author")]
    if authors:
        raw["authors"] = [a for a in authors if a]
    keywords = [_text(k) for k in element.iterfind("keywords/keyword")]
    if keywords:
        raw["keywords"] = [k for k in keywords if k]
    urls = [_text(u) for u in element.iterfind("urls/related-urls/url")]
    if urls:
        raw["url"] = urls
    for path, field in _PATHS.items():
        found = element.find(path)
        if found is not None:
            value = _text(found)
            if value:
                raw.setdefault(field, []).append(value)
    if "journal" not in raw and "journal_alt" in raw:
        raw["journal"] = raw["journal_alt"]
    _pmid(raw)
    record, problems = build_record(raw)
    return ParsedRecord(record, element.sourceline or 1, problems)


def _pmid(raw: dict[str, list[str]]) -> None:
    database = " ".join(raw.get("database", ())).lower()
    accession = raw.get("source_id", [""])[0]
    if accession.isdigit() and any(name in database for name in ("medline", "pubmed", "nlm")):
        raw["pmid"] = [accession]

"""BibTeX exports (Scopus, Zotero, ...) read entry by entry.

Hand-written rather than bibtexparser: bibtexparser 2.1 rejects a whole Scopus entry for a
repeated field (funding_details, see SOURCES.md); here the first value of a repeated field
wins and the entry is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .base import ParsedRecord, ParseError
from .normalise import build_record

# Compiled once: the value loop runs for every field of every entry.
_BARE_WORD = re.compile(r"[^\s,#}]+")
_BRACE_DEPTH = {"{": 1, "}": -1}
_FIELDS = {
    "title": "title", "author": "authors", "journal": "journal", "journaltitle": "journal",
    "booktitle": "journal_alt", "year": "year", "date": "date", "volume": "volume",
    "number": "issue", "issue": "issue", "pages": "pages", "doi": "doi", "abstract": "abstract",
    "keywords": "keywords", "author_keywords": "keywords", "language": "language",
    "pmid": "pmid", "eid": "source_id", "accession_number": "source_id",
    "accession-number": "source_id", "unique-id": "source_id", "url": "url",
    "translated_title": "title_translated", "translatedtitle": "title_translated",
}  # fmt: skip

_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*([{(])")
_FIELD = re.compile(r"\s*([^\s=,{}\"#][^=,{}\"#]*?)\s*=\s*")
_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328",
}  # fmt: skip
_ACCENT = re.compile(r"\\([\"'`^~=.]|[cvuHk](?=[\s{]))\s*\{?\\?([A-Za-z])\}?")
_SYMBOLS = {
    r"\&": "&", r"\%": "%", r"\_": "_", r"\$": "$", r"\#": "#", r"\ss": "ß", r"\o": "ø",
    r"\O": "Ø", r"\aa": "å", r"\AA": "Å", r"\ae": "æ", r"\l": "ł", r"\L": "Ł", "~": " ",
}  # fmt: skip


def iter_bibtex(lines: Iterator[str], filename: str) -> Iterator[ParsedRecord]:
    macros: dict[str, str] = {}
    found = False
    entry: list[str] = []
    start = depth = 0
    parens = False
    for number, line in enumerate(lines, 1):
        if not entry:
            match = _ENTRY_START.match(line)
            if not match:
                continue
            start, depth = number, 0
            parens = match.group(2) == "("
        entry.append(line)
        depth += _brace_balance(line) if not parens else line.count("(") - line.count(")")
        if depth <= 0:
            record = _entry("\n".join(entry), start, macros)
            entry = []
            if record is not None:
                found = True
                yield record
    if entry:
        raise ParseError(filename, start, "BibTeX entry is not closed (unbalanced braces)")
    if not found and not macros:
        raise ParseError(filename, None, "no BibTeX entry (@type{key, ...}) was found")


def _brace_balance(line: str) -> int:
    return line.count("{") - line.count("\\{") - line.count("}") + line.count("\\}")


def _entry(text: str, line: int, macros: dict[str, str]) -> ParsedRecord | None:
    match = _ENTRY_START.match(text)
    kind = match.group(1).lower()
    body = text[match.end() :]
    body = body[: body.rfind("}" if match.group(2) == "{" else ")")]
    if kind in ("comment", "preamble"):
        return None
    if kind == "string":
        fields, _ = _fields(body, macros)
        macros.update({k.lower(): v for k, v in fields})
        return None
    key, _, rest = body.partition(",")
    fields, problems = _fields(rest, macros)
    raw: dict[str, list[str]] = {"type": [kind]}
    for name, value in fields:
        field = _FIELDS.get(name.lower())
        if field is None or not value:
            continue
        if field == "keywords":
            sep = ";" if ";" in value else ","
            raw.setdefault("keywords", []).extend(value.split(sep))
        elif field not in raw:
            raw[field] = [value]
    raw["author_sep"] = [" and "]
    if "journal" not in raw and "journal_alt" in raw:
        raw["journal"] = raw["journal_alt"]
    if "source_id" not in raw and key.strip():
        raw["source_id"] = [key.strip()]
    record, more = build_record(raw)
    return ParsedRecord(record, line, problems + more)


def _fields(body: str, macros: dict[str, str]) -> tuple[list[tuple[str, str]], list[str]]:
    fields: list[tuple[str, str]] = []
    problems: list[str] = []
    pos, n = 0, len(body)
    while pos < n:
        match = _FIELD.match(body, pos)
        if not match:
            leftover = body[pos:].strip(" \t\n,")
            if leftover:
                problems.append(f"text {leftover[:40]!r} could not be read as a field")
            break
        name = match.group(1)
        value, pos = _value(body, match.end(), macros)
        fields.append((name, _latex_to_text(value)))
        while pos < n and body[pos] in " \t\n,":
            pos += 1
    return fields, problems


def _value(body: str, pos: int, macros: dict[str, str]) -> tuple[str, int]:
    """Read a value: {braced}, "quoted", a number or a macro, joined with '#'."""
    parts: list[str] = []
    n = len(body)
    while pos < n:
        char = body[pos]
        if char == "{":
            end = _closing(body, pos)
            parts.append(body[pos + 1 : end])
            pos = end + 1
        elif char == '"':
            end = pos + 1
            depth = 0
            while end < n and not (body[end] == '"' and depth == 0 and body[end - 1] != "\\"):
                depth += _BRACE_DEPTH.get(body[end], 0)
                end += 1
            parts.append(body[pos + 1 : end])
            pos = end + 1
        else:
            match = _BARE_WORD.match(body, pos)
            word = match.group(0) if match else ""
            parts.append(macros.get(word.lower(), word))
            pos += max(len(word), 1)
        while pos < n and body[pos] in " \t\n":
            pos += 1
        if pos < n and body[pos] == "#":
            pos += 1
            while pos < n and body[pos] in " \t\n":
                pos += 1
            continue
        break
    return "".join(parts), pos


def _closing(body: str, pos: int) -> int:
    depth = 0
    for index in range(pos, len(body)):
        char = body[index]
        if char == "{" and body[index - 1] != "\\":
            depth += 1
        elif char == "}" and body[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    return len(body)


def _latex_to_text(value: str) -> str:
    if "\\" in value:
        value = _ACCENT.sub(lambda m: m.group(2) + _ACCENTS[m.group(1)], value)
        for command, char in _SYMBOLS.items():
            value = value.replace(command, char)
        value = unicodedata.normalize("NFC", value)
    elif "~" in value:
        value = value.replace("~", " ")
    return value.replace("{", "").replace("}", "")

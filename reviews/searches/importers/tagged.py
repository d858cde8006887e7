"""Helpers shared by the line-tagged formats (RIS, MEDLINE, WoS, Ovid, RefWorks, Refer, ...)."""

from __future__ import annotations

from .base import ParsedRecord
from .normalise import build_record, join_continued


class RecordCollector:
    """Gathers (field, value) pairs of one record; continuation lines extend the last one."""

    __slots__ = ("raw", "line", "last_field", "last_is_list", "problems")

    def __init__(self, line: int):
        self.raw: dict[str, list[str]] = {}
        self.line = line
        self.last_field: str | None = None
        self.last_is_list = False
        self.problems: list[str] = []

    def add(self, field: str | None, value: str, is_list: bool = False) -> None:
        self.last_field = field
        self.last_is_list = is_list
        if field is None:
            return
        values = self.raw.get(field)
        if values is None:
            self.raw[field] = [value]
        else:
            values.append(value)

    def extend(self, text: str) -> None:
        """An untagged line: a new item of a list field, else more text of the last field."""
        field = self.last_field
        if field is None:
            return
        values = self.raw.get(field)
        if not values:
            self.raw[field] = [text.strip()]
        elif self.last_is_list:
            values.append(text.strip())
        else:
            values[-1] = join_continued(values[-1], text)

    def finish(self) -> ParsedRecord:
        record, problems = build_record(self.raw)
        return ParsedRecord(record, self.line, self.problems + problems)

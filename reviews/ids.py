"""Object ids from URLs, forms and query strings: ASCII digits within the database's range.

`str.isdigit()` accepts "²" and other digits `int()` refuses, and a 24-digit id overflows the
64-bit integer columns (OverflowError on SQLite, an out-of-range error on PostgreSQL): both
were server errors. Every id a person can type goes through `parse_id`, and every URL id
through the `id` path converter, so such a value is simply no object (404).
"""
import re

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value):
    """The id as an int, or None when it is not one (wrong characters, zero, too large)."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_ids(text, *, limit=1000):
    """Comma-separated ids; raises ValueError naming the first that is not one."""
    parts = [p for p in (text or "").split(",") if p != ""]
    if len(parts) > limit:
        raise ValueError(f"at most {limit} ids")
    ids = []
    for part in parts:
        number = parse_id(part)
        if number is None:
            raise ValueError(f"{part!r} is not an id")
        ids.append(number)
    return ids


class IdConverter:
    """`<id:name>` in a URL: like `<id:name>`, but an id out of range does not match."""

    regex = "[0-9]+"

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(value)

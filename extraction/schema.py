"""Extraction forms as data: the schema of a form, and the checking of values against it.

Pure (no Django). A form is `{"sections": [{"key", "title", "fields": [FIELD, ...]}]}`, a
FIELD `{"key", "label", "type", "help", "unit", "required", "choices", "columns"}`. Values
are a dict `{field_key: value}`; a `table` field holds a list of rows, each a dict keyed by
its columns.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

FIELD_TYPES = ("text", "long_text", "integer", "decimal", "choice", "multi_choice", "yes_no",
               "date", "table")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


class SchemaError(ValueError):
    """A form definition that cannot be used; the message names the section or field."""


def _check_field(field, where, *, in_table=False):
    key = field.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise SchemaError(f"{where}: key {key!r} must be lower-case letters, digits and _, "
                          "starting with a letter")
    kind = field.get("type")
    if kind not in FIELD_TYPES or (in_table and kind == "table"):
        raise SchemaError(f"{where} '{key}': unknown type {kind!r}")
    if not str(field.get("label", "")).strip():
        raise SchemaError(f"{where} '{key}': a label is required")
    if kind in ("choice", "multi_choice"):
        choices = field.get("choices") or []
        values = [c[0] if isinstance(c, (list, tuple)) else c for c in choices]
        if not values or len(set(values)) != len(values):
            raise SchemaError(f"{where} '{key}': choices must be given once each")
    if kind == "table":
        columns = field.get("columns") or []
        if not columns:
            raise SchemaError(f"{where} '{key}': a table needs columns")
        _check_unique([_check_field(c, f"{where} '{key}' column", in_table=True)
                       for c in columns], f"{where} '{key}'")
    return key


def _check_unique(keys, where):
    seen = set()
    for key in keys:
        if key in seen:
            raise SchemaError(f"{where}: key '{key}' is used twice")
        seen.add(key)


def check_schema(schema):
    """Raise SchemaError unless the form can be used; return the schema normalised."""
    sections = schema.get("sections") if isinstance(schema, dict) else None
    if not isinstance(sections, list) or not sections:
        raise SchemaError("a form needs at least one section")
    keys, section_keys = [], []
    for section in sections:
        section_keys.append(section.get("key"))
        if not isinstance(section.get("key"), str) or not KEY_RE.match(section["key"]):
            raise SchemaError(f"section key {section.get('key')!r} is not valid")
        for field in section.get("fields") or []:
            keys.append(_check_field(field, f"section '{section['key']}' field"))
    _check_unique(section_keys, "form sections")
    _check_unique(keys, "form")
    return schema


def fields_of(schema):
    """Every field of the form in order, as a dict key -> field."""
    return {f["key"]: f for s in schema["sections"] for f in s.get("fields") or []}


def _choice_values(field):
    return [c[0] if isinstance(c, (list, tuple)) else c for c in field.get("choices") or []]


def _as_decimal(value):
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def clean_value(field, value):
    """The value in its stored form, or raise ValueError with a reason a reviewer can act on.
    Empty values come back as None."""
    if value is None or value == "" or value == []:
        return None
    kind = field["type"]
    if kind in ("text", "long_text"):
        return str(value).strip() or None
    if kind == "integer":
        number = _as_decimal(value)
        if number is None or number != number.to_integral_value():
            raise ValueError(f"'{value}' is not a whole number")
        return int(number)
    if kind == "decimal":
        number = _as_decimal(value)
        if number is None:
            raise ValueError(f"'{value}' is not a number")
        return float(number)
    if kind == "yes_no":
        text = str(value).strip().lower()
        if text in ("yes", "true", "1", "y", "是"):
            return True
        if text in ("no", "false", "0", "n", "否"):
            return False
        raise ValueError(f"'{value}' is not yes or no")
    if kind == "date":
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a date (YYYY-MM-DD)") from exc
    if kind == "choice":
        if value not in _choice_values(field):
            raise ValueError(f"'{value}' is not one of the choices")
        return value
    if kind == "multi_choice":
        values = value if isinstance(value, list) else [value]
        unknown = [v for v in values if v not in _choice_values(field)]
        if unknown:
            raise ValueError(f"{unknown} are not among the choices")
        return [v for v in _choice_values(field) if v in values]
    return _clean_table(field, value)


def _clean_table(field, rows):
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValueError("a table is a list of rows")
    columns = field["columns"]
    out = []
    for number, row in enumerate(rows, 1):
        cleaned = {}
        for column in columns:
            try:
                cleaned[column["key"]] = clean_value(column, row.get(column["key"]))
            except ValueError as exc:
                raise ValueError(f"row {number}, {column['label']}: {exc}") from exc
        if any(v is not None for v in cleaned.values()):
            out.append(cleaned)
    return out or None


def clean_values(schema, values, *, require=False):
    """Check every value against its field. Returns (cleaned, errors) where errors maps a
    field key to its reason; unknown keys are errors too. With `require`, empty required
    fields are errors (on submission, not while saving a draft)."""
    fields = fields_of(schema)
    cleaned, errors = {}, {}
    for key, value in (values or {}).items():
        field = fields.get(key)
        if field is None:
            errors[key] = "this form has no such field"
            continue
        try:
            cleaned[key] = clean_value(field, value)
        except ValueError as exc:
            errors[key] = f"{field['label']}: {exc}"
    if require:
        for key, field in fields.items():
            if field.get("required") and cleaned.get(key) is None and key not in errors:
                errors[key] = f"{field['label']}: required"
    return {k: v for k, v in cleaned.items() if v is not None}, errors


def misfits(schema, values):
    """Values that no longer fit a (new) form version: key -> reason. They are kept and
    flagged, never dropped."""
    _cleaned, errors = clean_values(schema, values)
    return errors

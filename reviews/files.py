"""Files of a review (search exports, full texts): CSV that is safe to open in a spreadsheet,
stored files removed only once the change that removes them has committed, and files stored
for a change that rolls back removed with it."""
import csv
import re
import weakref
from urllib.parse import quote

from django.db import transaction
from django.utils.http import content_disposition_header

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def safe_cell(value):
    """The value, with a leading apostrophe where a spreadsheet would take it for a formula.
    Numbers (and strings that are only a number, such as "-0.25") stay as they are."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def attachment(response, filename, *, fallback=None):
    """Marks `response` a download named `filename`: the one way every download view writes
    Content-Disposition (Django quotes the name, and writes a non-ASCII one as RFC 6266
    `filename*=`). With `fallback`, an ASCII name, clients that read only `filename=` get
    that and the others the real name."""
    if fallback is None:
        header = content_disposition_header(True, filename)
    else:
        header = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    response.headers["Content-Disposition"] = header
    return response


class SafeWriter:
    """csv.writer whose every cell goes through safe_cell: every CSV export uses it."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def delete_on_commit(field_file):
    """Remove a stored file after the current transaction commits; nothing is removed if it
    rolls back, so the rows that still point at the file never lose it."""
    if not field_file:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))


class _Hook:
    """An on-commit callback that records, in a cell it shares, that it ran."""

    __slots__ = ("cell", "__weakref__")

    def __init__(self, cell):
        self.cell = cell

    def __call__(self):
        self.cell[0] = True


def _delete_unless_committed(cell, storage, name):
    if not cell[0]:
        try:
            storage.delete(name)
        except OSError:
            pass  # already gone: nothing is left behind either way


def delete_on_rollback(storage, name):
    """Remove a file just stored if the current transaction (or the savepoint it was stored
    in) rolls back, so no file is left that no row points at.

    Django has on-commit hooks only. A rollback drops the hooks registered since, so a hook
    freed without having run marks the rollback: the file goes then. Outside a transaction
    the hook runs at once and the file stays."""
    cell = [False]
    hook = _Hook(cell)
    weakref.finalize(hook, _delete_unless_committed, cell, storage, name)
    transaction.on_commit(hook)


def save_file(field_file, name, content):
    """Store an uploaded file on a row being written (FieldFile.save without saving the row),
    removed again if the transaction rolls back."""
    field_file.save(name, content, save=False)
    delete_on_rollback(field_file.storage, field_file.name)

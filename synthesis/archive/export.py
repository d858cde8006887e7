"""Writes a review archive: one JSON file per registry model, the stored files, a manifest."""
import hashlib
import json
import posixpath
import zipfile
from contextlib import contextmanager
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from . import FORMAT, MANIFEST, VERSION, ArchiveError, instance_key
from .registry import USER, plans

CHUNK = 1 << 20


def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _queryset(plan, review_id):
    model = plan.entry.model_class
    path = plan.entry.review_path
    qs = model._default_manager.filter(**{"pk" if path == "pk" else path: review_id})
    if plan.entry.where is not None:
        qs = qs.filter(plan.entry.where())
    attnames = [plan.fields[name].attname for name in plan.fields]
    return qs.order_by("pk").values_list("pk", *attnames)


class _Writer:
    def __init__(self, zf):
        self.zf = zf
        self.members = {}
        self.usernames = {}

    def write_bytes(self, path, data):
        self.zf.writestr(path, data)
        self.members[path] = hashlib.sha256(data).hexdigest()

    def copy_file(self, path, storage, name):
        digest = hashlib.sha256()
        try:
            source = storage.open(name, "rb")
        except OSError as exc:
            raise ArchiveError(f"the stored file {name} is missing ({exc})") from exc
        with source, self.zf.open(path, "w", force_zip64=True) as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                target.write(chunk)
        self.members[path] = digest.hexdigest()

    def users(self, ids):
        missing = {i for i in ids if i is not None} - set(self.usernames)
        if missing:
            self.usernames.update(
                get_user_model()._default_manager.filter(pk__in=missing)
                .values_list("pk", "username"))
        return self.usernames


def _rows(writer, plan, review_id):
    names = list(plan.fields)
    raw = list(_queryset(plan, review_id))
    user_cols = [i for i, n in enumerate(names) if plan.refs.get(n) == USER]
    usernames = writer.users({row[i + 1] for row in raw for i in user_cols})
    rows = []
    for values in raw:
        pk, values = values[0], values[1:]
        row = {"id": pk}
        for name, value in zip(names, values, strict=True):
            if plan.refs.get(name) == USER:
                value = usernames.get(value)
            elif name in plan.files:
                value = _file(writer, plan, pk, name, value)
            row[name] = _encode(value)
        rows.append(row)
    return rows


def _file(writer, plan, pk, name, stored):
    if not stored:
        return None
    path = f"files/{plan.entry.name}/{pk}/{name}/{posixpath.basename(stored)}"
    writer.copy_file(path, plan.fields[name].storage, stored)
    return path


def _json_lines(rows):
    """A JSON array with one row a line (readable, diffable), each row by the C encoder."""
    lines = (json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows)
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


@contextmanager
def _consistent_reads():
    """One transaction for every read of the export, so a vote cast meanwhile cannot appear
    without its record's item. PostgreSQL needs REPEATABLE READ for one snapshot across
    statements; SQLite's read transaction is one already. Inside an outer transaction (tests,
    callers with their own), its isolation stands."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def review_export(*, review, out, exported_by=""):
    """Write the whole of `review` to the binary file `out` as a zip (docs/archive.md)."""
    counts = {}
    with _consistent_reads(), zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        writer = _Writer(zf)
        for plan in plans():
            rows = _rows(writer, plan, review.pk)
            counts[plan.entry.name] = len(rows)
            writer.write_bytes(f"data/{plan.entry.name}.json", _json_lines(rows))
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "instance": instance_key(),
            "created_at": timezone.now().isoformat(),
            "exported_by": exported_by,
            "review": {"id": review.pk, "title": review.title},
            "counts": counts,
            "members": dict(sorted(writer.members.items())),
        }
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest

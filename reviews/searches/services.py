"""Services of the import stage: preview an export, import it all-or-nothing, discard it.

Parsing lives in `reviews.searches.importers` (pure); this module stores what it reads.
"""
import hashlib
import json
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import review_for
from ..audit.services import audit_record
from ..db import analyze_after_commit
from ..errors import Conflict
from ..files import delete_on_commit, save_file
from ..models import Record, Search
from .importers import (
    FORMATS,
    RECORD_KEYS,
    TABULAR_FORMATS,
    ParseError,
    iter_records,
    open_export,
    read_records,
)
from .importers.tabular import MAPPABLE_FIELDS, table_columns
from .selectors import discardable, progress_key, read_key, search_columns, search_stuck

log = logging.getLogger(__name__)

PREVIEW_RECORDS = 10
LISTED_PROBLEMS = 200
BATCH = 2000


class AlreadyImported(Conflict):
    def __init__(self, search):
        self.search = search
        super().__init__(
            _("%(file)s was already imported into this review (search #%(id)s, %(n)s "
              "records); nothing was added.")
            % {"file": search.file_name, "id": search.id, "n": search.record_count},
            code="already_imported",
        )


@dataclass
class Scan:
    format: str
    encoding: str
    count: int
    problem_count: int
    first: list
    problems: list


def _sha256(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _limits():
    return {name: getattr(Record._meta.get_field(name), "max_length", None)
            for name in RECORD_KEYS}


def _bounded(record, limits):
    # Database columns have lengths; an over-long value is cut and reported, never refused.
    out, cut = {}, []
    for name in RECORD_KEYS:
        value = record.get(name)
        if value is None and name in _LIST_FIELDS:
            value = []
        limit = limits[name]
        if limit and isinstance(value, str) and len(value) > limit:
            value, cut = value[:limit], [*cut, name]
        out[name] = value
    return out, cut


_LIST_FIELDS = ("authors", "keywords")


def scan_file(upload, *, filename, format=None, mapping=None, progress=None):
    """Read the whole file once: count, first records, problem records. ParseError if bad.
    progress(bytes read so far) is called now and then when given."""
    first, problems, count, problem_count = [], [], 0, 0
    handle = upload.open("rb")
    with open_export(handle, filename, format) as (stream, format, encoding):
        if mapping and format not in TABULAR_FORMATS:
            raise ValidationError(_("Only CSV, TSV and XLSX files have columns to map."),
                                  code="format")
        records = read_records(stream, format, encoding, filename=filename,
                               mapping=mapping or None)
        for count, parsed in enumerate(records, 1):
            if count <= PREVIEW_RECORDS:
                first.append(parsed.record)
            if progress is not None and count % 200 == 0:
                progress(handle.tell())
            if parsed.problems:
                problem_count += 1
                if len(problems) < LISTED_PROBLEMS:
                    problems.append({"position": count, "line": parsed.line,
                                     "title": parsed.record.get("title"),
                                     "problems": parsed.problems})
    upload.seek(0)
    if count == 0:
        raise ParseError(filename, None, _("no records were found in the file"))
    return Scan(format, encoding, count, problem_count, first, problems)


def _unmapped_scan(upload, filename, format, mapping, error):
    """A spreadsheet none of whose headers is recognised is kept with no records, so that its
    owner can map the columns on the preview page; any other bad file is refused."""
    try:
        with open_export(upload.open("rb"), filename, format) as (stream, format, encoding):
            if format not in TABULAR_FORMATS or mapping:
                raise error
            columns = table_columns(stream, encoding, filename=filename, format=format,
                                    samples=3)
    finally:
        upload.seek(0)
    if not any(values for _name, _field, values in columns) or any(
        recognised for _name, recognised, _values in columns
    ):
        raise error
    return Scan(format, encoding, 0, 0, [], [])


def _check_size(upload):
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("%(file)s is %(size).1f MB; files over %(limit).0f MB are refused.")
            % {"file": upload.name, "size": upload.size / 1e6,
               "limit": settings.IMPORT_MAX_BYTES / 1e6},
            code="too_large",
        )


def _check_fields(mapping):
    unknown = sorted(set((mapping or {}).values()) - MAPPABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field %(f)s.") % {"f": ", ".join(unknown)},
                              code="field")


def search_preview(*, actor, review_id, upload, source, source_detail="", date_searched=None,
                   query="", notes="", format=None, mapping=None, scan_now=False):
    """Validate an export and store it as a search being read; a worker reads it (a 200 MB
    file takes longer than a web request may) and makes it a previewed search, no records
    yet. `scan_now` reads it here instead (commands, the demo).

    When the reading is over by the time this returns (eager tasks, `scan_now`) and the file
    turned out bad, the search is removed again and the error raised, as for any bad upload.
    """
    review, _m = review_for(actor, review_id, "manage")
    if source not in Search.Source.values:
        raise ValidationError(_("Unknown database or method."), code="source")
    if format and format not in FORMATS:
        raise ValidationError(_("Unknown format %(f)s.") % {"f": format}, code="format")
    _check_size(upload)
    _check_fields(mapping)
    sha = _sha256(upload)
    earlier = Search.objects.filter(review=review, file_sha256=sha).first()
    if earlier is not None and earlier.status in (Search.Status.DONE, Search.Status.QUEUED):
        raise AlreadyImported(earlier)
    with transaction.atomic():
        if earlier is not None:
            delete_on_commit(earlier.file)
            earlier.delete()
        search = Search(
            review=review, source=source, source_detail=source_detail,
            date_searched=date_searched, query=query, notes=notes, file_name=upload.name[:300],
            file_sha256=sha, file_size=upload.size, format=format or "", encoding="",
            mapping=mapping or {}, status=Search.Status.READING, queued_at=timezone.now(),
            created_by=actor,
        )
        save_file(search.file, upload.name, upload)
        search.save()
        if scan_now or settings.CELERY_TASK_ALWAYS_EAGER:
            # Eager tasks would run right after the commit anyway; here the reading is part
            # of the same transaction, so a caller's own transaction sees it too.
            search_scan_run(search_id=search.id)
        else:
            _send_scan(search.id)
    search.refresh_from_db()
    if search.status == Search.Status.FAILED and search.preview.get("refused"):
        with transaction.atomic():
            delete_on_commit(search.file)
            search.delete()
        raise _refusal(search.preview["refused"])
    return search


def _send_scan(search_id):
    from .tasks import search_scan

    transaction.on_commit(lambda: search_scan.delay(search_id))


def _refusal(stored):
    if stored.get("kind") == "parse":
        return ParseError(stored["file"], stored["line"], stored["reason"])
    return ValidationError(stored["message"], code=stored.get("code"))


def _beat(key, done):
    # A sign of a worker at work: how far it got, and when.
    cache.set(key, {"done": done, "at": time.time()}, 3600)


def search_scan_run(*, search_id):
    """Read a search's file for its preview (the task `reviews.search_scan`). Safe to run
    twice: only a search still being read is written, and a discarded one is left alone.
    A bad file makes the search failed, with the reason, visible to its owner."""
    search = Search.objects.filter(pk=search_id, status=Search.Status.READING).first()
    if search is None:
        return False
    last = [0.0]

    def progress(done):
        if time.monotonic() - last[0] >= 0.5:
            last[0] = time.monotonic()
            _beat(read_key(search_id), done)

    _beat(read_key(search_id), 0)
    format, mapping = search.format or None, search.mapping or None
    try:
        try:
            scan = scan_file(search.file, filename=search.file_name, format=format,
                             mapping=mapping, progress=progress)
        except ParseError as exc:
            scan = _unmapped_scan(search.file, search.file_name, format, mapping, exc)
        finally:
            search.file.close()
    except ParseError as exc:
        return _refuse(search_id, str(exc), {"kind": "parse", "file": exc.filename,
                                             "line": exc.line, "reason": exc.reason})
    except ValidationError as exc:
        message = "; ".join(exc.messages)
        return _refuse(search_id, message, {"kind": "invalid", "message": message,
                                            "code": exc.code})
    except Exception as exc:
        _refuse(search_id, _("Reading the file stopped on an internal error (%(e)s). "
                             "Discard it and try again, or contact your administrator.")
                % {"e": type(exc).__name__}, {"kind": "invalid", "message": type(exc).__name__})
        raise
    finally:
        cache.delete(read_key(search_id))
    return bool(Search.objects.filter(pk=search_id, status=Search.Status.READING).update(
        status=Search.Status.PREVIEW, format=scan.format, encoding=scan.encoding,
        record_count=scan.count, problem_count=scan.problem_count,
        preview={"first": scan.first, "problems": scan.problems}))


def _refuse(search_id, message, stored):
    Search.objects.filter(pk=search_id, status=Search.Status.READING).update(
        status=Search.Status.FAILED, error=message, record_count=0, problem_count=0,
        preview={"refused": stored})
    log.info("preview of search %s refused: %s", search_id, message)
    return False


@transaction.atomic
def search_remap(*, actor, review_id, search_id, mapping):
    """Read a previewed spreadsheet again with the columns mapped as the owner chose: here
    without workers (ParseError, nothing changed, when no column is left to read), else on a
    worker (the search is being read again; see search_scan_run)."""
    review, _m = review_for(actor, review_id, "manage")
    search = Search.objects.select_for_update().get(
        pk=search_id, review=review, status__in=[Search.Status.PREVIEW, Search.Status.FAILED]
    )
    if search.format not in TABULAR_FORMATS:
        raise ValidationError(_("Only CSV, TSV and XLSX files have columns to map."),
                              code="format")
    _check_fields(mapping)
    columns = {name for name, *_rest in search_columns(search)}
    missing = sorted(set(mapping) - columns)
    if missing:
        raise ValidationError(_("The file has no column %(c)s.") % {"c": ", ".join(missing)},
                              code="column")
    before = {"mapping": search.mapping, "records": search.record_count}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        # With workers a spreadsheet is read again by one of them, as at upload: the search
        # is being read, and a mapping that leaves nothing to read makes it failed, saying why.
        search.mapping, search.status, search.error = mapping, Search.Status.READING, ""
        search.record_count = search.problem_count = 0
        search.preview, search.queued_at = {}, timezone.now()
        search.save(update_fields=["mapping", "record_count", "problem_count", "preview",
                                   "status", "error", "queued_at"])
        audit_record(review=review, actor=actor, verb="search.remap", obj=search,
                     before=before, after={"mapping": mapping, "records": None})
        _send_scan(search.id)
        return search
    try:
        scan = scan_file(search.file, filename=search.file_name, format=search.format,
                         mapping=mapping)
    finally:
        search.file.close()
    search.mapping = mapping
    search.record_count, search.problem_count = scan.count, scan.problem_count
    search.preview = {"first": scan.first, "problems": scan.problems}
    search.status, search.error = Search.Status.PREVIEW, ""
    search.save(update_fields=["mapping", "record_count", "problem_count", "preview",
                               "status", "error"])
    audit_record(review=review, actor=actor, verb="search.remap", obj=search, before=before,
                 after={"mapping": mapping, "records": scan.count})
    return search


@transaction.atomic
def search_import_start(*, actor, review_id, search_id):
    review, _m = review_for(actor, review_id, "manage")
    # A search whose reading failed (no records) has nothing to import.
    claimed = Search.objects.filter(
        pk=search_id, review=review, status__in=[Search.Status.PREVIEW, Search.Status.FAILED],
        record_count__gt=0,
    ).update(status=Search.Status.QUEUED, error="", queued_at=timezone.now())
    search = Search.objects.get(pk=search_id, review=review)
    if not claimed:
        return search
    audit_record(review=review, actor=actor, verb="search.queue", obj=search,
                 after={"file": search.file_name, "source": search.source,
                        "records": search.record_count})
    from .tasks import search_import

    transaction.on_commit(lambda: search_import.delay(search.id))
    return search


@transaction.atomic
def search_requeue(*, actor, review_id, search_id):
    """Hand a stuck search (search_stuck) to the workers again: its reading or its import. A
    task delivered twice does no harm (both tasks act only on a search still waiting)."""
    review, _m = review_for(actor, review_id, "manage")
    search = Search.objects.select_for_update().get(pk=search_id, review=review)
    # Both refusals are the search's state, not the request's: 409 in the API.
    if search.status not in (Search.Status.READING, Search.Status.QUEUED):
        raise Conflict(_("This search is no longer waiting for a worker."), code="not_waiting")
    if not search_stuck(search):
        raise Conflict(_("This search is still being worked on; it can be queued again "
                         "only when nothing has moved for %(s)s seconds.")
                       % {"s": settings.SEARCH_STUCK_SECONDS}, code="not_stuck")
    search.queued_at = timezone.now()
    search.save(update_fields=["queued_at"])
    audit_record(review=review, actor=actor, verb="search.requeue", obj=search,
                 after={"file": search.file_name, "status": search.status})
    if search.status == Search.Status.READING:
        _send_scan(search.id)
    else:
        from .tasks import search_import

        transaction.on_commit(lambda: search_import.delay(search.id))
    return search


def search_import_run(*, search_id):
    """Store every record of a queued search in one transaction. Safe to run twice: the
    search row is locked and a search no longer queued is left alone.

    SQLite has one writer at a time and holds the lock from the first insert to the commit,
    so there the file is read whole before the transaction opens: the web side's writes
    then wait for the inserts only, not for the parsing of a large file (PostgreSQL, whose
    writers do not block each other, reads and copies in one stream)."""
    try:
        rows = _read_first(search_id) if connection.vendor == "sqlite" else None
        with transaction.atomic():
            search = Search.objects.select_for_update().filter(pk=search_id).first()
            if search is None or search.status != Search.Status.QUEUED:
                return False
            count, problems = _store_records(search, rows)
            analyze_after_commit(Record, rows=count)
            search.status = Search.Status.DONE
            search.record_count, search.problem_count = count, problems
            search.imported_at = timezone.now()
            search.save(update_fields=["status", "record_count", "problem_count",
                                       "imported_at"])
            audit_record(review=search.review, actor=search.created_by, verb="search.import",
                         obj=search, after={"file": search.file_name, "records": count,
                                            "problem_records": problems})
    except ParseError as exc:
        # Nothing of the file was written (the transaction rolled back); say why.
        _fail(search_id, str(exc))
        return False
    except Exception as exc:
        # Also rolled back whole; recorded on the search so the owner sees it, then re-raised
        # so the worker logs the traceback and the task shows as failed.
        _fail(search_id, _("The import stopped on an internal error (%(e)s); nothing of the "
                           "file was stored. Try again or contact your administrator.")
              % {"e": type(exc).__name__})
        raise
    finally:
        cache.delete(progress_key(search_id))
    return True


def _fail(search_id, message):
    Search.objects.filter(pk=search_id).update(status=Search.Status.FAILED, error=message)
    log.warning("import of search %s failed: %s", search_id, message)


def _rows(search):
    """The records of a search's file as Record field values, with their notes."""
    limits = _limits()
    with search.file.open("rb") as fh:
        records = iter_records(fh, filename=search.file_name, format=search.format,
                               mapping=search.mapping or None)
        for position, parsed in enumerate(records, 1):
            fields, cut = _bounded(parsed.record, limits)
            notes = parsed.problems
            if cut:
                notes = notes + [_("%(f)s was cut to fit") % {"f": f} for f in cut]
            fields.update(review_id=search.review_id, search_id=search.id, position=position,
                          line=parsed.line, problems=notes)
            yield fields


def _read_first(search_id):
    """The search's records read whole, outside any transaction, with the progress bar
    moving through its first half (the second is the inserts); None when the search is not
    queued (search_import_run then leaves it alone under the lock)."""
    search = Search.objects.filter(pk=search_id, status=Search.Status.QUEUED).first()
    if search is None:
        return None
    rows = []
    for count, fields in enumerate(_rows(search), 1):
        rows.append(fields)
        if count % BATCH == 0:
            _beat(progress_key(search_id), count // 2)
    return rows


def _store_records(search, rows=None):
    """Store every record of the file (or the rows read from it already); the caller's
    transaction makes it all-or-nothing."""
    # psycopg 3 has COPY from Python rows; other drivers and databases insert in batches.
    driver = type(connection.connection).__module__.split(".")[0]
    store = _copy_records if driver == "psycopg" else _bulk_records
    count = problems = 0
    read_first = rows is not None
    for count, fields in store(search, rows if read_first else _rows(search)):
        problems += bool(fields["problems"])
        if count % BATCH == 0:
            _beat(progress_key(search.id), (len(rows) + count) // 2 if read_first else count)
    return count, problems


def _bulk_records(search, rows):
    batch = []
    for count, fields in enumerate(rows, 1):
        batch.append(Record(**fields))
        yield count, fields
        if len(batch) >= BATCH:
            Record.objects.bulk_create(batch)
            batch = []
    Record.objects.bulk_create(batch)


def _copy_records(search, rows):
    # COPY is several times faster than INSERT on PostgreSQL and runs in the same transaction,
    # so a failure midway still leaves nothing. Columns the import does not fill take their
    # model default, computed once.
    given = {"review_id", "search_id", "position", "line", "problems", *RECORD_KEYS}
    columns, constants = [], {}
    for field in Record._meta.concrete_fields:
        if field.primary_key and field.auto_created or isinstance(field, models.AutoField):
            continue
        columns.append(field.attname)
        if field.attname not in given:
            constants[field.attname] = field.get_db_prep_save(field.get_default(), connection)
    json_columns = {f.attname for f in Record._meta.concrete_fields
                    if isinstance(f, models.JSONField)}
    makers = [
        (lambda row, c=c: json.dumps(row[c], ensure_ascii=False)) if c in json_columns
        else (lambda row, c=c: row[c]) if c in given
        else (lambda row, v=constants[c]: v)
        for c in columns
    ]
    table = connection.ops.quote_name(Record._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {table} ({names}) FROM STDIN"  # noqa: S608 (names come from the model)
    ) as copy:
        for count, fields in enumerate(rows, 1):
            copy.write_row([make(fields) for make in makers])
            yield count, fields


@transaction.atomic
def search_discard(*, actor, review_id, search_id):
    review, _m = review_for(actor, review_id, "manage")
    search = Search.objects.select_for_update().get(
        pk=search_id, review=review,
        status__in=[Search.Status.PREVIEW, Search.Status.FAILED, Search.Status.READING,
                    Search.Status.QUEUED])
    if not discardable(search):
        raise Search.DoesNotExist
    delete_on_commit(search.file)
    search.delete()

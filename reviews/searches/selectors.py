"""Reads of the import stage: a search's progress and columns, whether it is stuck, and the
review home's import counts."""
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Search
from .importers import TABULAR_FORMATS, ParseError, tabular_columns


def read_key(search_id):
    return f"prismflow:search-read:{search_id}"


def progress_key(search_id):
    return f"prismflow:search-import:{search_id}"


def search_progress(search):
    """How far the worker got: bytes of the file while it is read, records while they are
    imported; `stuck` when the search waits with no sign of a worker (see search_stuck)."""
    reading = search.status == Search.Status.READING
    beat = _beat_of(search)
    done = beat["done"] if isinstance(beat, dict) else 0
    if search.status == Search.Status.DONE:
        done = search.record_count
    return {"status": search.status, "done": done,
            "total": search.file_size if reading else search.record_count,
            "unit": "bytes" if reading else "records", "error": search.error,
            "stuck": search_stuck(search, beat)}


def _beat_of(search):
    """The last sign of a worker at work on the search (_beat), None when there is none."""
    reading = search.status == Search.Status.READING
    return cache.get(read_key(search.id) if reading else progress_key(search.id))


_NOT_READ = object()  # search_stuck's beat not looked up yet (None means: there is none)


def search_stuck(search, beat=_NOT_READ):
    """A search handed to a worker (read or import) longer ago than SEARCH_STUCK_SECONDS with
    no progress reported for as long: its task message was most likely lost. `beat`: the
    search's _beat_of when the caller has it (the progress poll), so it is read once."""
    if search.status not in (Search.Status.READING, Search.Status.QUEUED):
        return False
    if beat is _NOT_READ:
        beat = _beat_of(search)
    limit = settings.SEARCH_STUCK_SECONDS
    if isinstance(beat, dict) and time.time() - beat["at"] < limit:
        return False
    return search.queued_at is None or search.queued_at < timezone.now() - timedelta(
        seconds=limit)


def search_columns(search, samples=3):
    """The columns of a previewed spreadsheet search: (name, field in use, recognised field,
    first values); empty for the other formats."""
    if search.format not in TABULAR_FORMATS:
        return []
    try:
        with search.file.open("rb") as fh:
            columns = tabular_columns(fh, filename=search.file_name, format=search.format,
                                      samples=samples)
    except (ParseError, OSError):
        return []
    mapping = search.mapping or {}
    return [(name, mapping.get(name, recognised or "ignore"), recognised, values)
            for name, recognised, values in columns]


def discardable(search):
    """Previewed, failed, still being read (a read in progress stops harmlessly: it writes
    only a search still being read) or queued for import and stuck."""
    return search.status in (Search.Status.PREVIEW, Search.Status.FAILED,
                             Search.Status.READING) or search_stuck(search)


def import_counts(*, review):
    """The review home's import counts: searches done and records identified."""
    done = Search.objects.filter(review=review, status=Search.Status.DONE)
    totals = done.aggregate(n=Count("id"), records=Sum("record_count"))
    return [
        (_("Searches"), totals["n"] or 0),
        (_("Records identified"), totals["records"] or 0),
    ]

"""The full-review archive: a zip of documented JSON and stored files (docs/archive.md).

`registry.py` says what is archived, `export.py` writes a review's archive, `restore.py` imports
one as a new review; `views.py` and `urls.py` are the owner's export and the import page."""

FORMAT = "prismflow.review-archive"
VERSION = 1
MANIFEST = "manifest.json"


class ArchiveError(Exception):
    """An archive that cannot be written or read; the message says why, for the user."""


def instance_key():
    """This installation's id, made on first use and kept in the database (so every web
    process and worker of one installation shares it)."""
    import uuid

    from django.db import IntegrityError, transaction

    from synthesis.models import Instance

    row = Instance.objects.order_by("id").first()
    if row is None:
        try:
            with transaction.atomic():
                row = Instance.objects.create(key=uuid.uuid4())
        except IntegrityError:  # pragma: no cover - two first uses at once
            row = Instance.objects.order_by("id").first()
    return str(row.key)

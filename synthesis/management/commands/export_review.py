"""`python manage.py export_review REVIEW_ID --out FILE.zip`: the whole review as an archive
(docs/archive.md)."""
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.models import Review
from synthesis.archive import ArchiveError
from synthesis.archive.export import review_export


def _fail(message):
    raise CommandError(message, returncode=1)


class Command(BaseCommand):
    help = "Writes the whole review (JSON per model plus stored files) to a zip archive."

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int, help="the review's id")
        parser.add_argument("--out", required=True, help="FILE.zip")

    def handle(self, *args, **options):
        out = Path(options["out"])
        review = Review.objects.filter(pk=options["review_id"]).first()
        if review is None:
            _fail(f"no review with id {options['review_id']}")
        # Written beside the target and renamed: a failed export leaves no half archive.
        try:
            fd, tmp = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".",
                                       prefix=".export-", suffix=".zip")
        except OSError as exc:
            _fail(f"{out}: cannot write: {exc.strerror or exc}")
        try:
            with os.fdopen(fd, "wb") as fh:
                manifest = review_export(review=review, out=fh)
            os.replace(tmp, out)
        except ArchiveError as exc:
            _fail(f"{out}: {exc}")
        except OSError as exc:
            _fail(f"{out}: cannot write: {exc.strerror or exc}")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        total = sum(manifest["counts"].values())
        self.stdout.write(f"wrote {out}: {total} rows, {len(manifest['members'])} members")

"""`python manage.py import_review FILE.zip --owner USERNAME [--allow-other-instance]`: a new
review from an archive (docs/archive.md); the last line printed is `review id: N`."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from synthesis.archive import ArchiveError
from synthesis.archive.restore import review_import


def _fail(message):
    raise CommandError(message, returncode=1)


class Command(BaseCommand):
    help = "Creates a new review, owned by --owner, from a review archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="FILE.zip written by export_review")
        parser.add_argument("--owner", required=True, help="username of the new review's owner")
        parser.add_argument("--allow-other-instance", action="store_true",
                            help="accept an archive exported by another Prismflow installation")

    def handle(self, *args, **options):
        path = options["archive"]
        owner = get_user_model()._default_manager.filter(username=options["owner"]).first()
        if owner is None:
            _fail(f"no user named {options['owner']!r}")
        try:
            with open(path, "rb") as fh:
                result = review_import(actor=owner, source=fh,
                                       allow_other_instance=options["allow_other_instance"])
        except OSError as exc:
            _fail(f"{path}: cannot read: {exc.strerror or exc}")
        except ArchiveError as exc:
            _fail(f"{path}: {exc}")
        for username in result.skipped_memberships:
            self.stdout.write(f"membership skipped: no user {username!r} here")
        for username in result.created_users:
            self.stdout.write(f"inactive placeholder account made for author {username!r}")
        self.stdout.write(f"review id: {result.review.pk}")

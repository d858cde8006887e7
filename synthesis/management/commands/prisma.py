"""`python manage.py prisma REVIEW_ID --out FILE [--lang en|zh]`: the PRISMA 2020 flow diagram
(.svg, .png, .pdf) or its counts (.json, .csv); the format is the file's extension."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.models import Review
from synthesis.prisma.selectors import FORMATS, prisma_file, prisma_flow


def _fail(message):
    raise CommandError(message, returncode=1)


class Command(BaseCommand):
    help = ("Writes the review's PRISMA 2020 flow diagram (.svg, .png, .pdf) or its counts "
            "(.json, .csv), as the extension of --out says.")

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int, help="the review's id")
        parser.add_argument("--out", required=True, help="FILE.svg|png|pdf|json|csv")
        parser.add_argument("--lang", choices=("en", "zh"), default="en",
                            help="language of the diagram's labels (default en)")
        parser.add_argument("--previous-studies", type=int, metavar="N",
                            help="updated review: studies included in its previous version")
        parser.add_argument("--previous-reports", type=int, metavar="N",
                            help="updated review: reports of those studies")

    def handle(self, *args, **options):
        out = Path(options["out"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            _fail(f"{out}: unknown extension {out.suffix or '(none)'!r}; use one of "
                  + ", ".join(f".{f}" for f in FORMATS))
        review = Review.objects.filter(pk=options["review_id"]).first()
        if review is None:
            _fail(f"no review with id {options['review_id']}")
        flow = prisma_flow(review=review, previous=self._previous(options))
        try:
            out.write_bytes(prisma_file(flow, fmt=fmt, lang=options["lang"]))
        except OSError as exc:
            _fail(f"{out}: cannot write: {exc.strerror or exc}")
        self.stdout.write(f"wrote {out}")

    def _previous(self, options):
        studies, reports = options["previous_studies"], options["previous_reports"]
        if studies is None and reports is None:
            return None
        if studies is None or reports is None or studies < 0 or reports < studies:
            _fail("give --previous-studies and --previous-reports together, as counts, with "
                  "at least one report per study")
        return {"studies": studies, "reports": reports}

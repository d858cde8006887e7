"""`python manage.py export_analyses REVIEW_ID --out DIR`: per analysis NAME.csv (its data) and
NAME.R, which reproduces it with metafor (3.8 or later) and writes NAME.metafor.json."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.models import Review
from synthesis.analysis import services
from synthesis.analysis.compile import NoStudiesError, compile_case
from synthesis.analysis.rscript import RScriptError, slugify, write_r_files
from synthesis.analysis.spec import AnalysisSpecError
from synthesis.models import Analysis


def _fail(message):
    raise CommandError(message, returncode=1)


def unique_slugs(names):
    """NAME for each analysis: its slug, with -2, -3 ... where two names slug the same."""
    seen, out = {}, []
    for name in names:
        slug = slugify(name)
        seen[slug] = seen.get(slug, 0) + 1
        out.append(slug if seen[slug] == 1 else f"{slug}-{seen[slug]}")
    return out


class Command(BaseCommand):
    help = "Writes an R script and its data per analysis of the review's latest snapshot."

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("--out", required=True, help="a folder (made if absent)")

    def handle(self, *args, **options):
        review = Review.objects.filter(pk=options["review_id"]).first()
        if review is None:
            _fail(f"no review with id {options['review_id']}")
        snapshot = services.latest_snapshot(review)
        if snapshot is None:
            _fail(f"review {review.id} has no locked snapshot: lock extraction first")
        analyses = list(Analysis.objects.filter(review=review))
        if not analyses:
            _fail(f"review {review.id} has no analyses")
        folder = Path(options["out"])
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for analysis, name in zip(analyses, unique_slugs(a.name for a in analyses),
                                  strict=True):
            try:
                case, _left_out = compile_case(snapshot.data, analysis.spec)
                write_r_files(case, folder, name=name)
                written += 1
            except (AnalysisSpecError, NoStudiesError, RScriptError) as exc:
                self.stderr.write(f"{analysis.name}: not exported: {exc}")
        self.stdout.write(f"{written} of {len(analyses)} analyses written to {folder}")

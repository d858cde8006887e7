"""dedupe_records FILE... --out OUT.csv [--queue PAIRS.csv]: find duplicates across exports."""

import csv

from django.core.management.base import BaseCommand, CommandError

from reviews.duplicates.matching import dedupe
from reviews.searches.importers import ParseError, parse


class Command(BaseCommand):
    help = (
        "Find duplicates across search exports. Writes file,position,cluster for every record "
        "to --out and the possible pairs (file_a,position_a,file_b,position_b,score) to --queue."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Usage errors exit 2 through argparse, as the command-line contract asks.
        parser.called_from_command_line = True
        return parser

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--out", required=True, metavar="OUT.csv")
        parser.add_argument("--queue", metavar="PAIRS.csv")

    def handle(self, *args, files, out, queue=None, **options):
        origin, records = [], []
        for path in files:
            for position, parsed in enumerate(_read(path), start=1):
                origin.append((path, position))
                records.append(parsed.record)
        result = dedupe(records)
        _write(out, ["file", "position", "cluster"], _cluster_rows(origin, result.clusters))
        if queue:
            rows = [(*origin[p.i], *origin[p.j], f"{p.score:.4f}") for p in result.possible]
            _write(queue, ["file_a", "position_a", "file_b", "position_b", "score"], rows)
        self.stdout.write(
            f"{len(records)} records, {len(set(result.clusters))} after merging, "
            f"{len(result.possible)} possible pairs"
        )


def _read(path):
    try:
        return parse(path, filename=path).records
    except ParseError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{path}: {error.strerror or error}")


def _fail(message):
    # Django prints a CommandError on stderr and exits with its returncode.
    raise CommandError(message, returncode=1)


def _cluster_rows(origin, labels):
    # Labels are record indices; number clusters 1.. in order of first appearance.
    numbers = {}
    for (path, position), label in zip(origin, labels, strict=True):
        number = numbers.setdefault(label, len(numbers) + 1)
        yield path, position, number


def _write(path, header, rows):
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as error:
        _fail(f"{path}: {error.strerror or error}")

"""parse_records: one search export to normalised records, one JSON object a line."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.searches.importers import FORMATS, ParseError, iter_records


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        if not sep or not column or not field:
            raise CommandError(f"--map wants COLUMN=FIELD, got {pair!r}", returncode=2)
        mapping[column] = field.strip()
    return mapping


class Command(BaseCommand):
    help = "Parse one search export (format detected unless --format) to JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--out", required=True, help="output .jsonl file")
        parser.add_argument("--format", choices=FORMATS, default=None)
        parser.add_argument(
            "--map",
            nargs="+",
            default=[],
            metavar="COLUMN=FIELD",
            help="read a CSV/TSV/XLSX column as a record field",
        )

    def handle(self, *args, **options):
        path, out = options["file"], options["out"]
        mapping = _mapping(options["map"]) or None
        count = flagged = 0
        try:
            with open(out, "w", encoding="utf-8") as handle:
                for parsed in iter_records(
                    path, filename=path, format=options["format"], mapping=mapping
                ):
                    handle.write(json.dumps(parsed.record, ensure_ascii=False) + "\n")
                    count += 1
                    if parsed.problems:
                        flagged += 1
                        self.stderr.write(
                            f"{path}: line {parsed.line}: {'; '.join(parsed.problems)}"
                        )
        except ParseError as exc:
            # Nothing of a malformed file is kept.
            Path(out).unlink(missing_ok=True)
            self.stderr.write(str(exc))
            sys.exit(1)
        except OSError as exc:
            self.stderr.write(f"{path}: {exc.strerror or exc}")
            sys.exit(1)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"{count} records ({flagged} flagged) written to {out}")

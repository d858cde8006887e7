"""`python manage.py metaanalysis IN.json --out OUT.json`: pool every case of an analysis spec."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from synthesis.stats.engine import run_spec


def _read_spec(path):
    """The parsed spec, or CommandError (exit 1) naming the file, the line and the reason."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"{path}: cannot read: {exc.strerror or exc}", returncode=1) from None
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text: {exc.reason}", returncode=1) from None
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}",
            returncode=1,
        ) from None
    if not isinstance(spec, dict) or not isinstance(spec.get("cases"), list):
        raise CommandError(
            f'{path}: line 1: the top level must be an object with a list under "cases"',
            returncode=1,
        )
    return spec


class Command(BaseCommand):
    help = (
        "Pools every case of an analysis-spec file (schema: the meta reference suite README) "
        "and writes {cases: [{name, result} | {name, error}]}. A case with invalid input gets "
        "an error and the other cases still run."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help='analysis-spec JSON file: {"cases": [...]}')
        parser.add_argument("--out", required=True, help="where to write the results (JSON)")

    def handle(self, *args, **options):
        spec = _read_spec(options["input"])
        output = run_spec(spec)
        text = json.dumps(output, indent=1, allow_nan=False)
        try:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"{options['out']}: cannot write: {exc.strerror or exc}", returncode=1
            ) from None
        errors = sum(1 for case in output["cases"] if "error" in case)
        self.stdout.write(
            f"pooled {len(output['cases']) - errors} of {len(output['cases'])} cases "
            f"({errors} with errors) -> {options['out']}"
        )

"""Replay a labelled dataset through the prioritisation model; write the order, print metrics."""

import csv
import json
import sys
import time

from django.core.management.base import BaseCommand

from screening.labelled_sets import DatasetError, read_labelled_set
from screening.metrics import screening_metrics
from screening.ranking import simulate


class Command(BaseCommand):
    help = (
        "Replay a labelled CSV/TSV/XLSX dataset through the prioritisation model. Writes the "
        "screening order (one column record_id, first screened first) and prints WSS@95, "
        "WSS@100 and RRF@10 as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="CSV, TSV or XLSX with title, abstract and labels")
        parser.add_argument("--out", required=True, help="where to write the order (CSV)")
        parser.add_argument("--label-column", default="label_included", help="0/1 label column")
        parser.add_argument("--seed", type=int, default=0, help="seed for the prior records")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            dataset = read_labelled_set(options["dataset"], options["label_column"])
        except DatasetError as exc:
            self._fail(str(exc))
        order = simulate(dataset.texts, dataset.labels, seed=options["seed"])
        ids = dataset.ids or [str(i + 1) for i in range(len(dataset.texts))]
        try:
            with open(options["out"], "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["record_id"])
                writer.writerows([ids[i]] for i in order)
        except OSError as exc:
            self._fail(f"{options['out']}: cannot write the order ({exc.strerror or exc})")
        figures = screening_metrics(order, dict(enumerate(dataset.labels)))
        figures["seconds"] = round(time.perf_counter() - started, 3)
        self.stdout.write(json.dumps(figures))

    def _fail(self, message: str):
        sys.stderr.write(f"simulate_screening: {message}\n")
        sys.exit(1)

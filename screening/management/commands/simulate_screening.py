"""Replay a labelled dataset through the prioritisation model; write the order, print metrics."""

import argparse
import csv
import json
import sys
import time

from django.core.management.base import BaseCommand

from screening.metrics import screening_metrics
from screening.prioritisation.labelled_sets import DatasetError, read_labelled_set
from screening.prioritisation.ranking import simulate
from screening.prioritisation.stopping import CONFIDENCE, RECALL_TARGET, first_stop


def _fraction(text):
    """A probability strictly between 0 and 1 (a usage error otherwise: exit 2)."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 0 and 1")
    return value


class Command(BaseCommand):
    help = (
        "Replay a labelled CSV/TSV/XLSX dataset through the prioritisation model. Writes the "
        "screening order (one column record_id, first screened first) and prints WSS@95, "
        "WSS@100 and RRF@10 as JSON, and where the stopping criterion would have stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="CSV, TSV or XLSX with title, abstract and labels")
        parser.add_argument("--out", required=True, help="where to write the order (CSV)")
        parser.add_argument("--label-column", default="label_included", help="0/1 label column")
        parser.add_argument("--seed", type=int, default=0, help="seed for the prior records")
        parser.add_argument("--recall-target", type=_fraction, default=RECALL_TARGET,
                            help="recall the stopping criterion tests for (default 0.95)")
        parser.add_argument("--confidence", type=_fraction, default=CONFIDENCE,
                            help="confidence of the stopping criterion (default 0.95)")

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
        # Keys added after the original ones, which stay as they were (seconds: the replay).
        figures.update(_stopping(order, dataset.labels, options["recall_target"],
                                 options["confidence"]))
        self.stdout.write(json.dumps(figures))

    def _fail(self, message: str):
        sys.stderr.write(f"simulate_screening: {message}\n")
        sys.exit(1)


def _stopping(order, labels, recall_target, confidence):
    """Where the criterion of prioritisation.stopping, run after every record read, first said
    stop, and the recall reached there; null when it never did (or nothing is relevant)."""
    in_order = [labels[i] for i in order]
    read = first_stop(in_order, recall_target=recall_target, confidence=confidence)
    relevant = sum(in_order)
    return {
        "stop_recall_target": recall_target,
        "stop_confidence": confidence,
        "stop_read": read,
        "stop_recall": sum(in_order[:read]) / relevant if read and relevant else None,
    }

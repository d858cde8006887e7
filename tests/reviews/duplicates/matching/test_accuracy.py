"""Accuracy on the labelled sets, read through the importer as a user's file would be."""

import pytest

from reviews.duplicates.matching import dedupe
from reviews.duplicates.matching.evaluate import count, true_labels
from reviews.searches.importers import parse
from tests.conftest import shared_path

from .labelled import SETS, label_id, read_clusters, set_files

# Measured floors, just under benchmarks/bench_dedup.py's figures: (sensitivity of the
# automatic merges, share of duplicates that merges plus the review queue hold).
FLOORS = {
    "cytology_screening": (0.993, 0.998),
    "respiratory": (0.986, 0.995),
    "digital_work": (0.985, 0.994),
    "special_cases": (1.0, 1.0),
    "diabetes": (0.996, 1.0),
}
TARGET = 0.98  # automatic sensitivity asked of every set
# respiratory labels two letters to the editor by different writers, sharing the article's
# title and the correspondence pages, as one record (id_0000213, id_0000709); keeping them
# apart costs 0.0023, so that set is held to its measured floor instead of the target.
BELOW_TARGET = {"respiratory"}
MAX_QUEUE_SHARE = 0.02  # pairs for a person to review, per record


@pytest.mark.shared_data
@pytest.mark.parametrize("name", SETS)
def test_no_false_merges_and_sensitivity_floor(name):
    folder = shared_path("dedup", "sets", name)
    path = set_files(folder)
    records = [parsed.record for parsed in parse(path, filename=str(path)).records]
    truth = true_labels([label_id(r["source_id"]) for r in records], read_clusters(folder))
    result = dedupe(records)
    counts = count(truth, result.clusters, [(p.i, p.j) for p in result.possible])
    sensitivity, with_queue = FLOORS[name]
    assert counts.false_pairs == 0
    assert counts.sensitivity >= (sensitivity if name in BELOW_TARGET else max(sensitivity, TARGET))
    assert counts.with_queue >= with_queue
    assert counts.queue <= MAX_QUEUE_SHARE * counts.records

"""Accuracy on the labelled sets, read through the importer as a user's file would be."""

import pytest

from reviews.dedup import dedupe
from reviews.dedup.evaluate import count, true_labels
from reviews.importers import parse
from tests.conftest import shared_path

from .labelled import SETS, label_id, read_clusters, set_files

# Measured floors (see benchmarks/bench_dedup.py); the goal is 0.98 on every set.
FLOORS = {
    "cytology_screening": 0.955,
    "respiratory": 0.965,
    "digital_work": 0.95,
    "special_cases": 1.0,
    "diabetes": 0.985,
}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", SETS)
def test_no_false_merges_and_sensitivity_floor(name):
    folder = shared_path("dedup", "sets", name)
    path = set_files(folder)
    records = [parsed.record for parsed in parse(path, filename=str(path)).records]
    truth = true_labels([label_id(r["source_id"]) for r in records], read_clusters(folder))
    result = dedupe(records)
    counts = count(truth, result.clusters, [(p.i, p.j) for p in result.possible])
    assert counts.false_pairs == 0
    assert counts.sensitivity >= FLOORS[name]
    assert counts.with_queue >= 0.98

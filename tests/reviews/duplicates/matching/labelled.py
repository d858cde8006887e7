"""Reading the labelled de-duplication sets' cluster files for the accuracy tests."""

import csv
from pathlib import Path

SETS = ["cytology_screening", "respiratory", "digital_work", "special_cases", "diabetes"]


def set_files(folder):
    folder = Path(folder)
    data = folder / "records_pre_merged.csv"
    return data if data.exists() else folder / "asysd_labelled_test_set.csv"


def read_clusters(folder):
    with open(Path(folder) / "merged_record_ids.csv", encoding="utf-8", newline="") as handle:
        return [row["merged_ids"].split(";") for row in csv.DictReader(handle)]


def label_id(source_id):
    """The labelled sets' id for a record: ASySD's record_id N is id_000000N."""
    text = str(source_id)
    return f"id_{int(text):07d}" if text.isdigit() else text

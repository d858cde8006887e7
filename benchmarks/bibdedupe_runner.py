"""Runs bib-dedupe on one CSV of records inside bib-dedupe's own venv (bench_dedup.py starts it).

    /work/venvs/bibdedupe/bin/python benchmarks/bibdedupe_runner.py RECORDS.csv

RECORDS.csv has bib-dedupe's columns (ID, ENTRYTYPE, title, author, year, journal, volume,
number, pages, doi, abstract). Prints one JSON line: the duplicate clusters (lists of IDs),
the "maybe" pairs bib-dedupe leaves for a person, and the seconds taken. Imports nothing of
Prismflow, so the two tools share no code.
"""

import json
import sys
import time

import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep


def main(path):
    records = pd.read_csv(path, dtype=str, keep_default_na=False)
    start = time.perf_counter()
    prepared = prep(records, verbosity_level=0, cpu=1)
    pairs = block(prepared, verbosity_level=0, cpu=1)
    matched = match(pairs, verbosity_level=0, cpu=1)
    clusters = cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - start
    maybe = matched[matched["duplicate_label"] == "maybe"][["ID_1", "ID_2"]].values.tolist()
    print(
        json.dumps(
            {
                "clusters": [[str(i) for i in c] for c in clusters],
                "maybe": [[str(a), str(b)] for a, b in maybe],
                "seconds": round(seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])

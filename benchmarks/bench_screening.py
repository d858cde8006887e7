"""Screening prioritisation benchmark: WSS@95, WSS@100, RRF@10 and seconds, model vs baseline.

Usage: .venv/bin/python benchmarks/bench_screening.py [--seeds 5] [--data ../shared/data/screening]

For every labelled set (the CSVs and each CLEF 2017 topic with doctexts and qrels) it replays
the screening with the project's model and with the naive-Bayes + TF-IDF baseline
(ASReview's default) over the same seeds, and prints the medians.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.labelled_sets import read_clef_topic, read_labelled_set  # noqa: E402
from screening.metrics import screening_metrics  # noqa: E402
from screening.ranking import BASELINE, DEFAULT, simulate  # noqa: E402

MODELS = {"model": DEFAULT, "baseline": BASELINE}


def labelled_sets(folder: Path):
    """(name, LabelledSet) for each CSV/TSV/XLSX file and each CLEF topic under ``folder``."""
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in (".csv", ".tsv", ".xlsx"):
            yield path.stem, read_labelled_set(path)
    clef = folder / "clef2017"
    if (clef / "qrels").is_dir():
        for qrels in sorted((clef / "qrels").iterdir()):
            doctexts = clef / "doctexts" / qrels.name
            if doctexts.exists():
                yield f"clef2017/{qrels.name}", read_clef_topic(doctexts, qrels)


def replay(data, config, seed: int) -> dict:
    started = time.perf_counter()
    order = simulate(data.texts, data.labels, seed=seed, config=config)
    figures = screening_metrics(order, dict(enumerate(data.labels)))
    figures["seconds"] = time.perf_counter() - started
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per set (medians printed)")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/screening")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"{args.data}: no such folder", file=sys.stderr)
        return 1
    print(f"medians over seeds 0..{args.seeds - 1}; seconds = simulation only")
    columns = ("n", 5), ("rel", 4), ("WSS@95", 7), ("WSS@100", 8), ("RRF@10", 7), ("s", 6)
    print(f"{'set':24} {'model':9} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for name, data in labelled_sets(args.data):
        for label, config in MODELS.items():
            runs = [replay(data, config, seed) for seed in range(args.seeds)]
            med = {
                key: statistics.median(run[key] for run in runs)
                for key in ("wss95", "wss100", "rrf10", "seconds")
            }
            print(
                f"{name:24} {label:9} {runs[0]['n']:5d} {runs[0]['n_relevant']:4d} "
                f"{med['wss95']:7.3f} {med['wss100']:8.3f} {med['rrf10']:7.3f} "
                f"{med['seconds']:6.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

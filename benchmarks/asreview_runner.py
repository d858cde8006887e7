"""Run ASReview's default simulation on shuffled copies of one labelled set (peer benchmark).

Runs inside the ASReview venv (/work/venvs/asreview), never in the project's: bench_screening.py
starts it as ``python asreview_runner.py IN.json OUT.json``. IN.json holds the set's titles,
abstracts and 0/1 labels and a list of runs, each a permutation (the shuffled order, so that
ASReview's top-down start before it has both classes reads the records at random) and the
prior records' positions in the shuffled order (empty for a run without priors). OUT.json
gets, per run, the shuffled positions in the order ASReview screened them, up to the last
relevant record (ASReview's default stop; the records after it are all irrelevant, so WSS
and RRF do not depend on their order).

The learning cycle is built exactly as ``asreview simulate`` builds it (asreview/simulation/
cli.py): a top-down cycle until both classes are labelled, then the default AI (ELAS u4 in
3.0.x); the data frame is built here rather than read from a file, which gives the feature
extractor the same title and abstract columns.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.models.queriers import TopDown
from asreview.models.stoppers import IsFittable
from asreview.simulation.simulate import Simulate


def run_one(titles, abstracts, labels, perm, prior, seed):
    frame = pd.DataFrame(
        {"title": [titles[i] for i in perm], "abstract": [abstracts[i] for i in perm]}
    )
    y = pd.Series([labels[i] for i in perm])
    np.random.seed(seed)  # as the CLI does with --seed
    cycles = [
        ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
        ActiveLearningCycle.from_meta(get_ai_config()["value"]),
    ]
    sim = Simulate(frame, y, cycles, print_progress=False)
    if prior:
        sim.label(prior)
    sim.review()
    return [int(i) for i in sim._results["record_id"].tolist()]


def main():
    source, target = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as handle:
        job = json.load(handle)
    out = []
    for run in job["runs"]:
        started = time.perf_counter()
        order = run_one(
            job["titles"], job["abstracts"], job["labels"], run["perm"], run["prior"], run["seed"]
        )
        out.append({"order": order, "seconds": time.perf_counter() - started})
    with open(target, "w", encoding="utf-8") as handle:
        json.dump({"ai": get_ai_config()["name"], "runs": out}, handle)


if __name__ == "__main__":
    main()

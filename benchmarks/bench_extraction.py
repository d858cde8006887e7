"""Prints how long saving a study's outcome grid takes (10 outcomes x 4 time points x 2 arms,
every cell changed each time) and how long locking a review of 500 such studies takes, with
the snapshot's size. Runs the real services on PostgreSQL.

    .venv/bin/python benchmarks/bench_extraction.py
    .venv/bin/python benchmarks/bench_extraction.py --saves 100 --studies 500 --locks 3

PostgreSQL is reached through --database-url (default: the local server, user postgres); the
script creates and drops its database (prismflow_bench_extraction).
"""
import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from scratch_db import django_env, scratch_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/prismflow_bench_extraction"
OUTCOMES, TIMEPOINTS, ARMS = 10, 4, 2


def _review(studies):
    from django.contrib.auth import get_user_model

    from extraction import services
    from extraction.models import Arm
    from reviews.models import Membership, Record, Search
    from reviews.services import review_create
    from screening.models import Item, Study, StudyReport

    User = get_user_model()
    owner = User.objects.create_user("bench-owner")
    reviewer = User.objects.create_user("bench-reviewer")
    review = review_create(actor=owner, title="Extraction benchmark")
    Membership.objects.create(review=review, user=reviewer, role="reviewer")
    search = Search.objects.create(review=review, source="pubmed", file_name="b.ris",
                                   file_sha256="0" * 64, file_size=1, format="ris",
                                   record_count=studies, status="done", created_by=owner)
    records = Record.objects.bulk_create(
        Record(review=review, search=search, position=i, title=f"Study {i}", year=2020)
        for i in range(studies))
    Item.objects.bulk_create(Item(review=review, record=r, stage="ft", status="included",
                                  decision="include") for r in records)
    made = Study.objects.bulk_create(Study(review=review, label=f"Study {i:04d}")
                                     for i in range(studies))
    StudyReport.objects.bulk_create(StudyReport(study=s, record=r)
                                    for s, r in zip(made, records, strict=True))
    Arm.objects.bulk_create(Arm(study=s, label=label, role=role, position=n)
                            for s in made for n, (label, role) in
                            enumerate((("MSC", "intervention"), ("Control", "control"))))
    services.form_from_template(actor=owner, review=review)
    outcomes = [services.outcome_save(actor=owner, review=review, name=f"Outcome {i}")
                for i in range(OUTCOMES)]
    tps = [services.timepoint_save(actor=owner, review=review, label=f"{m} months", months=m,
                                   is_baseline=m == 0) for m in (0, 3, 6, 12)]
    return review, owner, reviewer, made, outcomes, tps


def _grid(study, outcomes, tps, shift):
    from extraction.models import Arm

    arms = list(Arm.objects.filter(study=study))
    return [{"outcome": o.id, "timepoint": t.id, "arm": a.id,
             "values": {"n": 20, "mean": 10 + shift + i, "sd": 2.5 + shift / 100}}
            for i, (o, t, a) in enumerate((o, t, a) for o in outcomes for t in tps for a in arms)]


VALUES = {"country": "China", "design": "rct", "n_patients": 40, "mean_age": 41.5,
          "msc_source": "UC-MSCs", "route": "IV"}


def _consensus_for_all(review, owner, studies, outcomes, tps):
    """Every study gets a finished consensus, written in bulk (the lock is what we time)."""
    from extraction.cells import convert_cell
    from extraction.models import Arm, Cell, Extraction, Form

    form = Form.objects.get(review=review)
    made = Extraction.objects.bulk_create(
        Extraction(review=review, study=s, kind="consensus", extractor=owner, form=form,
                   status="submitted", values=VALUES) for s in studies)
    arms = {}
    for arm in Arm.objects.filter(study__review=review):
        arms.setdefault(arm.study_id, []).append(arm)
    cells = []
    for e in made:
        for i, (o, t, a) in enumerate((o, t, a) for o in outcomes for t in tps
                                      for a in arms[e.study_id]):
            reported = {"n": 20, "mean": 10.0 + i, "sd": 2.5}
            cells.append(Cell(extraction=e, outcome=o, timepoint=t, arm=a, reported=reported,
                              converted=convert_cell(reported)))
    Cell.objects.bulk_create(cells, batch_size=5000)


def child(args):
    import django

    django.setup()
    from extraction import services
    from extraction.models import ExtractionSettings
    from extraction.signals import extraction_locked

    # The lock is timed alone: pooling runs on the workers after its commit (measured by
    # bench_synthesis.py); without a broker it would run here, inside the timing.
    extraction_locked.disconnect(dispatch_uid="synthesis.pool_on_lock")
    review, owner, reviewer, studies, outcomes, tps = _review(args.studies)
    ex = services.extraction_start(actor=reviewer, review=review, study_id=studies[0].id)
    times = []
    for n in range(args.saves + 5):
        grid = _grid(studies[0], outcomes, tps, n)
        start = time.perf_counter()
        services.extraction_save(actor=reviewer, review=review, extraction_id=ex.id,
                                 values=VALUES, cells=grid)
        if n >= 5:  # the first saves create the cells and warm the caches
            times.append((time.perf_counter() - start) * 1000)
    _consensus_for_all(review, owner, studies[1:], outcomes, tps)
    lock_times, size = [], 0
    for _ in range(args.locks):
        start = time.perf_counter()
        snapshot = services.extraction_lock(actor=owner, review=review, allow_incomplete=True)
        lock_times.append(time.perf_counter() - start)
        size = snapshot.size
        ExtractionSettings.objects.filter(review=review).update(locked=False)
    times.sort()
    print(json.dumps({"saves": len(times), "cells": len(grid),
                      "save_p50_ms": statistics.median(times),
                      "save_p95_ms": times[int(0.95 * (len(times) - 1))],
                      "studies_locked": len(snapshot.data["studies"]),
                      "lock_s": lock_times, "lock_median_s": statistics.median(lock_times),
                      "snapshot_bytes": size}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--studies", type=int, default=500)
    parser.add_argument("--locks", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    env = django_env(args.database_url)
    with scratch_database(args.database_url, env):
        out = subprocess.run([sys.executable, __file__, "--child", *sys.argv[1:]], cwd=ROOT,
                             env=env, check=True, capture_output=True, text=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"grid save ({figures['cells']} cells, {figures['saves']} saves): "
          f"p50 {figures['save_p50_ms']:.1f} ms, p95 {figures['save_p95_ms']:.1f} ms "
          "(target p95 <= 100 ms)")
    print(f"lock of {figures['studies_locked']} studies: median {figures['lock_median_s']:.2f} s "
          f"of {[round(t, 2) for t in figures['lock_s']]} (target <= 5 s); snapshot "
          f"{figures['snapshot_bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

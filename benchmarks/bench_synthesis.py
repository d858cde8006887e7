"""Prints how long pooling takes on live Celery workers: from the lock to every result
stored, for a small review (9 studies, as the reference review) and for 100 analyses of 50
studies each with leave-one-out, r-range and fixed-vs-random sensitivity analyses.

    .venv/bin/python benchmarks/bench_synthesis.py
    .venv/bin/python benchmarks/bench_synthesis.py --workers 2 --repeat 3

Needs PostgreSQL and Redis on this machine (--database-url, --broker-url); the script
creates and drops its database and starts and stops its own workers.
"""
import argparse
import json
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from scratch_db import django_env, scratch_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/prismflow_bench_synthesis"
DEFAULT_BROKER = "redis://127.0.0.1:6379/12"


def _review(studies, outcomes):
    """A review of single-arm studies with a consensus for every study, written in bulk."""
    import random

    from django.contrib.auth import get_user_model

    from extraction import services
    from extraction.cells import convert_cell
    from extraction.models import Arm, Cell, Extraction, Form
    from reviews.models import Record, Search
    from reviews.services import review_create
    from screening.models import Item, Study, StudyReport

    rng = random.Random(studies * 1000 + outcomes)
    owner = get_user_model().objects.create_user(f"owner-{studies}-{outcomes}")
    review = review_create(actor=owner, title=f"{studies} studies, {outcomes} outcomes")
    search = Search.objects.create(review=review, source="pubmed", file_name="b.ris",
                                   file_sha256=secrets.token_hex(32), file_size=1, format="ris",
                                   record_count=studies, status="done", created_by=owner)
    records = Record.objects.bulk_create(Record(review=review, search=search, position=i,
                                                title=f"Study {i}") for i in range(studies))
    Item.objects.bulk_create(Item(review=review, record=r, stage="ft", status="included",
                                  decision="include") for r in records)
    made = Study.objects.bulk_create(Study(review=review, label=f"Study {i:03d}")
                                     for i in range(studies))
    StudyReport.objects.bulk_create(StudyReport(study=s, record=r)
                                    for s, r in zip(made, records, strict=True))
    arms = Arm.objects.bulk_create(Arm(study=s, label="All", role="single") for s in made)
    services.form_from_template(actor=owner, review=review)
    outs = [services.outcome_save(actor=owner, review=review, name=f"Outcome {i}")
            for i in range(outcomes)]
    base = services.timepoint_save(actor=owner, review=review, label="Baseline",
                                   is_baseline=True)
    later = services.timepoint_save(actor=owner, review=review, label="6 months", months=6)
    form = Form.objects.get(review=review)
    values = {"country": "China", "design": "single_arm", "n_patients": 30}
    consensus = Extraction.objects.bulk_create(
        Extraction(review=review, study=s, kind="consensus", extractor=owner, form=form,
                   status="submitted", values=values) for s in made)
    cells = []
    for e, arm in zip(consensus, arms, strict=True):
        for o in outs:
            for tp, mean in ((base, 20.0), (later, 20.0 - rng.uniform(0, 8))):
                reported = {"n": 30, "mean": round(mean, 2), "sd": round(rng.uniform(3, 7), 2)}
                cells.append(Cell(extraction=e, outcome=o, timepoint=tp, arm=arm,
                                  reported=reported, converted=convert_cell(reported)))
    Cell.objects.bulk_create(cells, batch_size=5000)
    return review, owner


def _lock_and_wait(review, owner, timeout):
    from extraction import services
    from synthesis.models import Analysis, PoolingRun

    start = time.perf_counter()
    services.extraction_lock(actor=owner, review=review)  # proposes analyses, enqueues pooling
    print(f"lock and enqueue: {time.perf_counter() - start:.2f} s", file=sys.stderr)
    expected = Analysis.objects.filter(review=review).count()
    while time.perf_counter() - start < timeout:
        done = PoolingRun.objects.filter(review=review, status__in=("done", "failed"))
        if done.count() >= expected:
            failed = done.filter(status="failed").count()
            return time.perf_counter() - start, expected, failed
        time.sleep(0.05)
    raise SystemExit(f"pooling did not finish within {timeout} s")


def child(args):
    import django

    django.setup()
    from extraction.models import ExtractionSettings

    figures = {"small": [], "large": []}
    for size, studies, outcomes in (("small", 9, 8), ("large", 50, 100)):
        review, owner = _review(studies, outcomes)
        for _ in range(args.repeat):
            seconds, analyses, failed = _lock_and_wait(review, owner, 300)
            figures[size].append(seconds)
            ExtractionSettings.objects.filter(review=review).update(locked=False)
            # A new lock makes a new snapshot: every analysis is pooled again.
        figures[f"{size}_analyses"] = analyses
        figures[f"{size}_failed"] = failed
    print(json.dumps(figures))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--broker-url", default=DEFAULT_BROKER)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    env = django_env(args.database_url, CELERY_BROKER_URL=args.broker_url,
                     CELERY_RESULT_BACKEND="", CELERY_TASK_ALWAYS_EAGER="0",
                     CELERY_WORKER_NICE="0")
    workers = []
    with scratch_database(args.database_url, env):
        try:
            subprocess.run([sys.executable, "-m", "celery", "-A", "config", "purge", "-f"],
                           cwd=ROOT, env=env, check=True, capture_output=True)
            for n in range(args.workers):
                workers.append(subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                     "--without-gossip", "--without-mingle", "-n", f"bench{n}@%h",
                     "--loglevel=WARNING"], cwd=ROOT, env=env))
            time.sleep(4)
            out = subprocess.run([sys.executable, __file__, "--child", *sys.argv[1:]],
                                 cwd=ROOT, env=env, capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(out.stderr[-3000:])
            print("\n".join(line for line in out.stderr.splitlines()
                             if line.startswith("lock")))
        finally:
            for w in workers:
                w.terminate()
            for w in workers:
                w.wait(timeout=30)
    f = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"lock -> every result stored, {args.workers} workers, median of {args.repeat}:")
    print(f"  9 studies, {f['small_analyses']} analyses: {statistics.median(f['small']):.2f} s "
          f"({', '.join(f'{s:.2f}' for s in f['small'])}); failed {f['small_failed']} "
          "(target <= 5 s)")
    print(f"  50 studies, {f['large_analyses']} analyses with leave-one-out: "
          f"{statistics.median(f['large']):.2f} s ({', '.join(f'{s:.2f}' for s in f['large'])})"
          f"; failed {f['large_failed']} (target <= 10 s)")


if __name__ == "__main__":
    main()

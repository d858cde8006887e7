"""Prints how long scoring the records of a mid-review import takes (10,000 by default).

The real path on PostgreSQL: a review of Nagtegaal 2019's 2,019 records with 500 of them
settled (their true labels), one retrain (prioritisation.services.items_prioritise_run, which
keeps its fitted model), then N new records and their items (services.items_sync), then
prioritisation.services.items_score_new_run timed on its own: loading the kept model, reading
the new records, scoring them and writing their priorities. It never refits.

    .venv/bin/python benchmarks/bench_new_records.py [--new 10000] [--runs 3]

Needs ../shared/data/screening/*.csv and a local PostgreSQL (user postgres, trust); the
script creates and drops its database (prismflow_bench_newrec by default).
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "screening"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/prismflow_bench_newrec"


def run(new, runs, profile=False):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from reviews.models import Record, Search
    from reviews.services import review_create
    from screening import services
    from screening.models import Item, ItemStatus
    from screening.prioritisation.labelled_sets import read_labelled_set
    from screening.prioritisation.services import items_prioritise_run, items_score_new_run

    base = read_labelled_set(str(DATA / "Nagtegaal_2019.csv"), "label_included")
    pool = [read_labelled_set(str(DATA / name), "label_included")
            for name in ("ADHD.csv", "Kitchenham_2010.csv", "Nagtegaal_2019.csv")]
    texts = [t for s in pool for t in s.texts]
    user = get_user_model().objects.create_user(username="bench", password=None)
    review = review_create(actor=user, title="New records benchmark")

    def add_records(batch, label):
        search = Search.objects.create(
            review=review, source="pubmed", file_name=f"{label}.ris",
            file_sha256=f"{label:0>64}"[-64:], file_size=1, format="ris",
            record_count=len(batch), status="done", created_by=user)
        Record.objects.bulk_create(
            [Record(review=review, search=search, position=i, title=text[:300],
                    abstract=f"{text} ({label} {i})") for i, text in enumerate(batch, 1)],
            batch_size=2000)

    add_records(base.texts, "base")
    with transaction.atomic():
        services.items_sync(review=review)
    items = list(Item.objects.filter(review=review).order_by("id"))
    for item, y in list(zip(items, base.labels, strict=True))[:500]:
        item.status = ItemStatus.INCLUDED if y else ItemStatus.EXCLUDED
        item.decision = "include" if y else "exclude"
    Item.objects.bulk_update(items[:500], ["status", "decision"])
    started = time.perf_counter()
    items_prioritise_run(review_id=review.id)
    retrain = time.perf_counter() - started
    last = Item.objects.order_by("-id").values_list("id", flat=True).first()
    add_records([texts[i % len(texts)] for i in range(new)], "new")
    with transaction.atomic():
        services.items_sync(review=review)  # scores them once on commit (eager tasks)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        scored = items_score_new_run(review_id=review.id, after_id=last)
        times.append(time.perf_counter() - started)
        # This process's CPU time (the database's is apart): on a shared machine the wall
        # time also counts the waits for a core.
        cpu.append(time.process_time() - started_cpu)
    if profile:  # where the time goes, on stderr
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(items_score_new_run, review_id=review.id, after_id=last)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(15)
    return {"records": len(base.texts), "settled": 500, "retrain_seconds": round(retrain, 3),
            "new": scored, "score_seconds_median": round(statistics.median(times), 3),
            "score_seconds": [round(t, 3) for t in times],
            "score_cpu_seconds_median": round(statistics.median(cpu), 3),
            "load_average": os.getloadavg()[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--profile", action="store_true", help="print a profile on stderr")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: the benchmark reads the shared screening sets")
    from benchmarks.scratch_db import django_env, scratch_database

    env = django_env(args.database_url)
    with scratch_database(args.database_url, env):
        os.environ.update(env)
        figures = run(args.new, args.runs, args.profile)
        from django.db import connections

        connections.close_all()  # else the database cannot be dropped
        print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""Prints how long exporting every record of a 50,000-record review with its screening
decisions takes (CSV, streamed; and XLSX), on PostgreSQL, and the peak memory.

    .venv/bin/python benchmarks/bench_exports.py [--records 50000] [--repeat 3]
"""
import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from scratch_db import django_env, scratch_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/prismflow_bench_exports"


def child(args):
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from reviews.models import Membership, Record, Search
    from reviews.services import review_create
    from screening.models import Item
    from synthesis.exports import formats, selectors

    owner = get_user_model().objects.create_user("bench-owner")
    review = review_create(actor=owner, title="Export benchmark")
    search = Search.objects.create(review=review, source="pubmed", file_name="b.ris",
                                   file_sha256="0" * 64, file_size=1, format="ris",
                                   record_count=args.records, status="done", created_by=owner)
    records = Record.objects.bulk_create(
        (Record(review=review, search=search, position=i, title=f"Record {i} on stem cells",
                authors=["Zhang, W", "Li, X"], year=2000 + i % 21, journal="A journal",
                doi=f"10.1000/{i}") for i in range(args.records)), batch_size=5000)
    Item.objects.bulk_create((Item(review=review, record=r, stage="ta",
                                   status="excluded" if i % 3 else "included",
                                   decision="exclude" if i % 3 else "include")
                              for i, r in enumerate(records)), batch_size=5000)
    membership = Membership.objects.get(review=review, user=owner)
    csv_times, xlsx_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        size = sum(len(chunk) for chunk in formats.csv_stream(
            selectors.RECORD_COLUMNS, selectors.record_rows(membership=membership, review=review)))
        csv_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        formats.xlsx_bytes("records", selectors.RECORD_COLUMNS,
                           selectors.record_rows(membership=membership, review=review))
        xlsx_times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.records} records: CSV {statistics.median(csv_times):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in csv_times)}; {size / 1e6:.1f} MB), XLSX "
          f"{statistics.median(xlsx_times):.2f} s ({', '.join(f'{t:.2f}' for t in xlsx_times)})"
          f"; peak memory {peak:.0f} MB (target <= 30 s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--records", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    env = django_env(args.database_url)
    with scratch_database(args.database_url, env):
        subprocess.run([sys.executable, __file__, "--child", *sys.argv[1:]], cwd=ROOT, env=env,
                       check=True)


if __name__ == "__main__":
    main()

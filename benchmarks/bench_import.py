"""Prints the time and peak memory of importing RIS exports of 10k, 50k and 100k records.

Runs the real service path of reviews.searches.services against PostgreSQL: search_preview
(hash, size check, one scan for the count, the first records and the problem records, the file
stored) then search_import_run (the file parsed again and every record stored in one
transaction, in bulk batches). The files are built as in bench_parse.py, from the RIS samples in
../shared/data/imports, each copy perturbed. Each size runs in a fresh process on a fresh copy
of a migrated database, so its peak memory and its table sizes are its own.

    .venv/bin/python benchmarks/bench_import.py
    .venv/bin/python benchmarks/bench_import.py --sizes 10000 100000 --runs 3

PostgreSQL is reached through --database-url (default: the local server, user postgres);
the script creates and drops its databases (prismflow_bench and a migrated template).
"""

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/prismflow_bench"
TEMPLATE = "_migrated"


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(path: Path, records: int) -> dict:
    """One import through the services, in this (fresh) process; prints its figures."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from reviews.models import Record, Search
    from reviews.searches import services
    from reviews.services import review_create

    user = get_user_model().objects.create_user(username=f"bench-{records}", password=None)
    review = review_create(actor=user, title=f"Import benchmark, {records} records")
    baseline = _rss_mb()
    start = time.perf_counter()
    with open(path, "rb") as handle:
        search = services.search_preview(
            actor=user, review_id=review.id, upload=File(handle, name=path.name), source="embase",
            scan_now=True,
        )
    previewed = time.perf_counter()
    # What search_import_start does before it enqueues the task, without the queue: the
    # task itself is search_import_run, timed here in this process.
    Search.objects.filter(pk=search.pk).update(status=Search.Status.QUEUED)
    assert services.search_import_run(search_id=search.id)
    done = time.perf_counter()
    stored = Record.objects.filter(search_id=search.id).count()
    assert stored == records, (stored, records)
    return {
        "records": records,
        "preview_s": previewed - start,
        "import_s": done - previewed,
        "total_s": done - start,
        "baseline_mb": baseline,
        "peak_mb": _rss_mb(),
    }


def _admin(url: str):
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    return psycopg.connect(base, autocommit=True)


def _recreate(url: str, template: str | None = None) -> None:
    name = url.rsplit("/", 1)[1]
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')


def _drop(*urls: str) -> None:
    for url in urls:
        with _admin(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')


def _env(url: str, media: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_MEDIA_ROOT": media,
        # DEBUG off as in production: with it on, Django keeps the SQL of every query.
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "CELERY_BROKER_URL": "",
    }


def measure(sizes: list[int], runs: int, url: str) -> list[dict]:
    from bench_parse import build_file

    template_url = url + TEMPLATE
    results = []
    with tempfile.TemporaryDirectory() as folder:
        _recreate(template_url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"],
            cwd=ROOT,
            env=_env(template_url, folder),
            check=True,
        )
        try:
            for size in sizes:
                path = Path(folder) / f"embase_{size}.ris"
                build_file(size, path)
                for _ in range(runs):
                    _recreate(url, template=template_url.rsplit("/", 1)[1])
                    out = subprocess.run(
                        [sys.executable, __file__, "--child", str(path), str(size)],
                        cwd=ROOT,
                        env=_env(url, str(Path(folder) / "media")),
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    figures = json.loads(out.stdout.strip().splitlines()[-1])
                    figures["file_mb"] = path.stat().st_size / 1e6
                    results.append(figures)
                    print(
                        f"  {size:>7,} records: {figures['total_s']:.1f} s, "
                        f"peak {figures['peak_mb']:.0f} MB",
                        file=sys.stderr,
                    )
                path.unlink()
        finally:
            _drop(url, template_url)
    return results


def print_table(results: list[dict], runs: int) -> None:
    print(f"Import into PostgreSQL through reviews.searches.services "
          f"(median of {runs} run(s) a size)")
    print(
        f"{'records':>9} {'file MB':>8} {'preview s':>10} {'import s':>9} {'total s':>8} "
        f"{'records/s':>10} {'peak RSS MB':>12} {'before MB':>10}"
    )
    for size in dict.fromkeys(r["records"] for r in results):
        rows = [r for r in results if r["records"] == size]

        def median(key, rows=rows):
            return statistics.median(r[key] for r in rows)

        print(
            f"{size:>9,} {median('file_mb'):>8.0f} {median('preview_s'):>10.1f} "
            f"{median('import_s'):>9.1f} {median('total_s'):>8.1f} "
            f"{size / median('total_s'):>10,.0f} {median('peak_mb'):>12.0f} "
            f"{median('baseline_mb'):>10.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "RECORDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(Path(args.child[0]), int(args.child[1]))))
        return
    print_table(measure(args.sizes, args.runs, args.database_url), args.runs)


if __name__ == "__main__":
    main()

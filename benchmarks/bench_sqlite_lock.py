"""Prints how long a write from the web side waits while a large file imports on SQLite.

SQLite (the embedded default of `make run`) has one writer at a time. The import task stores
a whole file in one transaction, so a vote or a comment sent meanwhile waits for its commit,
and fails after the 20 s busy timeout. This script imports an RIS file of --records records
in a child process (the worker), while this process writes one audit row every 0.1 s (the
web side) and times each write. It runs twice: with the file read before the transaction
opens (what search_import_run does on SQLite) and, for comparison, read inside it (what it
did before; --modes picks either).

    .venv/bin/python benchmarks/bench_sqlite_lock.py
    .venv/bin/python benchmarks/bench_sqlite_lock.py --records 50000 --modes before-transaction
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MODES = ("before-transaction", "inside-transaction")


def _env(folder: str) -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{folder}/media", "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40), "CELERY_BROKER_URL": ""}


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def run_worker(path: Path, mode: str) -> None:
    """The worker: preview then import the file through the services; prints its times."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from reviews.models import Search
    from reviews.searches import services
    from reviews.services import review_create

    if mode == "inside-transaction":  # the old path: parse while holding the write lock
        services._read_first = lambda search_id: None
    user = get_user_model().objects.create_user(username=f"bench-{mode}", password=None)
    review = review_create(actor=user, title="SQLite lock benchmark")
    with open(path, "rb") as handle:
        search = services.search_preview(actor=user, review_id=review.id, source="embase",
                                         upload=File(handle, name=path.name), scan_now=True)
    Search.objects.filter(pk=search.pk).update(status=Search.Status.QUEUED)
    print("importing", flush=True)
    start = time.perf_counter()
    assert services.search_import_run(search_id=search.id)
    print(json.dumps({"import_s": time.perf_counter() - start}), flush=True)


def _web_writes(worker) -> list[float | None]:
    """Write one audit row every 0.1 s until the worker ends: each write's wait (None when
    it failed on the busy timeout)."""
    from django.db import OperationalError, transaction

    from reviews.audit.services import audit_record
    from reviews.models import Review

    review = Review.objects.get(title="The web side's review")
    waits = []
    while worker.poll() is None:
        start = time.perf_counter()
        try:
            with transaction.atomic():
                audit_record(review=review, actor=None, verb="bench.write", obj=review)
            waits.append(time.perf_counter() - start)
        except OperationalError:
            waits.append(None)
        time.sleep(0.1)
    return waits


def measure(folder: str, path: Path, mode: str) -> dict:
    worker = subprocess.Popen([sys.executable, __file__, "--worker", str(path), mode],
                              cwd=ROOT, env=_env(folder), stdout=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "importing"
    waits = _web_writes(worker)
    figures = json.loads(worker.stdout.read().strip().splitlines()[-1])
    done = [w for w in waits if w is not None]
    return {"mode": mode, "import_s": figures["import_s"], "writes": len(waits),
            "failed": waits.count(None),
            "median_ms": statistics.median(done) * 1000 if done else float("nan"),
            "max_s": max(done) if done else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(Path(args.worker[0]), args.worker[1])
        return
    from bench_parse import build_file

    with tempfile.TemporaryDirectory() as folder:
        os.environ.update(_env(folder))  # this process is the web side, on the same file
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT,
                       env=_env(folder), check=True)
        path = Path(folder) / "embase.ris"
        build_file(args.records, path)
        _setup()
        from reviews.management.commands.runlocal import _write_ahead_log

        _write_ahead_log(Path(folder) / "db.sqlite3")  # as `make run` has it
        _first_review()
        print(f"Web-side writes during an import of {args.records:,} records on SQLite")
        print(f"{'file read':>20} {'import s':>9} {'writes':>7} {'failed':>7} "
              f"{'median ms':>10} {'longest wait s':>15}")
        for mode in args.modes:
            r = measure(folder, path, mode)
            print(f"{r['mode']:>20} {r['import_s']:>9.1f} {r['writes']:>7} {r['failed']:>7} "
                  f"{r['median_ms']:>10.1f} {r['max_s']:>15.2f}", flush=True)


def _first_review():
    """A review for the web side's writes, made before any import runs."""
    from django.contrib.auth import get_user_model

    from reviews.services import review_create

    user = get_user_model().objects.create_user(username="bench-web", password=None)
    review_create(actor=user, title="The web side's review")


if __name__ == "__main__":
    main()

"""Prints the time of exporting and importing a review archive of N records (each with a
title/abstract item and two votes), on a fresh SQLite database (or --database-url).

    .venv/bin/python benchmarks/bench_archive.py --records 5000
"""
import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{work / 'db.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from reviews.models import Membership, Record, Search
    from reviews.services import review_create
    from screening.models import Item, Vote
    from synthesis.archive.export import review_export
    from synthesis.archive.restore import review_import

    User = get_user_model()
    owner = User.objects.create_user("bench-owner")
    other = User.objects.create_user("bench-reviewer")
    review = review_create(actor=owner, title="Archive benchmark")
    Membership.objects.create(review=review, user=other, role="reviewer")
    search = Search.objects.create(review=review, source="pubmed", file_name="b.ris",
                                   file_sha256="7" * 64, file_size=1, format="ris",
                                   record_count=args.records, status="done", created_by=owner)
    Record.objects.bulk_create(
        Record(review=review, search=search, position=i, title=f"Record {i} " + "word " * 20,
               abstract="An abstract of some length. " * 20, authors=[f"Author {i}, A"],
               year=2000 + i % 20, doi=f"10.1000/{i}") for i in range(1, args.records + 1))
    Item.objects.bulk_create(Item(review=review, record=r, stage="ta")
                             for r in Record.objects.filter(review=review))
    Vote.objects.bulk_create(Vote(item=item, reviewer=user, decision="exclude")
                             for item in Item.objects.filter(review=review)
                             for user in (owner, other))
    path = work / "review.zip"
    started = time.perf_counter()
    with path.open("wb") as out:
        review_export(review=review, out=out)
    exported = time.perf_counter() - started
    started = time.perf_counter()
    with path.open("rb") as fh:
        review_import(actor=owner, source=fh)
    imported = time.perf_counter() - started
    print(json.dumps({"records": args.records, "rows": 4 * args.records,
                      "zip_bytes": path.stat().st_size, "export_seconds": round(exported, 2),
                      "import_seconds": round(imported, 2)}))


if __name__ == "__main__":
    main()

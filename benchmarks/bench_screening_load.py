"""Screening under load: 50,000 records on PostgreSQL behind gunicorn, 20 reviewers.

Each simulated reviewer votes every 1 to 3 s (reading time) and we time the vote-and-next-
record round trip (one POST that answers with the next record). A second phase votes as
fast as the server allows, to print the most votes per second it sustains.

Needs a local PostgreSQL (trust auth) and Redis; a Celery worker runs the prioritisation.
Usage: .venv/bin/python benchmarks/bench_screening_load.py [--records 50000] [--seconds 60]
"""
import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "prismflow_load"
PORT = 8765


def sh(*args, env=None, **kw):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kw)


def environment():
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "DATABASE_CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/12",
        "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "load-test-" + "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    })
    return env


def setup_database(env, n_records, n_reviewers):
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}")
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB}")
    sh(sys.executable, "manage.py", "migrate", "-v0", env=env)
    sh(sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", env=env)
    code = f"""
import django, random; django.setup()
from django.contrib.auth import get_user_model
from reviews.accounts.tokens import token_create
from reviews.models import Membership, Record, Search
from reviews.services import review_create
from screening.services import items_sync
U = get_user_model()
owner = U.objects.create_user("owner")
review = review_create(actor=owner, title="Load test")
search = Search.objects.create(review=review, source="pubmed", file_name="x", file_sha256="0"*64,
    file_size=1, format="ris", record_count={n_records}, status="done", created_by=owner)
words = "stem cell sclerosis skin fibrosis trial cohort sepsis statin mortality hand ulcer".split()
rng = random.Random(1)
Record.objects.bulk_create([Record(review=review, search=search, position=i + 1,
    title=" ".join(rng.choices(words, k=8)), abstract=" ".join(rng.choices(words, k=120)),
    authors=["Doe, J"], year=2000 + i % 20) for i in range({n_records})], batch_size=5000)
items_sync(review=review)
tokens = []
for i in range({n_reviewers}):
    u = U.objects.create_user(f"r{{i}}")
    Membership.objects.create(review=review, user=u, role="reviewer")
    tokens.append(token_create(actor=u, name='load test')[1])
print(review.id, ",".join(tokens))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(
        env, DJANGO_SETTINGS_MODULE="config.settings"), check=True, capture_output=True,
        text=True).stdout.split()
    return int(out[0]), out[1].split(",")


class Reviewer:
    def __init__(self, review_id, token):
        self.review_id, self.token = review_id, token
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.item = None

    def request(self, method, path, body=None):
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        self.conn.request(method, f"/api/reviews/{self.review_id}/screening/{path}",
                          body=json.dumps(body) if body else None, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return json.loads(data)

    def start(self):
        self.item = self.request("GET", "ta/next/")["item"]

    def vote(self):
        decision = random.choice(["include", "exclude", "exclude", "exclude"])
        t0 = time.perf_counter()
        self.item = self.request("POST", f"items/{self.item['id']}/vote/",
                                 {"decision": decision})["item"]
        return time.perf_counter() - t0


def run_phase(reviewers, seconds, think):
    latencies, errors, stop = [], [], time.monotonic() + seconds
    lock = threading.Lock()

    def loop(r):
        while time.monotonic() < stop and r.item:
            if think:
                time.sleep(random.uniform(1, 3))
            try:
                dt = r.vote()
            except Exception as exc:  # noqa: BLE001 - counted and printed
                errors.append(str(exc))
                r.start()
                continue
            with lock:
                latencies.append(dt)

    threads = [threading.Thread(target=loop, args=(r,)) for r in reviewers]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.monotonic() - t0


def pct(values, q):
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50000)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-celery", action="store_true",
                        help="no Celery worker: prioritisation retrains stay queued")
    args = parser.parse_args()
    env = environment()
    print(f"setting up {args.records} records and {args.reviewers} reviewers on PostgreSQL ...")
    review_id, tokens = setup_database(env, args.records, args.reviewers)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--workers",
                               str(args.workers), "--bind", f"127.0.0.1:{PORT}", "--log-level",
                               "warning"], cwd=ROOT, env=env)
    worker = None if args.no_celery else subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=WARNING"], cwd=ROOT, env=env)
    try:
        time.sleep(4)
        reviewers = [Reviewer(review_id, t) for t in tokens]
        for r in reviewers:
            r.start()
        # Warm-up, not measured: every gunicorn worker loads its modules and connections.
        run_phase(reviewers, 10, think=True)
        lat, errors, _ = run_phase(reviewers, args.seconds, think=True)
        print(f"\n{args.reviewers} reviewers voting every 1-3 s for {args.seconds} s, "
              f"{args.records} records, gunicorn {args.workers} workers:")
        print(f"  votes: {len(lat)}, errors: {len(errors)}")
        print(f"  vote-and-next round trip: p50 {pct(lat, 50):.1f} ms, p95 {pct(lat, 95):.1f} ms,"
              f" max {max(lat) * 1000:.1f} ms")
        lat, errors, took = run_phase(reviewers, 20, think=False)
        print(f"  saturation (no reading time, 20 s): {len(lat) / took:.0f} votes/s, "
              f"p50 {pct(lat, 50):.1f} ms, p95 {pct(lat, 95):.1f} ms, errors {len(errors)}")
        if errors:
            print("  first error:", errors[0])
    finally:
        server.terminate()
        server.wait(20)
        if worker:
            worker.terminate()
            worker.wait(60)


if __name__ == "__main__":
    main()

"""The records list at scale: 50,000 records on PostgreSQL, English and Chinese, with votes.

Times the records list request (the page, as a reviewer sees it, through Django's full
request path with DEBUG off) with a search term and two filters, and prints the median and
p95 of each case in milliseconds, with the number of records it found. Target: p95 <= 150 ms
for the search with two filters. The time grows with the matches (every match is counted
and ranked), so broad words are timed too.

Needs a local PostgreSQL (trust auth). Usage:
  .venv/bin/python benchmarks/bench_records.py [--records 50000] [--runs 40] [--db NAME]

--db (or BENCH_RECORDS_DB) names the scratch database, which is dropped and re-created: on a
shared server each user takes a name of their own.
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch_db import django_env, scratch_database  # noqa: E402

SERVER = "postgres://postgres@127.0.0.1:5432/"
DEFAULT_DB = "prismflow_bench_records"

# The headline case searches a specific word (one record in twenty, as "calcinosis" or a
# drug name would be); the broad ones show how the time grows with the number of matches.
CASES = [
    ("search + 2 filters", "q=term240&stage=ta&status=pending"),
    ("Chinese search + 2 filters", "q=%E9%9B%B7%E8%AF%BA&stage=ta&my_vote=none"),
    ("broad word + 2 filters", "q=raynaud&stage=ta&status=pending"),
    ("commonest word + 2 filters", "q=sclerosis&stage=ta&status=pending"),
    ("two words + 2 filters", "q=raynaud+ulcer&stage=ta&my_vote=none"),
    ("phrase, sorted by year", "q=%22skin+fibrosis%22&sort=year"),
    ("no search, 2 filters", "stage=ta&source=embase"),
    ("no filter, page 400", "page=400"),
]

WORKER = r"""
import random, statistics, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from reviews.models import Membership, Record, Search
from reviews.services import review_create
from screening.models import Item, Vote
from screening.records.services import records_index_sync
from screening.services import items_sync

n, runs = int(sys.argv[1]), int(sys.argv[2])
cases = [c.split("|", 1) for c in sys.argv[3:]]
rng = random.Random(7)
# Words follow Zipf's law, as in real titles and abstracts: a few topic words are in many
# records, most words in few. So the cases below search a common topic word (one record in
# three), a mid-frequency word and a Chinese term, not a made-up uniform vocabulary.
EN = ("mesenchymal stem cells systemic sclerosis patients skin fibrosis trial treatment "
      "scleroderma cell therapy stromal autologous transplantation safety efficacy outcome "
      "randomised placebo cohort hand digital ulcer raynaud lung interstitial adipose graft "
      "baseline score modified rodnan months mouse model vitro sepsis statin mortality "
      "function pulmonary hypertension renal crisis calcinosis telangiectasia esophageal "
      "gastrointestinal antibody autoantibody topoisomerase centromere capillaroscopy "
      "nailfold endothelial vascular inflammation cytokine interleukin").split()
VOCAB = EN + [f"term{i}" for i in range(3000)]
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCAB))]
ZH = ["间充质干细胞", "系统性硬化症", "皮肤纤维化", "临床研究", "治疗", "疗效", "安全性", "患者",
      "随机对照", "雷诺现象", "肺间质病变", "自体脂肪移植", "指端溃疡", "改良罗德南皮肤评分",
      "免疫调节", "细胞因子", "血管内皮", "肺动脉高压", "硬皮病肾危象", "钙质沉着", "毛细血管镜",
      "自身抗体", "炎症", "基线", "随访", "不良反应", "回顾性分析", "前瞻性", "队列", "小鼠模型"]
ZH_WEIGHTS = [1 / (rank + 1) for rank in range(len(ZH))]
JOURNALS = ["Stem Cell Res Ther", "Rheumatology", "中华风湿病学杂志"]
U = get_user_model()
owner = U.objects.create_user("owner")
review = review_create(actor=owner, title="Records bench")
reviewer = U.objects.create_user("reviewer", password="x")
Membership.objects.create(review=review, user=reviewer, role="reviewer")
searches = [Search.objects.create(review=review, source=s, file_name=s, file_sha256=str(i) * 64,
            file_size=1, format="ris", status="done", created_by=owner)
            for i, s in enumerate(["pubmed", "embase", "cnki"])]
rows = []
for i in range(n):
    if i % 5 == 4:
        search = searches[2]
        title = "".join(rng.choices(ZH, ZH_WEIGHTS, k=4))
        abstract = "，".join(rng.choices(ZH, ZH_WEIGHTS, k=20))
        authors = ["张伟", "李娜"]
    else:
        search = searches[i % 2]
        title = " ".join(rng.choices(VOCAB, WEIGHTS, k=10)).capitalize()
        abstract = " ".join(rng.choices(VOCAB, WEIGHTS, k=180))
        authors = [f"Author{rng.randrange(5000)}, A", f"Author{rng.randrange(5000)}, B"]
    rows.append(Record(review=review, search=search, position=i + 1, title=title,
                       abstract=abstract, authors=authors, year=1990 + i % 32,
                       journal=rng.choice(JOURNALS),
                       keywords=rng.sample(EN, 3)))
Record.objects.bulk_create(rows, batch_size=5000)
t0 = time.perf_counter()
records_index_sync(review=review)
print(f"indexed {n} records in {time.perf_counter() - t0:.1f} s", flush=True)
items_sync(review=review)
items = list(Item.objects.filter(review=review).values_list("id", flat=True)[: n // 10])
Vote.objects.bulk_create([Vote(item_id=i, reviewer=owner, decision="include") for i in items],
                         batch_size=5000)
Item.objects.filter(pk__in=items).update(live_votes=1)
from django.db import connection
with connection.cursor() as c:
    c.execute("ANALYZE")
if runs == 0:
    print("review", review.id)
    sys.exit(0)
client = Client()
client.force_login(reviewer)
base = f"/reviews/{review.id}/records/"


# The database's own time for a page: the summed "Execution Time" of EXPLAIN ANALYZE over
# the page's reads, each replayed with the SET LOCALs that preceded it. Steadier than the
# wall clock on a shared machine, and it shows what the database spends.
def plan_ms(url):
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as seen:
        client.get(url)
    total, sets = 0.0, []
    with connection.cursor() as cursor:
        for q in seen.captured_queries:
            sql = q["sql"]
            if sql.startswith("SET"):
                sets.append(sql)
            elif sql.startswith(("SELECT", "WITH")):
                cursor.execute("BEGIN")
                for statement in sets:
                    cursor.execute(statement)
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                total += cursor.fetchone()[0][0]["Execution Time"]
                cursor.execute("ROLLBACK")
                sets = []
    return total, len(seen.captured_queries)


for name, qs in cases:
    client.get(f"{base}?{qs}")  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(f"{base}?{qs}")
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.status_code
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    count = r.content.decode().split('id="record-count">', 1)[1].split("<", 1)[0]
    plans = [plan_ms(f"{base}?{qs}") for _ in range(3)]
    plan = statistics.median(p[0] for p in plans)
    print(f"{name:30s} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
          f"db {plan:6.1f} ms in {plans[0][1]:2d} queries  ({count.strip()})", flush=True)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--db", default=os.environ.get("BENCH_RECORDS_DB", DEFAULT_DB))
    parser.add_argument("--keep", action="store_true",
                        help="leave the database in place after the run")
    args = parser.parse_args()
    url = SERVER + args.db
    env = django_env(url, DJANGO_ALLOWED_HOSTS="testserver", DJANGO_SECURE_SSL_REDIRECT="0",
                     DJANGO_LOG_LEVEL="WARNING", DATABASE_CONN_MAX_AGE="60")
    with scratch_database(url, env, keep=args.keep):
        # Pages name their static files through the manifest, as in production.
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                       cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "-c", WORKER, str(args.records), str(args.runs),
                        *(f"{n}|{q}" for n, q in CASES)], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()

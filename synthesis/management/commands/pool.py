"""`python manage.py pool REVIEW_ID --out OUT.json [--wait SECONDS]`: pools every analysis of
the review's latest locked snapshot (on the workers when a broker is set, waiting for the
end) and writes {"snapshot": HASH, "analyses": [{"name", "spec", "result"} | {"name",
"error"}]}."""
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reviews.models import Review
from synthesis.analysis import services
from synthesis.models import Analysis, PoolingRun
from synthesis.stats.engine import to_jsonable


def _fail(message):
    raise CommandError(message, returncode=1)


class Command(BaseCommand):
    help = "Pools every analysis of the review's latest snapshot and writes the results."

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("--out", required=True, help="OUT.json")
        parser.add_argument("--wait", type=float, default=600,
                            help="seconds to wait for the workers (default 600)")

    def handle(self, *args, **options):
        review = Review.objects.filter(pk=options["review_id"]).first()
        if review is None:
            _fail(f"no review with id {options['review_id']}")
        snapshot = services.latest_snapshot(review)
        if snapshot is None:
            _fail(f"review {review.id} has no locked snapshot: lock extraction first")
        if not Analysis.objects.filter(review=review).exists():
            services.analyses_propose(actor=snapshot.created_by, review=review,
                                      snapshot=snapshot)
        runs = services.pooling_enqueue(review=review, snapshot=snapshot, force=True)
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            runs = self._wait(runs, options["wait"])
        out = {"snapshot": snapshot.content_hash, "analyses": [self._entry(r) for r in runs]}
        path = Path(options["out"])
        try:
            path.write_text(json.dumps(to_jsonable(out), indent=1, ensure_ascii=False),
                            encoding="utf-8")
        except OSError as exc:
            _fail(f"{path}: {exc.strerror}")
        done = sum(1 for a in out["analyses"] if "result" in a)
        self.stdout.write(f"{done} of {len(runs)} analyses pooled; written to {path}")

    def _wait(self, runs, seconds):
        ids, deadline = [r.id for r in runs], time.monotonic() + seconds
        while True:
            fresh = list(PoolingRun.objects.filter(pk__in=ids).order_by("id"))
            pending = [r for r in fresh if r.status in ("queued", "running")]
            if not pending:
                return fresh
            if time.monotonic() > deadline:
                _fail(f"{len(pending)} analyses still pooling after {seconds:g} s "
                      "(is a worker running?)")
            time.sleep(0.2)

    @staticmethod
    def _entry(run):
        run.refresh_from_db()
        output = run.output or {}
        name = output.get("name") or run.spec.get("name")
        if output.get("result") is None:
            return {"name": name, "error": output.get("error") or run.error or "not pooled"}
        return {"name": name, "spec": output["spec"], "result": output["result"],
                "sensitivity": output.get("sensitivity", {}),
                "left_out": output.get("left_out", [])}

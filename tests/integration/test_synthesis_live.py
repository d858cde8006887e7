"""Pooling on live workers: a worker killed mid-run leaves the run to be retried (late
acknowledgement, a short visibility timeout), and exactly one result is stored."""
import os
import signal
import subprocess
import sys

import pytest

from synthesis.models import PoolingRun
from tests.integration.conftest import ROOT, _database_url_for, wait_for

pytestmark = pytest.mark.integration
QUEUE = "pooling-kill-test"  # apart from the session's worker, which must not take it


def _worker(name, tmp_path, pause):
    from django.db import connection

    env = dict(os.environ, DATABASE_URL=_database_url_for(connection.settings_dict),
               CELERY_TASK_ALWAYS_EAGER="0", CELERY_VISIBILITY_TIMEOUT="4",
               # Look for a dead worker's messages every 2 s, each look a scan, and never
               # wait long for the scan's lock: kombu's defaults scan every 100 s.
               CELERY_UNACKED_RESTORE_INTERVAL="2", CELERY_UNACKED_RESTORE_THROTTLE="1",
               CELERY_UNACKED_MUTEX_EXPIRE="5",
               PRISMFLOW_POOLING_STALE_SECONDS="2",
               PRISMFLOW_POOLING_PAUSE_SECONDS=str(pause))
    log = open(tmp_path / f"{name}.log", "w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", QUEUE,
         "--without-gossip", "--without-mingle", "-n", f"{name}@%h", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, log


def test_a_worker_killed_mid_run_ends_with_exactly_one_result(live_team, tmp_path,
                                                              django_capture_on_commit_callbacks):
    from extraction import services as extraction
    from synthesis.analysis import services
    from synthesis.analysis.tasks import pooling_run_task
    from tests.extraction.conftest import include_at_full_text
    from tests.screening.conftest import make_records
    from tests.synthesis.analysis.test_pooling import fill_and_submit

    team = live_team
    owner = team.users["owner"]
    records = make_records(team.review, owner, ["Granel 2015", "Park 2020"])
    include_at_full_text(records)
    extraction.form_from_template(actor=owner, review=team.review)
    team.mrss = extraction.outcome_save(actor=owner, review=team.review, name="mRSS")
    team.baseline = extraction.timepoint_save(actor=owner, review=team.review,
                                              label="Baseline", is_baseline=True)
    team.m6 = extraction.timepoint_save(actor=owner, review=team.review, label="6 months",
                                        months=6)
    for record in records:
        fill_and_submit(team, "reviewer", record)
        fill_and_submit(team, "adjudicator", record)
    # The lock would pool on the session's worker; this test sends its run itself.
    from extraction.signals import extraction_locked

    extraction_locked.disconnect(dispatch_uid="synthesis.pool_on_lock")
    try:
        snapshot = extraction.extraction_lock(actor=owner, review=team.review)
    finally:
        extraction_locked.connect(services.on_extraction_locked,
                                  dispatch_uid="synthesis.pool_on_lock")
    services.analyses_propose(actor=owner, review=team.review, snapshot=snapshot)
    analysis = team.review.analyses.first()
    run = PoolingRun.objects.create(review=team.review, snapshot=snapshot,
                                    snapshot_hash=snapshot.content_hash,
                                    spec_hash=analysis.spec_hash, spec=analysis.spec)

    first, first_log = _worker("doomed", tmp_path, pause=60)
    pooling_run_task.apply_async((run.id,), queue=QUEUE)
    assert wait_for(lambda: PoolingRun.objects.get(pk=run.pk).status == "running", 60), \
        first_log.read()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=20)
    assert PoolingRun.objects.get(pk=run.pk).status == "running"  # left to be retried

    second, second_log = _worker("rescuer", tmp_path, pause=0)
    try:
        finished = wait_for(lambda: PoolingRun.objects.get(pk=run.pk).status == "done", 150)
        second_log.seek(0)
        assert finished, second_log.read()
    finally:
        second.terminate()
        second.wait(timeout=20)
    stored = PoolingRun.objects.filter(review=team.review, spec_hash=analysis.spec_hash)
    assert stored.count() == 1
    run = stored.get()
    assert run.attempts == 2 and run.output["result"]["k"] == 2

"""Pooling runs: the lock proposes analyses and pools them; runs are keyed by snapshot and
spec; a repeat reuses; an edit pools only what changed; a failure hides nothing else."""
import pytest

from extraction import services as extraction
from synthesis.analysis import selectors, services
from synthesis.models import Analysis, PoolingRun
from tests.extraction.conftest import fill_and_submit


@pytest.fixture
def locked(ex_team, django_capture_on_commit_callbacks):
    for record, mean in zip(ex_team.records, (14.0, 12.5, 15.0), strict=True):
        fill_and_submit(ex_team, "reviewer", record, mean6=mean)
        fill_and_submit(ex_team, "adjudicator", record, mean6=mean)
    with django_capture_on_commit_callbacks(execute=True):
        ex_team.snapshot = extraction.extraction_lock(actor=ex_team.users["owner"],
                                                      review=ex_team.review)
    return ex_team


def test_locking_proposes_the_default_analyses_and_pools_them(locked):
    analyses = list(Analysis.objects.filter(review=locked.review))
    assert analyses and all(a.proposed for a in analyses)
    runs = PoolingRun.objects.filter(review=locked.review)
    assert runs.count() == len(analyses)
    assert {r.status for r in runs} == {"done"}
    mc = next(r for r in runs if r.spec["measure"] == "MC")
    assert mc.output["result"]["k"] == 3
    assert mc.snapshot_hash == locked.snapshot.content_hash


def test_a_repeat_reuses_and_an_edit_pools_only_what_changed(locked,
                                                             django_capture_on_commit_callbacks):
    before = {r.id for r in PoolingRun.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        services.pooling_enqueue(review=locked.review)
    assert {r.id for r in PoolingRun.objects.all()} == before
    analysis = Analysis.objects.filter(review=locked.review).first()
    spec = dict(analysis.spec, method="DL")
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_save(actor=locked.users["owner"], review=locked.review,
                               analysis_id=analysis.id, spec=spec)
        services.pooling_enqueue(review=locked.review)
    new = PoolingRun.objects.exclude(id__in=before)
    assert new.count() == 1 and new.get().spec["method"] == "DL"


def test_running_a_run_twice_stores_one_result(locked):
    run = PoolingRun.objects.first()
    assert services.pooling_run(run_id=run.id) is None  # already done: not claimed again
    PoolingRun.objects.filter(pk=run.pk).update(status="running")  # a worker died mid-run
    assert services.pooling_run(run_id=run.id) is None  # fresh: another may still hold it
    from datetime import timedelta

    from django.utils import timezone

    PoolingRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert services.pooling_run(run_id=run.id) == "done"
    run.refresh_from_db()
    assert run.attempts == 2 and run.output["result"]["k"] >= 1


def test_a_failing_analysis_does_not_hide_the_others(locked, django_capture_on_commit_callbacks):
    good = Analysis.objects.filter(review=locked.review).first()
    spec = dict(good.spec, name="Digital ulcers, nothing entered", outcome=locked.du.id)
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_save(actor=locked.users["owner"], review=locked.review, spec=spec)
        services.pooling_enqueue(review=locked.review)
    _snapshot, rows = selectors.summary_rows(review=locked.review)
    failed = [r for r in rows if r["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["error"]
    assert any(r["status"] == "done" and r["estimate"] is not None for r in rows)


def test_a_bad_spec_is_refused_with_a_message(locked):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.analysis_save(actor=locked.users["owner"], review=locked.review,
                               spec={"name": "x", "measure": "NOPE"})

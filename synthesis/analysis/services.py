"""Writes of the synthesis stage: analyses (proposed, edited, deleted), pooling runs on the
locked snapshot, GRADE judgements. Each write is one transaction with its audit event."""
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from extraction.models import Snapshot
from reviews.access import review_for
from reviews.audit.services import audit_record
from reviews.errors import Conflict

from ..models import Analysis, GradeJudgement, PoolingRun
from .defaults import default_analyses
from .run import pool_analysis
from .spec import AnalysisSpecError, spec_hash, validate_analysis

log = logging.getLogger(__name__)
Status = PoolingRun.Status


def latest_snapshot(review):
    return Snapshot.objects.filter(review=review).order_by("-number").first()


def _validated(spec):
    try:
        return validate_analysis(spec)
    except AnalysisSpecError as exc:
        raise ValidationError({"spec": str(exc)}) from exc


@transaction.atomic
def analyses_propose(*, actor, review, snapshot=None):
    """Add the default analyses of the snapshot (one per outcome x time point with data)
    that the review does not have yet, by name. Returns the new ones."""
    snapshot = snapshot or latest_snapshot(review)
    if snapshot is None:
        raise Conflict(_("Lock extraction first: analyses are proposed from its snapshot."))
    existing = set(Analysis.objects.filter(review=review).values_list("name", flat=True))
    position = Analysis.objects.filter(review=review).aggregate(m=Max("position"))["m"] or 0
    made = []
    for spec in default_analyses(snapshot.data):
        if spec["name"] in existing:
            continue
        spec = _validated(spec)
        position += 1
        made.append(Analysis.objects.create(review=review, name=spec["name"], spec=spec,
                                            spec_hash=spec_hash(spec), position=position,
                                            proposed=True, created_by=actor))
    if made:
        audit_record(review=review, actor=actor, verb="analysis.propose",
                     object_type="synthesis.analysis",
                     after={"analyses": {a.id: a.name for a in made},
                            "snapshot": snapshot.number})
    return made


@transaction.atomic
def analysis_save(*, actor, review, spec, analysis_id=None):
    review_for(actor, review.id, "manage")
    spec = _validated(spec)
    if Analysis.objects.filter(review=review, name=spec["name"]).exclude(pk=analysis_id).exists():
        raise Conflict({"name": _("Another analysis has this name.")})
    if analysis_id:
        analysis = Analysis.objects.select_for_update().get(pk=analysis_id, review=review)
        before = analysis.spec
    else:
        position = Analysis.objects.filter(review=review).aggregate(m=Max("position"))["m"]
        analysis = Analysis(review=review, created_by=actor, position=(position or 0) + 1)
        before = None
    analysis.name, analysis.spec, analysis.spec_hash = spec["name"], spec, spec_hash(spec)
    analysis.proposed = False
    analysis.save()
    audit_record(review=review, actor=actor, verb="analysis.save", obj=analysis, before=before,
                 after=spec)
    return analysis


@transaction.atomic
def analysis_delete(*, actor, review, analysis_id):
    review_for(actor, review.id, "manage")
    analysis = Analysis.objects.select_for_update().get(pk=analysis_id, review=review)
    audit_record(review=review, actor=actor, verb="analysis.delete", obj=analysis,
                 before=analysis.spec)
    analysis.delete()


@transaction.atomic
def grade_save(*, actor, review, analysis_id, overrides, mid=None):
    """The reviewers' GRADE judgements: a changed domain needs a footnote (checked by the
    GRADE rules when the table is built; refused here already)."""
    from .grade import GradeInputError, grade_outcome

    review_for(actor, review.id, "manage")
    analysis = Analysis.objects.filter(pk=analysis_id, review=review).first()
    if analysis is None:
        raise ValidationError({"analysis": _("Choose an analysis of this review.")})
    run = run_for(analysis)
    if run and run.output and run.output.get("result"):
        try:
            grade_outcome(run.output, mid=mid, overrides=overrides)
        except GradeInputError as exc:
            raise ValidationError({"overrides": str(exc)}) from exc
    row, _created = GradeJudgement.objects.update_or_create(
        analysis=analysis, defaults={"overrides": overrides, "mid": mid, "updated_by": actor})
    audit_record(review=review, actor=actor, verb="grade.save", obj=row,
                 after={"analysis": analysis.name, "overrides": overrides, "mid": mid})
    return row


# ---------------------------------------------------------------- pooling


def run_for(analysis, snapshot=None):
    snapshot = snapshot or latest_snapshot(analysis.review)
    if snapshot is None:
        return None
    return PoolingRun.objects.filter(review=analysis.review_id, snapshot_hash=snapshot.content_hash,
                                     spec_hash=analysis.spec_hash).first()


@transaction.atomic
def pooling_enqueue(*, review, snapshot=None, force=False):
    """A run for every analysis of the review on the snapshot. A key already pooled is
    reused; only new or changed specs are queued (or, with `force`, failed ones again).
    The tasks are sent after commit. Returns the runs."""
    from .tasks import pooling_run_task

    snapshot = snapshot or latest_snapshot(review)
    if snapshot is None:
        return []
    runs, queue = [], []
    for analysis in Analysis.objects.filter(review=review):
        run, created = PoolingRun.objects.get_or_create(
            review=review, snapshot_hash=snapshot.content_hash, spec_hash=analysis.spec_hash,
            defaults={"snapshot": snapshot, "spec": analysis.spec})
        if force and run.status == Status.FAILED:
            PoolingRun.objects.filter(pk=run.pk).update(status=Status.QUEUED, error="")
            run.status = Status.QUEUED
        if created or run.status == Status.QUEUED:
            queue.append(run.id)
        runs.append(run)
    for run_id in queue:
        transaction.on_commit(lambda run_id=run_id: pooling_run_task.delay(run_id))
    return runs


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.POOLING_STALE_SECONDS)


def pooling_run(*, run_id):
    """Pool one run. Safe to run twice: the run is claimed with a conditional update (a run
    left "running" by a worker that died is reclaimed once stale), and the result is written
    only by the claim holder, so exactly one result is stored."""
    claimed = PoolingRun.objects.filter(pk=run_id).filter(
        Q(status=Status.QUEUED) | Q(status=Status.RUNNING, started_at__lt=_stale_before())
    ).update(status=Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        return None
    run = PoolingRun.objects.select_related("snapshot").get(pk=run_id)
    if settings.POOLING_PAUSE_SECONDS:
        time.sleep(settings.POOLING_PAUSE_SECONDS)
    try:
        output = pool_analysis(run.snapshot.data, run.spec)
    except Exception as exc:  # a bug in one analysis must not hide the others
        log.exception("pooling run %s failed", run_id)
        output = {"name": run.spec.get("name"), "result": None, "error": f"{exc}"}
    status = Status.DONE if output.get("result") is not None else Status.FAILED
    PoolingRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
        status=status, output=_jsonable(output), error=output.get("error") or "",
        finished_at=timezone.now())
    return status


def _jsonable(value):
    from ..stats.engine import to_jsonable

    return to_jsonable(value)


def on_extraction_locked(sender, review_id, snapshot_id, **kwargs):
    """Receiver of extraction's lock: propose the default analyses on a review's first lock,
    then pool every analysis of the new snapshot."""
    snapshot = Snapshot.objects.select_related("review", "created_by").get(pk=snapshot_id)
    with transaction.atomic():
        if not Analysis.objects.filter(review_id=review_id).exists():
            analyses_propose(actor=snapshot.created_by, review=snapshot.review,
                             snapshot=snapshot)
        pooling_enqueue(review=snapshot.review, snapshot=snapshot)

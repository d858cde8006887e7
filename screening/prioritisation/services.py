"""Writes of prioritisation: order the title/abstract queue by the model trained on settled
decisions, score records imported meanwhile, and adopt or undo a stop on the stopping rule.

A retrain runs in a Celery task, never in a vote's request or an import's scoring: they only
enqueue it (on commit), and at most one run per review is queued at a time (a cache flag), so
a busy team triggers one retrain after another rather than one per vote.
"""
import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.access import review_for
from reviews.audit.services import audit_record
from reviews.models import Record

from .. import counts
from ..models import (
    SETTLED_STATUSES,
    Item,
    ItemStatus,
    Lease,
    ScreeningSettings,
    Stage,
    StoppingDecision,
)
from . import selectors
from .schedule import retrain_due
from .store import PerReview, keep_model, load_scorer, model_path

log = logging.getLogger(__name__)

TOP = 2000  # queue positions written per retrain


def _flag(review_id):
    return f"prismflow:rerank-queued:{review_id}"


def _last(review_id):
    return f"prismflow:rerank-last:{review_id}"


def prioritise_soon(review_id, settled_count, first_include=False):
    """Enqueue a retrain after a settlement when it is due; called inside the vote's
    transaction, so the task sees the committed decision."""
    if not retrain_due(settled_count, cache.get(_last(review_id), 0), first_include):
        return
    if _enqueue_retrain(review_id):
        cache.set(_last(review_id), settled_count, timeout=None)


def _enqueue_retrain(review_id):
    """Queue a retrain of the review once the current transaction commits, unless one is
    queued already (the flag, cleared when the retrain starts). True when this call queued it."""
    if not cache.add(_flag(review_id), 1, timeout=600):
        return False
    from .tasks import items_prioritise

    transaction.on_commit(lambda: items_prioritise.delay(review_id))
    return True


# Review id -> its records' features, kept by the worker between runs; one review at a time
# is enough and keeps the worker's memory flat (the matrix is large).
_FEATURES = PerReview(size=1)


def _features(review_id, rows):
    """TF-IDF of the review's records, fitted once and reused while the records stay the
    same: the texts do not change as votes come in, only the labels do, so a retrain costs
    a classifier fit rather than a pass over every abstract."""
    key = (len(rows), rows[-1][ID], rows[0][ID])
    features = _FEATURES.get(review_id, key)
    if features is not None:
        return features
    records = Record.objects.in_bulk([row[RECORD] for row in rows])
    from .ranking import featurize, record_text  # scikit-learn: loaded by the worker only

    texts = [record_text(r.title, r.abstract, r.keywords)
             for r in (records[row[RECORD]] for row in rows)]
    return _FEATURES.put(review_id, key, featurize(texts))


ID, STATUS, PRIORITY, RECORD = range(4)


def items_prioritise_run(*, review_id):
    """Recompute the priority of every unsettled title/abstract item. Safe to run twice:
    it only writes scores derived from the current decisions."""
    cache.delete(_flag(review_id))
    # Plain rows, not model instances: building 50,000 Items took most of a retrain's time.
    rows = list(Item.objects.filter(review_id=review_id, stage=Stage.TITLE_ABSTRACT)
                .order_by("id").values_list("id", "status", "priority", "record_id"))
    if not rows:
        return 0
    labels = {i: int(row[STATUS] == ItemStatus.INCLUDED) for i, row in enumerate(rows)
              if row[STATUS] in SETTLED_STATUSES}
    if not any(labels.values()):
        return 0  # no relevant record yet: the stable order stays
    from .ranking import fit_model, score, unlabelled_by_score

    features = _features(review_id, rows)
    # One fit serves both the queue and the kept scorer (ranking.rank_features would fit
    # the same model again).
    model = fit_model(features, labels)
    scores = score(model, features)
    order = unlabelled_by_score(scores, labels)
    keep_model(review_id, model, scores, labels, order[:TOP], top=TOP)
    # Only the head of the queue is served before the next retrain, so only the head is
    # written: the rest fall back to priority 0 (then id order). Writing every item's score
    # on a 50,000-record review kept the database busy for seconds per retrain.
    head = {rows[index][ID]: float(TOP - position) for position, index in enumerate(order[:TOP])}
    changed = [(row[ID], head.get(row[ID], 0.0)) for row in rows
               if row[PRIORITY] != head.get(row[ID], 0.0)]
    # Small transactions: one over many items would hold row locks that votes wait on.
    for start in range(0, len(changed), 500):
        with transaction.atomic():
            _write_priorities(changed[start:start + 500])
    return len(changed)


def _write_priorities(pairs):
    """On PostgreSQL one UPDATE joined to the new values: bulk_update's CASE expression
    compares every row with every id, which cost the database more than the retrain."""
    table = connection.ops.quote_name(Item._meta.db_table)
    if connection.vendor != "postgresql":
        # One prepared statement run per row (SQLite has no arrays to join): 10,000 rows in
        # tens of milliseconds, where bulk_update's CASE over every id took seconds.
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET priority = %s WHERE id = %s",  # noqa: S608
                               [(p, i) for i, p in pairs])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS item SET priority = new.priority "  # noqa: S608 (model name)
            "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::float8[]) AS priority) AS new "
            "WHERE item.id = new.id",
            [[i for i, _p in pairs], [p for _i, p in pairs]],
        )


def items_score_new_run(*, review_id, after_id):
    """Give the title/abstract items made after item ``after_id`` (an import's new records)
    the priority the last retrain's model gives them, so they join the queue where they
    belong instead of waiting at the bottom for the next retrain. Only scores, never fits;
    safe to run twice (same model, same priorities). Returns the number of items scored."""
    from .ranking import record_text

    try:
        scorer = load_scorer(review_id)
    except Exception:  # a model from an older release, or a damaged file: retrain instead
        log.warning("ranking model of review %s unreadable; retraining", review_id,
                    exc_info=True)
        model_path(review_id).unlink(missing_ok=True)
        # In its own task, as after a vote: a full fit here would hold up the import's
        # scoring, and two imports at once would each fit the same model again.
        _enqueue_retrain(review_id)
        return 0
    if scorer is None:
        return 0  # no model yet: the next retrain ranks them with the rest
    rows = list(Item.objects.filter(review_id=review_id, stage=Stage.TITLE_ABSTRACT,
                                    status=ItemStatus.PENDING, pk__gt=after_id)
                .order_by("id").values_list("id", "priority", "record__title",
                                            "record__abstract", "record__keywords"))
    if not rows:
        return 0
    scores = scorer.score([record_text(t, a, k) for _i, _p, t, a, k in rows])
    # Only the priorities that change are written: most new records fall below the head of
    # the queue, keep priority 0, and cost no write at all.
    changed = [(row[0], p) for row, p in zip(rows, scorer.priorities(scores).tolist(),
                                             strict=True) if row[1] != p]
    for start in range(0, len(changed), 2000):
        with transaction.atomic():
            _write_priorities(changed[start:start + 2000])
    return len(rows)


# Writes of the stopping rule: the owner adopts the stop (the records nobody has voted on
# leave title/abstract screening, recorded with the rule's figures) or undoes it.


def _forget_counts(review):
    counts.forget(review.id, Stage.TITLE_ABSTRACT, review.reviewers_per_record)


@transaction.atomic
def stopping_adopt(*, actor, review_id):
    """Stop title/abstract screening where the rule allows it. The records nobody has voted
    on get the status "stopped" (PRISMA: marked ineligible by automation tools); records
    with a vote, and conflicts, stay to be finished. Refused unless the rule says stop now,
    at the settings in force, recomputed here rather than trusted from the page."""
    review, _m = review_for(actor, review_id, "manage")
    # The settings row is the review's lock for stopping: two owners adopting at once
    # are serialised here, and the second finds the first's decision in force.
    screening, _created = ScreeningSettings.objects.get_or_create(review=review)
    screening = ScreeningSettings.objects.select_for_update().get(pk=screening.pk)
    if StoppingDecision.objects.filter(review=review, undone_at__isnull=True).exists():
        raise ValidationError(_("Screening is already stopped; undo that stop first."))
    # Locked in id order before the figures are read: a vote that commits first has given
    # its record a vote (it stays), one that comes later finds the record stopped.
    unvoted = list(Item.objects.select_for_update().filter(
        review=review, stage=Stage.TITLE_ABSTRACT, status=ItemStatus.PENDING, live_votes=0)
        .order_by("id").values_list("id", flat=True))
    state = selectors.stopping_for_review(review=review, screening=screening)
    figures = state["figures"]
    if not figures.stop:
        raise ValidationError(_("The stopping rule does not allow stopping yet (p = %(p).3f; "
                                "it must be below %(alpha).3f).")
                              % {"p": figures.p_value, "alpha": 1 - figures.confidence})
    if not unvoted:
        raise ValidationError(_("No record is left unscreened: there is nothing to stop."))
    try:
        with transaction.atomic():
            decision = StoppingDecision.objects.create(
                review=review, adopted_by=actor, recall_target=figures.recall_target,
                confidence=figures.confidence, p_value=figures.p_value,
                n_total=figures.n_total, n_screened=figures.n_seen, n_relevant=figures.r_seen,
                n_stopped=len(unvoted), remaining_estimate=figures.remaining_estimate,
                remaining_high=figures.remaining_high)
    except IntegrityError as exc:
        raise ValidationError(_("Screening is already stopped; undo that stop first.")) from exc
    Item.objects.filter(pk__in=unvoted).update(status=ItemStatus.STOPPED, stopped_by=decision)
    Lease.objects.filter(item_id__in=unvoted).delete()
    audit_record(review=review, actor=actor, verb="screening.stop", obj=decision,
                 after=_summary(decision))
    _forget_counts(review)
    return decision


@transaction.atomic
def stopping_undo(*, actor, review_id, decision_id):
    """Undo a stop: its records need screening again. Allowed at any time, full-text
    screening begun or not: the stopped records had no vote, so nothing decided is lost;
    records that were included at title/abstract meanwhile keep their full-text items."""
    review, _m = review_for(actor, review_id, "manage")
    decision = (StoppingDecision.objects.select_for_update()
                .filter(pk=decision_id, review=review).first())
    if decision is None:
        raise StoppingDecision.DoesNotExist
    if decision.undone_at is not None:
        raise ValidationError(_("This stop was undone already."))
    restored = Item.objects.filter(stopped_by=decision, status=ItemStatus.STOPPED).update(
        status=ItemStatus.PENDING, stopped_by=None)
    decision.undone_by, decision.undone_at = actor, timezone.now()
    decision.save(update_fields=["undone_by", "undone_at"])
    audit_record(review=review, actor=actor, verb="screening.stop_undo", obj=decision,
                 before=_summary(decision), after={"restored": restored})
    _forget_counts(review)
    return decision


def _summary(decision):
    return {"recall_target": decision.recall_target, "confidence": decision.confidence,
            "p_value": decision.p_value, "n_total": decision.n_total,
            "n_screened": decision.n_screened, "n_relevant": decision.n_relevant,
            "n_stopped": decision.n_stopped,
            "remaining_estimate": decision.remaining_estimate,
            "remaining_high": decision.remaining_high}

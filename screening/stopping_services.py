"""Writes of the stopping rule: the owner adopts the stop (the records nobody has voted on
leave title/abstract screening, recorded with the rule's figures) or undoes it."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.access import review_for
from reviews.audit.services import audit_record

from . import counts, selectors
from .models import Item, ItemStatus, Lease, ScreeningSettings, Stage, StoppingDecision


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

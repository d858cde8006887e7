"""Writes of the screening stage: votes, settlement, conflicts, adjudication, reopening.

Each service locks the item row first, so two reviewers voting on the same record at the same
moment are serialised: both votes stand and the status (hence at most one conflict) is
computed once per vote, under the lock.
"""
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.access import can, review_for
from reviews.audit.services import audit_record
from reviews.db import analyze_after_commit
from reviews.duplicates.selectors import unique_records_for_review
from reviews.errors import Conflict
from reviews.models import Review

from . import counts
from .models import (
    CLOSED_STATUSES,
    DEFAULT_REASONS,
    Adjudication,
    Decision,
    ExclusionReason,
    Item,
    ItemStatus,
    Lease,
    ScreeningSettings,
    Stage,
    Vote,
    is_other_reason,
    options_key,
)


def settings_for(review):
    """The review's screening settings, read-only: the defaults, unsaved, until the owner
    first saves them (a page load writes no row)."""
    return (ScreeningSettings.objects.filter(review=review).first()
            or ScreeningSettings(review=review))


def _settings_row(review):
    """The settings row for a write, made on first use and locked."""
    row, _created = ScreeningSettings.objects.get_or_create(review=review)
    return ScreeningSettings.objects.select_for_update().get(pk=row.pk)


def screening_options(review):
    """The options read on every settlement and every record shown, from the cache;
    ScreeningSettings.save drops them when the owner changes one."""
    found = cache.get(options_key(review.id))
    if found is None:
        screening = settings_for(review)
        found = {"maybe_advances": screening.maybe_advances,
                 "unblinded_stages": screening.unblinded_stages,
                 "show_relevance": screening.show_relevance}
        cache.set(options_key(review.id), found, 300)
    return found


def unblinded_stages(review):
    return screening_options(review)["unblinded_stages"]


def reasons_for(review):
    """The review's active exclusion reasons, read-only: until a write made them
    (reasons_ensure), the defaults, unsaved and without ids."""
    saved = ExclusionReason.objects.filter(review=review)
    if saved.exists():
        return list(saved.filter(active=True))
    return [ExclusionReason(review=review, label=label, label_zh=label_zh, position=position,
                            is_other=is_other_reason(label))
            for position, (label, label_zh) in enumerate(DEFAULT_REASONS)]


def reasons_ensure(review):
    """The review's active exclusion reasons, created with the defaults the first time: every
    write that may need a reason (a record reaching full text, the settings) calls it."""
    if not ExclusionReason.objects.filter(review=review).exists():
        for position, (label, label_zh) in enumerate(DEFAULT_REASONS):
            ExclusionReason.objects.get_or_create(
                review=review, label=label,
                defaults={"label_zh": label_zh, "position": position,
                          "is_other": is_other_reason(label)})
    return ExclusionReason.objects.filter(review=review, active=True)


@transaction.atomic
def screening_settings_save(*, actor, review, reasons, **options):
    """The owner's screening options and full-text exclusion reasons, audited. Reasons in use
    by votes are kept (inactive) rather than deleted: history stays readable."""
    review_for(actor, review.id, "manage")
    reasons_ensure(review)
    row = _settings_row(review)
    before = {"reasons": list(ExclusionReason.objects.filter(review=review, active=True)
                              .values_list("label", flat=True)),
              **{name: getattr(row, name) for name in options}}
    for name, value in options.items():
        setattr(row, name, value)
    row.save()
    ExclusionReason.objects.filter(review=review).exclude(label__in=reasons).update(
        active=False)
    for position, label in enumerate(reasons):
        ExclusionReason.objects.update_or_create(
            review=review, label=label,
            defaults={"position": position, "active": True, "is_other": is_other_reason(label)})
    audit_record(review=review, actor=actor, verb="screening.settings", obj=row,
                 before=before, after={"reasons": list(reasons),
                                       **{name: getattr(row, name) for name in options}})
    return row


@transaction.atomic
def items_sync(*, review):
    """Every unique record gets a title/abstract item. Idempotent; one NOT EXISTS query
    finds the records still without one, so it stays cheap on a large review."""
    missing = (unique_records_for_review(review=review)
               .exclude(screening_items__stage=Stage.TITLE_ABSTRACT)
               .values_list("id", flat=True))
    new = [Item(review=review, record_id=rid, stage=Stage.TITLE_ABSTRACT) for rid in missing]
    last_id = Item.objects.order_by("-id").values_list("id", flat=True).first() or 0
    Item.objects.bulk_create(new, ignore_conflicts=True, batch_size=5000)
    if new:
        # Records that arrive mid-review are scored by the last retrain's model at once
        # (in the worker, after commit), rather than wait at the bottom for the next one.
        from .prioritisation.tasks import items_score_new

        transaction.on_commit(lambda: items_score_new.delay(review.id, last_id))
    # A record merged away as a duplicate after its item was made leaves screening, unless
    # someone already voted on it (then its votes stay visible and a person decides).
    removed, _kinds = (
        Item.objects.filter(review=review, stage=Stage.TITLE_ABSTRACT, votes__isnull=True)
        .exclude(record__in=unique_records_for_review(review=review)).delete())
    analyze_after_commit(Item, rows=len(new) + removed)
    if new or removed:
        counts.forget(review.id, Stage.TITLE_ABSTRACT, review.reviewers_per_record)
    return len(new)


def _locked_item(actor, item_id, ability, *, review_id=None, membership=None):
    """Lock the item, then check access on the locked row: one read of the item, not two.
    The lock is released at once (rollback) when the check refuses. An API view passes the
    review of its URL (the item must belong to it) and the membership it has just checked,
    which saves reading it again."""
    item = (Item.objects.select_for_update(of=("self",)).select_related("review")
            .filter(pk=item_id).first())
    if item is None or review_id not in (None, item.review_id):
        raise Item.DoesNotExist
    # Read after the lock, in a statement of its own: a change of the votes needed that
    # committed while this waited for the lock is seen (the joined review row is not
    # re-read by the lock), so no vote is judged by the old number.
    item.review.reviewers_per_record = (Review.objects.filter(pk=item.review_id)
                                        .values_list("reviewers_per_record", flat=True).get())
    if membership is None or (membership.review_id, membership.user_id) != (
            item.review_id, actor.id):
        _review, membership = review_for(actor, item.review_id, ability)
    elif not can(membership, ability):
        raise PermissionDenied(_("Your role in this review does not allow this."))
    return item, membership


def _reason(item, decision, reason_id, reason_text):
    """Full-text exclusions need a reason from the review's list ("Other" needs text)."""
    if decision != Decision.EXCLUDE or item.stage != Stage.FULL_TEXT:
        return None, ""
    reason = ExclusionReason.objects.filter(pk=reason_id, review=item.review).first()
    if reason is None:
        raise ValidationError(_("Choose an exclusion reason for a full-text exclusion."))
    if reason.is_other and not (reason_text or "").strip():
        raise ValidationError(_("Describe the reason when you choose “Other”."))
    return reason, (reason_text or "").strip()[:500]


def _live_votes(item):
    return list(Vote.objects.filter(item=item, superseded_at__isnull=True).order_by("id"))


@transaction.atomic
def vote_cast(*, actor, item_id, decision, reason_id=None, reason_text="", note="",
              review_id=None, membership=None):
    """Cast or change the actor's vote; settle or flag a conflict when all votes are in."""
    if decision not in Decision.values:
        raise ValidationError(_("Vote include, exclude or maybe."))
    item, _m = _locked_item(actor, item_id, "screen", review_id=review_id,
                            membership=membership)
    if item.status == ItemStatus.STOPPED:
        raise ValidationError(_("Screening of this record was stopped by the stopping rule; "
                                "the owner can undo the stop."))
    if item.settled:
        raise Conflict(_("This record is settled; an adjudicator or the owner can "
                                "reopen it."))
    if item.not_retrieved:
        # PRISMA counts a report not retrieved apart from the reports assessed: it cannot be
        # both.
        raise Conflict(_("This report is marked not retrieved; attach its full text or clear "
                         "the mark before voting."))
    tracked = counts.Tracked(item)
    reason, reason_text = _reason(item, decision, reason_id, reason_text)
    live = _live_votes(item)
    mine = next((v for v in live if v.reviewer_id == actor.id), None)
    if mine is None and len(live) >= item.review.reviewers_per_record:
        raise Conflict(_("This record already has all its votes."))
    if mine and (mine.decision, mine.reason_id, mine.reason_text, mine.note) == (
            decision, reason and reason.id, reason_text, note):
        mine.item = item
        return mine  # a double submit: nothing changes
    if mine:
        mine.superseded_at = timezone.now()
        mine.save(update_fields=["superseded_at"])
    vote = Vote.objects.create(item=item, reviewer=actor, decision=decision, reason=reason,
                               reason_text=reason_text, note=note)
    Lease.objects.filter(item=item, reviewer=actor).delete()
    audit_record(review=item.review, actor=actor, verb="vote.cast", obj=vote,
                 before={"decision": mine.decision} if mine else None,
                 after={"item": item.id, "stage": item.stage, "decision": decision,
                        "reason": reason.label if reason else None,
                        "reason_text": reason_text, "note": note})
    _evaluate(item, actor, [v for v in live if v is not mine] + [vote])
    tracked.moved(item)
    return vote


@transaction.atomic
def vote_retract(*, actor, item_id, review_id=None, membership=None):
    """Undo: withdraw the actor's live vote on an unsettled record."""
    item, _m = _locked_item(actor, item_id, "screen", review_id=review_id, membership=membership)
    if item.settled:
        raise Conflict(_("This record is settled; an adjudicator or the owner can "
                                "reopen it."))
    live = _live_votes(item)
    mine = next((v for v in live if v.reviewer_id == actor.id), None)
    if mine is None:
        return None
    tracked = counts.Tracked(item)
    mine.superseded_at = timezone.now()
    mine.save(update_fields=["superseded_at"])
    audit_record(review=item.review, actor=actor, verb="vote.retract", obj=mine,
                 before={"item": item.id, "decision": mine.decision})
    _evaluate(item, actor, [v for v in live if v is not mine])
    tracked.moved(item)
    return mine


def _side(decision, maybe_advances):
    if decision == Decision.EXCLUDE:
        return "out"
    if decision == Decision.MAYBE and not maybe_advances:
        return "maybe"  # its own side: a maybe needs a third opinion
    return "in"


def _evaluate(item, actor, live=None):
    if live is None:
        live = _live_votes(item)
    counted = item.live_votes == len(live)
    item.live_votes = len(live)
    # The new vote count is written with the status when that changes: one UPDATE, not two.
    if not _judge(item, actor, live) and not counted:
        item.save(update_fields=["live_votes"])


def _judge(item, actor, live):
    """Set the status the live votes call for; True when the item was saved."""
    if len(live) < item.review.reviewers_per_record:
        return _set_status(item, actor, ItemStatus.PENDING)
    maybe_advances = screening_options(item.review)["maybe_advances"]
    sides = {_side(v.decision, maybe_advances) for v in live}
    reasons = {(v.reason_id, v.reason_text) for v in live}
    if sides == {"in"}:
        _settle(item, actor, Decision.INCLUDE, None, "", adjudicated=False)
        return True
    if sides == {"out"} and (item.stage == Stage.TITLE_ABSTRACT or len(reasons) == 1):
        reason_id, text = reasons.pop()
        reason = ExclusionReason.objects.filter(pk=reason_id).first() if reason_id else None
        _settle(item, actor, Decision.EXCLUDE, reason, text, adjudicated=False)
        return True
    # Split votes, or full-text exclusions with different reasons (as Covidence does).
    return _set_status(item, actor, ItemStatus.CONFLICT)


_UNSETTLED = ["status", "decision", "reason", "reason_text", "settled_at",
              "settled_by_adjudication"]


def _unsettle(item, status):
    """An open status (needs votes, or conflict): no decision, reason or settlement."""
    item.status, item.decision, item.reason, item.reason_text = status, "", None, ""
    item.settled_at, item.settled_by_adjudication = None, False


def _set_status(item, actor, status):
    if item.status == status:
        return False
    before = item.status
    _unsettle(item, status)
    item.save(update_fields=[*_UNSETTLED, "live_votes"])
    if status == ItemStatus.CONFLICT or before == ItemStatus.CONFLICT:
        audit_record(review=item.review, actor=actor, verb=f"item.{status}", obj=item,
                     before={"status": before}, after={"status": status})
    return True


def _settle(item, actor, decision, reason, reason_text, *, adjudicated):
    item.status = ItemStatus.INCLUDED if decision != Decision.EXCLUDE else ItemStatus.EXCLUDED
    item.decision = Decision.INCLUDE if decision != Decision.EXCLUDE else Decision.EXCLUDE
    item.reason, item.reason_text = reason, reason_text
    item.settled_at, item.settled_by_adjudication = timezone.now(), adjudicated
    item.save()
    audit_record(review=item.review, actor=actor, verb="item.settle", obj=item,
                 after={"stage": item.stage, "decision": item.decision,
                        "reason": reason.label if reason else None,
                        "adjudicated": adjudicated})
    if item.stage == Stage.TITLE_ABSTRACT:
        _after_title_abstract_settlement(item)


def _after_title_abstract_settlement(item):
    from .prioritisation.services import prioritise_soon

    first_include = False
    if item.decision == Decision.INCLUDE:
        _full_text_item(item)
        first_include = not Item.objects.filter(
            review=item.review, stage=Stage.TITLE_ABSTRACT, status=ItemStatus.INCLUDED
        ).exclude(pk=item.pk).exists()
    # The cached counts, not a count over the stage: this settlement moves them only after
    # its commit, so it is counted at the next one; a retrain's timing needs no more.
    team = counts.team_counts(item.review, Stage.TITLE_ABSTRACT, store=False)
    prioritise_soon(item.review_id, team["included"] + team["excluded"] + 1,
                    first_include=first_include)


def _full_text_item(item):
    """The full-text item of a record included at title/abstract, made (and counted) if it
    does not exist yet."""
    full_text, created = Item.objects.get_or_create(
        review=item.review, record_id=item.record_id, stage=Stage.FULL_TEXT)
    if created:
        counts.Tracked(full_text, exists=False).moved(full_text)
        reasons_ensure(item.review)  # full-text votes give a reason by its id
    return full_text


@transaction.atomic
def item_advance(*, actor, item_id, review_id=None, membership=None):
    """The owner sends a record on from title/abstract to full text, whatever its votes:
    its title/abstract item is settled as included by the owner (the votes on it stay) and
    its full-text item is made, as any inclusion does. An item included already (its full
    text removed by hand) gets its full-text item back. Returns the item and its status
    before the move."""
    item, _m = _locked_item(actor, item_id, "manage", review_id=review_id,
                            membership=membership)
    if item.stage != Stage.TITLE_ABSTRACT or Item.objects.select_for_update().filter(
            record_id=item.record_id, stage=Stage.FULL_TEXT).exists():
        raise Conflict(_("The record is at that stage already."))
    before = item.status
    tracked = counts.Tracked(item)
    if item.status == ItemStatus.INCLUDED:
        _full_text_item(item)
    else:
        _settle(item, actor, Decision.INCLUDE, None, "", adjudicated=False)
    tracked.moved(item)
    return item, before


@transaction.atomic
def conflict_resolve(*, actor, item_id, decision, reason_id=None, reason_text="", note="",
                     review_id=None, membership=None):
    """A third reviewer, who did not vote on the record, settles a conflict."""
    if decision not in (Decision.INCLUDE, Decision.EXCLUDE):
        raise ValidationError(_("Resolve a conflict with include or exclude."))
    item, _m = _locked_item(actor, item_id, "adjudicate", review_id=review_id,
                            membership=membership)
    if item.status != ItemStatus.CONFLICT:
        raise Conflict(_("This record is not in conflict."))
    if Vote.objects.filter(item=item, reviewer=actor).exists():
        raise PermissionDenied(_("You voted on this record; another adjudicator must "
                                 "resolve it."))
    reason, reason_text = _reason(item, decision, reason_id, reason_text)
    if not note.strip():
        raise ValidationError(_("Give the reason for your decision."))
    tracked = counts.Tracked(item)
    adjudication = Adjudication.objects.create(item=item, adjudicator=actor, decision=decision,
                                               reason=reason, reason_text=reason_text, note=note)
    audit_record(review=item.review, actor=actor, verb="conflict.resolve", obj=adjudication,
                 after={"item": item.id, "decision": decision, "note": note})
    _settle(item, actor, decision, reason, reason_text, adjudicated=True)
    tracked.moved(item)
    return adjudication


@transaction.atomic
def item_reopen(*, actor, item_id, review_id=None, membership=None):
    """Only an adjudicator or the owner reopens a settled record; votes stay and may change."""
    item, _m = _locked_item(actor, item_id, "adjudicate", review_id=review_id,
                            membership=membership)
    if not item.settled:
        raise Conflict(_("This record is not settled."))
    if item.stage == Stage.TITLE_ABSTRACT:
        # Locked before the check: a vote on the full text committed between the check and
        # the delete would otherwise be lost with it (votes are PROTECTed now: it would fail).
        later = (Item.objects.select_for_update(of=("self",)).select_related("review")
                 .filter(record_id=item.record_id, stage=Stage.FULL_TEXT).first())
        if later is not None and Vote.objects.filter(item=later).exists():
            raise Conflict(_("Its full text has votes already; reopen that first."))
        if later is not None:
            counts.Tracked(later).moved(None)
            later.delete()
    tracked = counts.Tracked(item)
    before = {"status": item.status, "decision": item.decision}
    _unsettle(item, ItemStatus.PENDING)
    item.save(update_fields=_UNSETTLED)
    audit_record(review=item.review, actor=actor, verb="item.reopen", obj=item, before=before,
                 after={"status": item.status})
    # Votes already in may now disagree again, or be complete.
    if item.live_votes >= item.review.reviewers_per_record:
        _set_status(item, actor, ItemStatus.CONFLICT)
    tracked.moved(item)
    return item


@transaction.atomic
def stage_unblind(*, actor, review_id, stage):
    """The owner unblinds a finished stage: every vote becomes visible to the team."""
    review, _m = review_for(actor, review_id, "manage")
    open_items = Item.objects.filter(review=review, stage=stage).exclude(
        status__in=CLOSED_STATUSES)
    if open_items.exists():
        raise Conflict(_("Only a finished stage can be unblinded."))
    screening = _settings_row(review)
    if stage not in screening.unblinded_stages:
        screening.unblinded_stages = [*screening.unblinded_stages, stage]
        screening.save(update_fields=["unblinded_stages"])
        audit_record(review=review, actor=actor, verb="stage.unblind", obj=screening,
                     after={"stage": stage})
    return screening



@transaction.atomic
def items_rejudge(*, actor, review):
    """The votes each record needs changed: judge again every record that the change
    affects, in the transaction of the change (reviews sends reviewers_per_record_changed).

    Lowering the number settles (or flags as a conflict) each record waiting for votes that
    now has enough. Raising it leaves settled records and conflicts as they were, as
    Covidence and Rayyan do: a decision made under the rule in force stands, and an
    adjudicator or the owner can reopen a record to have it judged again; records still
    waiting simply need more votes. Every record waiting for votes is locked first (in id
    order), so a vote in flight either commits before and is judged here, or waits and then
    reads the new number (see _locked_item). Returns the number of records judged."""
    needed = review.reviewers_per_record
    waiting = list(Item.objects.select_for_update().filter(
        review=review, status=ItemStatus.PENDING).order_by("id").values_list("id", flat=True))
    ready = Item.objects.filter(pk__in=waiting, live_votes__gte=needed).order_by("id")
    judged = 0
    for item in ready:
        item.review = review
        _judge(item, actor, _live_votes(item))
        judged += 1
    for stage in Stage.values:
        counts.forget(review.id, stage, needed)
    return judged


def rejudge_on_change(sender, *, review, actor, **kwargs):
    """Receiver of reviews.signals.reviewers_per_record_changed."""
    items_rejudge(actor=actor, review=review)

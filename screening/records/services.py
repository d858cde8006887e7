"""Writes of the records workbench: its search index, labels, comments, and the owner's
actions on a record (reopen, move between stages, a label on many records). Each is one
transaction and writes its audit event in it: all or nothing."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reviews.access import can, review_for
from reviews.audit.services import audit_record
from reviews.db import analyze_after_commit
from reviews.errors import Conflict, Missing
from reviews.models import Record

from .. import counts, services
from ..models import SETTLED_STATUSES, Item, Stage, Vote
from . import query
from .models import Comment, Label, RecordIndex, RecordLabel

INDEX_BATCH = 2000
MAX_COMMENT = 5000
MAX_LABELS = 100


def index_row(record):
    return RecordIndex(
        record_id=record.id, review_id=record.review_id,
        # Titles are short; the cut keeps a freak one within a database row (migration 0004
        # stores the title vector in the row itself).
        title_doc=query.document((record.title or "")[:1000],
                                 (record.title_translated or "")[:1000]),
        body_doc=query.document(record.abstract, record.authors, record.keywords,
                                record.journal),
    )


def records_missing_index(review):
    return Record.objects.filter(review=review, search_index__isnull=True)


def records_index_sync(*, review, limit=None):
    """Index the review's records that have no index row yet (records never change after
    import, so an indexed record stays right). Idempotent; returns the number indexed."""
    missing = records_missing_index(review).order_by("id").only(
        "id", "review_id", "title", "title_translated", "abstract", "authors", "keywords",
        "journal")
    if limit is not None:
        missing = missing[:limit]
    done = 0
    batch = []
    for record in missing.iterator(chunk_size=INDEX_BATCH):
        batch.append(index_row(record))
        if len(batch) >= INDEX_BATCH:
            done += _store(batch)
            batch = []
    if batch:
        done += _store(batch)
    if done:
        analyze_after_commit(RecordIndex, rows=done)
    return done


@transaction.atomic
def _store(rows):
    RecordIndex.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _record(review, record_id):
    record = Record.objects.filter(pk=record_id, review=review).first()
    if record is None:
        raise Record.DoesNotExist
    return record.duplicate_of if record.duplicate_of_id else record


def _label(review, label_id):
    label = Label.objects.filter(pk=label_id, review=review).first()
    if label is None:
        raise Missing({"label": [_("Choose one of this review's labels.")]})
    return label


@transaction.atomic
def label_create(*, actor, review_id, name):
    review, _m = review_for(actor, review_id, "manage")
    name = " ".join((name or "").split())[:80]
    if not name:
        raise ValidationError({"name": [_("Give the label a name.")]})
    if Label.objects.filter(review=review, name__iexact=name).exists():
        raise Conflict({"name": [_("This review already has that label.")]})
    if Label.objects.filter(review=review).count() >= MAX_LABELS:
        raise Conflict({"name": [_("A review has at most %(n)s labels.")
                                        % {"n": MAX_LABELS}]})
    label = Label.objects.create(review=review, name=name)
    audit_record(review=review, actor=actor, verb="label.create", obj=label,
                 after={"name": name})
    return label


@transaction.atomic
def label_delete(*, actor, review_id, label_id):
    """Remove a label from the list and from every record that had it."""
    review, _m = review_for(actor, review_id, "manage")
    label = _label(review, label_id)
    applied = label.applied.count()
    audit_record(review=review, actor=actor, verb="label.delete", obj=label,
                 before={"name": label.name, "records": applied})
    label.delete()
    return applied


@transaction.atomic
def record_label_set(*, actor, review_id, record_id, label_id, on):
    """Put a label on a record, or take it off (any screener). Setting it again is a no-op
    and writes nothing."""
    review, _m = review_for(actor, review_id, "screen")
    record = _record(review, record_id)
    label = _label(review, label_id)
    if on:
        link, created = RecordLabel.objects.get_or_create(
            label=label, record=record, defaults={"added_by": actor})
        changed = created
    else:
        changed = RecordLabel.objects.filter(label=label, record=record).delete()[0] > 0
    if changed:
        audit_record(review=review, actor=actor, verb="label.add" if on else "label.remove",
                     obj=record, after={"record": record.id, "label": label.name})
    return changed


MAX_BULK = 100_000


@transaction.atomic
def labels_apply_bulk(*, actor, review_id, label_id, record_ids):
    """The owner puts a label on many records at once (the selected ones, or all that a
    filter found). Every id must be a record of this review, or nothing is labelled."""
    review, _m = review_for(actor, review_id, "manage")
    label = _label(review, label_id)
    wanted = sorted(set(record_ids))
    if not wanted:
        raise ValidationError({"records": [_("Select at least one record.")]})
    if len(wanted) > MAX_BULK:
        raise ValidationError({"records": [_("Label at most %(n)s records at once.")
                                           % {"n": MAX_BULK}]})
    found = set()
    for start in range(0, len(wanted), 10_000):
        found |= set(Record.objects.filter(review=review, pk__in=wanted[start:start + 10_000])
                     .values_list("id", flat=True))
    strangers = [i for i in wanted if i not in found]
    if strangers:
        raise Missing({"records": [_("Not records of this review: %(ids)s.")
                                           % {"ids": ", ".join(map(str, strangers[:10]))}]})
    already = set(RecordLabel.objects.filter(label=label).values_list("record_id", flat=True))
    new = [i for i in wanted if i not in already]
    RecordLabel.objects.bulk_create(
        [RecordLabel(label=label, record_id=i, added_by=actor) for i in new],
        ignore_conflicts=True, batch_size=5000)
    audit_record(review=review, actor=actor, verb="label.bulk_add", obj=label,
                 after={"label": label.name, "records": len(new), "record_ids": new})
    return len(new)


@transaction.atomic
def comment_add(*, actor, review_id, record_id, text):
    """A comment on a record, for the team (records.blinding says who reads it when)."""
    review, _m = review_for(actor, review_id, "screen")
    record = _record(review, record_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write a comment first.")]})
    if len(text) > MAX_COMMENT:
        raise ValidationError({"text": [_("A comment has at most %(n)s characters.")
                                        % {"n": MAX_COMMENT}]})
    stages = set(Item.objects.filter(record=record).values_list("stage", flat=True))
    stage = Stage.FULL_TEXT if Stage.FULL_TEXT in stages else (
        Stage.TITLE_ABSTRACT if stages else "")
    comment = Comment.objects.create(review=review, record=record, author=actor, stage=stage,
                                     text=text)
    audit_record(review=review, actor=actor, verb="comment.add", obj=comment,
                 after={"record": record.id, "stage": stage, "text": text})
    return comment


def _current_item(record):
    items = {i.stage: i for i in Item.objects.filter(record=record)}
    return items.get(Stage.FULL_TEXT) or items.get(Stage.TITLE_ABSTRACT)


@transaction.atomic
def record_reopen(*, actor, review_id, record_id):
    """Reopen the record's settled item at its current stage (screening.services.item_reopen,
    which an adjudicator or the owner may do)."""
    review, membership = review_for(actor, review_id, "adjudicate")
    record = _record(review, record_id)
    item = _current_item(record)
    if item is None:
        raise Conflict(_("This record is not in screening."))
    return services.item_reopen(actor=actor, item_id=item.id, review_id=review.id,
                                membership=membership)


@transaction.atomic
def record_move(*, actor, review_id, record_id, stage):
    """The owner moves a record between the screening stages.

    To full text: screening.services.item_advance (its title/abstract item settled as
    included by the owner, its votes kept, and the full-text item made). Back to
    title/abstract: the full-text item, which must have no votes, is removed and the
    title/abstract item reopened (screening.services.item_reopen). Audited as item.move on
    the title/abstract item, with the settlement or reopening it caused."""
    review, membership = review_for(actor, review_id, "manage")
    if stage not in Stage.values:
        raise ValidationError({"stage": [_("Choose a screening stage.")]})
    record = _record(review, record_id)
    ta = Item.objects.filter(record=record, stage=Stage.TITLE_ABSTRACT).first()
    if ta is None:
        raise Conflict(_("This record is not in screening."))
    if stage == Stage.FULL_TEXT:
        item, status = services.item_advance(actor=actor, item_id=ta.id, review_id=review.id,
                                             membership=membership)
        before = {"stage": Stage.TITLE_ABSTRACT, "status": status}
    else:
        # Locked in the order every writer takes them: the title/abstract item, then the
        # full text.
        item = Item.objects.select_for_update().get(pk=ta.pk)
        ft = Item.objects.select_for_update().filter(record=record,
                                                     stage=Stage.FULL_TEXT).first()
        if ft is None:
            raise Conflict(_("The record is at that stage already."))
        if Vote.objects.filter(item=ft).exists():
            raise Conflict(_("Its full text has votes already; reopen that first."))
        before = {"stage": Stage.FULL_TEXT, "status": item.status}
        if item.status in SETTLED_STATUSES:
            item = services.item_reopen(actor=actor, item_id=item.id, review_id=review.id,
                                        membership=membership)
        else:  # a full-text item made by hand while the first stage was open
            counts.Tracked(ft).moved(None)
            ft.delete()
    audit_record(review=review, actor=actor, verb="item.move", obj=item, before=before,
                 after={"item": item.id, "stage": stage, "record": record.id})
    return item


def can_comment(membership):
    return can(membership, "screen")


"""Studies: several reports (records) of one study are linked, as PRISMA 2020 counts them."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reviews.access import review_for
from reviews.audit.services import audit_record
from reviews.models import Record

from .models import Item, ItemStatus, Stage, Study, StudyReport


def included_reports(*, review):
    """Records included at full text, with the study each belongs to (if linked)."""
    return (Record.objects.filter(review=review, screening_items__stage=Stage.FULL_TEXT,
                                  screening_items__status=ItemStatus.INCLUDED)
            .select_related("study_report__study").order_by("id"))


@transaction.atomic
def study_link(*, actor, review_id, record_ids, label):
    """Link the records as reports of one study (new, or the one a record already has)."""
    review, _m = review_for(actor, review_id, "screen")
    records = list(Record.objects.select_for_update().filter(review=review, pk__in=record_ids))
    if len(records) != len(set(record_ids)) or not records:
        raise ValidationError(_("Choose reports of this review."))
    included = set(Item.objects.filter(record__in=records, stage=Stage.FULL_TEXT,
                                       status=ItemStatus.INCLUDED)
                   .values_list("record_id", flat=True))
    if included != {r.id for r in records}:
        raise ValidationError(_("Only reports included at full text can be linked."))
    existing = Study.objects.filter(reports__record__in=records).distinct()
    study = existing.first() or Study.objects.create(review=review, label=label.strip() or
                                                     (records[0].title or "")[:200])
    if label.strip():
        study.label = label.strip()[:200]
        study.save(update_fields=["label"])
    for other in existing.exclude(pk=study.pk):
        other.reports.update(study=study)
        other.delete()
    for record in records:
        StudyReport.objects.update_or_create(record=record, defaults={"study": study})
    audit_record(review=review, actor=actor, verb="study.link", obj=study,
                 after={"label": study.label, "records": sorted(r.id for r in records)})
    return study


@transaction.atomic
def study_unlink(*, actor, review_id, record_id):
    review, _m = review_for(actor, review_id, "screen")
    report = StudyReport.objects.select_related("study").filter(
        record_id=record_id, record__review=review).first()
    if report is None:
        return
    study = report.study
    report.delete()
    audit_record(review=review, actor=actor, verb="study.unlink", obj=study,
                 before={"label": study.label, "record": record_id})
    if not study.reports.exists():
        study.delete()

"""Full texts: PDFs attached to records (one by one or in bulk), and reports not retrieved."""
import re
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reviews.access import review_for
from reviews.audit.services import audit_record
from reviews.errors import Conflict
from reviews.files import delete_on_commit, save_file
from reviews.models import Record

from .. import counts
from ..models import FullText, Item, Stage


def _check_pdf(upload):
    if upload is None:
        raise ValidationError(_("Choose a PDF file."))
    if upload.size > settings.FULLTEXT_MAX_BYTES:
        raise ValidationError(_("%(f)s is over the %(mb)s MB limit.")
                              % {"f": upload.name, "mb": settings.FULLTEXT_MAX_BYTES // 10**6})
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError(_("%(f)s is not a PDF file.") % {"f": upload.name})


@transaction.atomic
def fulltext_attach(*, actor, record_id, upload):
    record = Record.objects.select_for_update().get(pk=record_id)
    review, _m = review_for(actor, record.review_id, "screen")
    _check_pdf(upload)
    old = FullText.objects.filter(record=record).first()
    if old is not None:
        delete_on_commit(old.file)
        old.delete()
    ft = FullText(record=record, file_name=PurePath(upload.name).name[:300], size=upload.size,
                  uploaded_by=actor)
    save_file(ft.file, upload.name, upload)
    ft.save()
    audit_record(review=review, actor=actor, verb="fulltext.attach", obj=ft,
                 before={"file": old.file_name} if old else None,
                 after={"record": record.id, "file": ft.file_name})
    _mark_retrieved(actor, review, record)
    return ft


def _mark_retrieved(actor, review, record):
    # The full text has arrived: a report marked not retrieved is retrieved now.
    for item in Item.objects.select_for_update(of=("self",)).filter(
            record=record, stage=Stage.FULL_TEXT, not_retrieved=True):
        tracked = counts.Tracked(item)
        item.not_retrieved = False
        item.save(update_fields=["not_retrieved"])
        audit_record(review=review, actor=actor, verb="fulltext.not_retrieved", obj=item,
                     before={"not_retrieved": True}, after={"not_retrieved": False})
        tracked.moved(item)


@transaction.atomic
def fulltext_not_retrieved(*, actor, item_id, value=True, review_id=None):
    """Mark the report not retrieved (or clear the mark). Returns the item with its record and
    full text, read once under the lock, for the caller's answer. An API view passes the
    review of its URL: an item of another review is not found."""
    item = (Item.objects.select_for_update(of=("self",))
            .select_related("review", "record__full_text__uploaded_by")
            .filter(pk=item_id).first())
    if item is None or review_id not in (None, item.review_id):
        raise Item.DoesNotExist
    review, _m = review_for(actor, item.review_id, "screen")
    if item.stage != Stage.FULL_TEXT:
        raise ValidationError(_("Only a full-text report can be marked not retrieved."))
    if item.not_retrieved == value:
        return item  # a double submit: nothing changes, nothing is audited twice
    if value and (item.settled or item.votes.filter(superseded_at__isnull=True).exists()):
        # A report with votes was retrieved and is being assessed; PRISMA cannot count it
        # both ways.
        raise Conflict(_("This report already has votes; retract them (or reopen the "
                         "record) before marking it not retrieved."))
    # A report not retrieved leaves the counts of records needing votes (counts.buckets).
    tracked = counts.Tracked(item)
    item.not_retrieved = value
    item.save(update_fields=["not_retrieved"])
    audit_record(review=review, actor=actor, verb="fulltext.not_retrieved", obj=item,
                 before={"not_retrieved": not value}, after={"not_retrieved": value})
    tracked.moved(item)
    return item


_DOI = re.compile(r"10\.\d{4,9}[/_].+", re.I)


def _match(review, name):
    """A record for a file name: by DOI in the name (/ written as _), PMID, or title start."""
    stem = PurePath(name).stem.strip()
    records = Record.objects.filter(review=review, screening_items__stage=Stage.FULL_TEXT)
    doi = _DOI.search(stem)
    if doi:
        candidates = {doi.group(0).lower(), doi.group(0).lower().replace("_", "/")}
        hit = records.filter(doi__in=candidates).first()
        if hit:
            return hit
    if stem.isdigit():
        hit = records.filter(pmid=stem).first()
        if hit:
            return hit
    words = re.sub(r"[_\W]+", " ", stem).strip().lower()
    if len(words) >= 12:
        for record in records.exclude(title=None):
            if re.sub(r"\W+", " ", record.title).strip().lower().startswith(words):
                return record
    return None


def fulltext_bulk_attach(*, actor, review_id, uploads):
    """Match each PDF to a full-text record; each file is its own transaction."""
    review, _m = review_for(actor, review_id, "screen")
    report = []
    for upload in uploads:
        record = _match(review, upload.name)
        if record is None:
            report.append((upload.name, None, _("no record matches this file name")))
            continue
        try:
            fulltext_attach(actor=actor, record_id=record.id, upload=upload)
        except ValidationError as exc:
            report.append((upload.name, record, "; ".join(exc.messages)))
        else:
            report.append((upload.name, record, ""))
    return report

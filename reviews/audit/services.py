"""Writes audit events; every service that changes review data calls this in its transaction."""

from django.db import transaction

from ..models import AuditEvent


def audit_record(
    *, review, actor, verb, obj=None, object_type="", object_id="", before=None, after=None
):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        review=review,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
    )

"""Writes audit events; every service that changes review data calls this in its transaction.
Also how an event's before and after values read on the audit log page."""

import json

from django.db import transaction
from django.utils.translation import gettext as _

from .models import AuditEvent


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


def _shown(value):
    """One value of an event as a person reads it: text as is, lists joined, nothing as —."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_changes(before, after):
    """[(key, before as shown or None, after as shown or None)] of an event, keys in the
    order the event wrote them: what changed, readable, instead of the stored dicts."""
    before = before if isinstance(before, dict) else ({} if before is None else {"": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"": after})
    keys = list(dict.fromkeys([*before, *after]))
    return [(key, _shown(before[key]) if key in before else None,
             _shown(after[key]) if key in after else None) for key in keys]

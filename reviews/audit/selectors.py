"""Reads of the audit log, scoped to the acting user like every read."""
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from ..access import review_for
from ..models import AuditEvent


def audit_events_for_review(*, user, review_id, verb=None, actor=None, since=None,
                            until=None):
    """The review's audit events, newest first, filtered by kind (verb), person (username)
    and day: `since` and `until` are dates, both days included, in the site's time zone."""
    review, _ = review_for(user, review_id, "manage")
    events = AuditEvent.objects.filter(review=review).select_related("actor")
    if verb:
        events = events.filter(verb=verb)
    if actor:
        events = events.filter(Q(actor__username=actor))
    zone = timezone.get_current_timezone()
    if since:
        events = events.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        events = events.filter(
            created_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone))
    return events

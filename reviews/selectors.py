"""Reads, always scoped to the acting user."""

from django.db.models import Count, Q

from .access import review_for
from .models import AuditEvent, Invitation, Membership, Review


def reviews_for_user(*, user):
    return (
        Review.objects.filter(memberships__user=user)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("-created_at", "-id")
    )


def role_of(*, user, review):
    return (
        Membership.objects.filter(review=review, user=user).values_list("role", flat=True).first()
    )


def members_for_review(*, user, review_id):
    review, _ = review_for(user, review_id, "read")
    return (
        Membership.objects.filter(review=review)
        .select_related("user")
        .order_by("role", "user__username")
    )


def open_invitations_for_review(*, user, review_id):
    review, _ = review_for(user, review_id, "manage")
    return Invitation.objects.filter(review=review, accepted_at=None, revoked_at=None)


def audit_events_for_review(*, user, review_id, verb=None, actor=None):
    review, _ = review_for(user, review_id, "manage")
    events = AuditEvent.objects.filter(review=review).select_related("actor")
    if verb:
        events = events.filter(verb=verb)
    if actor:
        events = events.filter(Q(actor__username=actor))
    return events


def stage_counts(*, review):
    """The review home's import counts: searches done and records identified."""
    from django.db.models import Sum
    from django.utils.translation import gettext_lazy as _

    from .models import Search

    done = Search.objects.filter(review=review, status=Search.Status.DONE)
    totals = done.aggregate(n=Count("id"), records=Sum("record_count"))
    return {"import": [(_("Searches"), totals["n"] or 0),
                       (_("Records identified"), totals["records"] or 0)]}


def unique_records_for_review(*, review):
    """The records that enter title/abstract screening: one per duplicate cluster, by id."""
    from .models import Record

    return Record.objects.filter(review=review).order_by("id")

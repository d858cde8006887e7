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

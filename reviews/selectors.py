"""Reads, always scoped to the acting user."""

from django.db.models import Count, OuterRef, Q, Subquery

from .access import review_for
from .duplicates.selectors import duplicate_counts
from .models import Invitation, Membership, Review
from .searches.selectors import import_counts


def reviews_for_user(*, user):
    """The user's reviews, each with its team size and the user's role. The count is
    annotated before the filter on the user's membership: after it, it would count only
    that one membership."""
    mine = Membership.objects.filter(review=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Review.objects.annotate(member_count=Count("memberships", distinct=True))
        .filter(memberships__user=user)
        .annotate(my_role=Subquery(mine))
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


def open_invitations_for_user(*, user):
    """Invitations sent to this user's username or email address that they can still accept,
    for their dashboard (the invitation's own page checks the same match on accepting)."""
    from django.utils import timezone

    sent_to_me = Q(invitee__iexact=user.username)
    if user.email:
        sent_to_me |= Q(invitee__iexact=user.email)
    return (Invitation.objects.filter(sent_to_me, accepted_at=None, revoked_at=None,
                                      expires_at__gt=timezone.now())
            .exclude(review__memberships__user=user)
            .select_related("review", "invited_by").order_by("-created_at"))


def stage_counts(*, review):
    """The review home's counts of the import and de-duplication stages."""
    from django.utils.translation import gettext_lazy as _

    dedup = duplicate_counts(review=review)
    return {
        "import": import_counts(review=review),
        "dedup": [
            (_("Duplicates removed automatically"), dedup["removed_automatically"]),
            (_("Duplicates removed by a person"), dedup["removed_by_person"]),
            (_("Pairs waiting for a decision"), dedup["waiting"]),
            (_("Unique records"), dedup["unique"]),
        ],
    }

"""Reads, always scoped to the acting user."""

from django.db.models import Count, OuterRef, Q, Subquery

from .access import review_for
from .models import AuditEvent, Invitation, Membership, Review


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


def audit_events_for_review(*, user, review_id, verb=None, actor=None, since=None,
                            until=None):
    """The review's audit events, newest first, filtered by kind (verb), person (username)
    and day: `since` and `until` are dates, both days included, in the site's time zone."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

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


def stage_counts(*, review):
    """The review home's counts of the import and de-duplication stages."""
    from django.utils.translation import gettext_lazy as _

    from .searches.selectors import import_counts

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


def unique_records_for_review(*, review):
    """The records that enter title/abstract screening: one per duplicate cluster, by id."""
    from .models import Record

    return Record.objects.filter(review=review, duplicate_of__isnull=True).order_by("id")


def _kept_of(prefix):
    from django.db.models import F
    from django.db.models.functions import Coalesce

    return Coalesce(F(f"{prefix}__duplicate_of_id"), F(f"{prefix}_id"))


def duplicate_queue_for_review(*, review):
    """Open pairs whose records are still in different clusters, best first."""
    from django.db.models import F

    from .models import DuplicatePair

    return (
        DuplicatePair.objects.filter(review=review, status=DuplicatePair.Status.OPEN)
        .annotate(kept_a=_kept_of("record_a"), kept_b=_kept_of("record_b"))
        .exclude(kept_a=F("kept_b"))
        .select_related("record_a__search", "record_b__search")
        .order_by("-score", "record_a_id", "record_b_id")
    )


def duplicate_clusters_for_review(*, review):
    """Kept records that have removed duplicates, by id, with their members prefetched."""
    from django.db.models import Prefetch

    from .models import Record

    members = Record.objects.select_related("search").order_by("id")
    return (
        Record.objects.filter(review=review, duplicate_of__isnull=True, duplicates__isnull=False)
        .distinct()
        .select_related("search")
        .prefetch_related(Prefetch("duplicates", queryset=members))
        .order_by("id")
    )


def duplicate_counts(*, review):
    """What PRISMA 2020 needs from de-duplication, plus the work left."""
    from .models import Record

    records = Record.objects.filter(review=review)
    totals = records.aggregate(
        total=Count("id"),
        auto=Count("id", filter=Q(duplicate_of__isnull=False, dedup_method="auto")),
        manual=Count("id", filter=Q(duplicate_of__isnull=False, dedup_method="manual")),
        unchecked=Count("id", filter=Q(dedup_checked=False)),
    )
    removed = totals["auto"] + totals["manual"]
    return {
        "records": totals["total"],
        "removed_automatically": totals["auto"],
        "removed_by_person": totals["manual"],
        "unique": totals["total"] - removed,
        "waiting": duplicate_queue_for_review(review=review).count(),
        "unchecked": totals["unchecked"],
    }

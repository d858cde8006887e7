"""Reads of the de-duplication stage: the pair queue, merged groups, counts, unique records."""

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Coalesce

from ..models import DuplicatePair, Record


def unique_records_for_review(*, review):
    """The records that enter title/abstract screening: one per duplicate cluster, by id."""
    return Record.objects.filter(review=review, duplicate_of__isnull=True).order_by("id")


def _kept_of(prefix):
    return Coalesce(F(f"{prefix}__duplicate_of_id"), F(f"{prefix}_id"))


def duplicate_queue_for_review(*, review):
    """Open pairs whose records are still in different clusters, best first."""
    return (
        DuplicatePair.objects.filter(review=review, status=DuplicatePair.Status.OPEN)
        .annotate(kept_a=_kept_of("record_a"), kept_b=_kept_of("record_b"))
        .exclude(kept_a=F("kept_b"))
        .select_related("record_a__search", "record_b__search")
        .order_by("-score", "record_a_id", "record_b_id")
    )


def duplicate_clusters_for_review(*, review):
    """Kept records that have removed duplicates, by id, with their members prefetched."""
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

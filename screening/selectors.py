"""Reads of the screening stage, scoped to the acting user and blinded as the review says."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from reviews.access import review_for
from reviews.models import Role

from .agreement import cohen_kappa, percent_agreement
from .counts import team_counts
from .leasing import lease_next
from .models import Decision, ExclusionReason, Item, ItemStatus, Stage, Vote
from .services import unblinded_stages


def queue_for_reviewer(*, user, review, stage):
    """Records that still need votes and that this reviewer has not voted on, best first."""
    mine = Vote.objects.filter(item=OuterRef("pk"), reviewer=user, superseded_at__isnull=True)
    return (Item.objects.filter(review=review, stage=stage, status=ItemStatus.PENDING,
                                live_votes__lt=review.reviewers_per_record)
            .exclude(Exists(mine)).select_related("record__full_text", "review")
            .order_by("-priority", "id"))


def next_for_reviewer(*, user, review, stage, skip=()):
    """The reviewer's next record, leased to them (see leasing.lease_next)."""
    chosen = lease_next(user=user, review=review, stage=stage, now=timezone.now(), skip=skip)
    if chosen is None:
        return None
    item = Item.objects.select_related("record__full_text").get(pk=chosen)
    item.review = review
    return item


def votes_visible(*, user, membership, item, mine=None):
    """Blinding: no reviewer sees another's vote on a record before voting on it."""
    review = item.review
    if not review.blind_screening:
        return True
    if mine is None:  # not looked up yet (False: looked up, none)
        mine = Vote.objects.filter(item=item, reviewer=user, superseded_at__isnull=True).first()
    if mine:
        return True
    judges = (Role.OWNER, Role.ADJUDICATOR)
    if membership.role in judges and item.status != ItemStatus.PENDING:
        return True
    return item.stage in unblinded_stages(review)


def item_view(*, user, membership, item, mine=None):
    """Everything the screening page shows of one record, blinded. `mine=False` says the
    caller knows the user has no live vote on it (a record just taken from their queue)."""
    record = item.record
    if mine is None:
        mine = Vote.objects.filter(item=item, reviewer=user, superseded_at__isnull=True).first()
    data = {
        "id": item.id, "stage": item.stage, "status": item.status,
        "record": {f: getattr(record, f) for f in (
            "id", "title", "title_translated", "abstract", "authors", "year", "journal",
            "volume", "issue", "pages", "doi", "pmid", "keywords", "language")},
        "my_vote": _vote_dict(mine) if mine else None,
        "full_text": _full_text(record),
        "not_retrieved": item.not_retrieved,
        "votes": None,
        "decision": None,
    }
    if votes_visible(user=user, membership=membership, item=item, mine=mine or False):
        live = item.votes.filter(superseded_at__isnull=True).select_related("reviewer", "reason")
        data["votes"] = [dict(_vote_dict(v), reviewer=v.reviewer.username) for v in live]
        data["decision"] = item.decision or None
    return data


def _vote_dict(vote):
    return {"decision": vote.decision, "reason": vote.reason_id, "reason_text": vote.reason_text,
            "note": vote.note}


def _full_text(record):
    ft = getattr(record, "full_text", None)
    return {"name": ft.file_name, "size": ft.size} if ft else None


def progress(*, user, review, stage):
    """My progress and the team's. Aggregates only: nothing per record, so nothing unblinds.
    Served from counts that services keep fresh, so a vote costs no scan of every item."""
    needed = review.reviewers_per_record
    team = team_counts(review, stage)
    my_live = Vote.objects.filter(reviewer=user, superseded_at__isnull=True, item__review=review,
                                  item__stage=stage)
    mine = my_live.aggregate(all=Count("id"), open=Count("id", filter=Q(
        item__status=ItemStatus.PENDING, item__live_votes__lt=needed)))
    return {
        "stage": stage, "total": team["total"], "my_votes": mine["all"],
        "my_remaining": team["open"] - mine["open"],
        "settled": team["included"] + team["excluded"],
        "included": team["included"], "excluded": team["excluded"],
        "conflicts": team["conflicts"], "pending": team["pending"],
    }


def conflicts_for_review(*, user, review_id, stage):
    review, _m = review_for(user, review_id, "adjudicate")
    return (Item.objects.filter(review=review, stage=stage, status=ItemStatus.CONFLICT)
            .select_related("record").prefetch_related("votes__reviewer", "votes__reason")
            .order_by("id"))


def agreement_for_review(*, user, review_id):
    """Cohen's kappa and percent agreement per reviewer pair and stage (live votes)."""
    review, _m = review_for(user, review_id, "manage")
    rows = []
    for stage in Stage.values:
        by_item = {}
        for item_id, reviewer, decision in Vote.objects.filter(
                item__review=review, item__stage=stage, superseded_at__isnull=True
        ).values_list("item_id", "reviewer__username", "decision"):
            by_item.setdefault(item_id, {})[reviewer] = decision
        rows.extend(_pairs(stage, by_item))
    return rows


def _pairs(stage, by_item):
    reviewers = sorted({r for votes in by_item.values() for r in votes})
    out = []
    for i, a in enumerate(reviewers):
        for b in reviewers[i + 1:]:
            both = [(v[a], v[b]) for v in by_item.values() if a in v and b in v]
            if not both:
                continue
            xs, ys = [x for x, _y in both], [y for _x, y in both]
            out.append({"stage": stage, "reviewer_a": a, "reviewer_b": b, "n": len(both),
                        "percent_agreement": percent_agreement(xs, ys, Decision.values),
                        "kappa": cohen_kappa(xs, ys, Decision.values)})
    return out


SETTLED = (ItemStatus.INCLUDED, ItemStatus.EXCLUDED)


def prisma_counts(*, review):
    """PRISMA 2020 screening boxes, derived from the items (never typed in)."""
    ta = Item.objects.filter(review=review, stage=Stage.TITLE_ABSTRACT)
    ft = Item.objects.filter(review=review, stage=Stage.FULL_TEXT)
    reasons = (ft.filter(status=ItemStatus.EXCLUDED).values("reason__label")
               .annotate(n=Count("id")).order_by("reason__label"))
    included = ft.filter(status=ItemStatus.INCLUDED)
    studies = included.filter(record__study_report__isnull=False).values(
        "record__study_report__study").distinct().count()
    return {
        "screened": ta.count(),
        "excluded_screening": ta.filter(status=ItemStatus.EXCLUDED).count(),
        "sought": ft.count(),
        "not_retrieved": ft.filter(not_retrieved=True).count(),
        # Assessed: retrieved reports with a decision; the rest still await one, so the
        # boxes add up (sought = not retrieved + assessed + awaiting) at every moment.
        "assessed": ft.filter(not_retrieved=False, status__in=SETTLED).count(),
        "awaiting": ft.filter(not_retrieved=False).exclude(status__in=SETTLED).count(),
        "excluded_full_text": {r["reason__label"] or "": r["n"] for r in reasons},
        "reports_included": included.count(),
        "studies_included": studies + included.filter(record__study_report__isnull=True).count(),
    }


def stage_counts(*, review):
    """The review home's screening counts: aggregates only."""
    out = {}
    for stage, key in ((Stage.TITLE_ABSTRACT, "title_abstract"), (Stage.FULL_TEXT, "full_text")):
        counts = dict(Item.objects.filter(review=review, stage=stage).values_list("status")
                      .annotate(n=Count("id")))
        if counts:
            out[key] = [(ItemStatus(s).label, counts.get(s, 0)) for s in ItemStatus.values]
    return out


def exclusion_reasons(*, review):
    return ExclusionReason.objects.filter(review=review, active=True)


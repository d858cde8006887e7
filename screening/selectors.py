"""Reads of the screening stage, scoped to the acting user and blinded as the review says."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from . import blinding
from .agreement import cohen_kappa, percent_agreement
from .counts import team_counts
from .leasing import lease_next
from .models import SETTLED_STATUSES, Decision, Item, ItemStatus, Stage, Vote


def queue_for_reviewer(*, user, review, stage):
    """Records that still need votes and that this reviewer has not voted on, best first.
    A full-text report marked not retrieved is not offered: there is nothing to judge."""
    mine = Vote.objects.filter(item=OuterRef("pk"), reviewer=user, superseded_at__isnull=True)
    return (Item.objects.filter(review=review, stage=stage, status=ItemStatus.PENDING,
                                live_votes__lt=review.reviewers_per_record, not_retrieved=False)
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


def review_item(*, review, item_id):
    """The item `item_id` of this review, with its record and the record's full text (and
    who uploaded it), or 404: an item of another review is not found, not refused."""
    item = (Item.objects.filter(pk=item_id, review=review)
            .select_related("record__full_text__uploaded_by").first())
    if item is None:
        raise Http404
    item.review = review  # the row the caller's access check has just read
    return item


UNDO_STEPS = 20


def undoable_items(*, user, review, stage, limit=UNDO_STEPS):
    """The records whose live vote the reviewer may still withdraw, last voted first: their
    own votes on records not yet settled (by the other votes or an adjudicator). Kept in
    the database, so undo reaches back several steps and survives a reload."""
    return list(Vote.objects.filter(reviewer=user, superseded_at__isnull=True,
                                    item__review=review, item__stage=stage)
                .exclude(item__status__in=SETTLED_STATUSES)
                .order_by("-created_at", "-id").values_list("item_id", flat=True)[:limit])


def votes_visible(*, membership, item, mine):
    """Blinding (screening.blinding, the one rule): `mine` is the viewer's live vote on the
    record, or None."""
    return blinding.votes_visible(membership=membership, item=item, mine=mine)


def _live(item):
    return list(item.votes.filter(superseded_at__isnull=True)
                .select_related("reviewer", "reason"))


def item_view(*, user, membership, item, mine=None, live=None):
    """Everything the screening page shows of one record, blinded. `mine=False` says the
    caller knows the user has no live vote on it (a record just taken from their queue);
    `live`, the item's live votes when the caller has them already (the conflicts list)."""
    record = item.record
    if live is not None:
        mine = next((v for v in live if v.reviewer_id == user.id), None)
    elif mine is None:
        mine = (Vote.objects.filter(item=item, reviewer=user, superseded_at__isnull=True)
                .select_related("reason").first())
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
        "relevance": _relevance(item, record),
    }
    if votes_visible(membership=membership, item=item, mine=mine or None):
        live = _live(item) if live is None else live
        data["votes"] = [dict(_vote_dict(v), reviewer=v.reviewer.username) for v in live]
        data["decision"] = item.decision or None
    return data


def _relevance(item, record):
    """The model's relevance of the record, when the owner chose to show it (off by
    default): it comes from the model trained on settled decisions, never from votes."""
    from .services import screening_options

    if item.stage != Stage.TITLE_ABSTRACT or not screening_options(item.review).get(
            "show_relevance"):
        return None
    from .prioritisation.ranking import record_text
    from .prioritisation.selectors import relevance_of

    return relevance_of(item.review_id, [record_text(record.title, record.abstract,
                                                     record.keywords)])[0]


def _vote_dict(vote):
    return {"decision": vote.decision, "reason": vote.reason_id,
            "reason_label": vote.reason.display_label if vote.reason_id else None,
            "reason_text": vote.reason_text, "note": vote.note}


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
        item__status=ItemStatus.PENDING, item__live_votes__lt=needed,
        item__not_retrieved=False)))
    return {
        "stage": stage, "total": team["total"], "my_votes": mine["all"],
        "my_remaining": team["open"] - mine["open"],
        "settled": team["included"] + team["excluded"],
        "included": team["included"], "excluded": team["excluded"],
        "conflicts": team["conflicts"], "pending": team["pending"],
        "not_retrieved": team["not_retrieved"],
        "stopped": team["stopped"],
        "closed": team["included"] + team["excluded"] + team["stopped"],
    }


CONFLICTS_SHOWN = 200


def conflict_views(*, user, membership, review, stage):
    """The stage's conflicts as the conflicts page and API show them (access is checked by
    the caller): three queries however many there are, not four per conflict."""
    live = Prefetch("votes", to_attr="live",
                    queryset=Vote.objects.filter(superseded_at__isnull=True)
                    .select_related("reviewer", "reason"))
    items = (Item.objects.filter(review=review, stage=stage, status=ItemStatus.CONFLICT)
             .select_related("record__full_text").prefetch_related(live)
             .order_by("id")[:CONFLICTS_SHOWN])
    views = []
    for item in items:
        item.review = review
        views.append(item_view(user=user, membership=membership, item=item, live=item.live))
    return views


def agreement_for_review(*, review, membership):
    """Cohen's kappa and percent agreement per reviewer pair and stage (live votes); access
    is checked by the caller. Blinded: only records whose votes this member may see count,
    so a pair's agreement cannot move when a co-reviewer votes on a record the member may
    still vote on."""
    seen = blinding.visible_items(membership=membership, review=review)
    rows = []
    for stage in Stage.values:
        by_item = {}
        for item_id, reviewer, decision in Vote.objects.filter(
                item__in=seen, item__stage=stage, superseded_at__isnull=True
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


def prisma_counts(*, review):
    """PRISMA 2020 screening boxes, derived from the items (never typed in)."""
    ta = Item.objects.filter(review=review, stage=Stage.TITLE_ABSTRACT)
    ft = Item.objects.filter(review=review, stage=Stage.FULL_TEXT)
    reasons = (ft.filter(status=ItemStatus.EXCLUDED).values("reason__label")
               .annotate(n=Count("id")).order_by("reason__label"))
    stopped = ta.filter(status=ItemStatus.STOPPED).count()
    return {
        # Records the stopping rule set aside were never screened: PRISMA 2020 counts them
        # before screening, as marked ineligible by automation tools.
        "automation": stopped,
        "screened": ta.count() - stopped,
        "excluded_screening": ta.filter(status=ItemStatus.EXCLUDED).count(),
        "sought": ft.count(),
        "not_retrieved": ft.filter(not_retrieved=True).count(),
        # Assessed: retrieved reports with a decision; the rest still await one, so the
        # boxes add up (sought = not retrieved + assessed + awaiting) at every moment.
        "assessed": ft.filter(not_retrieved=False, status__in=SETTLED_STATUSES).count(),
        "awaiting": ft.filter(not_retrieved=False).exclude(status__in=SETTLED_STATUSES).count(),
        "excluded_full_text": {r["reason__label"] or "": r["n"] for r in reasons},
        **included_counts(review=review),
    }


def included_counts(*, review):
    """Reports included at full text, and the studies they make (linked reports count once):
    the end of screening and the start of extraction."""
    included = Item.objects.filter(review=review, stage=Stage.FULL_TEXT,
                                   status=ItemStatus.INCLUDED)
    studies = included.filter(record__study_report__isnull=False).values(
        "record__study_report__study").distinct().count()
    return {
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

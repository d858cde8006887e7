"""Screening's part of the blinding policy (reviews.blinding): who may see the votes on a record.

One rule, in two forms that must agree: `votes_visible` for a record in hand (no query), and
`visible_items` as a filter over many (the audit log, agreement statistics). A member sees the
votes on a record, and everything derived from them (its decision, conflicts, agreement), when
  - the review is not blinded, or the owner has unblinded the record's stage, or
  - the member has a live vote on it, or
  - the member may adjudicate and the record is no longer waiting for votes (it is in
    conflict or settled, so nobody can add a vote to it).
"""

from django.db.models import Exists, OuterRef, Q

from reviews.access import can
from reviews.ids import parse_id

from .models import Adjudication, Item, ItemStatus, Vote
from .services import unblinded_stages


def _unblinded(review):
    return unblinded_stages(review)


def votes_visible(*, membership, item, mine, unblinded=None):
    """`mine`: the viewer's live vote on the item, or None. `unblinded`: the review's
    unblinded stages where the caller has read them once for many items (a list of records
    would otherwise read the settings cache once a row)."""
    review = item.review
    if not review.blind_screening or mine:
        return True
    if can(membership, "adjudicate") and item.status != ItemStatus.PENDING:
        return True
    return item.stage in (_unblinded(review) if unblinded is None else unblinded)


def visible_items(*, membership, review):
    """The review's items whose votes this member may see (the same rule as a filter)."""
    items = Item.objects.filter(review=review)
    if not review.blind_screening:
        return items
    mine = Vote.objects.filter(item=OuterRef("pk"), reviewer_id=membership.user_id,
                               superseded_at__isnull=True)
    seen = Q(Exists(mine)) | Q(stage__in=list(_unblinded(review)))
    if can(membership, "adjudicate"):
        seen |= ~Q(status=ItemStatus.PENDING)
    return items.filter(seen)


_ITEM_OF = {
    "screening.item": None,
    "screening.vote": Vote,
    "screening.adjudication": Adjudication,
}


def _judged_items(events):
    """{event id: item id} for events on items, votes and adjudications."""
    ids = {kind: {parse_id(e.object_id) for e in events if e.object_type == kind
                  and parse_id(e.object_id)} for kind in _ITEM_OF}
    item_of = {kind: dict(model.objects.filter(pk__in=ids[kind]).values_list("pk", "item_id"))
               for kind, model in _ITEM_OF.items() if model is not None and ids[kind]}
    found = {}
    for e in events:
        pk = parse_id(e.object_id)
        if e.object_type not in _ITEM_OF or pk is None:
            continue
        found[e.id] = pk if _ITEM_OF[e.object_type] is None else item_of.get(
            e.object_type, {}).get(pk)
    return found


def hidden_events(*, membership, events):
    """reviews.blinding resolver: events judging a record whose votes the member may not see.
    An event whose record is unknown is hidden while the review is blinded; one whose record
    is gone is shown, since nobody can judge that record any more."""
    judged = _judged_items(events)
    wanted = {i for i in judged.values() if i is not None}
    existing = set(Item.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    seen = set(visible_items(membership=membership, review=membership.review)
               .filter(pk__in=wanted).values_list("pk", flat=True))
    blind = membership.review.blind_screening
    hidden = set()
    for event in events:
        item_id = judged.get(event.id)
        if (item_id is None and blind) or (item_id in existing and item_id not in seen):
            hidden.add(event.id)
    return hidden


# The verbs that carry a judgement on a record: votes, settlements, conflicts, reopenings,
# adjudications. Registered from ScreeningConfig.ready.
JUDGEMENT_VERBS = ("vote.", "item.", "conflict.")

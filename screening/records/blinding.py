"""The records workbench's part of the blinding policy (screening.blinding holds the rule).

Status, decision, exclusion reason and conflict are judgements: a member sees them on a
record's item only where `screening.blinding` lets them see its votes. Elsewhere the list
shows "pending" while the item waits for votes (that says nothing about anyone's vote) and
"hidden" once all its votes are in.

Comments. A comment may carry its author's judgement ("wrong population, out"), so:

    A comment is vote-revealing when its author has voted (a live, changed or withdrawn
    vote) on the record at the stage the comment was written in. A vote-revealing comment
    is shown to its author, and to anyone else only once that stage's item is settled or
    once they may see the item's votes (screening.blinding.votes_visible: they voted too,
    the stage was unblinded, the review is not blinded, or they adjudicate and the item no
    longer waits for votes). Other comments are shown to the whole team.

The rule is evaluated when the comment is read, not when it is written, so a comment written
before its author voted is hidden from the moment the vote is cast (it may well have said
which way the author leaned). A reopened record hides such comments again until it settles.
Labels are not judgements and are shown to everyone.
"""
from reviews import blinding as policy
from reviews.ids import parse_id

from ..blinding import votes_visible
from ..models import SETTLED_STATUSES, Item, ItemStatus, Vote
from ..services import unblinded_stages

HIDDEN = "hidden"


def shown_status(item, visible):
    if item is None:
        return None
    if visible or item.status == ItemStatus.PENDING:
        return item.status
    return HIDDEN


class CommentRule:
    """`comment_rule.hidden(comment)` for the comments of some records, as one member
    sees them: reads the items and votes it needs in three queries, however many comments."""

    def __init__(self, *, membership, record_ids):
        self.membership = membership
        review = membership.review
        self.items = {(i.record_id, i.stage): i for i in
                      Item.objects.filter(review=review, record_id__in=record_ids)}
        for item in self.items.values():
            item.review = review
        votes = Vote.objects.filter(item__in=list(self.items.values()))
        self.voters = set(votes.values_list("item_id", "reviewer_id"))
        self.mine = {i: True for i in votes.filter(
            reviewer_id=membership.user_id, superseded_at__isnull=True
        ).values_list("item_id", flat=True)}
        self.unblinded = unblinded_stages(review)  # read once, not once a comment

    def hidden(self, comment):
        item = self.items.get((comment.record_id, comment.stage))
        if item is None or comment.author_id == self.membership.user_id:
            return False
        if (item.id, comment.author_id) not in self.voters:
            return False  # the author has not voted on it: nothing to reveal
        if item.status in SETTLED_STATUSES:
            return False
        return not votes_visible(membership=self.membership, item=item,
                                 mine=self.mine.get(item.id), unblinded=self.unblinded)


def visible_comments(comments, *, membership):
    """The comments as this member may read them: hidden ones are dropped, and the number
    dropped is returned so the page can say some wait for the member's vote."""
    comments = list(comments)
    rule = CommentRule(membership=membership, record_ids={c.record_id for c in comments})
    shown = [c for c in comments if not rule.hidden(c)]
    return shown, len(comments) - len(shown)


def hidden_comment_events(*, membership, events):
    """reviews.blinding resolver for "comment." events: hidden when the comment is."""
    from .models import Comment

    ids = {parse_id(e.object_id) for e in events}
    comments = {c.id: c for c in Comment.objects.filter(pk__in=ids - {None},
                                                          review=membership.review)}
    rule = CommentRule(membership=membership,
                       record_ids={c.record_id for c in comments.values()})
    hidden = set()
    for event in events:
        comment = comments.get(parse_id(event.object_id))
        if comment is not None and rule.hidden(comment):
            hidden.add(event.id)
    return hidden


def register():
    policy.register("comment.", hidden_comment_events)


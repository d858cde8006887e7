"""The permission matrix's foreign-object dimension: every URL with an object id, called with
another review's object inside this review's URL, answers 404 (and changes nothing there).

New URLs join automatically: the URL walk and the argument factories are the permission
matrix's, applied to a second team whose review the caller does not belong to.
"""
import re
from types import SimpleNamespace

import pytest

from tests.test_permission_matrix import CASES, KWARG_FACTORIES, REVIEW_SCOPED, _call

# Arguments that name no object of another review: a format, a figure kind, a per-review
# snapshot number.
NOT_OBJECTS = {"review_id", "stage", "fmt", "kind", "ext", "export_name", "figure", "image_fmt",
               "number"}


def _args(name):
    route = next(r for r, p in REVIEW_SCOPED if p.name == name)
    return [a for a in re.findall(r"<(?:\w+:)?(\w+)>", route) if a not in NOT_OBJECTS]


FOREIGN_CASES = [(name, method) for name, method, _ability in CASES if _args(name)]


def _foreign_team(team):
    """The outsider's review, with a reviewer, as the factories expect a team to look."""
    from django.contrib.auth import get_user_model

    from reviews.models import Membership, Role

    helper = get_user_model().objects.create_user("foreign-reviewer", password="x")
    Membership.objects.create(review=team.other_review, user=helper, role=Role.REVIEWER)
    third = get_user_model().objects.create_user("foreign-adjudicator", password="x")
    Membership.objects.create(review=team.other_review, user=third, role=Role.ADJUDICATOR)
    return SimpleNamespace(
        review=team.other_review,
        users={"owner": team.users["outsider"], "reviewer": helper, "adjudicator": third},
        memberships={m.user.username if m.user != helper else "reviewer": m
                     for m in Membership.objects.filter(review=team.other_review)},
    )


def _snapshot(review):
    """What a request could change in the other review: its rows and its audit trail."""
    from reviews.models import AuditEvent, Invitation, Membership, Record
    from screening.models import Item, Vote

    return (AuditEvent.objects.filter(review=review).count(),
            list(Membership.objects.filter(review=review).values_list("id", "role")),
            list(Invitation.objects.filter(review=review).values_list(
                "id", "revoked_at", "token")),
            list(Record.objects.filter(review=review).values_list("id", "duplicate_of_id")),
            list(Item.objects.filter(review=review).values_list("id", "status")),
            Vote.objects.filter(item__review=review).count())


@pytest.mark.parametrize(("name", "method"), FOREIGN_CASES)
def test_another_reviews_object_in_this_reviews_url_is_404(team, name, method):
    from django.urls import reverse

    foreign = _foreign_team(team)
    kwargs = {"review_id": team.review.id}
    route = next(r for r, p in REVIEW_SCOPED if p.name == name)
    for arg in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if arg == "stage":
            kwargs[arg] = "ta"
        elif arg != "review_id":
            kwargs[arg] = KWARG_FACTORIES[arg](foreign)
    before = _snapshot(team.other_review)
    response = _call(team.client("owner"), method, reverse(name, kwargs=kwargs))
    assert response.status_code == 404, (name, method, response.status_code)
    assert _snapshot(team.other_review) == before

"""The one access helper every review-scoped page and endpoint goes through.

An outsider (or anyone asking for a review that does not exist) gets 404, so the existence
of other teams' reviews never leaks; a member whose role is too low gets 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.utils.translation import gettext as _

from .ids import MAX_ID, parse_id
from .models import Membership, Review, Role

# Which roles may do what. Every review-scoped URL declares one of these per HTTP method.
ABILITIES = {
    "read": {Role.OWNER, Role.REVIEWER, Role.ADJUDICATOR, Role.VIEWER},
    "screen": {Role.OWNER, Role.REVIEWER, Role.ADJUDICATOR},
    "adjudicate": {Role.OWNER, Role.ADJUDICATOR},
    "manage": {Role.OWNER},
}


def membership_for(user, review_id):
    if not user.is_authenticated:
        return None
    if not isinstance(review_id, int) or not 0 < review_id <= MAX_ID:
        # A URL written with <int:review_id> instead of <id:...> still answers 404, not an
        # OverflowError from the foreign-key lookup below.
        review_id = parse_id(str(review_id))
        if review_id is None:
            return None
    return (
        Membership.objects.select_related("review").filter(review_id=review_id, user=user).first()
    )


def review_for(user, review_id, ability="read"):
    """Return (review, membership) or raise Http404 / PermissionDenied."""
    if ability not in ABILITIES:
        raise ValueError(f"unknown ability {ability!r}")
    membership = membership_for(user, review_id)
    if membership is None:
        raise Http404("No such review.")
    if membership.role not in ABILITIES[ability]:
        raise PermissionDenied(_("Your role in this review does not allow this."))
    return membership.review, membership


def can(membership, ability):
    return membership is not None and membership.role in ABILITIES[ability]


def review_view(**abilities):
    """Decorate a function view taking `review_id`: checks access per method and passes
    `review` and `membership` to the view. Methods not named answer 405."""
    abilities = {m.upper(): a for m, a in abilities.items()}
    for ability in abilities.values():
        if ability not in ABILITIES:
            raise ValueError(f"unknown ability {ability!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, review_id, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            ability = abilities.get(request.method)
            if ability is None:
                if request.method == "HEAD" and "GET" in abilities:
                    ability = abilities["GET"]
                else:
                    # Outsiders still get 404 first: a 405 would confirm the review exists.
                    review_for(request.user, review_id, "read")
                    return HttpResponseNotAllowed(list(abilities))
            review, membership = review_for(request.user, review_id, ability)
            request.review, request.membership = review, membership
            return view(request, review, membership, *args, **kwargs)

        wrapper.review_access = abilities
        return wrapper

    return decorator


def reviews_visible_to(user):
    return Review.objects.filter(memberships__user=user)

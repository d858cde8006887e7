"""The demo review, modelled on the reference review (MSCs for systemic sclerosis).

Its data ship in `data/` beside this module; nothing here reads ../shared. This module loads
the review and its team; `screening.py` and `synthesis.py` replay the two halves of the work.
"""
import json
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from reviews.audit.services import audit_record
from reviews.models import Membership, Review

DEMO_FILE = Path(__file__).resolve().parent / "data" / "review.json"


def demo_spec():
    with DEMO_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def _demo_password():
    return secrets.token_urlsafe(9)


@transaction.atomic
def demo_load(*, passwords=None):
    """Create (or refresh) the demo users and review. Returns {username: password}.

    Safe to run twice: users and the review are found by name, memberships by pair, and
    every demo user's password is reset to the one returned.
    """
    spec = demo_spec()
    User = get_user_model()
    passwords = dict(passwords or {})
    users = {}
    for entry in spec["users"]:
        user, _ = User.objects.get_or_create(
            username=entry["username"],
            defaults={"first_name": entry["first_name"], "last_name": entry["last_name"],
                      "email": f"{entry['username']}@example.org"},
        )
        password = passwords.setdefault(entry["username"], _demo_password())
        user.set_password(password)
        user.save()
        users[entry["username"]] = (user, entry["role"])

    owner = next(u for u, role in users.values() if role == "owner")
    # The first such review: a copy the owner imported from an archive has the same title
    # and owner, and the newest-first ordering of reviews would pick the copy.
    review = (Review.objects.filter(title=spec["review"]["title"], created_by=owner)
              .order_by("id").first())
    if review is None:
        review = Review.objects.create(created_by=owner, **spec["review"])
        audit_record(review=review, actor=owner, verb="review.create", obj=review,
                     after={"title": review.title, "source": "demo"})
    for user, role in users.values():
        Membership.objects.get_or_create(review=review, user=user, defaults={"role": role})
    return review, passwords


def demo_populate(review):
    """Import the demo's seven searches, de-duplicate and screen them (demo/screening.py).
    Runs once: a review that already has searches is left as it is."""
    from .screening import demo_screen

    return demo_screen(review)

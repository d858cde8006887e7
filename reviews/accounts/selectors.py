"""Reads of accounts: a user's own event log."""
from ..models import AccountEvent


def account_events_for(*, user):
    """The user's account events, newest first: theirs only, whoever acted."""
    return (AccountEvent.objects.filter(user=user).select_related("actor")
            .order_by("-created_at", "-id"))

"""The account's event log: what each event is called, and the events of signing in and out and
of a password changed or reset (reviews.accounts.tokens writes the API token events).

Sign-in, sign-out and failed sign-in come from Django's auth signals (connected in
ReviewsConfig.ready), so every channel that signs in through django.contrib.auth counts: the
login page, the admin's, and failures at the API's /api/auth/token/. A failure is written only
for a username that exists (nobody's log gains events for a name that is no account), and never
with the password tried. Each event written during a request keeps the client's address
(REMOTE_ADDR, or behind a trusted proxy the client it forwarded: see throttle.address_of) and
the start of its User-Agent.

Writing one of these events never stops the sign-in, sign-out or password change it records:
a failure is logged with its traceback and the request goes on.
"""
import ipaddress
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import AccountEvent
from . import throttle

log = logging.getLogger(__name__)

USER_AGENT_MAX = AccountEvent._meta.get_field("user_agent").max_length

# What the account events page calls each event.
EVENT_LABELS = {
    "sign-in": _("Signed in"),
    "sign-in.fail": _("Failed sign-in"),
    "sign-out": _("Signed out"),
    "password.change": _("Password changed"),
    "password.reset": _("Password reset by link"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
    "token.end": _("API token ended"),
}


def client_of(request):
    """(ip, user_agent) of the request, as an event stores them; (None, None) without one."""
    if request is None:
        return None, None
    address = throttle.address_of(request)
    try:
        ip = str(ipaddress.ip_address(address))
    except ValueError:
        ip = None  # "unknown", or whatever a test client or a unix socket put there
    agent = (getattr(request, "META", None) or {}).get("HTTP_USER_AGENT") or ""
    return ip, agent[:USER_AGENT_MAX]


def event_record(*, user, actor, verb, request=None, **detail):
    """Write one account event of the user, with the request's client; on failure log it and
    return None, so that the action it records is not undone or refused."""
    ip, agent = client_of(request)
    try:
        with transaction.atomic():  # a savepoint: a failed insert leaves the caller's work be
            return AccountEvent.objects.create(user=user, actor=actor, verb=verb, detail=detail,
                                               ip=ip, user_agent=agent)
    except Exception:
        log.exception("could not write the account event %s for user %s", verb, user.pk)
        return None


def on_logged_in(sender, request, user, **kwargs):
    event_record(user=user, actor=user, verb="sign-in", request=request)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:  # signing out when nobody was signed in
        event_record(user=user, actor=user, verb="sign-out", request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """A failed sign-in for an existing account; nothing for a name that is no account.
    Only the username is read from the credentials (Django has masked the password)."""
    User = get_user_model()
    username = credentials.get(User.USERNAME_FIELD)
    if not isinstance(username, str) or not username:
        return
    try:
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
    except Exception:
        log.exception("could not look up the account of a failed sign-in")
        return
    if user is not None:
        # Nobody proven acted: whoever tried the password.
        event_record(user=user, actor=None, verb="sign-in.fail", request=request)

"""API tokens that expire: each user has at most one, which they can see, renew and revoke.

DRF's token (one per user, its creation time kept) is the credential; a token older than
API_TOKEN_DAYS (default 30) is refused, and asking /api/auth/token/ again replaces an expired
one instead of handing it back. The account page lists the token and renews or revokes it.
"""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def lifetime():
    return timedelta(days=settings.API_TOKEN_DAYS)


def expires_at(token):
    return token.created + lifetime()


def is_expired(token):
    return expires_at(token) <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            raise AuthenticationFailed(_("Token has expired; ask /api/auth/token/ for a new one."))
        return user, token


@transaction.atomic
def token_for(*, user):
    """The user's token, a new one when they have none or theirs has expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


@transaction.atomic
def token_renew(*, actor):
    """A new token for the actor; the old one stops working at once."""
    Token.objects.filter(user=actor).delete()
    return Token.objects.create(user=actor)


def token_revoke(*, actor):
    return Token.objects.filter(user=actor).delete()[0] > 0


def tokens_for(*, user):
    """The user's tokens as the account page lists them (the key only by its start)."""
    return [{"start": t.key[:6], "created": t.created, "expires_at": expires_at(t),
             "expired": is_expired(t)} for t in Token.objects.filter(user=user)]

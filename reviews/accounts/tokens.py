"""Named API tokens that expire: a user makes several, sees them listed and revokes any.

A token is a random secret shown once, when it is made; only its SHA-256 digest is stored
(the secret has 160 random bits, so a plain digest cannot be reversed by guessing, and a
stolen database holds no usable credential). A request authenticates with
`Authorization: Token SECRET`. Tokens end when they expire, when their owner revokes them,
and all at once when the owner's password changes. Every such change is written to the
account's event log (AccountEvent).

The API tokens page (/account/tokens/) makes tokens with a name and a lifetime (default
TOKEN_DEFAULT_DAYS, at most TOKEN_MAX_DAYS); POST /api/auth/token/ (throttled,
reviews.accounts.api) issues one named SIGN_IN_NAME that lives API_TOKEN_DAYS.
"""
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from ..models import AccountEvent, ApiToken

TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 366  # a year, leap years included
NAME_MAX = ApiToken._meta.get_field("name").max_length
SIGN_IN_NAME = "API sign-in"
# Tokens from /api/auth/token/ a user keeps at once: a script that signs in on every run must
# not pile up tokens without end; the oldest beyond this are ended.
SIGN_IN_KEEP = 10
# last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


# Why a token ended, as the account events page says it (reviews.accounts.events names the
# events themselves).
END_REASONS = {
    "password-change": _("the password changed"),
    "sign-in-limit": _("only the newest sign-in tokens are kept"),
}


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def _event(*, user, actor, verb, token, **extra):
    AccountEvent.objects.create(user=user, actor=actor, verb=verb, detail={
        "token": token.id, "name": token.name, "prefix": token.prefix, **extra})


def _issue(*, user, actor, name, days, issued_by):
    secret = secrets.token_hex(20)  # 40 characters, the shape DRF's tokens had
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:6], digest=digest(secret), issued_by=issued_by,
        created_at=now, expires_at=now + timedelta(days=days))
    _event(user=user, actor=actor, verb="token.create", token=token,
           expires_at=token.expires_at.isoformat(), issued_by=issued_by)
    return token, secret


@transaction.atomic
def token_create(*, actor, name, days=TOKEN_DEFAULT_DAYS):
    """A new named token of the actor's, and its secret (the only time it can be read)."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the token a name, e.g. the script that will use it.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("A name has at most %(n)d characters.") % {"n": NAME_MAX}
    if not isinstance(days, int) or not 1 <= days <= TOKEN_MAX_DAYS:
        errors["days"] = _("A token lasts from 1 to %(n)d days.") % {"n": TOKEN_MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    return _issue(user=actor, actor=actor, name=name, days=days,
                  issued_by=ApiToken.Issuer.PAGE)


@transaction.atomic
def token_sign_in(*, user):
    """A new token for someone who signed in at /api/auth/token/, and its secret. Their
    earlier sign-in tokens go on working, but only the newest SIGN_IN_KEEP are kept."""
    days = max(1, min(settings.API_TOKEN_DAYS, TOKEN_MAX_DAYS))
    token, secret = _issue(user=user, actor=user, name=SIGN_IN_NAME, days=days,
                           issued_by=ApiToken.Issuer.SIGN_IN)
    older = (ApiToken.objects.select_for_update()
             .filter(user=user, issued_by=ApiToken.Issuer.SIGN_IN)
             .order_by("-created_at", "-id")[SIGN_IN_KEEP:])
    for old in older:
        _event(user=user, actor=user, verb="token.end", token=old, reason="sign-in-limit")
        old.delete()
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token_id):
    """Ends one of the actor's tokens at once; someone else's token is not found (404)."""
    token = ApiToken.objects.select_for_update().filter(user=actor, pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    _event(user=actor, actor=actor, verb="token.revoke", token=token)
    token.delete()


def tokens_end_all(*, user, reason):
    """Ends every token of the user (their password changed); inside the caller's transaction."""
    for token in ApiToken.objects.filter(user=user):
        _event(user=user, actor=None, verb="token.end", token=token, reason=reason)
        token.delete()


def tokens_for(*, user):
    """The user's tokens, newest first, as the page lists them (never the secret)."""
    return list(ApiToken.objects.filter(user=user))


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token SECRET` against the stored digests (DRF parses the header)."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token.is_expired:
            raise AuthenticationFailed(_("Token has expired; ask /api/auth/token/ for a new one."))
        now = timezone.now()
        if token.last_used_at is None or token.last_used_at < now - TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews.tokens.password")
def _end_tokens_on_password_change(sender, instance, update_fields=None, raw=False, **kwargs):
    """A new password ends every API token, whatever changed it (the account page, a reset
    link, `changepassword`, the admin): whoever had the old password may have made them."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. the last_login stamp at each sign-in
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        with transaction.atomic():
            tokens_end_all(user=instance, reason="password-change")

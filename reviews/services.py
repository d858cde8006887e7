"""Writes for reviews and teams: each a function in one transaction, audited."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import review_for
from .audit.services import audit_record
from .errors import Conflict, Missing
from .models import (
    Invitation,
    Membership,
    Review,
    Role,
    invitation_expiry,
    invitation_token,
)
from .signals import reviewers_per_record_changed

REVIEW_FIELDS = (
    "title",
    "population",
    "intervention",
    "comparator",
    "outcomes",
    "registration_id",
    "status",
    "reviewers_per_record",
    "blind_screening",
)


def _review_snapshot(review):
    return {f: getattr(review, f) for f in REVIEW_FIELDS}


@transaction.atomic
def review_create(*, actor, title, **fields):
    unknown = set(fields) - set(REVIEW_FIELDS)
    if unknown:
        raise ValueError(f"unknown review fields: {sorted(unknown)}")
    review = Review(title=title, created_by=actor, **fields)
    review.full_clean()
    review.save()
    Membership.objects.create(review=review, user=actor, role=Role.OWNER)
    audit_record(
        review=review, actor=actor, verb="review.create", obj=review, after=_review_snapshot(review)
    )
    return review


@transaction.atomic
def review_update(*, actor, review_id, **fields):
    review, _m = review_for(actor, review_id, "manage")
    # NO KEY UPDATE: votes inserting rows that point at the review (a key-share lock) go on
    # while this waits for their records' locks; a plain FOR UPDATE deadlocked with them.
    review = Review.objects.select_for_update(no_key=True).get(pk=review.pk)
    unknown = set(fields) - set(REVIEW_FIELDS)
    if unknown:
        raise ValueError(f"unknown review fields: {sorted(unknown)}")
    before = _review_snapshot(review)
    for name, value in fields.items():
        setattr(review, name, value)
    review.full_clean()
    review.save()
    after = _review_snapshot(review)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit_record(
            review=review,
            actor=actor,
            verb="review.update",
            obj=review,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    if "reviewers_per_record" in changed:
        reviewers_per_record_changed.send(sender=Review, review=review, actor=actor)
    return review


def _find_user(invitee):
    users = get_user_model().objects
    return (
        users.filter(username__iexact=invitee).first()
        or users.filter(email__iexact=invitee).first()
    )


@transaction.atomic
def invitation_create(*, actor, review_id, invitee, role):
    review, _m = review_for(actor, review_id, "manage")
    invitee = (invitee or "").strip()
    if not invitee:
        raise ValidationError(_("Give a username or an email address."))
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    existing = _find_user(invitee)
    if "@" in invitee and existing is None:
        # Someone without an account yet is invited by email: they sign up from the link.
        # Neither an account nor an address names somebody missing (404 in the API).
        try:
            validate_email(invitee)
        except ValidationError:
            raise Missing(_("“%(who)s” is not a valid email address, nor an account's "
                            "username.") % {"who": invitee}) from None
    elif existing is None:
        # A username must name an account: a mistyped one would make a link nobody can use.
        raise Missing(_("No account has the username “%(who)s”. Check the spelling, "
                        "or invite by email address someone who has no account yet.")
                      % {"who": invitee})
    if existing and Membership.objects.filter(review=review, user=existing).exists():
        raise Conflict(_("%(who)s is already a member of this review.") % {"who": invitee})
    invitation = Invitation.objects.create(
        review=review, invitee=invitee, role=role, invited_by=actor
    )
    audit_record(
        review=review,
        actor=actor,
        verb="invitation.create",
        obj=invitation,
        after={"invitee": invitee, "role": role},
    )
    _mail_soon(invitation)
    return invitation


def _mail_soon(invitation):
    if settings.INVITATION_EMAILS and "@" in invitation.invitee:
        from .tasks import invitation_send

        # Enqueued after commit so a rolled-back invitation never mails a dead link.
        transaction.on_commit(lambda: invitation_send.delay(invitation.id))


def invitation_url(invitation, request=None):
    path = f"/invitations/{invitation.token}/"
    return request.build_absolute_uri(path) if request is not None else path


def invitation_mail(*, invitation_id):
    """Mail an open invitation's link. Safe to run twice: a closed invitation sends nothing,
    and a second mail of an open one only repeats the same link."""
    invitation = Invitation.objects.select_related("review").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open or "@" not in invitation.invitee:
        return False
    link = settings.SITE_URL + invitation_url(invitation)
    send_mail(
        subject=_("Invitation to the review “%(t)s”") % {"t": invitation.review.title},
        message=_("Open this link to join: %(url)s") % {"url": link},
        from_email=None,
        recipient_list=[invitation.invitee],
    )
    return True


def invitation_matches(invitation, user):
    wanted = invitation.invitee.lower()
    return wanted in {user.username.lower(), (user.email or "").lower()}


@transaction.atomic
def invitation_accept(*, actor, token):
    invitation = (
        Invitation.objects.select_for_update().select_related("review").filter(token=token).first()
    )
    if invitation is None or not invitation.is_open:
        raise Conflict(_("This invitation is no longer valid."))
    if not invitation_matches(invitation, actor):
        raise PermissionDenied(_("This invitation was sent to someone else."))
    membership, created = Membership.objects.get_or_create(
        review=invitation.review, user=actor, defaults={"role": invitation.role}
    )
    invitation.accepted_by = actor
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    audit_record(
        review=invitation.review,
        actor=actor,
        verb="membership.join",
        obj=membership,
        after={"user": actor.username, "role": membership.role, "created": created},
    )
    return membership


@transaction.atomic
def invitation_resend(*, actor, review_id, invitation_id):
    """Send an invitation again, open or expired: a new link (the old one stops working)
    that works for INVITATION_DAYS from now, mailed again where it went by mail."""
    review, _m = review_for(actor, review_id, "manage")
    invitation = Invitation.objects.select_for_update().get(
        pk=invitation_id, review=review, accepted_at=None, revoked_at=None
    )
    before = {"expires_at": invitation.expires_at.isoformat()}
    invitation.token = invitation_token()
    invitation.expires_at = invitation_expiry()
    invitation.save(update_fields=["token", "expires_at"])
    audit_record(
        review=review,
        actor=actor,
        verb="invitation.resend",
        obj=invitation,
        before=before,
        after={"invitee": invitation.invitee, "expires_at": invitation.expires_at.isoformat()},
    )
    _mail_soon(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, review_id, invitation_id):
    review, _m = review_for(actor, review_id, "manage")
    invitation = Invitation.objects.select_for_update().get(
        pk=invitation_id, review=review, accepted_at=None, revoked_at=None
    )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        review=review,
        actor=actor,
        verb="invitation.revoke",
        obj=invitation,
        before={"invitee": invitation.invitee, "role": invitation.role},
    )
    return invitation


def _lock_team(actor, review):
    # Serialises team changes per review: without it two owners demoting each other at
    # once each see the other still an owner, and the review is left with none. The role
    # is checked again under the lock, since the actor may have been demoted meanwhile.
    Review.objects.select_for_update().filter(pk=review.pk).first()
    review_for(actor, review.pk, "manage")


def _ensure_another_owner(review, membership):
    if (
        membership.role == Role.OWNER
        and not Membership.objects.filter(review=review, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise Conflict(_("A review needs at least one owner."))


@transaction.atomic
def membership_set_role(*, actor, review_id, membership_id, role):
    review, _m = review_for(actor, review_id, "manage")
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    _lock_team(actor, review)
    membership = Membership.objects.select_for_update().get(pk=membership_id, review=review)
    if membership.role == role:
        return membership
    if role != Role.OWNER:
        _ensure_another_owner(review, membership)
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        review=review,
        actor=actor,
        verb="membership.role",
        obj=membership,
        before={"user": membership.user.username, "role": before},
        after={"user": membership.user.username, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor, review_id, membership_id):
    review, _m = review_for(actor, review_id, "manage")
    _lock_team(actor, review)
    membership = Membership.objects.select_for_update().get(pk=membership_id, review=review)
    _ensure_another_owner(review, membership)
    audit_record(
        review=review,
        actor=actor,
        verb="membership.remove",
        obj=membership,
        before={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()

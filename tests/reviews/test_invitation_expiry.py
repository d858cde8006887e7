"""Invitations expire (14 days by default) and the owner can send them again with a new link."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reviews import services
from reviews.models import AuditEvent, Invitation, Membership, Role


def _invite(team, invitee="newcomer@example.org"):
    return services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                      invitee=invitee, role=Role.REVIEWER)


def _expire(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    invitation.refresh_from_db()


def test_an_invitation_works_for_fourteen_days(team):
    inv = _invite(team)
    left = inv.expires_at - timezone.now()
    assert timedelta(days=13, hours=23) < left <= timedelta(days=14)
    assert inv.is_open


def test_the_number_of_days_is_a_setting(team, settings):
    settings.INVITATION_DAYS = 3
    left = _invite(team).expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < left <= timedelta(days=3)


def test_an_expired_invitation_cannot_be_accepted_or_opened(team, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", "newcomer@example.org", "pw")
    inv = _invite(team)
    _expire(inv)
    assert not inv.is_open
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=newcomer, token=inv.token)
    assert not Membership.objects.filter(review=team.review, user=newcomer).exists()
    client = team.client("outsider")
    assert client.get(f"/invitations/{inv.token}/").status_code == 404


def test_sending_again_gives_a_new_link_and_fourteen_days_and_the_old_link_dies(
        team, django_user_model):
    inv = _invite(team)
    _expire(inv)
    old_token = inv.token
    again = services.invitation_resend(actor=team.users["owner"], review_id=team.review.id,
                                       invitation_id=inv.id)
    assert again.token != old_token and again.is_open
    assert again.expires_at - timezone.now() > timedelta(days=13)
    assert AuditEvent.objects.filter(verb="invitation.resend", object_id=str(inv.id)).exists()
    newcomer = django_user_model.objects.create_user("newcomer", "newcomer@example.org", "pw")
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=newcomer, token=old_token)
    services.invitation_accept(actor=newcomer, token=again.token)
    assert Membership.objects.filter(review=team.review, user=newcomer).exists()


def test_an_accepted_or_revoked_invitation_is_not_sent_again(team):
    inv = _invite(team)
    services.invitation_revoke(actor=team.users["owner"], review_id=team.review.id,
                               invitation_id=inv.id)
    with pytest.raises(Invitation.DoesNotExist):
        services.invitation_resend(actor=team.users["owner"], review_id=team.review.id,
                                   invitation_id=inv.id)


def test_sending_again_mails_the_new_link(team, settings, mailoutbox,
                                          django_capture_on_commit_callbacks):
    settings.INVITATION_EMAILS = True
    with django_capture_on_commit_callbacks(execute=True):
        inv = _invite(team, "mail@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.invitation_resend(actor=team.users["owner"],
                                           review_id=team.review.id, invitation_id=inv.id)
    assert len(mailoutbox) == 2
    assert f"/invitations/{again.token}/" in mailoutbox[1].body


def test_the_members_page_marks_an_expired_invitation_and_sends_it_again(team):
    inv = _invite(team)
    _expire(inv)
    client = team.client("owner")
    page = client.get(f"/reviews/{team.review.id}/members/").content.decode()
    assert "expired" in page and f"/invitations/{inv.token}/" not in page
    response = client.post(f"/reviews/{team.review.id}/invitations/{inv.id}/resend/")
    assert response.status_code == 302
    inv.refresh_from_db()
    page = client.get(f"/reviews/{team.review.id}/members/").content.decode()
    assert f"/invitations/{inv.token}/" in page


def test_only_the_owner_sends_again(team):
    inv = _invite(team)
    url = f"/reviews/{team.review.id}/invitations/{inv.id}/resend/"
    assert team.client("reviewer").post(url).status_code == 403
    assert team.client("outsider").post(url).status_code == 404

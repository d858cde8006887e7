"""Reviews, invitations, roles and the audit trail they leave."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from reviews import services
from reviews.models import AuditEvent, Invitation, Membership, Role


def test_creating_a_review_makes_the_creator_its_owner_and_is_audited(team):
    review = services.review_create(actor=team.users["viewer"], title="New review")
    assert Membership.objects.get(review=review, user=team.users["viewer"]).role == Role.OWNER
    event = AuditEvent.objects.get(review=review, verb="review.create")
    assert event.actor == team.users["viewer"]
    assert event.after["title"] == "New review"


def test_review_update_records_only_changed_fields(team):
    services.review_update(actor=team.users["owner"], review_id=team.review.id,
                           title="Renamed", reviewers_per_record=3)
    event = AuditEvent.objects.filter(verb="review.update").get()
    assert event.before == {"title": "MSCs for systemic sclerosis", "reviewers_per_record": 2}
    assert event.after == {"title": "Renamed", "reviewers_per_record": 3}


def test_only_the_owner_may_change_settings(team):
    with pytest.raises(PermissionDenied):
        services.review_update(actor=team.users["adjudicator"], review_id=team.review.id,
                               title="x")
    with pytest.raises(Http404):
        services.review_update(actor=team.users["outsider"], review_id=team.review.id,
                               title="x")


def test_reviewers_per_record_is_bounded_by_the_database(team):
    with pytest.raises(ValidationError):
        services.review_update(actor=team.users["owner"], review_id=team.review.id,
                               reviewers_per_record=9)


def test_an_invitation_is_accepted_by_the_invited_user_only(team, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", email="new@example.org")
    stranger = django_user_model.objects.create_user("stranger")
    inv = services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                     invitee="NEW@example.org", role=Role.ADJUDICATOR)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=stranger, token=inv.token)
    membership = services.invitation_accept(actor=newcomer, token=inv.token)
    assert membership.role == Role.ADJUDICATOR
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=newcomer, token=inv.token)
    verbs = list(AuditEvent.objects.filter(review=team.review).values_list("verb", flat=True))
    assert "invitation.create" in verbs and "membership.join" in verbs


def test_inviting_an_existing_member_is_refused(team):
    with pytest.raises(ValidationError):
        services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                   invitee="reviewer", role=Role.VIEWER)


def test_a_revoked_invitation_no_longer_works(team, django_user_model):
    user = django_user_model.objects.create_user("late")
    inv = services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                     invitee="late", role=Role.REVIEWER)
    services.invitation_revoke(actor=team.users["owner"], review_id=team.review.id,
                               invitation_id=inv.id)
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=user, token=inv.token)
    assert not Membership.objects.filter(user=user).exists()


def test_the_last_owner_cannot_leave_or_be_demoted(team):
    owner_m = team.memberships["owner"]
    with pytest.raises(ValidationError):
        services.membership_remove(actor=team.users["owner"], review_id=team.review.id,
                                   membership_id=owner_m.id)
    with pytest.raises(ValidationError):
        services.membership_set_role(actor=team.users["owner"], review_id=team.review.id,
                                     membership_id=owner_m.id, role=Role.REVIEWER)
    services.membership_set_role(actor=team.users["owner"], review_id=team.review.id,
                                 membership_id=team.memberships["viewer"].id, role=Role.OWNER)
    services.membership_set_role(actor=team.users["owner"], review_id=team.review.id,
                                 membership_id=owner_m.id, role=Role.REVIEWER)
    owner_m.refresh_from_db()
    assert owner_m.role == Role.REVIEWER


def test_role_changes_are_audited_with_before_and_after(team):
    services.membership_set_role(actor=team.users["owner"], review_id=team.review.id,
                                 membership_id=team.memberships["reviewer"].id,
                                 role=Role.ADJUDICATOR)
    event = AuditEvent.objects.get(verb="membership.role")
    assert event.before == {"user": "reviewer", "role": "reviewer"}
    assert event.after == {"user": "reviewer", "role": "adjudicator"}


def test_audit_events_cannot_be_edited_or_deleted(team):
    event = AuditEvent.objects.filter(review=team.review).first()
    event.verb = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(review=team.review).update(verb="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(review=team.review).delete()


def test_an_audit_event_is_rolled_back_with_its_change(team):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.review_update(actor=team.users["owner"], review_id=team.review.id, title="Z")
        raise RuntimeError("the change fails after the audit write")
    assert AuditEvent.objects.count() == before
    team.review.refresh_from_db()
    assert team.review.title != "Z"


def test_invitation_tokens_are_unguessable_and_unique(team):
    tokens = {services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                         invitee=f"user{i}@example.org", role=Role.VIEWER).token
              for i in range(20)}
    assert len(tokens) == 20
    assert all(len(t) >= 40 for t in tokens)
    assert Invitation.objects.count() == 20


def test_an_email_invitation_is_mailed_after_commit_when_mail_is_configured(
        team, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.INVITATION_EMAILS = True
    with django_capture_on_commit_callbacks(execute=True):
        inv = services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                         invitee="mail@example.org", role=Role.REVIEWER)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["mail@example.org"]
    assert f"/invitations/{inv.token}/" in mailoutbox[0].body


def test_no_mail_goes_out_without_a_mail_server(team, settings, mailoutbox,
                                                django_capture_on_commit_callbacks):
    settings.INVITATION_EMAILS = False
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                   invitee="mail@example.org", role=Role.REVIEWER)
    assert mailoutbox == []


def test_mailing_a_revoked_invitation_sends_nothing(team, mailoutbox):
    inv = Invitation.objects.create(review=team.review, invitee="a@example.org", role="viewer",
                                    invited_by=team.users["owner"])
    services.invitation_revoke(actor=team.users["owner"], review_id=team.review.id,
                               invitation_id=inv.id)
    assert services.invitation_mail(invitation_id=inv.id) is False
    assert mailoutbox == []

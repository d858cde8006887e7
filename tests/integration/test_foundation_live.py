"""The foundation on PostgreSQL, Redis and a live worker."""
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from reviews import services
from reviews.models import Invitation, Membership, Role

from .conftest import wait_for

pytestmark = pytest.mark.integration


def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_an_invitation_mail_round_trips_through_redis_and_the_worker(
        live_team, celery_worker, settings):
    settings.INVITATION_EMAILS = True
    inv = services.invitation_create(actor=live_team.users["owner"],
                                     review_id=live_team.review.id,
                                     invitee="remote@example.org", role=Role.REVIEWER)

    def mailed():
        files = list(celery_worker["mail_dir"].glob("*.log"))
        return files and inv.token in "".join(f.read_text() for f in files)

    assert wait_for(mailed), _worker_log(celery_worker)


def _worker_log(worker):
    worker["log"].flush()
    worker["log"].seek(0)
    return worker["log"].read()[-4000:]


def test_a_double_submitted_acceptance_yields_one_membership(live_team, django_user_model):
    user = django_user_model.objects.create_user("twice", email="twice@example.org")
    inv = Invitation.objects.create(review=live_team.review, invitee="twice", role="reviewer",
                                    invited_by=live_team.users["owner"])
    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        barrier.wait()
        try:
            services.invitation_accept(actor=user, token=inv.token)
            outcomes.append("joined")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["joined", "refused"]
    assert Membership.objects.filter(review=live_team.review, user=user).count() == 1


def test_two_owners_demoting_each_other_at_once_leave_one_owner(live_team):
    services.membership_set_role(actor=live_team.users["owner"], review_id=live_team.review.id,
                                 membership_id=live_team.memberships["viewer"].id,
                                 role=Role.OWNER)
    barrier = threading.Barrier(2)
    pairs = [("owner", "viewer"), ("viewer", "owner")]
    outcomes = []

    def demote(actor, target):
        barrier.wait()
        try:
            services.membership_set_role(
                actor=live_team.users[actor], review_id=live_team.review.id,
                membership_id=live_team.memberships[target].id, role=Role.REVIEWER)
            outcomes.append("demoted")
        except (ValidationError, PermissionDenied):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=p) for p in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    owners = Membership.objects.filter(review=live_team.review, role=Role.OWNER).count()
    assert owners == 1
    assert sorted(outcomes) == ["demoted", "refused"]

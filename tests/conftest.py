"""Shared fixtures: personas, fast hashing, and the path to ../shared/data."""
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def shared_path(*parts):
    """Path inside ../shared/data, or skip the test with the reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared/data ships with the CI checkout, not a clone)")
    return path


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


PERSONAS = ("owner", "reviewer", "adjudicator", "viewer", "outsider")


class Team:
    """A review with one member per role and an outsider who belongs to another review."""

    def __init__(self):
        from django.contrib.auth import get_user_model

        from reviews.models import Membership, Role
        from reviews.services import review_create

        User = get_user_model()
        self.users = {
            name: User.objects.create_user(username=name, password="pw-" + name,
                                           email=f"{name}@example.org")
            for name in PERSONAS
        }
        self.review = review_create(actor=self.users["owner"], title="MSCs for systemic sclerosis",
                                    registration_id="CRD42020200350")
        for role in (Role.REVIEWER, Role.ADJUDICATOR, Role.VIEWER):
            Membership.objects.create(review=self.review, user=self.users[role.value], role=role)
        # The outsider owns a review of their own, so "no access" is not "no reviews at all".
        self.other_review = review_create(actor=self.users["outsider"], title="Another team")
        self.memberships = {
            m.user.username: m for m in Membership.objects.filter(review=self.review)
        }

    def client(self, persona):
        from django.test import Client

        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


@pytest.fixture
def team(db):
    return Team()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Each test gets its own in-memory cache: no flag or progress leaks between tests.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()

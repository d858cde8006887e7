"""API tokens expire, are renewed by asking again, and are listed, renewed and revoked by their
owner in the account page; a password change ends the other sessions."""
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def _with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _age(token, days):
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=days))


def _ask(user="reviewer"):
    return APIClient().post("/api/auth/token/", {"username": user, "password": f"pw-{user}"})


def test_the_token_answer_says_when_it_expires(team, settings):
    settings.API_TOKEN_DAYS = 30
    body = _ask().json()
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=29, hours=23) < expires - timezone.now() <= timedelta(days=30)


def test_an_expired_token_is_refused_with_the_reason(team, settings):
    settings.API_TOKEN_DAYS = 30
    token = Token.objects.create(user=team.users["reviewer"])
    assert _with(token.key).get("/api/reviews/").status_code == 200
    _age(token, 31)
    response = _with(token.key).get("/api/reviews/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_asking_again_replaces_an_expired_token_and_keeps_a_live_one(team):
    first = _ask().json()["token"]
    assert _ask().json()["token"] == first
    _age(Token.objects.get(key=first), 400)
    second = _ask().json()["token"]
    assert second != first
    assert _with(second).get("/api/reviews/").status_code == 200


def test_the_account_page_lists_renews_and_revokes_the_token(team):
    old = Token.objects.create(user=team.users["viewer"])
    client = team.client("viewer")
    page = client.get("/account/tokens/").content.decode()
    assert old.key[:6] in page and old.key not in page  # listed by its start only
    renewed = client.post("/account/tokens/", {"action": "renew"}).content.decode()
    new = Token.objects.get(user=team.users["viewer"])
    assert new.key != old.key and new.key in renewed  # shown once, now
    assert _with(old.key).get("/api/reviews/").status_code == 401
    client.post("/account/tokens/", {"action": "revoke"})
    assert not Token.objects.filter(user=team.users["viewer"]).exists()
    assert _with(new.key).get("/api/reviews/").status_code == 401


def test_the_account_page_shows_only_my_token(team):
    theirs = Token.objects.create(user=team.users["owner"])
    page = team.client("viewer").get("/account/tokens/").content.decode()
    assert theirs.key[:6] not in page


def test_a_password_change_ends_my_other_sessions(team):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert client.post("/accounts/login/", {"username": "reviewer",
                                                "password": "pw-reviewer"}).status_code == 302
    response = here.post("/accounts/password/", {
        "old_password": "pw-reviewer", "new_password1": "A-new-long-pass-2026",
        "new_password2": "A-new-long-pass-2026"})
    assert response.status_code == 302
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 302  # the other is logged out


def test_the_token_page_speaks_chinese(team):
    client = team.client("viewer")
    client.post("/account/language/", {"language": "zh-hans", "next": "/"})
    page = client.get("/account/tokens/").content.decode()
    assert "令牌让程序以您的身份使用 API" in page and "您还没有 API 令牌" in page

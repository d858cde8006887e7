"""Named API tokens: made with a name and a lifetime, listed (never their secret), revoked one
by one, kept only as a digest, ended by a password change; /api/auth/token/ still issues one."""
import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.accounts import tokens
from reviews.models import AccountEvent, ApiToken


def _with(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _age(token, days):
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=days))


def _ask(user="reviewer"):
    return APIClient().post("/api/auth/token/", {"username": user, "password": f"pw-{user}"})


def _create(client, name="nightly import", days=90):
    return client.post("/account/tokens/", {"action": "create", "name": name, "days": days})


def test_the_token_answer_says_when_it_expires(team, settings):
    settings.API_TOKEN_DAYS = 30
    body = _ask().json()
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=29, hours=23) < expires - timezone.now() <= timedelta(days=30)
    assert _with(body["token"]).get("/api/reviews/").status_code == 200


def test_an_expired_token_is_refused_with_the_reason(team):
    token, secret = tokens.token_create(actor=team.users["reviewer"], name="script", days=7)
    assert _with(secret).get("/api/reviews/").status_code == 200
    _age(token, 1)
    response = _with(secret).get("/api/reviews/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_each_sign_in_issues_a_new_token_and_the_earlier_one_goes_on_working(team):
    first = _ask().json()["token"]
    second = _ask().json()["token"]
    assert first != second
    assert _with(first).get("/api/reviews/").status_code == 200
    assert _with(second).get("/api/reviews/").status_code == 200
    names = list(ApiToken.objects.filter(user=team.users["reviewer"]).values_list("name",
                                                                                  flat=True))
    assert names == [tokens.SIGN_IN_NAME] * 2


def test_sign_ins_keep_only_the_newest_tokens(team, monkeypatch):
    monkeypatch.setattr(tokens, "SIGN_IN_KEEP", 2)
    page_token, page_secret = tokens.token_create(actor=team.users["reviewer"], name="mine")
    first, second, third = (_ask().json()["token"] for _ in range(3))
    assert _with(first).get("/api/reviews/").status_code == 401
    assert _with(second).get("/api/reviews/").status_code == 200
    assert _with(third).get("/api/reviews/").status_code == 200
    assert _with(page_secret).get("/api/reviews/").status_code == 200  # not a sign-in token


def test_only_a_digest_of_the_secret_is_stored(team):
    token, secret = tokens.token_create(actor=team.users["viewer"], name="script")
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in str(row)
    assert row["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert row["prefix"] == secret[:6] and len(secret) == 40
    # A digest is not a credential: presenting it is refused.
    assert _with(row["digest"]).get("/api/reviews/").status_code == 401


def test_the_page_makes_named_tokens_shows_the_secret_once_and_lists_them(team):
    client = team.client("viewer")
    created = _create(client, name="nightly import", days=7).content.decode()
    token = ApiToken.objects.get(user=team.users["viewer"])
    secret = created.split('id="new-token-secret" value="')[1].split('"')[0]
    assert token.digest == tokens.digest(secret)
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)
    _create(client, name="notebook")
    assert _with(secret).get("/api/reviews/").status_code == 200
    page = client.get("/account/tokens/").content.decode()
    assert secret not in page  # never again
    assert "nightly import" in page and "notebook" in page and secret[:6] in page
    assert "never" not in page.split("nightly import")[1].split("</tr>")[0]  # last used: now


def test_the_page_refuses_a_token_without_a_name_or_beyond_a_year(team):
    client = team.client("viewer")
    assert "This field is required" in _create(client, name="").content.decode()
    assert "Select a valid choice" in _create(client, days=400).content.decode()
    assert not ApiToken.objects.exists()
    with pytest.raises(ValidationError):
        tokens.token_create(actor=team.users["viewer"], name="x", days=tokens.TOKEN_MAX_DAYS + 1)
    with pytest.raises(ValidationError):
        tokens.token_create(actor=team.users["viewer"], name="   ")


def test_revoking_one_token_ends_it_and_keeps_the_others(team):
    keep, keep_secret = tokens.token_create(actor=team.users["viewer"], name="keep")
    gone, gone_secret = tokens.token_create(actor=team.users["viewer"], name="gone")
    client = team.client("viewer")
    response = client.post("/account/tokens/", {"action": "revoke", "token": gone.id})
    assert response.status_code == 302
    assert _with(gone_secret).get("/api/reviews/").status_code == 401
    assert _with(keep_secret).get("/api/reviews/").status_code == 200
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["keep"]


def test_another_users_token_is_not_found_and_stays(team):
    theirs, secret = tokens.token_create(actor=team.users["owner"], name="owner's script")
    client = team.client("viewer")
    assert "owner&#x27;s script" not in client.get("/account/tokens/").content.decode()
    for value in (theirs.id, "abc", "99999999999999999999999", ""):
        response = client.post("/account/tokens/", {"action": "revoke", "token": value})
        assert response.status_code == 404
    assert _with(secret).get("/api/reviews/").status_code == 200


def test_token_changes_are_written_to_the_account_log(team):
    user = team.users["viewer"]
    token, _ = tokens.token_create(actor=user, name="audited", days=30)
    team.client("viewer").post("/account/tokens/", {"action": "revoke", "token": token.id})
    events = list(AccountEvent.objects.filter(user=user, verb__startswith="token.")
                  .order_by("id"))
    assert [e.verb for e in events] == ["token.create", "token.revoke"]
    assert events[0].actor == user and events[0].detail["name"] == "audited"
    assert events[1].detail["token"] == token.id
    with pytest.raises(TypeError):
        events[0].delete()


def test_a_password_change_ends_every_token(team):
    _, page_secret = tokens.token_create(actor=team.users["reviewer"], name="script")
    sign_in_secret = _ask().json()["token"]
    other_user_secret = tokens.token_create(actor=team.users["owner"], name="x")[1]
    client = team.client("reviewer")
    response = client.post("/accounts/password/", {
        "old_password": "pw-reviewer", "new_password1": "A-new-long-pass-2026",
        "new_password2": "A-new-long-pass-2026"})
    assert response.status_code == 302
    assert _with(page_secret).get("/api/reviews/").status_code == 401
    assert _with(sign_in_secret).get("/api/reviews/").status_code == 401
    assert _with(other_user_secret).get("/api/reviews/").status_code == 200
    ended = AccountEvent.objects.filter(user=team.users["reviewer"], verb="token.end")
    assert {e.detail["reason"] for e in ended} == {"password-change"} and ended.count() == 2


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


def test_a_password_set_elsewhere_ends_tokens_too_and_a_sign_in_does_not(team):
    user = team.users["reviewer"]
    _, secret = tokens.token_create(actor=user, name="script")
    assert team.client("anonymous").post("/accounts/login/", {
        "username": "reviewer", "password": "pw-reviewer"}).status_code == 302  # last_login
    assert _with(secret).get("/api/reviews/").status_code == 200
    user.set_password("Another-long-pass-2026")
    user.save()
    assert _with(secret).get("/api/reviews/").status_code == 401


def test_sign_in_throttling_still_applies_to_the_token_endpoint(team, settings):
    settings.LOGIN_FAILURES_PER_USER = 2
    for _ in range(2):
        assert APIClient().post("/api/auth/token/", {
            "username": "viewer", "password": "wrong"}).status_code == 400
    response = _ask("viewer")
    assert response.status_code == 429 and "token" not in response.json()
    assert not ApiToken.objects.filter(user=team.users["viewer"]).exists()


def test_drf_tokens_are_carried_over_as_digests(transactional_db):
    """The migration keeps old DRF tokens working, without their plain-text keys."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("reviews", "0004_invitation_expiry")])
    old_apps = executor.loader.project_state([("reviews", "0004_invitation_expiry"),
                                              ("authtoken", "0004_alter_tokenproxy_options")]).apps
    user = old_apps.get_model("auth", "User").objects.create(username="scripted")
    key = old_apps.get_model("authtoken", "Token").objects.create(user=user,
                                                                  key="a" * 40).key
    call_command("migrate", "reviews", verbosity=0)
    token = ApiToken.objects.get(user_id=user.id)
    assert token.digest == tokens.digest(key) and token.prefix == "aaaaaa"
    from rest_framework.authtoken.models import Token

    assert not Token.objects.exists()
    assert get_user_model().objects.get(pk=user.id).username == "scripted"
    assert _with(key).get("/api/reviews/").status_code == 200


def test_the_token_page_speaks_chinese(team):
    client = team.client("viewer")
    client.post("/account/language/", {"language": "zh-hans", "next": "/"})
    page = client.get("/account/tokens/").content.decode()
    assert "令牌让程序以您的身份使用 API" in page and "您还没有 API 令牌" in page


def test_the_lifetimes_are_offered_in_the_page_language(team):
    client = team.client("viewer")
    assert "90 days" in client.get("/account/tokens/").content.decode()
    client.post("/account/language/", {"language": "zh-hans", "next": "/"})
    page = client.get("/account/tokens/").content.decode()
    assert "90 天" in page and "1 年" in page and "90 days" not in page

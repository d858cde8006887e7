"""Sign-in throttling: per account and per address, on the login page, the API and the admin."""
import pytest
from django.test import Client
from rest_framework.test import APIClient

from reviews.accounts import throttle


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.LOGIN_FAILURES_PER_USER = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    settings.LOGIN_LOCK_SECONDS = 600


def _login(client, username, password, addr="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=addr)


def _token(username, password, addr="10.0.0.1"):
    return APIClient().post("/api/auth/token/", {"username": username, "password": password},
                            format="json", REMOTE_ADDR=addr)


def test_an_account_is_locked_after_its_failures_and_told_when_to_retry(team):
    client = Client()
    for _ in range(3):
        assert _login(client, "reviewer", "wrong").status_code == 200
    response = _login(client, "reviewer", "pw-reviewer")  # the right password, too late
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins" in page and "10 minutes" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_from_any_address_and_others_still_sign_in(team):
    for n in range(3):
        _login(Client(), "reviewer", "wrong", addr=f"10.0.1.{n}")
    assert _login(Client(), "reviewer", "pw-reviewer", addr="10.0.9.9").status_code == 429
    assert _login(Client(), "owner", "pw-owner", addr="10.0.9.9").status_code == 302


def test_an_address_is_locked_after_failures_on_many_accounts(team):
    for name in ("a", "b", "c", "d", "e"):
        _login(Client(), name, "wrong", addr="10.0.2.1")
    assert _login(Client(), "owner", "pw-owner", addr="10.0.2.1").status_code == 429
    assert _login(Client(), "owner", "pw-owner", addr="10.0.2.2").status_code == 302


def test_the_token_endpoint_counts_and_refuses_with_retry_after(team):
    for _ in range(3):
        assert _token("viewer", "wrong").status_code == 400
    response = _token("viewer", "pw-viewer")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert response.json()["retry_after"] == int(response["Retry-After"])
    assert "Try again in" in response.json()["detail"]


def test_failures_on_the_page_and_the_api_add_up(team):
    _login(Client(), "viewer", "wrong")
    _token("viewer", "wrong")
    _login(Client(), "viewer", "wrong")
    assert _token("viewer", "pw-viewer").status_code == 429


def test_a_success_clears_the_accounts_count(team):
    for _ in range(2):
        _login(Client(), "viewer", "wrong")
    assert _token("viewer", "pw-viewer").status_code == 200
    for _ in range(2):
        _login(Client(), "viewer", "wrong")
    assert _login(Client(), "viewer", "pw-viewer").status_code == 302


def test_the_lock_ends_with_its_window(team, monkeypatch):
    import time

    for _ in range(3):
        _login(Client(), "viewer", "wrong")
    later = time.time() + 601
    monkeypatch.setattr(throttle.time, "time", lambda: later)
    assert _login(Client(), "viewer", "pw-viewer").status_code == 302


def test_the_admin_login_is_throttled_too(team):
    for _ in range(3):
        _login(Client(), "owner", "wrong")
    response = Client().post("/admin/login/", {"username": "owner", "password": "pw-owner"},
                             REMOTE_ADDR="10.0.3.3")
    assert "Too many failed sign-ins" in response.content.decode()


def test_the_chinese_message_says_when_too(team):
    client = Client()
    client.post("/account/language/", {"language": "zh-hans", "next": "/"})
    for _ in range(3):
        _login(client, "viewer", "wrong")
    page = _login(client, "viewer", "pw-viewer").content.decode()
    assert "登录失败次数过多" in page and "10 分钟" in page

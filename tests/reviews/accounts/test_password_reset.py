"""Password reset: by mail where mail is set up, by a link the operator passes on otherwise."""
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

NEW_PASSWORD = "A-new-long-pass-2026"  # noqa: S105 - a test account's password


def _choose(client, link, password=NEW_PASSWORD):
    path = re.sub(r"^https?://[^/]+", "", link)
    form = client.get(path, follow=True)  # Django swaps the token for a session step
    assert form.status_code == 200 and 'id="reset-confirm"' in form.content.decode()
    return client.post(form.redirect_chain[-1][0] if form.redirect_chain else path,
                       {"new_password1": password, "new_password2": password})


def test_with_mail_a_reset_link_is_mailed_and_sets_a_new_password(team, settings, mailoutbox):
    settings.MAIL_CONFIGURED = True
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "reviewer@example.org"})
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == ["reviewer@example.org"] and "reviewer" in mail.body
    link = re.search(r"https?://\S+", mail.body).group(0)
    assert _choose(client, link).status_code == 302
    assert client.post("/accounts/login/", {"username": "reviewer",
                                            "password": NEW_PASSWORD}).status_code == 302


def test_without_mail_nothing_is_sent_and_the_page_says_whom_to_ask(team, settings,
                                                                     mailoutbox):
    settings.MAIL_CONFIGURED = False
    page = Client().get("/accounts/password/reset/").content.decode()
    assert 'id="reset-no-mail"' in page and "password_reset_link" in page
    Client().post("/accounts/password/reset/", {"email": "reviewer@example.org"})
    assert mailoutbox == []


def test_the_operators_link_works_once(team):
    out = StringIO()
    call_command("password_reset_link", "viewer", stdout=out)
    link = out.getvalue().strip()
    assert "/accounts/password/reset/" in link
    assert _choose(Client(), link).status_code == 302
    page = Client().get(re.sub(r"^https?://[^/]+", "", link), follow=True).content.decode()
    assert 'id="reset-invalid"' in page


def test_a_reset_ends_the_other_sessions(team):
    elsewhere = team.client("viewer")
    assert elsewhere.get("/").status_code == 200
    out = StringIO()
    call_command("password_reset_link", "viewer", stdout=out)
    _choose(Client(), out.getvalue().strip())
    assert elsewhere.get("/").status_code == 302


def test_an_unknown_user_is_refused(db):
    with pytest.raises(CommandError):
        call_command("password_reset_link", "nobody")


def test_the_login_page_points_to_the_reset(db):
    assert 'id="forgot-password"' in Client().get("/accounts/login/").content.decode()


def test_the_reset_page_speaks_chinese(db, settings):
    settings.MAIL_CONFIGURED = False
    client = Client()
    client.post("/account/language/", {"language": "zh-hans", "next": "/"})
    page = client.get("/accounts/password/reset/").content.decode()
    assert "重置密码" in page and "此 Prismflow 不发送邮件" in page


def test_reset_mails_from_one_address_are_limited(team, settings, mailoutbox):
    settings.MAIL_CONFIGURED = True
    for _ in range(5):
        Client().post("/accounts/password/reset/", {"email": "reviewer@example.org"},
                      REMOTE_ADDR="10.0.5.5")
    response = Client().post("/accounts/password/reset/", {"email": "reviewer@example.org"},
                             REMOTE_ADDR="10.0.5.5")
    assert response.status_code == 429 and 'id="reset-locked"' in response.content.decode()
    assert "Too many requests from your address" in response.content.decode()
    assert len(mailoutbox) == 5
    other = Client().post("/accounts/password/reset/", {"email": "reviewer@example.org"},
                          REMOTE_ADDR="10.0.5.6")
    assert other.status_code == 302

"""The account events page: a signed-in user's own events (sign-ins, failed ones, sign-outs,
password changes, API tokens made, revoked and ended) with the address and browser they came
from, newest first, a page at a time; nobody else's, and nothing for the anonymous.

A test client's force_login signs in too (Django's user_logged_in): its sign-in is an event."""
import re

from django.test import Client

from reviews.accounts import tokens
from reviews.accounts.views import ACCOUNT_EVENTS_PAGE_SIZE
from reviews.models import AccountEvent

URL = "/account/events/"


def _rows(page):
    return re.findall(r'<tr data-verb="([^"]+)">(.*?)</tr>', page, re.S)


def _token_rows(page):
    return [(verb, cells) for verb, cells in _rows(page) if verb.startswith("token.")]


def test_my_events_are_listed_newest_first_with_the_token_and_why(team):
    viewer = team.users["viewer"]
    gone, _secret = tokens.token_create(actor=viewer, name="nightly import")
    tokens.token_revoke(actor=viewer, token_id=gone.id)
    kept, _secret = tokens.token_create(actor=viewer, name="notebook")
    viewer.set_password("a new password")
    viewer.save()  # ends every token
    rows = _token_rows(team.client("viewer").get(URL).content.decode())
    assert [verb for verb, _cells in rows] == ["token.end", "token.create", "token.revoke",
                                             "token.create"]
    ended, made, revoked, first = (cells for _verb, cells in rows)
    assert "API token ended" in ended and "notebook" in ended and kept.prefix in ended
    assert "the password changed" in ended
    assert "API token created" in made and "expires " in made and "API tokens page" in made
    assert "API token revoked" in revoked and "nightly import" in revoked
    assert ">viewer</td>" in revoked  # who acted


def test_another_user_never_sees_my_events(team):
    mine, _secret = tokens.token_create(actor=team.users["reviewer"], name="reviewer-only-9c1")
    tokens.token_revoke(actor=team.users["reviewer"], token_id=mine.id)
    for page in ("", "?page=2", "?page=last"):
        seen = team.client("viewer").get(URL + page).content.decode()
        assert "reviewer-only-9c1" not in seen and mine.prefix not in seen
        assert _token_rows(seen) == []
    assert len(_token_rows(team.client("reviewer").get(URL).content.decode())) == 2


def test_the_anonymous_are_sent_to_log_in(team):
    response = team.client("anonymous").get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_the_list_comes_a_page_at_a_time(team):
    viewer = team.users["viewer"]
    for n in range(ACCOUNT_EVENTS_PAGE_SIZE + 1):
        AccountEvent.objects.create(user=viewer, actor=viewer, verb="token.create",
                                    detail={"name": f"script-{n:03d}", "prefix": "abcdef"})
    client = team.client("viewer")  # its sign-in is the newest event
    first = client.get(URL).content.decode()
    assert len(_rows(first)) == ACCOUNT_EVENTS_PAGE_SIZE
    assert _rows(first)[0][0] == "sign-in"
    assert f"script-{ACCOUNT_EVENTS_PAGE_SIZE:03d}" in _rows(first)[1][1]
    assert 'id="events-next"' in first and "page 1 of 2" in first
    second = _rows(client.get(URL + "?page=2").content.decode())
    assert len(second) == 2 and "script-000" in second[-1][1]


def test_the_tokens_page_links_to_it_and_it_only_reads(team):
    client = team.client("viewer")
    assert f'href="{URL}"' in client.get("/account/tokens/").content.decode()
    before = AccountEvent.objects.count()
    assert client.post(URL).status_code == 405
    assert AccountEvent.objects.count() == before


AGENT = "Mozilla/5.0 (X11; Linux x86_64) " + "x" * 300  # longer than an event keeps


def _sign_in(client, username, password, addr="10.0.7.7"):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=addr, HTTP_USER_AGENT=AGENT)


def _events(user, verb):
    return list(AccountEvent.objects.filter(user=user, verb=verb))


def test_signing_in_on_the_login_page_is_an_event_with_the_address_and_browser(team):
    reviewer = team.users["reviewer"]
    response = _sign_in(Client(), "reviewer", "pw-reviewer")
    assert response.status_code == 302
    (event,) = _events(reviewer, "sign-in")
    assert event.actor == reviewer and event.ip == "10.0.7.7"
    assert event.user_agent == AGENT[:200] and len(event.user_agent) == 200


def test_the_address_is_remote_addr_never_a_forwarded_header(team):
    Client().post("/accounts/login/", {"username": "reviewer", "password": "pw-reviewer"},
                  REMOTE_ADDR="10.0.7.8", HTTP_X_FORWARDED_FOR="203.0.113.9")
    (event,) = _events(team.users["reviewer"], "sign-in")
    assert event.ip == "10.0.7.8"


def test_a_wrong_password_of_an_account_is_a_failed_sign_in_without_the_password(team):
    tried = "Wrong-Guess-7f3a9"
    assert _sign_in(Client(), "reviewer", tried).status_code == 200
    (event,) = _events(team.users["reviewer"], "sign-in.fail")
    assert event.actor is None and event.ip == "10.0.7.7" and event.user_agent == AGENT[:200]
    row = AccountEvent.objects.filter(pk=event.pk).values().get()
    assert tried not in repr(row) and "password" not in repr(row["detail"])
    assert not _events(team.users["reviewer"], "sign-in")


def test_an_unknown_username_writes_no_event(team):
    before = AccountEvent.objects.count()
    assert _sign_in(Client(), "nobody-by-this-name", "whatever").status_code == 200
    assert _sign_in(Client(), "", "whatever").status_code == 200
    assert AccountEvent.objects.count() == before


def test_a_failed_sign_in_at_the_api_is_an_event_too(team):
    from rest_framework.test import APIClient

    APIClient().post("/api/auth/token/", {"username": "owner", "password": "nope"},
                     format="json", REMOTE_ADDR="10.0.7.9")
    (event,) = _events(team.users["owner"], "sign-in.fail")
    assert event.ip == "10.0.7.9"


def test_signing_out_is_an_event(team):
    client = Client()
    _sign_in(client, "viewer", "pw-viewer")
    assert client.post("/accounts/logout/", REMOTE_ADDR="10.0.7.10").status_code == 302
    (event,) = _events(team.users["viewer"], "sign-out")
    assert event.actor == team.users["viewer"] and event.ip == "10.0.7.10"
    before = AccountEvent.objects.count()
    Client().post("/accounts/logout/")  # nobody signed in: nobody's event
    assert AccountEvent.objects.count() == before


def test_changing_the_password_is_an_event(team):
    client = Client()
    _sign_in(client, "viewer", "pw-viewer")
    response = client.post("/accounts/password/", {
        "old_password": "pw-viewer", "new_password1": "A-new-long-pass-2026",
        "new_password2": "A-new-long-pass-2026"}, REMOTE_ADDR="10.0.7.11",
        HTTP_USER_AGENT="changer")
    assert response.status_code == 302
    (event,) = _events(team.users["viewer"], "password.change")
    assert event.actor == team.users["viewer"]
    assert (event.ip, event.user_agent) == ("10.0.7.11", "changer")
    assert "A-new-long-pass-2026" not in repr(AccountEvent.objects.values().get(pk=event.pk))


def test_a_wrong_old_password_changes_nothing_and_writes_no_change(team):
    client = team.client("viewer")
    client.post("/accounts/password/", {
        "old_password": "not-it", "new_password1": "A-new-long-pass-2026",
        "new_password2": "A-new-long-pass-2026"})
    assert not _events(team.users["viewer"], "password.change")


def test_resetting_the_password_by_link_is_an_event(team):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = team.users["reviewer"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    client = Client()
    form = client.get(f"/accounts/password/reset/{uid}/"
                      f"{default_token_generator.make_token(user)}/", follow=True)
    new = {"new_password1": "Reset-long-pass-2026", "new_password2": "Reset-long-pass-2026"}
    response = client.post(form.redirect_chain[-1][0], new, REMOTE_ADDR="10.0.7.12")
    assert response.status_code == 302
    (event,) = _events(user, "password.reset")
    assert event.actor is None and event.ip == "10.0.7.12"


def test_a_failing_event_write_is_logged_and_the_sign_in_goes_on(team, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the event table is gone")

    monkeypatch.setattr(AccountEvent.objects, "create", broken)
    client = Client()
    assert _sign_in(client, "reviewer", "pw-reviewer").status_code == 302
    assert "_auth_user_id" in client.session
    assert "could not write the account event sign-in" in caplog.text
    assert "the event table is gone" in caplog.text


def test_another_user_never_sees_my_sign_ins(team):
    _sign_in(Client(), "reviewer", "pw-reviewer", addr="10.0.7.13")
    _sign_in(Client(), "reviewer", "wrong", addr="10.0.7.13")
    seen = team.client("viewer").get(URL).content.decode()
    assert "10.0.7.13" not in seen and AGENT[:40] not in seen
    assert [verb for verb, _cells in _rows(seen)] == ["sign-in"]  # the viewer's own


def test_the_page_shows_each_events_address_and_browser(team):
    client = Client()
    _sign_in(client, "viewer", "wrong", addr="10.0.7.14")
    _sign_in(client, "viewer", "pw-viewer", addr="2001:db8::1")
    page = client.get(URL).content.decode()
    assert "<th>Address</th><th>Browser</th>" in page
    signed_in, failed = _rows(page)
    assert signed_in[0] == "sign-in" and "Signed in" in signed_in[1]
    assert "2001:db8::1" in signed_in[1] and "Mozilla/5.0 (X11; Linux x86_64)" in signed_in[1]
    assert failed[0] == "sign-in.fail" and "Failed sign-in" in failed[1]
    assert "10.0.7.14" in failed[1] and ">—</td>" in failed[1]  # nobody proven acted

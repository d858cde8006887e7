"""The account events page: a signed-in user's own API token events (made, revoked, ended),
newest first, a page at a time; nobody else's, and nothing for the anonymous."""
import re

from reviews.accounts import tokens
from reviews.accounts.views import ACCOUNT_EVENTS_PAGE_SIZE
from reviews.models import AccountEvent

URL = "/account/events/"


def _rows(page):
    return re.findall(r'<tr data-verb="([^"]+)">(.*?)</tr>', page, re.S)


def test_my_events_are_listed_newest_first_with_the_token_and_why(team):
    viewer = team.users["viewer"]
    gone, _secret = tokens.token_create(actor=viewer, name="nightly import")
    tokens.token_revoke(actor=viewer, token_id=gone.id)
    kept, _secret = tokens.token_create(actor=viewer, name="notebook")
    viewer.set_password("a new password")
    viewer.save()  # ends every token
    rows = _rows(team.client("viewer").get(URL).content.decode())
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
        assert _rows(seen) == [] and "No events yet." in seen
    assert len(_rows(team.client("reviewer").get(URL).content.decode())) == 2


def test_the_anonymous_are_sent_to_log_in(team):
    response = team.client("anonymous").get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_the_list_comes_a_page_at_a_time(team):
    viewer = team.users["viewer"]
    for n in range(ACCOUNT_EVENTS_PAGE_SIZE + 1):
        AccountEvent.objects.create(user=viewer, actor=viewer, verb="token.create",
                                    detail={"name": f"script-{n:03d}", "prefix": "abcdef"})
    client = team.client("viewer")
    first = client.get(URL).content.decode()
    assert len(_rows(first)) == ACCOUNT_EVENTS_PAGE_SIZE
    assert f"script-{ACCOUNT_EVENTS_PAGE_SIZE:03d}" in _rows(first)[0][1]  # the newest
    assert 'id="events-next"' in first and "page 1 of 2" in first
    second = _rows(client.get(URL + "?page=2").content.decode())
    assert len(second) == 1 and "script-000" in second[0][1]


def test_the_tokens_page_links_to_it_and_it_only_reads(team):
    client = team.client("viewer")
    assert f'href="{URL}"' in client.get("/account/tokens/").content.decode()
    assert client.post(URL).status_code == 405
    assert not AccountEvent.objects.exists()

"""Error answers: JSON on the API, styled pages in both languages elsewhere, one log line."""
import logging
import re

import pytest
from django.test import Client

from tests.test_permission_matrix import REVIEW_SCOPED


def test_a_denied_page_is_a_page_in_the_layout_with_the_reason_and_a_way_on(team):
    response = team.client("viewer").post(f"/reviews/{team.review.id}/settings/", {})
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="error-403"' in page and 'class="topbar"' in page
    assert "Your role in this review does not allow this" in page
    assert 'href="/"' in page  # back to my reviews


def test_a_missing_page_is_styled_and_speaks_chinese(team):
    client = team.client("owner")
    client.post("/account/language/", {"language": "zh-hans", "next": "/"})
    page = client.get("/no/such/page/").content.decode()
    assert 'id="error-404"' in page and "找不到" in page


@pytest.mark.parametrize("path", ["/api/reviews/abc/", "/api/nothing/", "/api/reviews/1/x/"])
def test_an_unknown_api_address_answers_json_404(team, path):
    response = team.client("owner").get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_server_error_is_the_styled_page_without_the_request_context(rf):
    from reviews.errors import server_error

    response = server_error(rf.get("/reviews/1/"))
    assert response.status_code == 500 and 'id="error-500"' in response.content.decode()
    assert server_error(rf.get("/api/reviews/1/")).content == b'{"detail": "Server error."}'


def test_each_denial_is_one_log_line_without_a_traceback(team, caplog):
    caplog.set_level(logging.INFO)
    team.client("viewer").post(f"/reviews/{team.review.id}/settings/", {})
    team.client("viewer").get(f"/api/reviews/{team.review.id}/audit/")
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert len(refused) == 2
    assert [r.exc_info for r in refused] == [None, None]
    assert [r.getMessage().split(":")[0] for r in refused] == [
        "Forbidden (Permission denied)", "Forbidden"]


def test_the_django_logger_prints_through_the_root_handler_alone():
    assert logging.getLogger("django").handlers == []


ID_URLS = sorted({p.name for route, p in REVIEW_SCOPED})
HUGE = "9" * 24
BEYOND = str(2**63)


@pytest.mark.parametrize("name", ID_URLS)
@pytest.mark.parametrize("value", [BEYOND, HUGE])
def test_an_id_beyond_the_database_range_is_404_in_every_review_scoped_url(team, name, value):
    route = next(r for r, p in REVIEW_SCOPED if p.name == name)
    url = "/" + re.sub(r"<(?:\w+:)?review_id>", value, route)
    url = re.sub(r"<(?:\w+:)?stage>", "ta", url)
    url = re.sub(r"<(?:\w+:)?\w+>", "1", url)
    response = team.client("owner").get(url)
    assert response.status_code == 404, url
    if url.startswith("/api/"):
        assert response["Content-Type"] == "application/json"


WITH_OTHER_IDS = sorted({p.name for route, p in REVIEW_SCOPED
                         if set(re.findall(r"<(?:\w+:)?(\w+)>", route)) - {"review_id", "stage"}})


@pytest.mark.parametrize("name", WITH_OTHER_IDS)
def test_every_other_id_beyond_the_range_is_404_too(team, name):
    route = next(r for r, p in REVIEW_SCOPED if p.name == name)
    url = "/" + re.sub(r"<(?:\w+:)?review_id>", str(team.review.id), route)
    url = re.sub(r"<(?:\w+:)?stage>", "ta", url)
    url = re.sub(r"<(?:\w+:)?\w+>", BEYOND, url)
    assert team.client("owner").get(url).status_code in (404, 405)


@pytest.mark.parametrize("skip", ["²", "1,²", HUGE, BEYOND, "-1", "1;2", ",".join(["1"] * 201)])
def test_next_refuses_a_skip_that_is_not_ids_with_a_400(team, skip):
    response = team.client("owner").get(
        f"/api/reviews/{team.review.id}/screening/ta/next/", {"skip": skip})
    assert response.status_code == 400
    assert "skip" in response.json()


def test_next_takes_valid_skips(team):
    response = team.client("owner").get(
        f"/api/reviews/{team.review.id}/screening/ta/next/", {"skip": "1,2,3"})
    assert response.status_code == 200


def test_an_anonymous_404_is_styled_not_a_debug_page():
    page = Client().get("/reviews/1/nothing/").content.decode()
    assert "URLconf" not in page and 'id="error-404"' in page


@pytest.mark.parametrize("review_id", [2**63, 10**24, 0, -1, "abc", "²"])
def test_the_access_helper_itself_answers_no_membership_for_an_impossible_review_id(
        team, review_id):
    """Behind the URL converter: a view routed with <int:review_id> is safe too."""
    from reviews.access import membership_for

    assert membership_for(team.users["owner"], review_id) is None
    assert membership_for(team.users["owner"], str(team.review.id)) == team.memberships["owner"]

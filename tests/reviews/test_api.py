"""The REST API for reviews and members: token auth, scoping, validation and the schema."""
import pytest
from rest_framework.test import APIClient

from reviews.accounts.tokens import token_create
from reviews.models import Invitation


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(actor=user, name='test')[1]}")
    return client


def test_token_is_issued_for_a_username_and_password(team):
    response = APIClient().post("/api/auth/token/", {"username": "reviewer",
                                                     "password": "pw-reviewer"})
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/reviews/").status_code == 200


def test_review_list_never_leaks_another_teams_rows(team):
    data = _api(team.users["viewer"]).get("/api/reviews/").json()
    assert [r["title"] for r in data["results"]] == ["MSCs for systemic sclerosis"]
    assert data["results"][0]["role"] == "viewer"


def test_create_and_update_a_review_through_the_api(team):
    client = _api(team.users["reviewer"])
    created = client.post("/api/reviews/", {"title": "Via API", "reviewers_per_record": 3},
                          format="json")
    assert created.status_code == 201 and created.json()["role"] == "owner"
    rid = created.json()["id"]
    patched = client.patch(f"/api/reviews/{rid}/", {"blind_screening": False}, format="json")
    assert patched.status_code == 200 and patched.json()["blind_screening"] is False


def test_invalid_review_input_names_the_field(team):
    response = _api(team.users["owner"]).patch(
        f"/api/reviews/{team.review.id}/", {"reviewers_per_record": 0}, format="json")
    assert response.status_code == 400
    assert "reviewers_per_record" in response.json()


def test_inviting_through_the_api_returns_the_link(team):
    response = _api(team.users["owner"]).post(
        f"/api/reviews/{team.review.id}/members/", {"invitee": "x@example.org", "role": "viewer"},
        format="json")
    assert response.status_code == 201
    token = Invitation.objects.get(invitee="x@example.org").token
    assert response.json()["url"].endswith(f"/invitations/{token}/")


@pytest.mark.parametrize("persona", ["reviewer", "viewer"])
def test_members_cannot_change_roles_through_the_api(team, persona):
    target = team.memberships["adjudicator"].id
    response = _api(team.users[persona]).patch(
        f"/api/reviews/{team.review.id}/members/{target}/", {"role": "owner"}, format="json")
    assert response.status_code == 403
    team.memberships["adjudicator"].refresh_from_db()
    assert team.memberships["adjudicator"].role == "adjudicator"


def test_a_membership_of_another_review_is_404_through_this_review(team):
    foreign = team.other_review.memberships.get().id
    response = _api(team.users["owner"]).delete(
        f"/api/reviews/{team.review.id}/members/{foreign}/")
    assert response.status_code == 404
    assert team.other_review.memberships.count() == 1


def test_openapi_schema_lists_the_endpoints(team):
    response = team.client("owner").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/reviews/{review_id}/members/" in paths
    assert "patch" in paths["/api/reviews/{review_id}/"]


def test_api_docs_use_local_assets_only(team):
    page = team.client("owner").get("/api/docs/").content.decode()
    assert "swagger" in page.lower()
    assert "cdn" not in page.lower() and "//unpkg" not in page

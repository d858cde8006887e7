"""The foundation's pages as a person uses them: dashboard, creation, members, audit, language."""
import csv
import io

import pytest

from reviews.models import Invitation, Membership, Review


def test_dashboard_lists_my_reviews_and_not_other_teams(team):
    page = team.client("viewer").get("/").content.decode()
    assert "MSCs for systemic sclerosis" in page
    assert "Another team" not in page


def test_dashboard_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_creating_a_review_in_the_page(team):
    client = team.client("reviewer")
    response = client.post("/reviews/new/", {
        "title": "Statins for sepsis", "registration_id": "CRD42099000001", "status": "protocol",
        "reviewers_per_record": 2, "blind_screening": "on",
    })
    review = Review.objects.get(title="Statins for sepsis")
    assert response.status_code == 302 and response["Location"] == f"/reviews/{review.id}/"
    assert review.memberships.get().role == "owner"
    home = client.get(f"/reviews/{review.id}/").content.decode()
    for stage in ("Import", "De-duplication", "Title/abstract screening", "Full-text screening",
                  "Extraction", "Synthesis"):
        assert stage in home


def test_invite_in_the_page_shows_the_link_to_pass_on(team):
    client = team.client("owner")
    response = client.post(f"/reviews/{team.review.id}/members/",
                           {"invitee": "colleague@example.org", "role": "reviewer"})
    inv = Invitation.objects.get(invitee="colleague@example.org")
    assert f"/invitations/{inv.token}/" in response.content.decode()


def test_invited_person_without_an_account_signs_up_and_joins(team, client):
    inv = Invitation.objects.create(review=team.review, invitee="colleague@example.org",
                                    role="reviewer", invited_by=team.users["owner"])
    url = f"/invitations/{inv.token}/"
    assert "Create an account" in client.get(url).content.decode()
    response = client.post(url, {"username": "colleague", "email": "colleague@example.org",
                                 "password": "a long enough pass 42"})
    assert response.status_code == 302
    m = Membership.objects.get(user__username="colleague")
    assert (m.review_id, m.role) == (team.review.id, "reviewer")


def test_signing_up_with_another_address_does_not_join(team, client):
    inv = Invitation.objects.create(review=team.review, invitee="colleague@example.org",
                                    role="reviewer", invited_by=team.users["owner"])
    response = client.post(f"/invitations/{inv.token}/", {
        "username": "intruder", "email": "intruder@example.org",
        "password": "a long enough pass 42"})
    assert response.status_code == 200
    assert not Membership.objects.filter(user__username="intruder").exists()
    assert not Membership.objects.filter(review=team.review, user__username="intruder").exists()


def test_an_unknown_invitation_token_is_404(client, db):
    assert client.get("/invitations/not-a-token/").status_code == 404


def test_audit_log_page_and_csv_export(team):
    client = team.client("owner")
    client.post(f"/reviews/{team.review.id}/settings/", {
        "title": "Changed title", "status": "screening", "reviewers_per_record": 2,
        "blind_screening": "on"})
    page = client.get(f"/reviews/{team.review.id}/audit/").content.decode()
    assert "review.update" in page
    response = client.get(f"/reviews/{team.review.id}/audit.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["verb"] for r in rows][-1] == "review.update"
    assert rows[-1]["actor"] == "owner"
    assert "Changed title" in rows[-1]["after"]


def test_settings_are_read_only_for_non_owners(team):
    page = team.client("reviewer").get(f"/reviews/{team.review.id}/settings/").content.decode()
    # Values to read, not a form that looks editable and refuses the save.
    assert 'id="review-settings-readonly"' in page
    assert "MSCs for systemic sclerosis" in page and "CRD42020200350" in page
    assert "<input" not in page.split('id="review-settings-readonly"')[1].split("</dl>")[0]
    assert 'id="review-form"' not in page and 'id="save-review"' not in page
    owner = team.client("owner").get(f"/reviews/{team.review.id}/settings/").content.decode()
    assert 'id="review-form"' in owner and 'id="save-review"' in owner


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "我的综述"), ("en", "My reviews")])
def test_interface_language_is_chosen_per_user_and_remembered(team, language, expected):
    client = team.client("reviewer")
    client.post("/account/language/", {"language": language, "next": "/"})
    assert expected in client.get("/").content.decode()
    # A new session for the same user starts in the stored language.
    fresh = team.client("reviewer")
    assert expected in fresh.get("/").content.decode()


def test_language_switch_refuses_offsite_redirects(team):
    response = team.client("reviewer").post(
        "/account/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_dashboard_counts_every_member_of_each_review(team):
    from reviews.selectors import reviews_for_user

    [review] = [r for r in reviews_for_user(user=team.users["reviewer"]) if r.id == team.review.id]
    expected = team.review.memberships.count()
    assert expected > 1 and review.member_count == expected
    assert review.my_role == "reviewer"

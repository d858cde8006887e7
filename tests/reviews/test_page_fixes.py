"""Fixes to the foundation's pages (issue #16): import preview, format names, sign-up errors,
invitations refused when mistyped and shown on the invited person's dashboard."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews import services
from reviews.models import FORMAT_LABELS, Invitation, Membership, Role, Search
from reviews.searches.importers import FORMATS

RIS_NO_AUTHORS = b"""TY  - JOUR
TI  - Mesenchymal stem cells in systemic sclerosis without any author
PY  - 2020
ER  -
"""


def test_the_import_preview_shows_a_dash_not_none_for_a_record_without_authors(team):
    client = team.client("owner")
    response = client.post(f"/reviews/{team.review.id}/searches/", {
        "file": SimpleUploadedFile("x.ris", RIS_NO_AUTHORS), "source": "pubmed"})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    row = page.split('id="preview-list"')[1].split("</table>")[0]
    assert "without any author" in row
    assert "None" not in row


def test_the_format_menu_and_lists_show_names_people_know(team):
    assert set(FORMAT_LABELS) == set(FORMATS)
    page = team.client("owner").get(f"/reviews/{team.review.id}/searches/").content.decode()
    assert '<option value="pubmed-csv">PubMed CSV</option>' in page
    assert '<option value="ris">RIS</option>' in page
    assert '<option value="wos-tab">Web of Science (tab-delimited)</option>' in page
    Search.objects.create(review=team.review, source="pubmed", file_name="p.csv",
                          file_sha256="0" * 64, file_size=1, format="pubmed-csv",
                          status="done", created_by=team.users["owner"])
    page = team.client("viewer").get(f"/reviews/{team.review.id}/searches/").content.decode()
    assert "<td>PubMed CSV</td>" in page and "<td>pubmed-csv</td>" not in page


def test_a_refused_sign_up_says_its_error_once(team, client):
    inv = Invitation.objects.create(review=team.review, invitee="colleague@example.org",
                                    role="reviewer", invited_by=team.users["owner"])
    response = client.post(f"/invitations/{inv.token}/", {
        "username": "intruder", "email": "intruder@example.org",
        "password": "a long enough pass 42"})
    page = response.content.decode()
    assert page.count("Use the username or email address the invitation was sent to.") == 1


def test_a_mistyped_username_is_refused_with_a_clear_message(team):
    with pytest.raises(ValidationError, match="No account has the username"):
        services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                   invitee="reveiwer2", role=Role.REVIEWER)
    response = team.client("owner").post(f"/reviews/{team.review.id}/members/",
                                         {"invitee": "reveiwer2", "role": "reviewer"})
    assert response.status_code == 400
    assert "No account has the username" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_malformed_email_is_refused_and_a_new_persons_email_is_invited(team):
    with pytest.raises(ValidationError, match="not a valid email"):
        services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                   invitee="colleague@@example", role=Role.REVIEWER)
    inv = services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                     invitee="someone.new@example.org", role=Role.REVIEWER)
    assert inv.pk and Invitation.objects.count() == 1


def test_an_invited_person_sees_and_accepts_the_invitation_on_their_dashboard(
        team, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", "new@example.org", "pw")
    by_mail = services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                         invitee="NEW@example.org", role=Role.ADJUDICATOR)
    other = services.invitation_create(actor=team.users["owner"], review_id=team.review.id,
                                       invitee="outsider", role=Role.VIEWER)
    from django.test import Client

    client = Client()
    client.force_login(newcomer)
    page = client.get("/").content.decode()
    assert 'id="my-invitations"' in page and "MSCs for systemic sclerosis" in page
    assert f'action="/invitations/{by_mail.token}/"' in page
    assert other.token not in page  # sent to someone else
    response = client.post(f"/invitations/{by_mail.token}/")
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).role == "adjudicator"
    assert 'id="my-invitations"' not in client.get("/").content.decode()
    # The outsider sees theirs, not the newcomer's.
    outsider_page = team.client("outsider").get("/").content.decode()
    assert other.token in outsider_page and by_mail.token not in outsider_page

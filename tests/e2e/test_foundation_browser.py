"""In a real browser: log in, create a review, invite a member who joins, see the dashboard."""
import re

import pytest

from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(transactional_db, django_user_model):
    django_user_model.objects.create_user("lead", password="lead-pass-123",
                                          email="lead@example.org")
    django_user_model.objects.create_user("second", password="second-pass-123",
                                          email="second@example.org")


def test_owner_creates_a_review_and_invites_a_colleague_who_joins(page, live_server, people):
    base = live_server.url
    log_in(page, base, "lead", "lead-pass-123")
    assert page.locator("h1").inner_text() == "My reviews"

    page.click("#new-review")
    page.fill("#id_title", "Mesenchymal stem cells for systemic sclerosis")
    page.fill("#id_registration_id", "PROSPERO CRD42020200350")
    page.fill("#id_population", "Adults with systemic sclerosis")
    page.click("#save-review")
    page.wait_for_url(re.compile(r".*/reviews/\d+/$"))
    assert page.locator("#review-title").inner_text().startswith("Mesenchymal")
    assert page.locator("[data-stage]").count() == 6

    page.click("text=Members")
    page.fill("#id_invitee", "second@example.org")
    page.select_option("#id_role", "adjudicator")
    page.click("#invite-submit")
    link = page.input_value("#invite-link")
    assert "/invitations/" in link

    page.click("#logout")
    log_in(page, base, "second", "second-pass-123")
    page.goto(link)
    page.click("#accept-invitation")
    page.wait_for_url(re.compile(r".*/reviews/\d+/$"))
    page.goto(f"{base}/")
    row = page.locator("#review-list tbody tr")
    assert row.count() == 1
    assert "Mesenchymal" in row.inner_text() and "adjudicator" in row.inner_text()


def test_the_interface_switches_to_chinese(page, live_server, people):
    log_in(page, live_server.url, "lead", "lead-pass-123")
    page.select_option("#lang-select", "zh-hans")
    page.wait_for_load_state()
    page.wait_for_selector("text=我的综述")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#new-review").inner_text() == "新建综述"

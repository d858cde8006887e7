"""In a real browser: two reviewers screen with the keyboard only, a conflict appears, the
adjudicator resolves it, and the counts update."""
import pytest

from reviews.duplicates.services import review_dedupe
from reviews.models import Membership
from reviews.services import review_create
from tests.screening.conftest import make_records

from .conftest import log_in

pytestmark = pytest.mark.e2e

TITLES = ["MSCs for systemic sclerosis skin", "Statins in sepsis", "Adipose grafts in SSc hands"]


@pytest.fixture
def screening_review(transactional_db, django_user_model):
    users = {name: django_user_model.objects.create_user(name, password=f"{name}-pass-123")
             for name in ("lead", "r1", "r2", "adj")}
    review = review_create(actor=users["lead"], title="MSCs for SSc")
    for name, role in (("r1", "reviewer"), ("r2", "reviewer"), ("adj", "adjudicator")):
        Membership.objects.create(review=review, user=users[name], role=role)
    make_records(review, users["lead"], TITLES)
    # As after an import: the de-duplication run's commit makes the screening items.
    review_dedupe(review_id=review.id)
    return review


def screen_with_keys(page, base, review, user, keys):
    log_in(page, base, user, f"{user}-pass-123")
    page.goto(f"{base}/reviews/{review.id}/screening/ta/")
    for key, title in zip(keys, TITLES, strict=True):
        page.wait_for_selector(f"#rec-title:has-text('{title}')")
        page.keyboard.press(key)
    page.wait_for_selector("#done:not([hidden])")
    assert page.locator("#my-progress-text").inner_text() == "3 / 3"
    page.click("#logout")


def test_two_reviewers_a_conflict_and_its_resolution(page, live_server, screening_review):
    base, review = live_server.url, screening_review
    screen_with_keys(page, base, review, "r1", ["i", "e", "i"])
    screen_with_keys(page, base, review, "r2", ["i", "i", "i"])

    log_in(page, base, "adj", "adj-pass-123")
    page.goto(f"{base}/reviews/{review.id}/screening/")
    assert page.locator("[data-stage=ta] .conflicts").inner_text() == "1"
    page.click("#conflicts-ta")
    conflict = page.locator(".conflict")
    assert conflict.count() == 1 and "Statins in sepsis" in conflict.inner_text()
    votes = conflict.locator(".vote").all_inner_texts()
    assert sorted(v.split("\n")[0].strip() for v in votes) == ["r1: Exclude", "r2: Include"]
    assert conflict.locator("select[name=decision]").input_value() == ""  # nothing preselected
    conflict.locator("select[name=decision]").select_option("exclude")
    conflict.get_by_label("Reason for the decision (required)").fill(
        "Sepsis is not the review's population")
    conflict.locator("button[type=submit]").click()
    page.wait_for_selector("text=No conflicts waiting.")
    page.goto(f"{base}/reviews/{review.id}/screening/")
    stage = page.locator("[data-stage=ta]").inner_text()
    assert "Settled\n3" in stage.replace("\t", "\n") or "Settled 3" in stage
    assert page.locator("[data-stage=ta] .conflicts").inner_text() == "0"
    assert page.locator("[data-stage=ft]").inner_text().count("2") >= 1


def test_undo_and_previous_with_the_keyboard(page, live_server, screening_review):
    base, review = live_server.url, screening_review
    log_in(page, base, "r1", "r1-pass-123")
    page.goto(f"{base}/reviews/{review.id}/screening/ta/")
    page.wait_for_selector(f"#rec-title:has-text('{TITLES[0]}')")
    page.keyboard.press("e")
    page.wait_for_selector(f"#rec-title:has-text('{TITLES[1]}')")
    page.keyboard.press("u")
    page.wait_for_selector(f"#rec-title:has-text('{TITLES[0]}')")
    assert page.locator("#my-vote").inner_text() == "—"
    page.keyboard.press("i")
    page.wait_for_selector(f"#rec-title:has-text('{TITLES[1]}')")
    page.keyboard.press("p")
    page.wait_for_selector(f"#rec-title:has-text('{TITLES[0]}')")
    assert page.locator("#my-vote").inner_text() == "include"
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()

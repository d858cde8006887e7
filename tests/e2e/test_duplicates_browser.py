"""In a real browser: a reviewer works through the duplicate pairs with the keyboard."""

import pytest

from reviews.models import DuplicatePair, Membership, Record
from reviews.services import review_create
from tests.reviews.duplicates.test_dedup_services import (
    CONFERENCE,
    OTHER,
    TRIAL,
    add_records,
    search_for,
)

from .conftest import log_in

pytestmark = pytest.mark.e2e


def _pairs(django_user_model):
    owner = django_user_model.objects.create_user("lead", password="lead-pass-123")
    review = review_create(actor=owner, title="MSCs for SSc")
    reviewer = django_user_model.objects.create_user("rev", password="rev-pass-123")
    Membership.objects.create(review=review, user=reviewer, role="reviewer")
    a, c, o = add_records(search_for(review, owner), TRIAL, CONFERENCE, OTHER)
    first = DuplicatePair.objects.create(review=review, record_a=a, record_b=c, score=0.9)
    second = DuplicatePair.objects.create(review=review, record_a=a, record_b=o, score=0.5)
    return review, first, second


def test_keys_move_between_pairs_and_decide_them(
    page, live_server, transactional_db, django_user_model
):
    review, first, second = _pairs(django_user_model)
    log_in(page, live_server.url, "rev", "rev-pass-123")
    page.goto(f"{live_server.url}/reviews/{review.id}/duplicates/")
    page.wait_for_selector(f"#pair-{first.id}.current")
    assert page.locator(f"#pair-{first.id} tr.differ[data-field=year]").count() == 1

    page.keyboard.press("j")
    page.wait_for_selector(f"#pair-{second.id}.current")
    page.keyboard.press("n")
    page.wait_for_selector(f"#pair-{second.id}", state="detached")
    page.wait_for_selector(f"#pair-{first.id}.current")
    page.keyboard.press("m")
    page.wait_for_selector("#no-pairs")

    assert DuplicatePair.objects.get(pk=second.pk).status == "not_duplicate"
    assert Record.objects.get(pk=first.record_b_id).duplicate_of_id == first.record_a_id
    assert page.locator("[data-count=manual]").inner_text() == "1"

"""In a real browser: the owner reads the stopping aid, stops screening, and undoes it."""
from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.services import review_create
from screening import services
from screening.models import Item, ItemStatus
from tests.screening.conftest import make_records

from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def nearly_done(transactional_db, django_user_model):
    """30 records: 3 included, then 26 excluded, 1 nobody voted on: p = 1/27 < 0.05."""
    lead = django_user_model.objects.create_user("lead", password="lead-pass-123")
    review = review_create(actor=lead, title="MSCs for SSc")
    make_records(review, lead, [f"Record {i}" for i in range(30)])
    services.items_sync(review=review)
    start = timezone.now() - timedelta(days=1)
    for n, item in enumerate(Item.objects.filter(review=review).order_by("id")[:29]):
        inc = n < 3
        Item.objects.filter(pk=item.pk).update(
            status=ItemStatus.INCLUDED if inc else ItemStatus.EXCLUDED,
            decision="include" if inc else "exclude", live_votes=2,
            settled_at=start + timedelta(seconds=n))
    return review


def test_the_owner_stops_screening_and_undoes_it(page, live_server, nearly_done):
    base, review = live_server.url, nearly_done
    log_in(page, base, "lead", "lead-pass-123")
    page.goto(f"{base}/reviews/{review.id}/screening/")
    assert page.locator("#since-last").inner_text() == "26"
    assert page.locator("#stop-p").inner_text() == "0.0370"
    page.once("dialog", lambda dialog: dialog.accept())  # the form's data-confirm
    page.click("#stop-adopt")
    page.locator("#stop-in-force").wait_for()
    assert page.locator("#prisma-automation").inner_text() == "1"
    assert page.locator("[data-stage=ta] .stopped").inner_text() == "1"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#stop-undo")
    page.locator("#stop-adopt").wait_for()
    assert page.locator("#prisma-automation").count() == 0
    assert Item.objects.filter(review=review, status=ItemStatus.PENDING).count() == 1

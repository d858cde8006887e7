"""In a real browser (issue #16): undo reaches back several votes and survives a reload; a
finished reviewer sees a finished page, not dead buttons; an empty review says so and links
to import; records added meanwhile are announced; the owner reopens a settled record."""
import pytest

from reviews.duplicates.services import review_dedupe
from reviews.models import Membership, Record, Search
from reviews.services import review_create
from screening import services
from tests.screening.conftest import make_records

from .conftest import log_in

pytestmark = pytest.mark.e2e

TITLES = ["MSCs for systemic sclerosis skin", "Statins in sepsis", "Adipose grafts in SSc hands"]
SHOTS = "/tmp/screenfix-shots"


@pytest.fixture
def review(transactional_db, django_user_model):
    users = {name: django_user_model.objects.create_user(name, password=f"{name}-pass-123")
             for name in ("lead", "r1")}
    review = review_create(actor=users["lead"], title="MSCs for SSc")
    Membership.objects.create(review=review, user=users["r1"], role="reviewer")
    make_records(review, users["lead"], TITLES)
    review_dedupe(review_id=review.id)
    return review


def _title(page, title):
    page.wait_for_selector(f"#rec-title:has-text('{title}')")


def test_undo_reaches_back_through_a_reload_and_the_finished_state_is_clear(
        page, live_server, review):
    base = live_server.url
    log_in(page, base, "r1", "r1-pass-123")
    page.goto(f"{base}/reviews/{review.id}/screening/ta/")
    for key, title in zip("iei", TITLES, strict=True):
        _title(page, title)
        page.keyboard.press(key)
    page.wait_for_selector("#done:not([hidden])")
    assert not page.locator("#btn-include").is_visible()  # no dead vote buttons
    assert page.locator("#my-progress-text").inner_text() == "3 / 3"
    page.screenshot(path=f"{SHOTS}-finished.png", full_page=True)
    page.reload()
    page.wait_for_selector("#done:not([hidden])")
    page.keyboard.press("u")  # the last vote, though the page was reloaded
    _title(page, TITLES[2])
    assert page.locator("#my-vote").inner_text() == "—"
    assert page.locator("#btn-include").is_visible()
    page.keyboard.press("u")  # and the one before it
    _title(page, TITLES[1])
    assert page.locator("#my-vote").inner_text() == "—"
    assert page.locator("#my-progress-text").inner_text() == "1 / 3"


def test_records_added_while_screening_are_announced(page, live_server, review):
    base = live_server.url
    log_in(page, base, "r1", "r1-pass-123")
    page.goto(f"{base}/reviews/{review.id}/screening/ta/")
    _title(page, TITLES[0])
    search = Search.objects.get(review=review)
    Record.objects.create(review=review, search=search, position=10, title="Added meanwhile")
    Record.objects.create(review=review, search=search, position=11, title="Added too")
    services.items_sync(review=review)
    page.keyboard.press("i")
    page.wait_for_selector("#new-records:not([hidden])")
    assert "2 new records were added" in page.locator("#new-records").inner_text()


def test_an_empty_review_says_there_are_no_records_and_links_to_import(
        page, live_server, transactional_db, django_user_model):
    django_user_model.objects.create_user("solo", password="solo-pass-123")
    from django.contrib.auth import get_user_model

    empty = review_create(actor=get_user_model().objects.get(username="solo"), title="Empty")
    base = live_server.url
    log_in(page, base, "solo", "solo-pass-123")
    page.goto(f"{base}/reviews/{empty.id}/screening/ta/")
    page.wait_for_selector("#empty:not([hidden])")
    assert page.locator("#done").is_hidden()
    assert "Thank you" not in page.locator("main").inner_text()
    page.click("#empty-import")
    page.wait_for_url(f"{base}/reviews/{empty.id}/searches/")


def test_the_owner_reopens_a_settled_record_from_the_screening_page(page, live_server, review):
    base = live_server.url
    first = review.screening_items.order_by("-priority", "id").first()
    from django.contrib.auth import get_user_model

    services.vote_cast(actor=get_user_model().objects.get(username="r1"), item_id=first.id,
                       decision="exclude")
    log_in(page, base, "lead", "lead-pass-123")
    page.goto(f"{base}/reviews/{review.id}/screening/ta/")
    _title(page, first.record.title)
    page.keyboard.press("e")  # the second exclude settles it
    page.wait_for_selector(f"#rec-title:not(:has-text('{first.record.title}'))")
    page.keyboard.press("p")  # back to it: settled, so no vote buttons but a reopen button
    _title(page, first.record.title)
    page.wait_for_selector("#btn-reopen:not([hidden])")
    assert page.locator("#settled-note").is_visible()
    assert not page.locator("#btn-include").is_visible()
    page.click("#btn-reopen")
    page.wait_for_selector("#btn-reopen[hidden]", state="attached")
    first.refresh_from_db()
    assert first.status in ("pending", "conflict")


def test_a_vote_refused_on_a_record_settled_meanwhile_offers_reopening(
        page, live_server, review, django_user_model):
    base = live_server.url
    extra = django_user_model.objects.create_user("r2", password="r2-pass-123")
    Membership.objects.create(review=review, user=extra, role="reviewer")
    first = review.screening_items.order_by("-priority", "id").first()
    log_in(page, base, "lead", "lead-pass-123")
    page.goto(f"{base}/reviews/{review.id}/screening/ta/")
    _title(page, first.record.title)  # shown to the owner; two others settle it meanwhile
    from django.contrib.auth import get_user_model

    for name in ("r1", "r2"):
        services.vote_cast(actor=get_user_model().objects.get(username=name),
                           item_id=first.id, decision="include")
    page.keyboard.press("e")
    page.wait_for_selector("#btn-reopen:not([hidden])")
    assert "reopen" in page.locator("#screen-message").inner_text()
    assert page.locator("#rec-title").inner_text() == first.record.title


def test_a_successful_pdf_upload_clears_the_earlier_error(page, live_server, review, tmp_path):
    from django.contrib.auth import get_user_model

    first = review.screening_items.order_by("-priority", "id").first()
    for name in ("lead", "r1"):
        services.vote_cast(actor=get_user_model().objects.get(username=name), item_id=first.id,
                           decision="include")
    base = live_server.url
    log_in(page, base, "r1", "r1-pass-123")
    page.goto(f"{base}/reviews/{review.id}/screening/ft/")
    _title(page, first.record.title)
    bad, good = tmp_path / "bad.pdf", tmp_path / "good.pdf"
    bad.write_bytes(b"not a pdf at all")
    good.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("#pdf-upload", str(bad))
    page.wait_for_selector("#screen-message.msg-error")
    assert "not a PDF" in page.locator("#screen-message").inner_text()
    page.set_input_files("#pdf-upload", str(good))
    page.wait_for_selector("#pdf-frame:not([hidden])")
    page.wait_for_selector("#screen-message:not(.msg-error)", state="attached")
    assert page.locator("#screen-message").inner_text() == ""

"""In a real browser: a reviewer searches the records (in Chinese), filters them, opens one,
labels it and comments; the owner labels every record a filter found."""
import pytest

from reviews.models import Membership, Record, Search
from reviews.services import review_create
from screening.records.models import Label, RecordLabel
from screening.services import items_sync

from .conftest import log_in

pytestmark = pytest.mark.e2e


def _review(django_user_model):
    owner = django_user_model.objects.create_user("lead", password="lead-pass-123")
    review = review_create(actor=owner, title="MSCs for SSc")
    reviewer = django_user_model.objects.create_user("rev", password="rev-pass-123")
    Membership.objects.create(review=review, user=reviewer, role="reviewer")
    search = Search.objects.create(review=review, source="cnki", file_name="c.txt",
                                   file_sha256="e" * 64, file_size=1, format="cnki-estudy",
                                   status="done", created_by=owner)
    titles = [("间充质干细胞治疗系统性硬化症", 2020), ("系统性硬化症患者的皮肤评分", 2012),
              ("Mesenchymal stem cells in scleroderma", 2019)]
    records = [Record.objects.create(review=review, search=search, position=n, title=t, year=y)
               for n, (t, y) in enumerate(titles, 1)]
    items_sync(review=review)
    label = Label.objects.create(review=review, name="background")
    return review, records, label


def test_search_filter_and_label_a_record(page, live_server, transactional_db,
                                          django_user_model):
    review, records, label = _review(django_user_model)
    log_in(page, live_server.url, "rev", "rev-pass-123")
    page.goto(f"{live_server.url}/reviews/{review.id}/")
    page.click("#nav-records")
    page.wait_for_selector("#records")
    assert page.locator("#records tbody tr").count() == 3

    page.fill("#id_q", "硬化症")
    page.click("#search-submit")
    page.wait_for_selector("#clear-filters")
    assert page.locator("#records tbody tr").count() == 2
    page.fill("#id_year_from", "2015")
    page.select_option("#id_stage", "ta")
    page.click("#search-submit")
    page.wait_for_selector("#records tbody tr >> nth=0")
    rows = page.locator("#records tbody tr")
    assert rows.count() == 1 and "间充质干细胞" in rows.first.inner_text()

    rows.first.locator("a.title").click()
    page.wait_for_selector("#labels")
    page.click("button.chip[data-label=background]")
    page.wait_for_selector("button.chip.on[data-label=background]")
    page.fill("#comment-text", "请联系作者索取全文")
    page.click("#comment-submit")
    page.wait_for_selector("#discussion .comment")
    assert "请联系作者索取全文" in page.locator("#discussion").inner_text()
    assert list(RecordLabel.objects.values_list("record_id", flat=True)) == [records[0].id]

    page.click("#back-to-list")
    page.select_option("#id_label", str(label.id))
    page.click("#search-submit")
    page.wait_for_selector("#records tbody tr >> nth=0")
    assert page.locator("#records tbody tr").count() == 1
    assert "background" in page.locator("#records tbody tr").first.inner_text()


def test_the_owner_labels_every_record_a_filter_found(page, live_server, transactional_db,
                                                      django_user_model):
    review, records, label = _review(django_user_model)
    log_in(page, live_server.url, "lead", "lead-pass-123")
    page.goto(f"{live_server.url}/reviews/{review.id}/records/?q=%E7%A1%AC%E5%8C%96")
    page.wait_for_selector("#bulk-filtered")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#bulk-filtered")
    page.wait_for_selector(".msg-success")
    assert sorted(RecordLabel.objects.values_list("record_id", flat=True)) == sorted(
        [records[0].id, records[1].id])

"""In a real browser: two extractors disagree on one value, the adjudicator settles it, the
owner locks, and the snapshot hash is shown."""
import os

import pytest
from playwright.sync_api import expect

from extraction import services
from extraction.models import Extraction, Snapshot
from reviews.models import Membership
from reviews.services import review_create
from tests.extraction.conftest import STUDY_VALUES, include_at_full_text
from tests.screening.conftest import make_records

from .conftest import log_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("PRISMFLOW_SCREENSHOTS")  # a folder: save screenshots to look at


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _review(django_user_model):
    users = {name: django_user_model.objects.create_user(name, password=f"{name}-pass-123")
             for name in ("lead", "ext1", "ext2", "third")}
    review = review_create(actor=users["lead"], title="MSCs for SSc")
    for name, role in (("ext1", "reviewer"), ("ext2", "reviewer"), ("third", "adjudicator")):
        Membership.objects.create(review=review, user=users[name], role=role)
    [record] = make_records(review, users["lead"], ["Granel 2015 SVF in SSc hands"])
    include_at_full_text([record])
    services.form_from_template(actor=users["lead"], review=review)
    outcome = services.outcome_save(actor=users["lead"], review=review, name="mRSS")
    services.timepoint_save(actor=users["lead"], review=review, label="Baseline",
                            is_baseline=True)
    m6 = services.timepoint_save(actor=users["lead"], review=review, label="6 months", months=6)
    return review, record, outcome, m6


def _extract(page, base, review, record, who, mean6):
    log_in(page, base, who, f"{who}-pass-123")
    page.goto(f"{base}/reviews/{review.id}/extraction/")
    page.click("button.start-extraction")
    page.wait_for_selector("#extraction-form")
    for key, value in STUDY_VALUES.items():
        node = page.locator(f"#f-{key}")
        if node.evaluate("n => n.tagName") == "SELECT":
            node.select_option(str(value))
        else:
            node.fill(str(value))
    row = page.locator("tr[data-t]").nth(1)  # 6 months
    row.locator("input[data-s=n]").fill("12")
    row.locator("input[data-s=mean]").fill(mean6)
    row.locator("input[data-s=sd]").fill("5")
    row.locator("input[data-s=sd]").press("Tab")
    _shot(page, f"extraction-{who}-typed")
    # A locator wait: the page's Content Security Policy forbids eval, which a string
    # predicate (wait_for_function) needs.
    expect(row.locator(".converted")).to_contain_text("reported")
    _shot(page, f"extraction-{who}")
    page.click("#submit-extraction")
    page.wait_for_selector("#my-status.status-submitted")
    page.click("#logout")
    # Let the server finish before the test reads the database: SQLite answers "table is
    # locked" to a read that meets a request's write.
    page.wait_for_load_state("networkidle")


def test_two_extractors_disagree_the_adjudicator_settles_the_owner_locks(
    page, live_server, transactional_db, django_user_model
):
    review, record, _outcome, _m6 = _review(django_user_model)
    base = live_server.url
    _extract(page, base, review, record, "ext1", "14")
    _extract(page, base, review, record, "ext2", "15.5")
    consensus = Extraction.objects.get(kind="consensus")
    assert consensus.status == "in_progress"

    log_in(page, base, "third", "third-pass-123")
    page.goto(f"{base}/reviews/{review.id}/extraction/")
    page.click("a.compare-link")
    row = page.locator("#differences tr.open")
    assert row.locator(".value-a").inner_text() == "14.0"
    assert row.locator(".value-b").inner_text() == "15.5"
    _shot(page, "extraction-compare")
    row.locator("button.take-b").click()
    page.wait_for_selector("#consensus-status.status-submitted")
    page.click("#logout")
    page.wait_for_load_state("networkidle")

    log_in(page, base, "lead", "lead-pass-123")
    page.goto(f"{base}/reviews/{review.id}/extraction/lock/")
    page.click("#lock-button")
    page.wait_for_selector("#snapshots code.hash")
    page.wait_for_load_state("networkidle")
    snapshot = Snapshot.objects.get()
    assert page.locator("#snapshots code.hash").inner_text() == snapshot.content_hash
    _shot(page, "extraction-lock")
    cells = snapshot.data["studies"][0]["cells"]
    assert [c["reported"]["mean"] for c in cells] == [15.5]


def test_the_owner_builds_a_form_in_the_page(page, live_server, transactional_db,
                                             django_user_model):
    from extraction.models import Form

    review, _record, _outcome, _m6 = _review(django_user_model)
    log_in(page, live_server.url, "lead", "lead-pass-123")
    page.goto(f"{live_server.url}/reviews/{review.id}/extraction/setup/")
    page.wait_for_selector("#form-builder .builder-section")
    page.click("#add-section")
    section = page.locator(".builder-section").last
    section.locator("button.add-field").click()
    section = page.locator(".builder-section").last
    section.locator("input.label").fill("Funding source")
    section.locator("input.label").press("Tab")
    section.locator("select").select_option("choice")
    page.locator(".builder-section").last.locator("textarea.choices").fill(
        "industry = Industry\npublic = Public")
    page.locator(".builder-section").last.locator("textarea.choices").press("Tab")
    _shot(page, "extraction-builder")
    page.click("#save-form")
    page.wait_for_load_state("load")
    page.wait_for_selector("#form-fields code:text('funding_source')")
    form = Form.objects.get(review=review)
    field = form.schema["sections"][-1]["fields"][0]
    assert (field["key"], field["type"]) == ("funding_source", "choice")
    assert field["choices"] == [["industry", "Industry"], ["public", "Public"]]


def test_locking_pools_and_the_forest_plot_appears_and_downloads(
    page, live_server, transactional_db, django_user_model
):
    from tests.extraction.conftest import fill_and_submit

    review, record, _outcome, _m6 = _review(django_user_model)
    from reviews.models import Record

    second = Record.objects.create(review=review, search=record.search, position=2,
                                   title="Park 2020 SVF for SSc")
    include_at_full_text([second])

    class Team:  # what fill_and_submit needs
        pass

    team = Team()
    team.review, team.users = review, {u.username: u for u in django_user_model.objects.all()}
    team.mrss = _outcome
    team.baseline = review.timepoints.get(is_baseline=True)
    team.m6 = _m6
    for rec, mean in ((record, 14.0), (second, 12.0)):
        fill_and_submit(team, "ext1", rec, mean6=mean)
        fill_and_submit(team, "ext2", rec, mean6=mean)
    log_in(page, live_server.url, "lead", "lead-pass-123")
    page.goto(f"{live_server.url}/reviews/{review.id}/extraction/lock/")
    page.click("#lock-button")
    page.wait_for_selector("#snapshots code.hash")
    page.goto(f"{live_server.url}/reviews/{review.id}/synthesis/")
    page.locator("#summary a").first.click()
    page.wait_for_selector("#forest svg")
    assert "Granel" in page.locator("#forest").inner_text() or page.locator(
        "#forest svg text").count() > 10
    _shot(page, "synthesis-analysis")
    with page.expect_download() as download:
        page.click("#forest-png")
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"

"""In a real browser: the owner chooses the Newcastle-Ottawa Scale, two assessors disagree
on one domain (comparability), the adjudicator settles it, and the traffic-light plot on
the summary page shows the consensus judgement."""
import os

import pytest
from playwright.sync_api import expect

from extraction.models import RobAssessment
from extraction.services import study_for_record
from reviews.models import Membership
from reviews.services import review_create
from tests.extraction.conftest import include_at_full_text
from tests.extraction.rob.support import NOS_GOOD
from tests.screening.conftest import make_records

from .conftest import log_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("PRISMFLOW_SCREENSHOTS")
POOR_RED, GOOD_GREEN = "#bf0000", "#02c100"  # robvis' colours for the quality scale


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _review(django_user_model):
    users = {name: django_user_model.objects.create_user(name, password=f"{name}-pass-123")
             for name in ("lead", "ass1", "ass2", "third")}
    review = review_create(actor=users["lead"], title="MSCs for SSc")
    for name, role in (("ass1", "reviewer"), ("ass2", "reviewer"), ("third", "adjudicator")):
        Membership.objects.create(review=review, user=users[name], role=role)
    [record] = make_records(review, users["lead"], ["Granel 2015 SVF in SSc hands"])
    include_at_full_text([record])
    study_for_record(review=review, record_id=record.id)
    return review


def _assess(page, base, review, who, answers, proposal):
    log_in(page, base, who, f"{who}-pass-123")
    page.goto(f"{base}/reviews/{review.id}/risk-of-bias/")
    page.click("button.start-assessment")
    page.wait_for_selector("#rob-form")
    for key, value in answers.items():
        page.check(f'input[name="a-{key}"][value="{value}"]')
    page.fill('textarea[name="quote-C1"]', "groups not compared" if who == "ass2"
              else "adjusted for age and disease duration")
    page.fill('input[name="page-C1"]', "4")
    # The proposal, live, before any save. (Locator waits, not wait_for_function: the page's
    # Content Security Policy forbids the eval that a string predicate needs.)
    expect(page.locator("#prop-overall")).to_have_text(proposal)
    _shot(page, f"rob-{who}")
    page.click("#submit-assessment")
    page.wait_for_selector("#my-status.status-submitted")
    page.click("#logout")


def test_two_assessors_disagree_the_adjudicator_settles_the_plot_shows_it(
    page, live_server, transactional_db, django_user_model
):
    review = _review(django_user_model)
    base = live_server.url
    log_in(page, base, "lead", "lead-pass-123")
    page.goto(f"{base}/reviews/{review.id}/risk-of-bias/setup/")
    page.check('input[name="tools"][value="nos_cohort"]')
    page.click("#save-tools")
    page.wait_for_selector('input[name="tools"][value="nos_cohort"]:checked')
    _shot(page, "rob-setup")
    page.click("#logout")

    _assess(page, base, review, "ass1", NOS_GOOD, "Good quality")
    _assess(page, base, review, "ass2", {**NOS_GOOD, "C1": "none"}, "Poor quality")
    assert RobAssessment.objects.get(kind="consensus").status == "in_progress"

    log_in(page, base, "third", "third-pass-123")
    page.goto(f"{base}/reviews/{review.id}/risk-of-bias/")
    assert page.locator('#rob-targets tr[data-status="conflict"]').count() == 1
    _shot(page, "rob-home")
    page.click("a.compare-link")
    row = page.locator('#differences tr[data-key="q:C1"]')
    assert "open" in row.get_attribute("class")
    assert "groups not compared" in row.locator(".value-b").inner_text()
    _shot(page, "rob-compare")
    row.locator("button.take-b").click()
    page.wait_for_selector("#consensus-status.status-submitted")
    _shot(page, "rob-compare-settled")

    page.goto(f"{base}/reviews/{review.id}/risk-of-bias/summary/")
    page.wait_for_selector("#traffic-light svg")
    _shot(page, "rob-summary")
    comparability = page.locator("#rob-cell-0-1 path").first.get_attribute("style")
    overall = page.locator("#rob-cell-0-3 path").first.get_attribute("style")
    selection = page.locator("#rob-cell-0-0 path").first.get_attribute("style")
    assert POOR_RED in comparability and POOR_RED in overall
    assert GOOD_GREEN in selection
    assert page.locator("#rob-table td.overall").inner_text() == "Poor quality"

    # The same page for a Chinese reader: tool texts and figure labels in Chinese.
    page.context.set_extra_http_headers({"Accept-Language": "zh-hans"})
    page.goto(f"{base}/reviews/{review.id}/risk-of-bias/summary/")
    page.wait_for_selector("#traffic-light svg")
    _shot(page, "rob-summary-zh")
    assert "交通灯图" in page.content()
    target = RobAssessment.objects.get(kind="consensus").target_id
    page.goto(f"{base}/reviews/{review.id}/risk-of-bias/targets/{target}/")
    assert "暴露队列的代表性" in page.content()
    _shot(page, "rob-consensus-zh")


def test_rob2_asks_conditional_questions_and_an_override_needs_its_reason(
    page, live_server, transactional_db, django_user_model
):
    from extraction import services
    from extraction.rob import services as rob_services

    review = _review(django_user_model)
    lead = django_user_model.objects.get(username="lead")
    rob_services.rob_tools_update(actor=lead, review=review, keys=["rob2"])
    services.outcome_save(actor=lead, review=review, name="mRSS")
    base = live_server.url
    log_in(page, base, "ass1", "ass1-pass-123")
    page.goto(f"{base}/reviews/{review.id}/risk-of-bias/")
    page.locator("form.start-form input[name=result]").fill("ITT, 12 months")
    page.click("button.start-assessment")
    page.wait_for_selector("#rob-form")
    assert page.locator("#rob-result").inner_text().endswith("ITT, 12 months")
    for key, value in (("1.1", "Y"), ("1.2", "Y"), ("1.3", "N")):
        page.check(f'input[name="a-{key}"][value="{value}"]')
    expect(page.locator("#prop-D1")).to_have_text("Low risk of bias")
    question_23 = page.locator('.rob-question[data-q="2.3"]')
    page.check('input[name="a-2.1"][value="N"]')
    page.check('input[name="a-2.2"][value="N"]')
    assert question_23.is_hidden()  # 2.3 is asked only after Y/PY/NI to 2.1 or 2.2
    page.check('input[name="a-2.1"][value="Y"]')
    assert question_23.is_visible()

    page.select_option('select[name="ov-D1"]', "high")
    page.wait_for_selector("#rob-errors li")
    assert "reason" in page.locator("#rob-errors").inner_text()
    page.fill('input[name="why-D1"]', "sealed envelopes, opened in advance")
    page.locator('input[name="why-D1"]').press("Tab")
    expect(page.locator("#final-D1")).to_have_text("High risk of bias")
    assert page.locator("#rob-errors").is_hidden()
    _shot(page, "rob-rob2-override")
    page.click("#save-assessment")
    page.wait_for_selector(".messages, #rob-form")
    mine = RobAssessment.objects.get(assessor__username="ass1")
    d1 = mine.result["domains"]["D1"]
    assert (d1["proposed"], d1["final"], d1["override_reason"]) == \
        ("low", "high", "sealed envelopes, opened in advance")
    assert mine.target.result == "ITT, 12 months"

"""The PRISMA 2020 flow of a review, built with the real services, at several moments of the
review: every box derived from the data, and the boxes adding up at each moment."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import Record, Search
from reviews.searches.services import search_import_run, search_preview
from screening import services, studies
from screening.fulltexts import services as fulltext
from screening.models import ExclusionReason
from synthesis.demo.services import demo_load, demo_populate
from synthesis.prisma.flow import check_flow
from synthesis.prisma.selectors import prisma_flow
from tests.synthesis.prisma_review import import_exports, item, ris


@pytest.fixture
def review(team):
    import_exports(team.review, team.users["owner"])
    return team.review


def _vote(team, key, first, second=None, stage="ta", reason=None):
    target = item(team.review, key, stage)
    reason_id = ExclusionReason.objects.get(review=team.review, label=reason).id if reason \
        else None
    services.vote_cast(actor=team.users["reviewer"], item_id=target.id, decision=first,
                       reason_id=reason_id)
    second_reason = reason_id if (second or first) == "exclude" else None
    services.vote_cast(actor=team.users["owner"], item_id=target.id, decision=second or first,
                       reason_id=second_reason)
    return target


def _flow(team):
    flow = prisma_flow(review=team.review)
    assert check_flow(flow) == []
    return flow


def test_identification_is_counted_per_database_and_other_method(team, review):
    flow = _flow(team)
    db, other = flow["databases_and_registers"], flow["other_methods"]
    assert [(s["kind"], s["name"], s["n"]) for s in db["sources"]] == [
        ("database", "PubMed/MEDLINE", 6), ("database", "Embase", 4)]
    assert [(s["kind"], s["name"], s["n"]) for s in other["sources"]] == [
        ("other_method", "Citation searching", 3)]
    assert (db["identified"], other["identified"]) == (10, 3)
    # Embase's A and B are copies of PubMed's; the citation copy of C is the poorer record.
    assert (db["duplicates_removed"], other["duplicates_removed"]) == (2, 1)
    assert (db["screened"], other["screened"]) == (8, 2)
    assert db["awaiting_screening"] == 8 and db["sought"] == 0
    assert Record.objects.filter(review=review, duplicate_of__isnull=False).count() == 3
    assert flow["included"] == {"studies": 0, "reports": 0}
    assert flow["template"] == "new" and flow["previous"] is None


def test_the_boxes_add_up_at_every_moment_of_screening(team, review):
    for key in ("A", "C", "D", "G"):
        _vote(team, key, "include")
    for key in ("B", "E"):
        _vote(team, key, "exclude")
    _vote(team, "H", "include", "exclude")  # a conflict: awaits a decision
    _vote(team, "I", "include")
    flow = _flow(team)
    db, other = flow["databases_and_registers"], flow["other_methods"]
    assert (db["excluded"], db["awaiting_screening"], db["sought"]) == (2, 2, 4)
    assert (other["excluded"], other["awaiting_screening"], other["sought"]) == (0, 1, 1)
    assert db["awaiting_assessment"] == 4 and db["assessed"] == 0

    services.conflict_resolve(actor=team.users["adjudicator"], item_id=item(review, "H").id,
                              decision="include", note="about stem cells after all")
    flow = _flow(team)
    assert flow["databases_and_registers"]["sought"] == 5

    services.reasons_ensure(review)
    fulltext.fulltext_not_retrieved(actor=team.users["owner"],
                                    item_id=item(review, "D", "ft").id)
    _vote(team, "A", "include", stage="ft")
    _vote(team, "C", "exclude", stage="ft", reason="Wrong population")
    _vote(team, "G", "exclude", stage="ft", reason="Wrong study design")
    _vote(team, "I", "include", stage="ft")
    flow = _flow(team)
    db, other = flow["databases_and_registers"], flow["other_methods"]
    assert (db["sought"], db["not_retrieved"], db["awaiting_assessment"], db["assessed"]) == (
        5, 1, 1, 3)
    assert [(r["reason"], r["reason_zh"], r["n"]) for r in db["reports_excluded"]] == [
        ("Wrong population", "研究人群不符", 1), ("Wrong study design", "研究设计不符", 1)]
    assert (db["reports_included"], other["reports_included"]) == (1, 1)
    assert flow["included"] == {"studies": 2, "reports": 2}

    # Two reports of one study: the study counts once, its reports twice.
    records = [item(review, k, "ft").record_id for k in ("A", "I")]
    studies.study_link(actor=team.users["owner"], review_id=review.id, record_ids=records,
                       label="Granel 2015")
    assert _flow(team)["included"] == {"studies": 1, "reports": 2}

    # Reopening a settled exclusion puts the record back among those awaiting a decision.
    services.item_reopen(actor=team.users["owner"], item_id=item(review, "E").id)
    db = _flow(team)["databases_and_registers"]
    assert (db["excluded"], db["awaiting_screening"]) == (1, 2)


def test_an_updated_review_adds_the_previous_studies_to_the_total(team, review):
    flow = prisma_flow(review=review, previous={"studies": 4, "reports": 6})
    assert flow["template"] == "updated"
    assert flow["total"] == {"studies": 4, "reports": 6}
    assert check_flow(flow) == []


def test_the_demo_review_adds_up(db):
    review, _passwords = demo_load()
    demo_populate(review)
    flow = prisma_flow(review=review)
    assert check_flow(flow) == []
    db_column = flow["databases_and_registers"]
    assert len(db_column["sources"]) == 7
    assert db_column["identified"] == Record.objects.filter(review=review).count()
    assert db_column["screened"] == Record.objects.filter(
        review=review, duplicate_of__isnull=True).count()
    assert flow["included"] == {"studies": 9, "reports": 11}
    assert flow["other_methods"]["identified"] == 0


def test_registers_and_named_sources_are_listed_by_name_and_add_up(team):
    exports = [("ctgov.ris", "register", ["A", "B"], True), ("ovid.ris", "ovid", ["C"], True),
               ("more.ris", "ovid", ["D"], True), ("web.ris", "website", ["E"], True)]
    owner = team.users["owner"]
    details = {"ctgov.ris": "ClinicalTrials.gov", "ovid.ris": "MEDLINE", "more.ris": "MEDLINE",
               "web.ris": "WHO website"}
    for name, source, keys, _abstracts in exports:
        search = search_preview(actor=owner, review_id=team.review.id, source=source,
                                upload=SimpleUploadedFile(name, ris(keys)),
                                source_detail=details[name])
        Search.objects.filter(pk=search.pk).update(status=Search.Status.QUEUED)
        search_import_run(search_id=search.id)
    flow = prisma_flow(review=team.review)
    assert [(s["kind"], s["name"], s["n"]) for s in flow["databases_and_registers"]["sources"]] \
        == [("database", "Ovid (MEDLINE)", 2), ("register", "ClinicalTrials.gov", 2)]
    assert [(s["name"], s["n"]) for s in flow["other_methods"]["sources"]] == [
        ("WHO website", 1)]
    # Not de-duplicated nor synced yet: every record awaits screening, and it still adds up.
    assert check_flow(flow) == []
    assert flow["databases_and_registers"]["awaiting_screening"] == 4


def _random_step(team, rng):
    """One thing a team does during screening, picked at random; refusals are fine."""
    from django.core.exceptions import ValidationError

    from screening.models import Item

    review = team.review
    reasons = list(ExclusionReason.objects.filter(review=review, is_other=False))
    items = list(Item.objects.filter(review=review).order_by("id"))
    open_items = [i for i in items if i.status in ("pending", "conflict")]
    # Mostly open records, so the walk gets through full text; sometimes any (to reopen).
    target = rng.choice(open_items if open_items and rng.random() < 0.8 else items)
    action = rng.choice(["vote", "vote", "vote", "resolve", "not_retrieved", "reopen"])
    reason = rng.choice(reasons).id if target.stage == "ft" else None
    try:
        if action == "vote" and target.status == "pending":
            for who in ("reviewer", "owner"):
                decision = rng.choice(["include", "exclude"])
                services.vote_cast(actor=team.users[who], item_id=target.id, decision=decision,
                                   reason_id=reason if decision == "exclude" else None)
        elif action == "resolve" and target.status == "conflict":
            decision = rng.choice(["include", "exclude"])
            services.conflict_resolve(actor=team.users["adjudicator"], item_id=target.id,
                                      decision=decision, note="settled",
                                      reason_id=reason if decision == "exclude" else None)
        elif action == "not_retrieved" and target.stage == "ft":
            fulltext.fulltext_not_retrieved(actor=team.users["owner"], item_id=target.id,
                                            value=not target.not_retrieved)
        elif action == "reopen" and target.status in ("included", "excluded"):
            services.item_reopen(actor=team.users["owner"], item_id=target.id)
    except ValidationError:
        pass


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_boxes_add_up_after_every_step_of_a_random_review(team, review, seed):
    import random

    rng = random.Random(seed)
    services.reasons_ensure(review)
    assessed = 0
    for _step in range(40):
        _random_step(team, rng)
        flow = prisma_flow(review=review)
        assert check_flow(flow) == [], flow
        assessed = max(assessed, flow["databases_and_registers"]["assessed"])
    assert assessed  # the walk reached full-text decisions

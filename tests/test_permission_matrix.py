"""Every URL in the URL conf, with every persona and every method it declares.

New URLs join automatically: a review-scoped URL must declare its access per method
(`review_view(...)` or `ReviewScopedAPIView.review_access`), and any other URL must be
listed below as deliberately not review-scoped, or this test fails.
"""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from reviews.access import ABILITIES

# URLs that are not review-scoped, by name, with why.
NOT_REVIEW_SCOPED = {
    "login", "logout", "password_change", "password_change_done",  # Django auth
    "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete",
    "dashboard", "review_create", "set_language", "api_tokens",  # the user's own things
    "account_events",
    "invitation",  # the secret token is the credential; tested in test_invitations
    "api_token", "api_schema", "api_docs", "api_reviews",  # API entry points
    "archive_import",  # makes a new review owned by the importer: any logged-in user may
}
# Values for URL arguments other than review_id; a new argument needs an entry here.
KWARG_FACTORIES = {
    "membership_id": lambda team: team.memberships["reviewer"].id,
    "invitation_id": lambda team: _invitation(team).id,
    "search_id": lambda team: _search(team).id,
    "pair_id": lambda team: _duplicate_pair(team).id,
    "record_id": lambda team: _duplicate_pair(team).record_b_id,
    "stage": lambda team: "ta",
    "item_id": lambda team: _item(team).id,
    "study_id": lambda team: _extraction_state(team)["study"].id,
    "extraction_id": lambda team: _extraction_state(team)["extraction"].id,
    "outcome_id": lambda team: _extraction_state(team)["outcome"].id,
    "timepoint_id": lambda team: _extraction_state(team)["timepoint"].id,
    "number": lambda team: _extraction_state(team)["snapshot"].number,
    "fmt": lambda team: "csv",
    "analysis_id": lambda team: _analysis(team).id,
    "kind": lambda team: "forest",
    "ext": lambda team: "svg",
    "export_name": lambda team: "records.csv",
    "target_id": lambda team: _extraction_state(team)["rob_target"].id,
    "assessment_id": lambda team: _extraction_state(team)["rob_assessment"].id,
    "figure": lambda team: _extraction_state(team) and "traffic_light",  # needs a consensus
    "image_fmt": lambda team: "svg",
    "decision_id": lambda team: _stopping_decision(team).id,
}


def _stopping_decision(team):
    from screening.models import StoppingDecision

    return StoppingDecision.objects.filter(review=team.review).first() or \
        StoppingDecision.objects.create(
            review=team.review, adopted_by=team.users["owner"], recall_target=0.95,
            confidence=0.95, p_value=0.01, n_total=10, n_screened=8, n_relevant=2, n_stopped=2,
            remaining_estimate=0, remaining_high=1)


def _invitation(team):
    from reviews.models import Invitation

    return Invitation.objects.create(review=team.review, invitee="newcomer", role="reviewer",
                                     invited_by=team.users["owner"])


def _search(team):
    from django.core.files.base import ContentFile

    from reviews.models import Search

    existing = Search.objects.filter(review=team.review).first()
    if existing:
        return existing
    search = Search(review=team.review, source="pubmed", file_name="a.ris", file_sha256="0" * 64,
                    file_size=1, format="ris", record_count=1, created_by=team.users["owner"])
    search.file.save("a.ris", ContentFile(b"TY  - JOUR\nTI  - A\nER  - \n"), save=False)
    search.save()
    return search


def _item(team):
    from django.core.files.base import ContentFile

    from reviews.models import Record
    from screening.models import FullText, Item

    existing = Item.objects.filter(review=team.review).first()
    if existing:
        return existing
    record = Record.objects.create(review=team.review, search=_search(team), position=1,
                                   title="A record")
    ft = FullText(record=record, file_name="a.pdf", size=9, uploaded_by=team.users["owner"])
    ft.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    ft.save()
    return Item.objects.create(review=team.review, record=record, stage="ta")


def _extraction_state(team):
    """A locked extraction: two submitted extractions of one study, their consensus and a
    snapshot, so every extraction URL has something to show and refuses writes with 400."""
    from extraction.models import (
        Arm,
        Cell,
        Extraction,
        ExtractionSettings,
        Form,
        Outcome,
        Snapshot,
        TimePoint,
    )
    from screening.models import Item, Study, StudyReport

    if getattr(team, "extraction_state", None):
        return team.extraction_state
    record = _item(team).record
    Item.objects.create(review=team.review, record=record, stage="ft", status="included",
                        decision="include")
    study = Study.objects.create(review=team.review, label="Granel 2015")
    StudyReport.objects.create(study=study, record=record)
    arm = Arm.objects.create(study=study, label="All")
    form = Form.objects.create(review=team.review, version=1, created_by=team.users["owner"],
                               schema={"sections": [{"key": "s", "title": "S", "fields": [
                                   {"key": "country", "label": "Country", "type": "text"}]}]})
    outcome = Outcome.objects.create(review=team.review, name="mRSS")
    timepoint = TimePoint.objects.create(review=team.review, label="6 months")
    extractions = [Extraction.objects.create(review=team.review, study=study, form=form,
                                             extractor=team.users[p], status="submitted")
                   for p in ("reviewer", "adjudicator")]
    Extraction.objects.create(review=team.review, study=study, form=form, kind="consensus",
                              extractor=team.users["owner"])
    for e in extractions:
        Cell.objects.create(extraction=e, outcome=outcome, timepoint=timepoint, arm=arm,
                            reported={"n": 1})
    snapshot = Snapshot.objects.create(review=team.review, number=1, content_hash="0" * 64,
                                       data={}, size=2, created_by=team.users["owner"])
    ExtractionSettings.objects.create(review=team.review, locked=True)
    team.extraction_state = {"study": study, "extraction": extractions[0], "outcome": outcome,
                             "timepoint": timepoint, "snapshot": snapshot,
                             **_rob_state(team, study)}
    return team.extraction_state


def _analysis(team):
    """An analysis pooled on the locked snapshot of `_extraction_state`, with a real result
    (the reference review's fixture snapshot), so its pages and figures have something to
    show."""
    from synthesis.analysis.defaults import default_analyses
    from synthesis.analysis.run import pool_analysis
    from synthesis.analysis.spec import spec_hash
    from synthesis.models import Analysis, PoolingRun
    from synthesis.stats.engine import to_jsonable
    from tests.synthesis.analysis.snapshots import reference_snapshot

    existing = Analysis.objects.filter(review=team.review).first()
    if existing:
        return existing
    state = _extraction_state(team)
    data = reference_snapshot()
    spec = next(s for s in default_analyses(data) if s["measure"] == "MC")
    analysis = Analysis.objects.create(review=team.review, name=spec["name"], spec=spec,
                                       spec_hash=spec_hash(spec),
                                       created_by=team.users["owner"])
    PoolingRun.objects.create(review=team.review, snapshot=state["snapshot"],
                              snapshot_hash=state["snapshot"].content_hash,
                              spec_hash=analysis.spec_hash, spec=spec, status="done",
                              output=to_jsonable(pool_analysis(data, spec)))
    return analysis


def _rob_state(team, study):
    """Risk of bias in the same locked state: two submitted NOS assessments of the study and
    their finished consensus."""
    from extraction import rob
    from extraction.models import RobAssessment, RobTarget, RobTool

    tool = rob.get_tool("nos_cohort")
    answers = {q["key"]: q["options"][0]["value"] for d in tool["domains"]
               for q in d["questions"]}
    result = rob.final_judgements(rob.propose(tool, answers), {})
    RobTool.objects.create(review=team.review, key=tool["key"])
    target = RobTarget.objects.create(review=team.review, study=study, tool_key=tool["key"])
    made = [RobAssessment.objects.create(review=team.review, target=target, kind=kind,
                                         assessor=team.users[p], status="submitted",
                                         answers=answers, result=result)
            for p, kind in (("reviewer", "individual"), ("adjudicator", "individual"),
                            ("owner", "consensus"))]
    return {"rob_target": target, "rob_assessment": made[0]}


def _duplicate_pair(team):
    from reviews.models import DuplicatePair, Record

    existing = DuplicatePair.objects.filter(review=team.review).first()
    if existing:
        return existing
    search = _search(team)
    a, b = (Record.objects.create(review=team.review, search=search, position=n, title="A")
            for n in (1, 2))
    return DuplicatePair.objects.create(review=team.review, record_a=a, record_b=b, score=0.9)


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin" or str(p.pattern).startswith("admin/"):
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _access_of(callback):
    declared = getattr(callback, "review_access", None)
    if declared is None and hasattr(callback, "cls"):
        declared = getattr(callback.cls, "review_access", None) or None
    return declared


ALL_URLS = list(_walk(get_resolver().url_patterns))
REVIEW_SCOPED = [(route, p) for route, p in ALL_URLS if "review_id" in route]


def test_every_url_is_either_review_scoped_or_listed():
    unlisted = [
        p.name or route for route, p in ALL_URLS
        if "review_id" not in route and p.name not in NOT_REVIEW_SCOPED
    ]
    assert unlisted == [], f"declare these as review-scoped or list them: {unlisted}"


def test_every_review_scoped_url_declares_its_access():
    missing = [p.name for _r, p in REVIEW_SCOPED if not _access_of(p.callback)]
    assert missing == []
    for _r, p in REVIEW_SCOPED:
        assert set(_access_of(p.callback).values()) <= set(ABILITIES)


CASES = [
    (p.name, method, ability)
    for _r, p in REVIEW_SCOPED
    for method, ability in _access_of(p.callback).items()
]


def _url(team, pattern_name, review=None):
    from django.urls import reverse

    route = next(r for r, p in REVIEW_SCOPED if p.name == pattern_name)
    kwargs = {"review_id": (review or team.review).id}
    for name in __import__("re").findall(r"<(?:\w+:)?(\w+)>", route):
        if name != "review_id":
            if name not in KWARG_FACTORIES:
                pytest.fail(f"no KWARG_FACTORIES entry for URL argument {name!r}")
            kwargs[name] = KWARG_FACTORIES[name](team)
    return reverse(pattern_name, kwargs=kwargs)


def _call(client, method, url):
    return getattr(client, method.lower())(url, content_type="application/json") \
        if url.startswith("/api/") and method != "GET" else getattr(client, method.lower())(url)


@pytest.mark.parametrize(("name", "method", "ability"), CASES)
@pytest.mark.parametrize("persona", ["owner", "reviewer", "adjudicator", "viewer", "outsider"])
def test_each_persona_gets_what_its_role_allows(team, persona, name, method, ability):
    url = _url(team, name)
    response = _call(team.client(persona), method, url)
    if persona == "outsider":
        assert response.status_code == 404
    elif persona in {r.value for r in ABILITIES[ability]}:
        assert response.status_code not in (403, 404, 405, 500), response.status_code
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("name", "method", "ability"), CASES)
def test_anonymous_is_sent_to_log_in(team, name, method, ability):
    response = _call(team.client("anonymous"), method, _url(team, name))
    if name.startswith("api_"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", sorted({c[0] for c in CASES}))
def test_a_review_that_does_not_exist_is_404_even_for_owners(team, name):
    from django.urls import reverse

    route = next(r for r, p in REVIEW_SCOPED if p.name == name)
    kwargs = {"review_id": 999999}
    kwargs.update({k: 1 for k in __import__("re").findall(r"<(?:\w+:)?(\w+)>", route)
                   if k != "review_id"})
    method = next(m for n, m, _a in CASES if n == name)
    response = _call(team.client("owner"), method, reverse(name, kwargs=kwargs))
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted({c[0] for c in CASES}))
def test_undeclared_methods_are_refused_without_leaking(team, name):
    declared = {m for n, m, _a in CASES if n == name}
    method = next(m for m in ("DELETE", "PUT", "PATCH") if m not in declared)
    assert team.client("owner").generic(method, _url(team, name)).status_code == 405
    assert team.client("outsider").generic(method, _url(team, name)).status_code == 404

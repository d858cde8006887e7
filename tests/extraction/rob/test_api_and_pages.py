"""Risk-of-bias API and pages: blinding on every channel, live proposals, comparison and
consensus, the summary figures and table downloads, Chinese tool texts, the snapshot."""
import csv
import io

import pytest

from extraction import rob, services
from extraction.models import RobAssessment
from extraction.rob import services as rob_services

from ..conftest import fill_and_submit
from .support import NOS_GOOD, assess, with_rob_tools

pytestmark = pytest.mark.django_db
API = "/api/reviews/{}/risk-of-bias/"


@pytest.fixture
def rob_team(ex_team):
    return with_rob_tools(ex_team)


def _api(team):
    return API.format(team.review.id)


def _start(team, persona, study, tool="nos_cohort"):
    response = team.client(persona).post(_api(team) + "start/", {"tool": tool,
                                                                 "study": study.id},
                                         content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_assessor_saves_answers_with_quotes_and_sees_the_proposal(rob_team):
    mine = _start(rob_team, "reviewer", rob_team.studies[0])
    url = _api(rob_team) + f"assessments/{mine['id']}/"
    response = rob_team.client("reviewer").put(url, {
        "answers": {**NOS_GOOD, "C1": "none"},
        "support": {"C1": {"quote": "no adjustment reported", "page": "5"}}},
        content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["support"]["C1"] == {"quote": "no adjustment reported", "page": "5"}
    assert body["result"]["overall"]["proposed"] == "poor"
    assert body["result"]["domains"]["comparability"]["score"] == 0


def test_an_override_without_its_reason_is_refused_by_the_api(rob_team):
    mine = _start(rob_team, "reviewer", rob_team.studies[0])
    response = rob_team.client("reviewer").put(
        _api(rob_team) + f"assessments/{mine['id']}/",
        {"answers": NOS_GOOD, "overrides": {"overall": {"judgement": "poor"}}},
        content_type="application/json")
    assert response.status_code == 400
    assert "overall" in response.json()


def test_the_proposal_endpoint_answers_live_without_saving(rob_team):
    mine = _start(rob_team, "reviewer", rob_team.studies[0])
    response = rob_team.client("reviewer").post(
        _api(rob_team) + f"targets/{mine['target']}/propose/",
        {"answers": {**NOS_GOOD, "S1": "c", "S2": "b"}}, content_type="application/json")
    assert response.json()["overall"]["proposed"] == "fair"  # selection 2 stars
    assert RobAssessment.objects.get(pk=mine["id"]).answers == {}


def test_no_api_or_page_shows_the_other_assessment_before_both_submit(rob_team):
    study = rob_team.studies[0]
    first = assess(rob_team, "reviewer", study, {**NOS_GOOD, "C1": "none"})
    assess(rob_team, "adjudicator", study, NOS_GOOD, submit=False)
    other = rob_team.client("adjudicator")
    assert other.get(_api(rob_team) + f"assessments/{first.id}/").status_code == 404
    assert other.get(_api(rob_team) + f"targets/{first.target_id}/comparison/"
                     ).status_code == 404
    page = other.get(f"/reviews/{rob_team.review.id}/risk-of-bias/targets/{first.target_id}/")
    assert b'value="none" checked' not in page.content
    viewer = rob_team.client("viewer").get(_api(rob_team) + f"assessments/{first.id}/")
    assert viewer.status_code == 404


def test_the_comparison_and_a_decision_through_the_api(rob_team):
    study = rob_team.studies[0]
    first = assess(rob_team, "reviewer", study, NOS_GOOD)
    assess(rob_team, "owner", study, {**NOS_GOOD, "C1": "none"})
    url = _api(rob_team) + f"targets/{first.target_id}/comparison/"
    rows = rob_team.client("adjudicator").get(url).json()
    assert [(r["key"], r["needs_decision"]) for r in rows] == [("q:C1", True),
                                                             ("j:overall", False)]
    refused = rob_team.client("owner").post(url, {"key": "q:C1", "source": "a"},
                                            content_type="application/json")
    assert refused.status_code == 403
    done = rob_team.client("adjudicator").post(url, {"key": "q:C1", "source": "a"},
                                               content_type="application/json")
    assert done.json()["status"] == "submitted"
    assert done.json()["result"]["overall"]["final"] == "good"


def test_the_assessment_page_shows_questions_guidance_and_quote_fields(rob_team):
    mine = assess(rob_team, "reviewer", rob_team.studies[0], {"S1": "b"}, submit=False)
    page = rob_team.client("reviewer").get(
        f"/reviews/{rob_team.review.id}/risk-of-bias/targets/{mine.target_id}/")
    html = page.content.decode()
    assert "Representativeness of the exposed cohort" in html
    assert 'name="a-S1" value="b" checked' in html
    assert 'name="quote-S1"' in html and 'name="page-S1"' in html
    assert 'id="rob-config"' in html and "rob_assess.js" in html
    assert "<script>" not in html.split('id="rob-config"')[0].rsplit("</head>", 1)[-1]


def test_the_tool_texts_come_in_chinese_for_a_chinese_user(rob_team):
    mine = assess(rob_team, "reviewer", rob_team.studies[0], {"S1": "b"}, submit=False)
    page = rob_team.client("reviewer").get(
        f"/reviews/{rob_team.review.id}/risk-of-bias/targets/{mine.target_id}/",
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "暴露队列的代表性" in page.content.decode()


def test_the_page_form_saves_and_submits(rob_team):
    mine = assess(rob_team, "reviewer", rob_team.studies[0], {}, submit=False)
    url = f"/reviews/{rob_team.review.id}/risk-of-bias/targets/{mine.target_id}/"
    data = {f"a-{k}": v for k, v in NOS_GOOD.items()}
    data.update({"quote-S1": "consecutive patients", "page-S1": "3", "action": "submit"})
    rob_team.client("reviewer").post(url, data)
    mine.refresh_from_db()
    assert mine.status == "submitted"
    assert mine.support["S1"] == {"quote": "consecutive patients", "page": "3"}


def test_the_home_lists_studies_by_tool_and_starts_a_rob2_result(rob_team):
    home = rob_team.client("reviewer").get(f"/reviews/{rob_team.review.id}/risk-of-bias/")
    html = home.content.decode()
    assert html.count('data-tool="nos_cohort"') == 3 and html.count('data-tool="rob2"') == 3
    response = rob_team.client("reviewer").post(
        f"/reviews/{rob_team.review.id}/risk-of-bias/start/",
        {"tool": "rob2", "study": rob_team.studies[0].id, "outcome": rob_team.mrss.id,
         "result": "ITT"})
    mine = RobAssessment.objects.get(assessor=rob_team.users["reviewer"])
    assert response["Location"].endswith(f"/targets/{mine.target_id}/")
    assert mine.target.result == "ITT"


def _consensus_for_all(team, c1_values=("main", "none", "main")):
    for study, c1 in zip(team.studies, c1_values, strict=True):
        assess(team, "reviewer", study, {**NOS_GOOD, "C1": c1})
        assess(team, "adjudicator", study, {**NOS_GOOD, "C1": c1})


def test_the_summary_page_draws_the_consensus_and_says_it_is_unweighted(rob_team):
    _consensus_for_all(rob_team)
    page = rob_team.client("viewer").get(f"/reviews/{rob_team.review.id}/risk-of-bias/summary/")
    html = page.content.decode()
    assert html.count('id="rob-cell-') == 3 * 4  # 3 studies x (3 domains + overall)
    assert "rob-bar-overall-poor" in html
    assert "unweighted" in html
    assert "★★★★" in html  # selection stars


def test_the_summary_is_weighted_when_every_study_size_is_known(rob_team):
    _consensus_for_all(rob_team)
    for record in rob_team.records:
        fill_and_submit(rob_team, "reviewer", record)
        fill_and_submit(rob_team, "adjudicator", record)
    page = rob_team.client("viewer").get(f"/reviews/{rob_team.review.id}/risk-of-bias/summary/")
    assert "weighted by study size" in page.content.decode()


def test_figures_download_as_svg_png_and_pdf(rob_team):
    _consensus_for_all(rob_team)
    base = f"/reviews/{rob_team.review.id}/risk-of-bias/figures/"
    client = rob_team.client("viewer")
    assert client.get(base + "traffic_light.png").content[:4] == b"\x89PNG"
    assert client.get(base + "summary.pdf").content[:4] == b"%PDF"
    assert b"<svg" in client.get(base + "summary.svg").content
    assert client.get(base + "summary.gif").status_code == 404


def test_the_table_downloads_as_csv_with_formulas_escaped_and_as_xlsx(rob_team):
    from openpyxl import load_workbook

    study = rob_team.studies[0]
    study.label = "=HYPERLINK(1)"
    study.save()
    _consensus_for_all(rob_team)
    client = rob_team.client("viewer")
    body = client.get(f"/reviews/{rob_team.review.id}/risk-of-bias/table.csv").content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Study", "Result"]
    assert ["'=HYPERLINK(1)", "", "4", "1", "3", "8", "9", "Good quality"] in rows
    book = load_workbook(io.BytesIO(client.get(
        f"/reviews/{rob_team.review.id}/risk-of-bias/table.xlsx").content))
    values = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert ["'=HYPERLINK(1)", None, 4, 1, 3, 8, 9, "Good quality"] in values  # "" is empty


def test_consensus_judgements_go_into_the_snapshot(rob_team):
    _consensus_for_all(rob_team)
    for record in rob_team.records:
        fill_and_submit(rob_team, "reviewer", record)
        fill_and_submit(rob_team, "adjudicator", record)
    snapshot = services.extraction_lock(actor=rob_team.users["owner"], review=rob_team.review)
    by_label = {s["id"]: s["risk_of_bias"] for s in snapshot.data["studies"]}
    entry = by_label[rob_team.studies[1].id][0]
    assert entry == {"tool": "nos_cohort", "result": None, "overall": "poor", "score": 7,
                     "max_score": 9, "high_risk": True,
                     "domains": {"selection": {"judgement": None, "score": 4},
                                 "comparability": {"judgement": None, "score": 0},
                                 "outcome": {"judgement": None, "score": 3}}}
    assert rob.is_high_risk(by_label[rob_team.studies[0].id][0]) is False


def test_a_rob2_result_enters_the_snapshot_with_its_outcome(rob_team):
    tool = rob_team.rob2
    from .support import answer_all

    answers = answer_all(tool)
    for persona in ("reviewer", "adjudicator"):
        assess(rob_team, persona, rob_team.studies[0], answers, tool="rob2",
               outcome=rob_team.mrss)
    from extraction.rob.selectors import consensus_entries

    [entry] = consensus_entries(review=rob_team.review)[rob_team.studies[0].id]
    assert entry["result"] == {"outcome": rob_team.mrss.id, "label": None}
    assert entry["overall"] in {"low", "some_concerns", "high"}
    assert entry["high_risk"] == (entry["overall"] == "high")
    assert rob_services.open_differences(RobAssessment.objects.get(kind="consensus")) == []


def test_the_verification_page_lists_every_answer_for_the_checker(rob_team):
    from extraction.models import ExtractionSettings

    ExtractionSettings.objects.update_or_create(review=rob_team.review,
                                                defaults={"mode": "verify"})
    done = assess(rob_team, "reviewer", rob_team.studies[0], NOS_GOOD)
    url = f"/reviews/{rob_team.review.id}/risk-of-bias/targets/{done.target_id}/compare/"
    html = rob_team.client("owner").get(url).content.decode()
    assert html.count('data-key="q:') == len(NOS_GOOD)
    assert "take-b" not in html
    rob_team.client("owner").post(url, {"key": "q:C1", "source": "typed", "value": "none"})
    rob_team.client("owner").post(url, {"action": "verify"})
    consensus = RobAssessment.objects.get(kind="consensus")
    assert consensus.status == "submitted" and consensus.answers["C1"] == "none"


def test_the_owner_sets_tools_and_a_custom_tool_through_the_api(rob_team):
    url = _api(rob_team) + "tools/"
    assert rob_team.client("reviewer").put(url, {"keys": ["rob2"]},
                                           content_type="application/json").status_code == 403
    body = rob_team.client("owner").put(url, {"keys": ["robins_i", "nos_cohort"]},
                                        content_type="application/json").json()
    assert [t["key"] for t in body["chosen"]] == ["robins_i", "nos_cohort"]
    assert "jbi_case_series" in {t["key"] for t in body["published"]}
    bad = rob_team.client("owner").post(url + "custom/", {"definition": {"key": "x"}},
                                        content_type="application/json")
    assert bad.status_code == 400


def test_the_targets_and_summary_through_the_api(rob_team):
    _consensus_for_all(rob_team)
    targets = rob_team.client("viewer").get(_api(rob_team) + "targets/").json()
    nos = [t for t in targets if t["tool"] == "nos_cohort"]
    assert [t["status"] for t in nos] == ["consensus"] * 3
    summary = rob_team.client("viewer").get(_api(rob_team) + "summary/?tool=nos_cohort").json()
    assert summary["tool"] == "nos_cohort" and summary["weighted"] is False
    overall = sorted(s["overall"] for s in summary["studies"])
    assert overall == ["good", "good", "poor"]
    assert rob_team.client("outsider").get(_api(rob_team) + "summary/").status_code == 404


def test_minors_scores_fill_the_table_without_a_figure(rob_team):
    rob_services.rob_tools_update(actor=rob_team.users["owner"], review=rob_team.review,
                                  keys=["minors_noncomparative"])
    answers = {f"M{n}": "2" for n in range(1, 9)} | {"M3": "1"}
    for persona in ("reviewer", "adjudicator"):
        assess(rob_team, persona, rob_team.studies[0], answers, tool="minors_noncomparative")
    client = rob_team.client("viewer")
    page = client.get(f"/reviews/{rob_team.review.id}/risk-of-bias/summary/").content.decode()
    assert "rob-cell-" not in page and "15 / 16" in page
    body = client.get(f"/reviews/{rob_team.review.id}/risk-of-bias/table.csv").content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][2:] == ["2", "2", "1", "2", "2", "2", "2", "2", "15", "16", ""]

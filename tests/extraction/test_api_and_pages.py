"""Extraction through the API and the pages: blinding, saving, the comparison, lock."""
import json

import pytest

from extraction.models import Extraction
from tests.extraction.conftest import STUDY_VALUES, fill_and_submit, start

API = "/api/reviews/{}/extraction/"


def _put(client, team, ex, body):
    return client.put(API.format(team.review.id) + f"extractions/{ex.id}/", json.dumps(body),
                      content_type="application/json")


def test_a_grid_saved_through_the_api_comes_back_converted(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    arm = ex.study.arms.first()
    response = _put(ex_team.client("reviewer"), ex_team, ex, {
        "values": {"country": "France", "n_patients": "12"},
        "cells": [{"outcome": ex_team.mrss.id, "timepoint": ex_team.m6.id, "arm": arm.id,
                   "values": {"n": "12", "median": "20", "q1": "15", "q3": "26"}}]})
    assert response.status_code == 200, response.content
    [cell] = response.json()["cells"]
    assert cell["converted"]["method"] == "luo_wan_shi"
    assert response.json()["values"]["n_patients"] == 12


def test_a_bad_value_answers_400_naming_the_cell_and_saves_nothing(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    arm = ex.study.arms.first()
    response = _put(ex_team.client("reviewer"), ex_team, ex, {
        "values": {"country": "France"},
        "cells": [{"outcome": ex_team.mrss.id, "timepoint": ex_team.m6.id, "arm": arm.id,
                   "values": {"sd": "-2"}}]})
    assert response.status_code == 400
    key = f"c:{ex_team.mrss.id}:{ex_team.m6.id}:{arm.id}:sd"
    assert "negative" in response.json()[key][0]
    ex.refresh_from_db()
    assert ex.values == {}


def test_another_extraction_is_blinded_until_both_are_submitted(ex_team):
    mine = fill_and_submit(ex_team, "reviewer", ex_team.records[0], mean6=13.25)
    other = start(ex_team, "adjudicator", ex_team.records[0])
    url = API.format(ex_team.review.id) + f"extractions/{mine.id}/"
    for persona in ("adjudicator", "owner", "viewer"):
        assert ex_team.client(persona).get(url).status_code == 404
    export = ex_team.client("adjudicator").get(
        f"/reviews/{ex_team.review.id}/extraction/export.csv").content.decode()
    assert "13.25" not in export
    fill_and_submit(ex_team, "adjudicator", ex_team.records[0])
    other.refresh_from_db()
    assert ex_team.client("owner").get(url).json()["cells"]
    assert "13.25" in ex_team.client("adjudicator").get(
        f"/reviews/{ex_team.review.id}/extraction/export.csv").content.decode()


def test_the_comparison_shows_both_values_and_the_adjudicator_settles(ex_team):
    fill_and_submit(ex_team, "reviewer", ex_team.records[0], mean6=14.0)
    fill_and_submit(ex_team, "owner", ex_team.records[0], mean6=15.5)
    study = Extraction.objects.get(kind="consensus").study
    url = API.format(ex_team.review.id) + f"studies/{study.id}/comparison/"
    [row] = ex_team.client("adjudicator").get(url).json()
    assert (row["a"], row["b"], row["decided"]) == (14.0, 15.5, False)
    page = ex_team.client("adjudicator").get(
        f"/reviews/{ex_team.review.id}/extraction/studies/{study.id}/compare/")
    assert "15.5" in page.content.decode()
    response = ex_team.client("adjudicator").post(url, {"key": row["key"], "source": "b"},
                                                  content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_home_lists_each_included_study_once_with_its_status(ex_team):
    fill_and_submit(ex_team, "reviewer", ex_team.records[0])
    rows = ex_team.client("viewer").get(API.format(ex_team.review.id) + "studies/").json()
    assert len(rows) == 3
    assert sorted(r["status"] for r in rows) == ["in_progress", "not_started", "not_started"]
    page = ex_team.client("owner").get(f"/reviews/{ex_team.review.id}/extraction/")
    assert page.status_code == 200 and page.content.decode().count('data-status=') == 3


def test_a_study_excluded_at_screening_after_extraction_is_flagged_not_dropped(ex_team):
    from screening.models import Item

    fill_and_submit(ex_team, "reviewer", ex_team.records[0])
    Item.objects.filter(record=ex_team.records[0], stage="ft").update(status="excluded",
                                                                      decision="exclude")
    rows = ex_team.client("owner").get(API.format(ex_team.review.id) + "studies/").json()
    flagged = [r for r in rows if r["excluded_later"]]
    assert len(rows) == 3 and len(flagged) == 1 and flagged[0]["status"] == "in_progress"


def test_the_study_page_renders_the_form_and_grid_for_the_extractor(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    page = ex_team.client("reviewer").get(
        f"/reviews/{ex_team.review.id}/extraction/studies/{ex.study_id}/").content.decode()
    assert 'data-field="adverse_events"' in page and "grid-table" in page
    assert 'id="submit-extraction"' in page


def test_lock_page_shows_the_snapshot_hash(ex_team):
    for record in ex_team.records:
        fill_and_submit(ex_team, "reviewer", record)
        fill_and_submit(ex_team, "adjudicator", record)
    response = ex_team.client("owner").post(f"/reviews/{ex_team.review.id}/extraction/lock/",
                                            {"action": "lock"}, follow=True)
    from extraction.models import Snapshot

    snap = Snapshot.objects.get()
    assert snap.content_hash in response.content.decode()
    data = ex_team.client("viewer").get(API.format(ex_team.review.id) + "snapshots/1/").json()
    assert data["hash"] == snap.content_hash and data["studies"][0]["characteristics"][
        "country"] == STUDY_VALUES["country"]


def test_the_audit_log_hides_a_co_extractors_values_until_both_submit(ex_team):
    fill_and_submit(ex_team, "reviewer", ex_team.records[0], mean6=13.25)
    start(ex_team, "owner", ex_team.records[0])  # the owner extracts this study too
    audit = ex_team.client("owner").get(f"/api/reviews/{ex_team.review.id}/audit/?limit=500")
    assert audit.status_code == 200
    assert "13.25" not in audit.content.decode()
    fill_and_submit(ex_team, "owner", ex_team.records[0])
    audit = ex_team.client("owner").get(f"/api/reviews/{ex_team.review.id}/audit/?limit=500")
    assert "13.25" in audit.content.decode()


@pytest.mark.parametrize("body", [{"record": -12739443140933725982818304}, {"study": 2**63},
                                  {"study": 0}])
def test_an_id_out_of_range_in_a_body_is_400_not_a_server_error(ex_team, body):
    response = ex_team.client("reviewer").post(API.format(ex_team.review.id) + "start/",
                                               json.dumps(body),
                                               content_type="application/json")
    assert response.status_code == 400

"""One exception handler answers every API view's refusals: 400 for what the request says,
404 for something it names that is not there, 409 for the state of things; bodies are JSON,
and what the schema forbids is refused."""
import json

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from extraction.models import ExtractionSettings
from reviews import api_errors
from reviews.accounts.tokens import token_create
from reviews.errors import Conflict, Missing
from tests.extraction.conftest import ex_team  # noqa: F401 - fixture

API = "/api/reviews/{}/"


def _api(team, persona):
    client = APIClient()
    secret = token_create(actor=team.users[persona], name="test")[1]
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _answer(exc):
    return api_errors.exception_handler(exc, {})


def test_the_handler_maps_each_kind_of_refusal():
    assert _answer(ValidationError({"title": "Too long."})).data == {"title": ["Too long."]}
    assert _answer(ValidationError("No.")).data == {"detail": ["No."]}
    conflict = _answer(Conflict("Extraction is locked."))
    assert conflict.status_code == 409 and conflict.data == {"detail": "Extraction is locked."}
    missing = _answer(Missing({"study": "No such study in this review."}))
    assert missing.status_code == 404
    assert missing.data == {"detail": "No such study in this review."}
    taken = _answer(ValidationError({"__all__": [ValidationError(
        "Outcome with this Review and Name already exists.", code="unique_together")]}))
    assert taken.status_code == 409 and "already exists" in taken.data["detail"]


def test_a_locked_extraction_answers_409_with_the_reason(ex_team):  # noqa: F811
    t = ex_team
    ExtractionSettings.objects.update_or_create(review=t.review, defaults={"locked": True})
    response = _api(t, "reviewer").post(API.format(t.review.id) + "extraction/start/",
                                        {"record": t.records[0].id}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "Extraction is locked. The owner must unlock it first."}
    response = _api(t, "owner").post(API.format(t.review.id) + "extraction/lock/", {},
                                     format="json")
    assert response.status_code == 409 and "already locked" in response.json()["detail"]


def test_a_name_already_taken_answers_409(ex_team):  # noqa: F811
    t = ex_team
    response = _api(t, "owner").post(API.format(t.review.id) + "extraction/outcomes/",
                                     {"name": "mRSS", "type": "continuous",
                                      "direction": "lower"}, format="json")
    assert response.status_code == 409 and "already exists" in response.json()["detail"]


def test_an_unknown_tool_or_study_in_the_body_answers_404(ex_team):  # noqa: F811
    t = ex_team
    owner = _api(t, "owner")
    response = owner.put(API.format(t.review.id) + "risk-of-bias/tools/",
                         {"keys": ["no-such-tool"]}, format="json")
    assert response.status_code == 404 and "no-such-tool" in response.json()["detail"]
    owner.put(API.format(t.review.id) + "risk-of-bias/tools/", {"keys": ["rob2"]},
              format="json")
    response = owner.post(API.format(t.review.id) + "risk-of-bias/start/",
                          {"tool": "rob2", "study": 999999, "result": "mRSS"}, format="json")
    assert response.status_code == 404 and "No such study" in response.json()["detail"]


def test_bodies_are_json_a_form_is_refused_with_415(team):
    client = _api(team, "owner")
    response = client.post("/api/reviews/", "title=From+a+form",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    response = client.post("/api/reviews/", {"title": "As JSON"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("field, value", [("registration_id", 0), ("title", 12),
                                          ("blind_screening", "0"), ("blind_screening", 1)])
def test_a_review_field_of_the_wrong_json_type_is_refused(team, field, value):
    response = _api(team, "owner").post("/api/reviews/", json.dumps(
        {"title": "Typed", **{field: value}}), content_type="application/json")
    assert response.status_code == 400 and field in response.json()


def test_the_prisma_counts_refuse_a_previous_count_that_is_not_a_whole_number(team):
    client = _api(team, "viewer")
    url = API.format(team.review.id) + "prisma/"
    for query in ("previous_reports=&previous_studies=false", "previous_studies=-1"):
        assert client.get(f"{url}?{query}").status_code == 400
    body = client.get(f"{url}?previous_studies=2&previous_reports=3").json()
    assert body["previous"] == {"studies": 2, "reports": 3}


def test_the_schema_says_a_required_text_is_not_only_white_space():
    import re

    from django.test import Client

    schema = Client().get("/api/schema/?format=json")
    if schema.status_code in (401, 403):
        pytest.skip("the schema needs a signed-in user here")
    components = schema.json()["components"]["schemas"]
    title = components["ReviewInputRequest"]["properties"]["title"]["pattern"]
    assert re.search(title, "A title") and not re.search(title, "   ")
    answers = components["RobProposeInputRequest"]["properties"]["answers"]
    assert not re.search(answers["additionalProperties"]["pattern"], " \t")

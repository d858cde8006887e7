"""The API schema tells the truth: errors documented, pages shaped as answered, nullable fields
marked, uploads as files; real answers validate against it."""
import json

import jsonschema
import pytest
from rest_framework.test import APIClient

from screening import services
from tests.screening.conftest import make_records


@pytest.fixture
def schema(team):
    response = team.client("owner").get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def _operations(schema):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for path, method, op in _operations(schema):
        codes = set(op["responses"])
        if path != "/api/auth/token/":
            assert {"401", "403"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method != "get":
            assert "400" in codes, (method, path)
    token = schema["paths"]["/api/auth/token/"]["post"]["responses"]
    assert {"200", "400", "429"} <= set(token)


def test_paged_lists_are_documented_as_pages_with_their_parameters(schema):
    for path in ("/api/reviews/", "/api/reviews/{review_id}/audit/",
                 "/api/reviews/{review_id}/duplicates/",
                 "/api/reviews/{review_id}/duplicates/groups/"):
        op = schema["paths"][path]["get"]
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert {"count", "next", "previous", "results"} <= set(page["properties"]), path
        assert {"limit", "offset"} <= {p["name"] for p in op["parameters"]}, path
        assert op["operationId"].endswith("_list")


def test_nullable_fields_uploads_and_conflict_bodies_are_as_answered(schema):
    parts = schema["components"]["schemas"]
    assert parts["AuditEventOutput"]["properties"]["actor"]["nullable"] is True
    assert parts["PairOutput"]["properties"]["decided_by"]["nullable"] is True
    upload = schema["paths"]["/api/reviews/{review_id}/searches/"]["post"]["requestBody"]
    form = upload["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert parts[form]["properties"]["file"] == {"type": "string", "format": "binary"}
    decision = schema["paths"]["/api/reviews/{review_id}/duplicates/{pair_id}/decision/"]
    conflict = decision["post"]["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict["$ref"].endswith("/AlreadyDecidedOutput")
    assert parts["ReviewInputRequest"]["properties"]["title"]["minLength"] == 1


def _json_schema(node):
    """OpenAPI 3.0 to JSON Schema: `nullable` becomes a null alternative."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _check(schema, path, method, response):
    op = schema["paths"][path][method]
    body = op["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    whole = {**_json_schema(body), "components": _json_schema(schema["components"])}
    jsonschema.validate(response.json(), whole)


def test_real_answers_validate_against_the_schema(team, schema):
    make_records(team.review, team.users["owner"], ["MSCs in SSc", "Statins"])
    services.items_sync(review=team.review)
    item = team.review.screening_items.first()
    services.vote_cast(actor=team.users["reviewer"], item_id=item.id, decision="exclude")
    client = APIClient()
    client.force_authenticate(team.users["owner"])
    rid = team.review.id
    for path, url in [
        ("/api/reviews/", "/api/reviews/"),
        ("/api/reviews/{review_id}/audit/", f"/api/reviews/{rid}/audit/"),
        ("/api/reviews/{review_id}/members/", f"/api/reviews/{rid}/members/"),
        ("/api/reviews/{review_id}/duplicates/", f"/api/reviews/{rid}/duplicates/"),
        ("/api/reviews/{review_id}/screening/{stage}/next/",
         f"/api/reviews/{rid}/screening/ta/next/"),
        ("/api/reviews/{review_id}/screening/items/{item_id}/",
         f"/api/reviews/{rid}/screening/items/{item.id}/"),
        ("/api/reviews/{review_id}/screening/items/{item_id}/",
         f"/api/reviews/{rid}/screening/items/999999/"),
        ("/api/reviews/{review_id}/", "/api/reviews/999999/"),
    ]:
        _check(schema, path, "get", client.get(url))
    _check(schema, "/api/reviews/{review_id}/screening/{stage}/next/", "get",
           client.get(f"/api/reviews/{rid}/screening/ta/next/?skip=%C2%B2"))


@pytest.mark.parametrize("query", ["offset=null", "limit=ten", "offset=-1", "limit=%C2%B2"])
def test_a_page_parameter_that_is_not_a_whole_number_is_refused(team, query):
    client = APIClient()
    client.force_authenticate(team.users["owner"])
    response = client.get(f"/api/reviews/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_page_parameters_still_page(team):
    client = APIClient()
    client.force_authenticate(team.users["owner"])
    body = client.get(f"/api/reviews/{team.review.id}/audit/?limit=1&offset=0").json()
    assert len(body["results"]) == 1 and body["count"] >= 1


def test_a_token_request_whose_body_is_a_list_is_refused_not_a_server_error(team):
    response = APIClient().post("/api/auth/token/", [None, None], format="json")
    assert response.status_code == 400


def test_what_the_schema_allows_for_skip_and_pages_is_accepted(schema, team):
    import re

    op = schema["paths"]["/api/reviews/{review_id}/screening/{stage}/next/"]["get"]
    skip = next(p for p in op["parameters"] if p["name"] == "skip")["schema"]["pattern"]
    client = APIClient()
    client.force_authenticate(team.users["owner"])
    for value in ("", "1", "1,2,3", "9" * 18, ",".join(["7"] * 200)):
        assert re.fullmatch(skip, value)
        url = f"/api/reviews/{team.review.id}/screening/ta/next/?skip={value}"
        assert client.get(url).status_code == 200, value
    limit = next(p for p in schema["paths"]["/api/reviews/"]["get"]["parameters"]
                 if p["name"] == "limit")["schema"]
    assert client.get(f"/api/reviews/?limit={limit['maximum']}").status_code == 200

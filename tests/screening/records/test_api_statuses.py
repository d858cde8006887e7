"""The records API answers as its schema says (the fuzzer's positive-data check): a label or
reason that is not this review's is missing (404), a label name taken is a conflict (409), a
bad value is a bad request (400), and the filters document exactly what they accept."""
import json


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_an_unknown_label_or_reason_in_the_filters_is_not_found(library):
    t = library
    base = f"/api/reviews/{t.review.id}/records/"
    owner = t.client("owner")
    assert owner.get(f"{base}?label=999999").status_code == 404
    assert owner.get(f"{base}?reason=999999").status_code == 404
    assert owner.get(f"{base}?year_to=12").status_code == 400  # out of the documented range
    assert owner.get(f"{base}?label=999999&year_to=12").status_code == 400


def test_a_blank_filter_is_refused_as_the_schema_says(library):
    # The schema documents no blank choice or number (leave the filter out instead); the
    # fuzzer's negative-data check sent `?sort=` and got 200.
    t = library
    base = f"/api/reviews/{t.review.id}/records/"
    owner = t.client("owner")
    for blank in ("sort=", "stage=", "year_from=", "label=", "has_full_text="):
        response = owner.get(f"{base}?{blank}")
        assert response.status_code == 400, blank
        assert blank.rstrip("=") in response.json()
    assert owner.get(f"{base}?q=").status_code == 200  # an empty search is a search
    assert owner.get(f"{base}?sort=year&stage=ta").status_code == 200


def test_a_label_name_taken_is_a_conflict_and_an_unknown_label_is_missing(library):
    t = library
    owner = t.client("owner")
    labels = f"/api/reviews/{t.review.id}/records/labels/"
    assert _post(owner, labels, {"name": "Background"}).status_code == 201
    assert _post(owner, labels, {"name": "background"}).status_code == 409
    bulk = f"/api/reviews/{t.review.id}/records/bulk-label/"
    response = _post(owner, bulk, {"label": 999999, "records": [t.records[0].id]})
    assert response.status_code == 404


def test_inviting_an_unknown_username_is_not_found(library):
    t = library
    response = _post(t.client("owner"), f"/api/reviews/{t.review.id}/members/",
                     {"invitee": "nobody-by-this-name", "role": "viewer"})
    assert response.status_code == 404
    assert "No account has the username" in response.content.decode()


def test_the_filter_parameters_carry_the_forms_rules(library):
    # Read from the published schema: the list's parameters and the bulk-label body's
    # filters come from one mapping of the form (api.RecordFiltersInput).
    schema = library.client("viewer").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    listed = schema["paths"]["/api/reviews/{review_id}/records/"]["get"]["parameters"]
    schemas = {p["name"]: p["schema"] for p in listed if p["in"] == "query"}
    assert schemas["year_to"] == {"type": "integer", "minimum": 1000, "maximum": 3000}
    assert set(schemas["conflict"]["enum"]) == {"yes", "no"}
    assert "none" in schemas["stage"]["enum"] and "" not in schemas["stage"]["enum"]
    assert schemas["label"]["type"] == "integer"


def test_bulk_label_by_filters_takes_the_lists_rules(library):
    t = library
    owner = t.client("owner")
    label = _post(owner, f"/api/reviews/{t.review.id}/records/labels/", {"name": "Ask author"})
    bulk = f"/api/reviews/{t.review.id}/records/bulk-label/"
    body = {"label": label.json()["id"], "filters": {"q": "statins"}}
    assert _post(owner, bulk, body).json() == {"labelled": 1}
    body["filters"] = {"year_to": 12}
    assert _post(owner, bulk, body).status_code == 400  # the schema's range
    body["filters"] = {"label": 999999}
    assert _post(owner, bulk, body).status_code == 404
    assert _post(owner, bulk, {"label": label.json()["id"]}).json() == {"labelled": 0}


def test_moving_a_record_to_its_own_stage_is_a_conflict(library):
    t = library
    a = t.records[0]
    response = _post(t.client("owner"), f"/api/reviews/{t.review.id}/records/{a.id}/move/",
                     {"stage": "ta"})
    assert response.status_code == 409


def test_inviting_neither_an_account_nor_an_address_is_not_found(library):
    t = library
    response = _post(t.client("owner"), f"/api/reviews/{t.review.id}/members/",
                     {"invitee": "no@@where", "role": "viewer"})
    assert response.status_code == 404
    assert "not a valid email address" in response.content.decode()


def test_a_number_is_not_a_label_name_nor_a_comment(library):
    # The fuzzer's negative-data check: a JSON number where the schema says string.
    t = library
    owner = t.client("owner")
    labels = f"/api/reviews/{t.review.id}/records/labels/"
    response = _post(owner, labels, {"name": -1.5})
    assert response.status_code == 400 and "name" in response.json()
    comments = f"/api/reviews/{t.review.id}/records/{t.records[0].id}/comments/"
    assert _post(owner, comments, {"text": 7}).status_code == 400
    assert _post(owner, labels, {"name": "7"}).status_code == 201

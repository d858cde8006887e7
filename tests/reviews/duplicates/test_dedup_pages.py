"""The duplicates page and the de-duplication API."""

from django.urls import reverse

from reviews.duplicates import services as ds
from reviews.models import AuditEvent, DuplicatePair, Record

from .test_dedup_services import CONFERENCE, OTHER, TRIAL, TRIAL_SHORT, add_records, make_search


def _queue(team):
    a, b = add_records(make_search(team, "pubmed"), TRIAL, OTHER)
    (c,) = add_records(make_search(team, "embase"), CONFERENCE)
    pair = DuplicatePair.objects.create(review=team.review, record_a=a, record_b=c, score=0.75)
    return a, b, c, pair


def test_the_page_shows_a_pair_side_by_side_with_differences_marked(team):
    a, _b, c, pair = _queue(team)
    response = team.client("reviewer").get(reverse("duplicates", args=[team.review.id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="pair-{pair.id}"' in html
    assert 'data-field="year"' in html and '<tr class="differ" data-field="year">' in html
    assert '<tr class="same" data-field="title">' in html  # punctuation alone is no difference
    assert "<mark>Arthritis Rheum</mark>" in html  # the differing journal words are marked
    assert "PubMed/MEDLINE" in html and "Embase" in html
    assert 'data-action="merge"' in html and 'data-action="not_duplicate"' in html
    assert "prismflow/js/duplicates.js" in html


def test_a_viewer_sees_the_pairs_without_decision_buttons(team):
    _a, _b, _c, pair = _queue(team)
    html = team.client("viewer").get(reverse("duplicates", args=[team.review.id])).content.decode()
    assert f'id="pair-{pair.id}"' in html and 'data-action="merge"' not in html


def test_an_outsider_gets_404_on_the_page_and_on_a_decision(team):
    _a, _b, _c, pair = _queue(team)
    client = team.client("outsider")
    assert client.get(reverse("duplicates", args=[team.review.id])).status_code == 404
    url = reverse("duplicate_decide", args=[team.review.id, pair.id])
    assert client.post(url, {"decision": "merge"}).status_code == 404
    assert DuplicatePair.objects.get(pk=pair.pk).status == "open"


def test_the_merge_button_merges_and_returns_to_the_queue(team):
    a, _b, c, pair = _queue(team)
    url = reverse("duplicate_decide", args=[team.review.id, pair.id])
    response = team.client("reviewer").post(url, {"decision": "merge"})
    assert response.status_code == 302
    assert response["Location"] == reverse("duplicates", args=[team.review.id])
    assert Record.objects.get(pk=c.pk).duplicate_of_id == a.id


def test_a_viewer_cannot_press_merge(team):
    _a, _b, c, pair = _queue(team)
    url = reverse("duplicate_decide", args=[team.review.id, pair.id])
    assert team.client("viewer").post(url, {"decision": "merge"}).status_code == 403
    assert Record.objects.get(pk=c.pk).duplicate_of_id is None


def test_the_merged_tab_shows_each_group_with_every_source_and_can_take_one_out(team):
    (a,) = add_records(make_search(team, "pubmed"), TRIAL)
    (b,) = add_records(make_search(team, "embase"), TRIAL_SHORT)
    ds.review_dedupe(review_id=team.review.id)
    client = team.client("reviewer")
    html = client.get(reverse("duplicates", args=[team.review.id]) + "?show=merged")
    html = html.content.decode()
    assert f'id="group-{a.id}"' in html and "Embase, PubMed/MEDLINE" in html
    assert "removed automatically" in html

    client.post(reverse("record_unmerge", args=[team.review.id, b.id]))
    assert Record.objects.get(pk=b.pk).duplicate_of_id is None


def test_the_page_never_follows_a_next_address_off_the_site(team):
    _a, _b, _c, pair = _queue(team)
    url = reverse("duplicate_decide", args=[team.review.id, pair.id])
    response = team.client("reviewer").post(
        url, {"decision": "merge", "next": "//evil.example/reviews/"}
    )
    assert response["Location"] == reverse("duplicates", args=[team.review.id])


# --- API ---------------------------------------------------------------------------------


def test_the_api_lists_the_queue_with_both_records(team):
    a, _b, c, pair = _queue(team)
    data = team.client("viewer").get(f"/api/reviews/{team.review.id}/duplicates/").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert (row["id"], row["record_a"]["id"], row["record_b"]["id"]) == (pair.id, a.id, c.id)
    assert row["record_b"]["source"] == "embase"


def test_the_api_list_is_404_for_an_outsider(team):
    _queue(team)
    response = team.client("outsider").get(f"/api/reviews/{team.review.id}/duplicates/")
    assert response.status_code == 404


def test_a_decision_through_the_api_is_stored_and_audited(team):
    _a, _b, c, pair = _queue(team)
    url = f"/api/reviews/{team.review.id}/duplicates/{pair.id}/decision/"
    response = team.client("adjudicator").post(
        url, {"decision": "not_duplicate"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "not_duplicate"
    assert (
        AuditEvent.objects.filter(verb="duplicate.not_duplicate", object_id=str(pair.id)).count()
        == 1
    )


def test_a_conflicting_api_decision_answers_409_with_the_standing_decision(team):
    _a, _b, _c, pair = _queue(team)
    url = f"/api/reviews/{team.review.id}/duplicates/{pair.id}/decision/"
    team.client("reviewer").post(url, {"decision": "merge"}, content_type="application/json")
    response = team.client("owner").post(
        url, {"decision": "not_duplicate"}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["pair"]["status"] == "merged"


def test_a_bad_decision_is_400(team):
    _a, _b, _c, pair = _queue(team)
    url = f"/api/reviews/{team.review.id}/duplicates/{pair.id}/decision/"
    response = team.client("owner").post(
        url, {"decision": "maybe"}, content_type="application/json"
    )
    assert response.status_code == 400


def test_the_api_splits_a_merged_pair_and_reports_counts(team):
    add_records(make_search(team, "pubmed"), TRIAL)
    add_records(make_search(team, "embase"), TRIAL_SHORT)
    ds.review_dedupe(review_id=team.review.id)
    client = team.client("reviewer")
    counts = client.get(f"/api/reviews/{team.review.id}/duplicates/counts/").json()
    assert (counts["removed_automatically"], counts["unique"]) == (1, 1)
    pair = DuplicatePair.objects.get(review=team.review, status="merged")

    response = client.post(f"/api/reviews/{team.review.id}/duplicates/{pair.id}/split/")

    assert response.status_code == 200 and response.json()["status"] == "not_duplicate"
    counts = client.get(f"/api/reviews/{team.review.id}/duplicates/counts/").json()
    assert (counts["removed_automatically"], counts["unique"]) == (0, 2)


def test_the_api_groups_keep_every_source_and_the_best_fields(team):
    (a,) = add_records(make_search(team, "pubmed"), TRIAL | {"abstract": None})
    (b,) = add_records(make_search(team, "embase"), TRIAL_SHORT | {"abstract": "Background."})
    ds.review_dedupe(review_id=team.review.id)
    data = team.client("viewer").get(f"/api/reviews/{team.review.id}/duplicates/groups/").json()
    (group,) = data["results"]
    assert group["sources"] == ["embase", "pubmed"]
    assert {m["id"] for m in group["members"]} == {a.id, b.id}
    assert group["merged"]["abstract"] == "Background."
    assert group["merged"]["pages"] == "101-110"


def test_the_api_groups_never_show_another_reviews_records(team):
    add_records(make_search(team, "pubmed"), TRIAL, TRIAL_SHORT)
    ds.review_dedupe(review_id=team.review.id)
    client = team.client("outsider")
    data = client.get(f"/api/reviews/{team.other_review.id}/duplicates/groups/").json()
    assert data["count"] == 0

"""Fixes to the screening pages and API (issue #16): the conflicts page shows both votes with
their reasons and notes and preselects nothing; undo reaches back through the reviewer's own
votes that are still open, across reloads; reopening from the page; stored codes shown as
words; forms only for those who can use them."""
import json

from rest_framework.test import APIClient

from reviews.models import AuditEvent
from screening import selectors, services
from screening.models import ExclusionReason, Item

from .test_votes import ft_item, refreshed, vote


def api(team, who):
    client = APIClient()
    client.force_authenticate(team.users[who])
    return client


def _ft_conflict(t):
    ft = ft_item(t, t.items[0])
    reasons = {r.label: r for r in services.reasons_for(t.review)}
    vote(t, "reviewer", ft, "exclude", reason_id=reasons["Wrong population"].id,
         note="adults only, the protocol wants children")
    vote(t, "owner", ft, "exclude", reason_id=reasons["Other"].id,
         reason_text="conference abstract", note="no data")
    assert refreshed(ft).status == "conflict"
    return ft


def test_the_conflicts_page_shows_both_votes_with_their_reasons_and_notes(screening_team):
    t = screening_team
    ft = _ft_conflict(t)
    page = t.client("adjudicator").get(
        f"/reviews/{t.review.id}/screening/ft/conflicts/").content.decode()
    card = page.split(f'data-item="{ft.id}"')[1]
    assert "Wrong population" in card  # the reason chosen from the list, not only "Other" text
    assert "Other" in card and "conference abstract" in card
    assert "adults only, the protocol wants children" in card and "no data" in card


def test_the_conflicts_page_preselects_no_decision_and_labels_the_required_reason(
        screening_team):
    t = screening_team
    item = t.items[1]
    vote(t, "reviewer", item, "include")
    vote(t, "owner", item, "exclude")
    page = t.client("adjudicator").get(
        f"/reviews/{t.review.id}/screening/ta/conflicts/").content.decode()
    form = page.split('class="stacked resolve-form"')[1].split("</form>")[0]
    assert " selected" not in form
    assert '<option value="">' in form.split('name="decision"')[1].split("</select>")[0]
    assert f'<label for="note-{item.id}">' in form
    assert "required" in form.split(f'id="note-{item.id}"')[1].split(">")[0]
    # Sent without a decision: refused, and said, not silently dropped.
    response = t.client("adjudicator").post(
        f"/reviews/{t.review.id}/screening/ta/conflicts/", {"item": item.id, "note": "x"},
        follow=True)
    assert refreshed(item).status == "conflict"
    assert "Decision" in response.content.decode() and "msg-error" in response.content.decode()


def test_the_api_gives_each_votes_reason_label(screening_team):
    t = screening_team
    ft = _ft_conflict(t)
    rows = api(t, "adjudicator").get(
        f"/api/reviews/{t.review.id}/screening/ft/conflicts/").json()
    [row] = [r for r in rows if r["id"] == ft.id]
    assert {v["reviewer"]: v["reason_label"] for v in row["votes"]} == {
        "reviewer": "Wrong population", "owner": "Other"}


def test_undo_reaches_back_through_my_open_votes_and_survives_a_reload(screening_team):
    t = screening_team
    client = api(t, "reviewer")
    base = f"/api/reviews/{t.review.id}/screening/"
    a, b, c = t.items
    for item in (a, b, c):
        data = client.post(f"{base}items/{item.id}/vote/", {"decision": "include"},
                           format="json").json()
    assert data["undo"] == [c.id, b.id, a.id]
    # Settled by the co-reviewer: no longer mine to undo.
    vote(t, "owner", b, "exclude")  # a conflict: still open, still undoable
    vote(t, "owner", a, "include")  # settled
    reloaded = client.get(f"{base}ta/next/").json()  # a reload asks the server again
    assert reloaded["undo"] == [c.id, b.id]
    first = client.post(f"{base}items/{c.id}/retract/").json()
    assert first["undo"] == [b.id] and first["item"]["my_vote"] is None
    second = client.post(f"{base}items/{b.id}/retract/").json()
    assert second["undo"] == []
    assert refreshed(b).status == "pending"
    assert AuditEvent.objects.filter(verb="vote.retract").count() == 2


def test_the_undo_list_is_my_own(screening_team):
    t = screening_team
    vote(t, "owner", t.items[0], "include")
    assert selectors.undoable_items(user=t.users["reviewer"], review=t.review,
                                    stage="ta") == []


def test_the_screening_page_has_a_finished_state_an_empty_state_and_the_new_records_notice(
        screening_team):
    t = screening_team
    page = t.client("reviewer").get(f"/reviews/{t.review.id}/screening/ta/").content.decode()
    # The vote buttons sit in a block the script shows only when a vote can be cast.
    controls = page.split('id="vote-controls" hidden>')[1]
    assert controls.index('id="btn-include"') < controls.index('id="note"')
    assert 'id="done"' in page and "You are finished here" in page
    empty = page.split('id="empty"')[1].split("</div>")[0]
    assert "No records yet" in empty and f'href="/reviews/{t.review.id}/searches/"' in empty
    assert 'id="new-records"' in page and "new records were added" in page
    config = json.loads(page.split('id="screen-config" type="application/json">')[1]
                        .split("</script>")[0])
    assert config["can_reopen"] is False
    adjudicator = t.client("adjudicator").get(
        f"/reviews/{t.review.id}/screening/ta/").content.decode()
    assert '"can_reopen": true' in adjudicator and 'id="btn-reopen"' in adjudicator


def test_progress_carries_the_stage_size_so_the_page_notices_new_records(
        screening_team, django_capture_on_commit_callbacks):
    from reviews.models import Record, Search

    t = screening_team
    client = api(t, "reviewer")
    url = f"/api/reviews/{t.review.id}/screening/ta/next/"
    assert client.get(url).json()["progress"]["total"] == 3
    search = Search.objects.get(review=t.review)
    Record.objects.create(review=t.review, search=search, position=9, title="Added late")
    with django_capture_on_commit_callbacks(execute=True):
        services.items_sync(review=t.review)
    assert client.get(url).json()["progress"]["total"] == 4


def test_an_adjudicator_reopens_a_settled_record_from_the_screening_page(screening_team):
    t = screening_team
    item = t.items[0]
    vote(t, "reviewer", item, "exclude")
    vote(t, "owner", item, "exclude")
    assert refreshed(item).status == "excluded"
    refused = api(t, "reviewer").post(
        f"/api/reviews/{t.review.id}/screening/items/{item.id}/reopen/")
    assert refused.status_code == 403
    response = api(t, "adjudicator").post(
        f"/api/reviews/{t.review.id}/screening/items/{item.id}/reopen/")
    assert response.status_code == 200
    assert refreshed(item).status == "conflict" or refreshed(item).status == "pending"
    assert AuditEvent.objects.filter(verb="item.reopen", object_id=str(item.id)).exists()


def test_stages_and_default_reasons_are_shown_in_words_in_the_readers_language(screening_team):
    t = screening_team
    _ft_conflict(t)
    client = t.client("owner")
    page = client.get(f"/reviews/{t.review.id}/screening/").content.decode()
    table = page.split('id="agreement"')[1].split("</table>")[0]
    assert "<td>Title/abstract</td>" in table and "<td>ta</td>" not in table
    assert "<td>Full text</td>" in table and "<td>ft</td>" not in table
    client.post("/account/language/", {"language": "zh-hans", "next": "/"})
    zh = client.get(f"/reviews/{t.review.id}/screening/ft/conflicts/").content.decode()
    assert "研究人群不符" in zh and "Wrong population" not in zh
    screen = client.get(f"/reviews/{t.review.id}/screening/ft/").content.decode()
    assert "研究人群不符" in screen
    # Stored values stay as they were: exports and PRISMA read the same labels.
    assert ExclusionReason.objects.filter(review=t.review, label="Wrong population").exists()


def test_a_viewer_is_not_offered_the_pdf_upload_form(screening_team):
    t = screening_team
    viewer = t.client("viewer").get(f"/reviews/{t.review.id}/screening/fulltexts/")
    assert viewer.status_code == 200
    page = viewer.content.decode()
    assert 'type="file"' not in page and 'id="upload-not-allowed"' in page
    reviewer = t.client("reviewer").get(f"/reviews/{t.review.id}/screening/fulltexts/")
    assert 'type="file"' in reviewer.content.decode()


def test_screening_settings_are_read_only_for_those_who_cannot_change_them(screening_team):
    t = screening_team
    page = t.client("reviewer").get(f"/reviews/{t.review.id}/screening/settings/")
    body = page.content.decode()
    assert 'id="screening-settings-readonly"' in body and 'id="screening-settings"' not in body
    assert "<textarea" not in body and "Wrong population" in body
    owner = t.client("owner").get(f"/reviews/{t.review.id}/screening/settings/").content.decode()
    assert 'id="screening-settings"' in owner and "<textarea" in owner


def test_the_items_undo_list_needs_no_query_per_vote(screening_team, django_assert_max_num_queries):
    t = screening_team
    for item in t.items:
        vote(t, "reviewer", item, "include")
    with django_assert_max_num_queries(1):
        assert len(selectors.undoable_items(user=t.users["reviewer"], review=t.review,
                                            stage="ta")) == 3
    assert Item.objects.count() == 3

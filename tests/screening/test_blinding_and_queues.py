"""Blinding on every channel, reviewer queues, progress, agreement and PRISMA counts."""
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from screening import selectors, services
from screening.fulltexts import services as fulltext
from screening.models import Item

from .test_votes import ft_item, vote


def api(team, who):
    client = APIClient()
    client.force_authenticate(team.users[who])
    return client


def test_a_reviewer_sees_no_other_vote_before_voting_on_that_record(screening_team):
    item = screening_team.items[0]
    vote(screening_team, "reviewer", item, "exclude")
    client = api(screening_team, "adjudicator")
    url = f"/api/reviews/{screening_team.review.id}/screening/"
    body = json.dumps(client.get(f"{url}items/{item.id}/").json())
    assert "exclude" not in body and "reviewer" not in body
    assert "exclude" not in json.dumps(client.get(f"{url}ta/next/").json()["item"])
    # Having voted, the co-reviewer's vote shows.
    vote(screening_team, "adjudicator", item, "include")
    votes = client.get(f"{url}items/{item.id}/").json()["votes"]
    assert {v["reviewer"]: v["decision"] for v in votes} == {"reviewer": "exclude",
                                                             "adjudicator": "include"}


def test_a_viewer_never_sees_votes_while_blinded_and_the_page_hides_them(screening_team):
    item = screening_team.items[0]
    vote(screening_team, "reviewer", item, "exclude")
    data = api(screening_team, "viewer").get(
        f"/api/reviews/{screening_team.review.id}/screening/items/{item.id}/").json()
    assert data["votes"] is None and data["decision"] is None


def test_blinding_off_or_an_unblinded_stage_shows_votes(screening_team):
    a, b = screening_team.items[:2]
    vote(screening_team, "reviewer", a, "exclude")
    screening_team.review.blind_screening = False
    screening_team.review.save()
    m = screening_team.memberships["viewer"]
    a = Item.objects.select_related("review").get(pk=a.pk)
    assert selectors.item_view(user=screening_team.users["viewer"], membership=m,
                               item=a)["votes"]
    screening_team.review.blind_screening = True
    screening_team.review.save()
    for item in screening_team.items:
        for who in ("reviewer", "owner"):
            if not item.votes.filter(reviewer=screening_team.users[who]).exists():
                vote(screening_team, who, item, "exclude")
    services.stage_unblind(actor=screening_team.users["owner"],
                           review_id=screening_team.review.id, stage="ta")
    b = Item.objects.select_related("review").get(pk=b.pk)
    assert selectors.item_view(user=screening_team.users["viewer"], membership=m, item=b)["votes"]


def test_only_a_finished_stage_can_be_unblinded(screening_team):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.stage_unblind(actor=screening_team.users["owner"],
                               review_id=screening_team.review.id, stage="ta")


def test_my_queue_skips_what_i_voted_on_and_what_has_all_its_votes(screening_team):
    t = screening_team
    a, b, c = t.items
    Item.objects.filter(pk=c.pk).update(priority=5.0)
    vote(t, "reviewer", a, "include")
    vote(t, "owner", b, "include")
    vote(t, "adjudicator", b, "include")
    queue = list(selectors.queue_for_reviewer(user=t.users["reviewer"], review=t.review,
                                              stage="ta").values_list("id", flat=True))
    assert queue == [c.id]  # a: voted; b: settled; c first by priority
    owner_queue = list(selectors.queue_for_reviewer(user=t.users["owner"], review=t.review,
                                                    stage="ta").values_list("id", flat=True))
    assert owner_queue == [c.id, a.id]


def test_a_vote_answers_with_the_next_record_and_progress(screening_team):
    t = screening_team
    client = api(t, "reviewer")
    url = f"/api/reviews/{t.review.id}/screening/"
    first = client.get(f"{url}ta/next/").json()
    assert first["progress"]["my_remaining"] == 3
    answer = client.post(f"{url}items/{first['item']['id']}/vote/", {"decision": "include"},
                         format="json").json()
    assert answer["item"]["id"] != first["item"]["id"]
    assert answer["progress"]["my_votes"] == 1 and answer["progress"]["my_remaining"] == 2


def test_a_vote_without_a_decision_is_refused_with_the_field(screening_team):
    t = screening_team
    response = api(t, "reviewer").post(
        f"/api/reviews/{t.review.id}/screening/items/{t.items[0].id}/vote/", {}, format="json")
    assert response.status_code == 400 and "decision" in response.json()


def test_an_item_of_another_review_is_404(screening_team):
    t = screening_team
    response = api(t, "outsider").post(
        f"/api/reviews/{t.other_review.id}/screening/items/{t.items[0].id}/vote/",
        {"decision": "include"}, format="json")
    assert response.status_code == 404


def test_kappa_per_reviewer_pair_matches_the_hand_computation(screening_team):
    t = screening_team
    decisions = [("include", "include"), ("exclude", "exclude"), ("include", "exclude")]
    for item, (x, y) in zip(t.items, decisions, strict=True):
        vote(t, "reviewer", item, x)
        vote(t, "owner", item, y)
    [row] = selectors.agreement_for_review(review=t.review, membership=t.memberships["owner"])
    # p_o = 2/3; p_e = (2/3*1/3) + (1/3*2/3) = 4/9; kappa = (2/3-4/9)/(1-4/9) = 0.4
    assert row["n"] == 3 and abs(row["kappa"] - 0.4) < 1e-12
    assert abs(row["percent_agreement"] - 200 / 3) < 1e-9


def test_prisma_counts_come_from_the_decisions(screening_team):
    t = screening_team
    a, b, c = t.items
    ft = ft_item(t, a)
    vote(t, "reviewer", b, "exclude")
    vote(t, "owner", b, "exclude")
    ft_c = ft_item(t, c)
    fulltext.fulltext_not_retrieved(actor=t.users["reviewer"], item_id=ft_c.id)
    reason = services.reasons_ensure(t.review).get(label="Wrong outcomes")
    vote(t, "reviewer", ft, "exclude", reason_id=reason.id)
    vote(t, "owner", ft, "exclude", reason_id=reason.id)
    counts = selectors.prisma_counts(review=t.review)
    assert counts["screened"] == 3 and counts["excluded_screening"] == 1
    assert counts["sought"] == 2 and counts["not_retrieved"] == 1 and counts["assessed"] == 1
    assert counts["excluded_full_text"] == {"Wrong outcomes": 1}
    assert counts["awaiting"] == 0


def test_a_report_counts_as_assessed_only_once_decided(screening_team):
    t = screening_team
    ft = ft_item(t, t.items[0])
    counts = selectors.prisma_counts(review=t.review)
    assert (counts["sought"], counts["assessed"], counts["awaiting"]) == (1, 0, 1)
    vote(t, "reviewer", ft, "include")
    vote(t, "owner", ft, "include")
    counts = selectors.prisma_counts(review=t.review)
    assert (counts["assessed"], counts["awaiting"], counts["reports_included"]) == (1, 0, 1)


def test_only_pdfs_are_attached_and_bulk_upload_matches_doi_and_pmid(screening_team):
    import pytest
    from django.core.exceptions import ValidationError

    t = screening_team
    ft_a, ft_b = ft_item(t, t.items[0]), ft_item(t, t.items[1])
    with pytest.raises(ValidationError):
        fulltext.fulltext_attach(actor=t.users["reviewer"], record_id=ft_a.record_id,
                                 upload=SimpleUploadedFile("x.pdf", b"<html>not a pdf"))
    pdf = b"%PDF-1.4\n%%EOF\n"
    report = fulltext.fulltext_bulk_attach(actor=t.users["reviewer"], review_id=t.review.id,
                                           uploads=[
        SimpleUploadedFile(f"{ft_a.record.doi.replace('/', '_')}.pdf", pdf),
        SimpleUploadedFile(f"{ft_b.record.pmid}.pdf", pdf),
        SimpleUploadedFile("unknown.pdf", pdf)])
    assert [(name, rec.id if rec else None, bool(p)) for name, rec, p in report] == [
        ("10.1000_r1.pdf", ft_a.record_id, False), ("1002.pdf", ft_b.record_id, False),
        ("unknown.pdf", None, True)]
    page = t.client("viewer").get(f"/reviews/{t.review.id}/screening/items/{ft_a.id}/fulltext/")
    assert page.status_code == 200 and b"".join(page.streaming_content).startswith(b"%PDF-")


def test_the_screening_pages_render_for_the_team(screening_team):
    t = screening_team
    overview = t.client("owner").get(f"/reviews/{t.review.id}/screening/").content.decode()
    assert "Records screened" in overview and 'data-stage="ta"' in overview
    page = t.client("reviewer").get(f"/reviews/{t.review.id}/screening/ta/").content.decode()
    assert 'id="screen-config"' in page and "Exclude" in page
    assert t.client("viewer").get(f"/reviews/{t.review.id}/screening/ta/").status_code == 403


def test_reviewers_working_at_once_are_handed_different_records(screening_team):
    t = screening_team
    url = f"/api/reviews/{t.review.id}/screening/ta/next/"
    # Two votes are needed: the reviewer and the owner may share a record, a third may not.
    first = api(t, "reviewer").get(url).json()["item"]["id"]
    second = api(t, "owner").get(url).json()["item"]["id"]
    third = api(t, "adjudicator").get(url).json()["item"]["id"]
    assert first == second == t.items[0].id and third == t.items[1].id
    # Asking again keeps my record rather than moving me on.
    assert api(t, "reviewer").get(url).json()["item"]["id"] == first


def test_the_conflicts_list_shows_both_votes_in_a_fixed_number_of_queries(
        screening_team, django_assert_max_num_queries):
    t = screening_team
    for item in t.items:
        vote(t, "reviewer", item, "include")
        vote(t, "owner", item, "exclude")
    membership = t.review.memberships.get(user=t.users["adjudicator"])
    with django_assert_max_num_queries(4):  # not four per conflict
        rows = selectors.conflict_views(user=t.users["adjudicator"], membership=membership,
                                        review=t.review, stage="ta")
    assert [r["id"] for r in rows] == [i.id for i in t.items]
    assert all(sorted(v["reviewer"] for v in r["votes"]) == ["owner", "reviewer"] for r in rows)

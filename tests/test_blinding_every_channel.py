"""Blinding on every channel: every GET URL in the URL conf, as every persona, before and after
a co-reviewer's vote, must not start showing that vote.

The vote carries strings found nowhere else (its note, its "Other" reason), so any page, API
answer, CSV or count that carries it is caught. New URLs join automatically through the
walk of the permission matrix.
"""
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from screening import selectors, services
from screening.models import FullText, Item
from tests.screening.conftest import make_records
from tests.test_permission_matrix import ALL_URLS, KWARG_FACTORIES

NOTE = "blinding-note-5f0c2e"
REASON = "blinding-reason-9a7d41"
DECISION = "maybe"  # on title/abstract; counted, since pages name the decision buttons too

def _args(route):
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _answers_get(pattern):
    callback = pattern.callback
    declared = getattr(callback, "review_access", None)
    if declared is None and hasattr(callback, "cls"):
        declared = getattr(callback.cls, "review_access", None)
        if not declared:
            return hasattr(callback.cls, "get")
    return declared is None or "GET" in declared


GET_URLS = [(route, p) for route, p in ALL_URLS
            if _answers_get(p) and set(_args(route)) - {"review_id", "token"}
            <= set(KWARG_FACTORIES)]


def _url(team, route, pattern):
    kwargs = {}
    for name in _args(route):
        if name == "review_id":
            kwargs[name] = team.review.id
        elif name == "token":
            kwargs[name] = team.invitation.token
        else:
            kwargs[name] = KWARG_FACTORIES[name](team)
    return reverse(pattern.name, kwargs=kwargs)


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _voted_urls(t):
    """The URLs of one record or item, again for the records and items that get the votes:
    the factories' record is another one, and a record page must blind its own votes."""
    ids = {"record_id": [t.ta_item.record_id, t.ft_item.record_id], "item_id": [t.ft_item.id]}
    urls = set()
    for route, pattern in GET_URLS:
        args = set(_args(route)) - {"review_id"}
        if len(args) == 1 and (name := args.pop()) in ids:
            urls.update(reverse(pattern.name, kwargs={"review_id": t.review.id, name: value})
                        for value in ids[name])
    return urls


def _marks(text):
    return {m: text.count(m) for m in (NOTE, REASON, DECISION)}


def _walk(team, personas, urls):
    seen = {}
    for persona in personas:
        client = team.client(persona)
        for url in urls:
            seen[persona, url] = _marks(_body(client.get(url)))
    return seen


@pytest.fixture
def blinded_team(team):
    from reviews.models import DuplicatePair, Invitation, Record

    t = team
    records = make_records(t.review, t.users["owner"], ["MSCs in SSc", "Statins in sepsis"])
    services.items_sync(review=t.review)
    # The first item (the one the URL walk uses) has a full text, so its PDF URL answers too.
    ft = FullText(record=records[0], file_name="a.pdf", size=9, uploaded_by=t.users["owner"])
    ft.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    ft.save()
    t.ta_item = Item.objects.get(record=records[0], stage="ta")
    t.ft_item = Item.objects.create(review=t.review, record=records[1], stage="ft")
    t.other = next(r for r in services.reasons_ensure(t.review) if r.is_other)
    # The URL walk's duplicate pair, made here in the same search at free positions.
    a, b = (Record.objects.create(review=t.review, search=records[0].search, position=n,
                                  title="Duplicate") for n in (10, 11))
    DuplicatePair.objects.create(review=t.review, record_a=a, record_b=b, score=0.9)
    t.invitation = Invitation.objects.create(review=t.review, invitee="newcomer",
                                             role="reviewer", invited_by=t.users["owner"])
    return t


def _co_reviewer_votes(t, voter):
    services.vote_cast(actor=t.users[voter], item_id=t.ta_item.id, decision=DECISION, note=NOTE)
    services.vote_cast(actor=t.users[voter], item_id=t.ft_item.id, decision="exclude",
                       reason_id=t.other.id, reason_text=REASON, note=NOTE)


@pytest.mark.parametrize("voter", ["reviewer", "owner"])
def test_no_get_url_shows_a_co_reviewers_vote_to_anyone_who_may_still_vote(blinded_team, voter):
    t = blinded_team
    personas = [p for p in ("owner", "reviewer", "adjudicator", "viewer", "outsider")
                if p != voter]
    urls = sorted({_url(t, route, p) for route, p in GET_URLS} | _voted_urls(t))
    assert len(urls) > 25  # the walk reaches pages, API, exports and the audit log
    before = _walk(t, personas, urls)
    _co_reviewer_votes(t, voter)
    after = _walk(t, personas, urls)
    leaks = [(persona, url, before[persona, url], marks)
             for (persona, url), marks in after.items()
             if any(n > before[persona, url][m] for m, n in marks.items())]
    assert leaks == []


def test_the_walk_would_see_a_vote_the_viewer_may_see(blinded_team):
    """The control: once the blinding lifts (the viewer votes), the same walk shows it."""
    t = blinded_team
    urls = [f"/api/reviews/{t.review.id}/audit/", f"/reviews/{t.review.id}/audit.csv",
            f"/api/reviews/{t.review.id}/screening/items/{t.ft_item.id}/"]
    _co_reviewer_votes(t, "reviewer")
    before = _walk(t, ["owner"], urls)
    services.vote_cast(actor=t.users["owner"], item_id=t.ft_item.id, decision="include")
    after = _walk(t, ["owner"], urls)
    assert all(after["owner", u][REASON] > before["owner", u][REASON] for u in urls[1:])


def _audit_after(client, review):
    return [e for e in client.get(f"/api/reviews/{review.id}/audit/").json()["results"]
            if e["verb"] == "vote.cast"]


def test_the_audit_api_redacts_a_vote_until_the_owner_votes_on_that_record(blinded_team):
    t = blinded_team
    services.vote_cast(actor=t.users["reviewer"], item_id=t.ta_item.id, decision="exclude")
    [event] = _audit_after(t.client("owner"), t.review)
    assert event["redacted"] is True
    assert event["after"]["decision"] == "hidden until you vote"
    assert event["after"]["item"] == t.ta_item.id  # what was judged stays readable
    services.vote_cast(actor=t.users["owner"], item_id=t.ta_item.id, decision="include")
    events = _audit_after(t.client("owner"), t.review)
    assert {e["after"]["decision"] for e in events} == {"exclude", "include"}
    assert not any(e["redacted"] for e in events)


def test_the_audit_page_and_csv_redact_until_the_stage_is_unblinded(blinded_team):
    t = blinded_team
    services.vote_cast(actor=t.users["reviewer"], item_id=t.ft_item.id, decision="exclude",
                       reason_id=t.other.id, reason_text=REASON)
    client = t.client("owner")
    for url in (f"/reviews/{t.review.id}/audit/", f"/reviews/{t.review.id}/audit.csv"):
        text = _body(client.get(url))
        assert "hidden until you vote" in text and "exclude" not in text.replace(
            "vote.cast", "")
    # Turning blinding off for the review lifts it on every channel at once.
    t.review.blind_screening = False
    t.review.save()
    assert "exclude" in _body(client.get(f"/reviews/{t.review.id}/audit.csv"))


def test_pair_agreement_does_not_move_while_the_viewer_may_still_vote_on_that_record(team):
    t = team
    t.review.reviewers_per_record = 3
    t.review.save()
    make_records(t.review, t.users["owner"], ["MSCs in SSc"])
    services.items_sync(review=t.review)
    item = Item.objects.get(review=t.review)
    owner = t.memberships["owner"]
    services.vote_cast(actor=t.users["reviewer"], item_id=item.id, decision="include")
    services.vote_cast(actor=t.users["adjudicator"], item_id=item.id, decision="exclude")
    # The owner may still vote: the reviewer/adjudicator pair must not show 0% yet.
    assert selectors.agreement_for_review(review=t.review, membership=owner) == []
    services.vote_cast(actor=t.users["owner"], item_id=item.id, decision="include")
    rows = selectors.agreement_for_review(review=t.review, membership=owner)
    pair = next(r for r in rows if {r["reviewer_a"], r["reviewer_b"]} == {"adjudicator",
                                                                         "reviewer"})
    assert pair["n"] == 1 and pair["percent_agreement"] == 0.0


def test_the_filter_and_the_single_record_rule_agree(blinded_team):
    """screening.blinding holds the rule twice (in Python and as a filter): they must agree
    for every persona and every state a record passes through."""
    from screening import blinding

    t = blinded_team

    def check():
        for persona in ("owner", "reviewer", "adjudicator", "viewer"):
            m = t.memberships[persona]
            seen = set(blinding.visible_items(membership=m, review=t.review)
                       .values_list("pk", flat=True))
            for item in Item.objects.filter(review=t.review).select_related("review"):
                mine = item.votes.filter(reviewer=m.user, superseded_at__isnull=True).first()
                assert blinding.votes_visible(membership=m, item=item, mine=mine) == (
                    item.pk in seen), (persona, item.status)

    check()
    services.vote_cast(actor=t.users["reviewer"], item_id=t.ta_item.id, decision="include")
    check()
    services.vote_cast(actor=t.users["owner"], item_id=t.ta_item.id, decision="exclude")
    check()  # a conflict: adjudicators see it

"""Blinding on the records workbench: the list, its filters, the CSV, the record page and
API, and comments never show a co-reviewer's vote to someone who may still judge."""
from reviews.models import AuditEvent
from screening import services
from screening.records import selectors
from screening.records import services as record_services

NOTE = "records-blind-note-31c7"


def listed(t, persona, **filters):
    return selectors.records_found(membership=t.memberships[persona], review=t.review,
                                   filters=filters)


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _conflict(t, record):
    item = t.items[record.id]
    services.vote_cast(actor=t.users["reviewer"], item_id=item.id, decision="include",
                       note=NOTE)
    services.vote_cast(actor=t.users["adjudicator"], item_id=item.id, decision="exclude")
    return item


def test_a_filter_never_moves_a_record_for_a_vote_the_member_may_not_see(library):
    t = library
    a = t.records[0]
    services.vote_cast(actor=t.users["reviewer"], item_id=t.items[a.id].id, decision="exclude")
    # The owner may still vote on it: nothing the reviewer's vote decides shows.
    for filters in ({"my_vote": "exclude"}, {"decision": "exclude"}, {"conflict": "yes"},
                    {"status": "excluded"}):
        assert a.id not in listed(t, "owner", **filters)
    assert a.id in listed(t, "owner", status="pending")


def test_a_conflict_shows_to_its_voters_and_adjudicators_not_to_others(library):
    t = library
    t.review.reviewers_per_record = 2
    a = t.records[0]
    _conflict(t, a)
    assert listed(t, "reviewer", conflict="yes") == [a.id]  # voted on it
    assert listed(t, "owner", conflict="yes") == [a.id]  # owner adjudicates, votes are in
    assert listed(t, "viewer", conflict="yes") == []
    assert listed(t, "viewer", status="conflict") == []
    row = next(r for r in selectors.records_page(
        membership=t.memberships["viewer"], review=t.review, filters={}).rows
        if r["id"] == a.id)
    assert (row["status"], row["decision"], row["conflict"]) == ("hidden", None, None)


def test_the_page_api_and_csv_show_my_vote_but_not_my_co_reviewers(library):
    t = library
    a = t.records[0]
    services.vote_cast(actor=t.users["reviewer"], item_id=t.items[a.id].id, decision="maybe",
                       note=NOTE)
    owner = t.client("owner")
    base = f"/reviews/{t.review.id}"
    for url in (f"{base}/records/", f"{base}/records.csv", f"/api/reviews/{t.review.id}/records/",
                f"{base}/records/{a.id}/", f"/api/reviews/{t.review.id}/records/{a.id}/"):
        text = _body(owner.get(url))
        assert NOTE not in text, url
    api = owner.get(f"/api/reviews/{t.review.id}/records/?my_vote=maybe").json()
    assert api["count"] == 0
    mine = t.client("reviewer").get(f"/api/reviews/{t.review.id}/records/?my_vote=maybe").json()
    assert [r["id"] for r in mine["results"]] == [a.id]
    csv = _body(t.client("reviewer").get(f"{base}/records.csv?my_vote=maybe"))
    assert csv.splitlines()[1].split(",")[0] == str(a.id) and "maybe" in csv
    # Once the owner votes too, the record page shows both votes to them.
    services.vote_cast(actor=t.users["owner"], item_id=t.items[a.id].id, decision="include")
    assert NOTE in _body(owner.get(f"{base}/records/{a.id}/"))


def _comment(t, persona, record, text):
    return record_services.comment_add(actor=t.users[persona], review_id=t.review.id,
                                       record_id=record.id, text=text)


def _read(t, persona, record):
    shown, hidden = selectors.comments_for_record(membership=t.memberships[persona],
                                                  record=record)
    return [c.text for c in shown], hidden


def test_a_comment_by_a_voter_is_hidden_from_those_who_may_still_vote(library):
    t = library
    a = t.records[0]
    _comment(t, "reviewer", a, "wrong population, I think")
    assert _read(t, "owner", a) == (["wrong population, I think"], 0)  # no vote yet
    services.vote_cast(actor=t.users["reviewer"], item_id=t.items[a.id].id, decision="exclude")
    # Now the comment may reveal that vote: hidden from the owner, who may still vote...
    assert _read(t, "owner", a) == ([], 1)
    assert _read(t, "viewer", a) == ([], 1)
    assert _read(t, "reviewer", a) == (["wrong population, I think"], 0)  # its author
    # ... and shown once the owner votes (the record settles or conflicts).
    services.vote_cast(actor=t.users["owner"], item_id=t.items[a.id].id, decision="include")
    assert _read(t, "owner", a) == (["wrong population, I think"], 0)
    assert _read(t, "adjudicator", a)[1] == 0  # a conflict: the adjudicator reads it
    assert _read(t, "viewer", a) == ([], 1)  # may not see votes of a record in conflict
    services.conflict_resolve(actor=t.users["adjudicator"], item_id=t.items[a.id].id,
                              decision="exclude", note="agreed")
    assert _read(t, "viewer", a)[1] == 0  # settled: the whole team reads it


def test_a_reopened_record_hides_its_voters_comments_again(library):
    t = library
    a = t.records[1]
    for persona in ("reviewer", "adjudicator"):
        services.vote_cast(actor=t.users[persona], item_id=t.items[a.id].id, decision="exclude")
    _comment(t, "reviewer", a, "clearly off topic")
    assert _read(t, "viewer", a)[1] == 0
    services.item_reopen(actor=t.users["owner"], item_id=t.items[a.id].id)
    assert _read(t, "viewer", a) == ([], 1)


def test_a_hidden_comment_is_hidden_in_the_audit_log_and_the_record_history(library):
    t = library
    a = t.records[0]
    services.vote_cast(actor=t.users["adjudicator"], item_id=t.items[a.id].id,
                       decision="exclude")
    _comment(t, "adjudicator", a, "comment-secret-77")
    owner = t.client("owner")
    audit = owner.get(f"/api/reviews/{t.review.id}/audit/").json()["results"]
    event = next(e for e in audit if e["verb"] == "comment.add")
    assert event["redacted"] and "comment-secret-77" not in str(event)
    assert "comment-secret-77" not in _body(owner.get(f"/reviews/{t.review.id}/audit.csv"))
    detail = owner.get(f"/api/reviews/{t.review.id}/records/{a.id}/").json()
    assert detail["hidden_comments"] == 1 and "comment-secret-77" not in str(detail)
    assert "comment-secret-77" not in _body(owner.get(
        f"/api/reviews/{t.review.id}/records/{a.id}/comments/"))
    services.vote_cast(actor=t.users["owner"], item_id=t.items[a.id].id, decision="exclude")
    assert "comment-secret-77" in _body(owner.get(f"/reviews/{t.review.id}/records/{a.id}/"))
    assert AuditEvent.objects.filter(verb="comment.add").count() == 1


def test_a_resolver_registered_for_several_prefixes_is_asked_once(monkeypatch):
    # Screening registers one resolver for votes, items and conflicts; each call reads the
    # database, so a batch of events asks it once with all of its events.
    from types import SimpleNamespace

    from reviews import blinding as policy

    calls = []

    def resolver(*, membership, events):
        calls.append(sorted(e.id for e in events))
        return {e.id for e in events if e.verb == "vote.cast"}

    monkeypatch.setattr(policy, "_resolvers", {})
    for prefix in ("vote.", "item.", "conflict."):
        policy.register(prefix, resolver)
    events = [SimpleNamespace(id=i, verb=verb) for i, verb in
              enumerate(["vote.cast", "item.settle", "label.add", "conflict.resolve"])]
    assert policy.hidden_event_ids(events, membership=None) == {0}
    assert calls == [[0, 1, 3]]


def test_the_record_page_asks_the_blinding_rule_once(library, django_assert_max_num_queries):
    # A record settled by adjudication on a blinded review, seen by a member who may not
    # see its votes: its history (votes, the conflict, its resolution, the settlement) is
    # redacted, and screening's resolver reads once, not once per verb prefix.
    t = library
    t.review.blind_screening = True
    t.review.reviewers_per_record = 2
    t.review.save()
    a = t.records[0]
    _conflict(t, a)
    services.conflict_resolve(actor=t.users["owner"], item_id=t.items[a.id].id,
                              decision="include", note="fits")
    record_services.comment_add(actor=t.users["reviewer"], review_id=t.review.id,
                                record_id=a.id, text="seen")
    client = t.client("viewer")
    url = f"/reviews/{t.review.id}/records/{a.id}/"
    client.get(url)  # the session's first request reads more (session, caches)
    with django_assert_max_num_queries(25):  # 29 when asked once a prefix
        body = _body(client.get(url))
    assert NOTE not in body  # the reviewer's vote stays hidden from the viewer

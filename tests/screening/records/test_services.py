"""Labels, comments and the owner's actions on records: each audited, all or nothing."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reviews.models import AuditEvent, Record
from screening import services
from screening.models import Item
from screening.records import services as record_services
from screening.records.models import Comment, Label, RecordLabel


def events(t, verb):
    return list(AuditEvent.objects.filter(review=t.review, verb=verb))


def test_the_owner_keeps_the_label_list_and_screeners_put_labels_on(library):
    t = library
    label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                         name="  ask   author ")
    assert label.name == "ask author" and len(events(t, "label.create")) == 1
    with pytest.raises(ValidationError):
        record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                     name="Ask Author")
    with pytest.raises(PermissionDenied):
        record_services.label_create(actor=t.users["reviewer"], review_id=t.review.id, name="x")
    a = t.records[0]
    assert record_services.record_label_set(actor=t.users["reviewer"], review_id=t.review.id,
                                            record_id=a.id, label_id=label.id, on=True)
    assert not record_services.record_label_set(actor=t.users["adjudicator"],
                                                review_id=t.review.id, record_id=a.id,
                                                label_id=label.id, on=True)  # already on
    assert len(events(t, "label.add")) == 1
    with pytest.raises(PermissionDenied):
        record_services.record_label_set(actor=t.users["viewer"], review_id=t.review.id,
                                         record_id=a.id, label_id=label.id, on=False)
    # A label of another review is refused.
    other = Label.objects.create(review=t.other_review, name="theirs")
    with pytest.raises(ValidationError):
        record_services.record_label_set(actor=t.users["owner"], review_id=t.review.id,
                                         record_id=a.id, label_id=other.id, on=True)
    assert record_services.label_delete(actor=t.users["owner"], review_id=t.review.id,
                                        label_id=label.id) == 1
    assert not RecordLabel.objects.exists()
    assert events(t, "label.delete")[0].before == {"name": "ask author", "records": 1}


def test_a_label_put_on_a_merged_duplicate_lands_on_its_kept_record(library):
    t = library
    label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                         name="background")
    record_services.record_label_set(actor=t.users["reviewer"], review_id=t.review.id,
                                     record_id=t.duplicate.id, label_id=label.id, on=True)
    assert RecordLabel.objects.get().record_id == t.records[0].id


def test_bulk_labelling_is_all_or_nothing_and_audited_once(library):
    t = library
    label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                         name="background")
    foreign = Record.objects.create(review=t.other_review, search=t.records[0].search,
                                    position=99, title="theirs")
    with pytest.raises(ValidationError):
        record_services.labels_apply_bulk(actor=t.users["owner"], review_id=t.review.id,
                                          label_id=label.id,
                                          record_ids=[t.records[0].id, foreign.id])
    assert not RecordLabel.objects.exists() and not events(t, "label.bulk_add")
    with pytest.raises(PermissionDenied):
        record_services.labels_apply_bulk(actor=t.users["reviewer"], review_id=t.review.id,
                                          label_id=label.id, record_ids=[t.records[0].id])
    n = record_services.labels_apply_bulk(actor=t.users["owner"], review_id=t.review.id,
                                          label_id=label.id,
                                          record_ids=[r.id for r in t.records[:3]])
    assert n == 3
    again = record_services.labels_apply_bulk(actor=t.users["owner"], review_id=t.review.id,
                                              label_id=label.id,
                                              record_ids=[r.id for r in t.records])
    assert again == 2 and RecordLabel.objects.count() == 5
    assert [e.after["records"] for e in events(t, "label.bulk_add")] == [2, 3]


def test_bulk_labelling_what_a_filter_found_from_the_page(library):
    t = library
    label = record_services.label_create(actor=t.users["owner"], review_id=t.review.id,
                                         name="chinese")
    response = t.client("owner").post(f"/reviews/{t.review.id}/records/bulk-label/", {
        "label": label.id, "scope": "filtered", "query": "q=%E5%B9%B2%E7%BB%86%E8%83%9E"})
    assert response.status_code == 302
    assert list(RecordLabel.objects.values_list("record_id", flat=True)) == [t.records[2].id]
    assert t.client("reviewer").post(f"/reviews/{t.review.id}/records/bulk-label/", {
        "label": label.id, "records": [t.records[0].id]}).status_code == 403


def test_comments_record_their_stage_and_are_audited(library):
    t = library
    a = t.records[0]
    comment = record_services.comment_add(actor=t.users["reviewer"], review_id=t.review.id,
                                          record_id=a.id, text=" ask the authors ")
    assert (comment.text, comment.stage) == ("ask the authors", "ta")
    assert events(t, "comment.add")[0].after["record"] == a.id
    with pytest.raises(ValidationError):
        record_services.comment_add(actor=t.users["reviewer"], review_id=t.review.id,
                                    record_id=a.id, text="   ")
    with pytest.raises(PermissionDenied):
        record_services.comment_add(actor=t.users["viewer"], review_id=t.review.id,
                                    record_id=a.id, text="hello")
    assert Comment.objects.count() == 1


def test_the_owner_moves_a_record_to_full_text_and_back(library):
    t = library
    a = t.records[0]
    item = t.items[a.id]
    services.vote_cast(actor=t.users["reviewer"], item_id=item.id, decision="exclude")
    with pytest.raises(PermissionDenied):
        record_services.record_move(actor=t.users["adjudicator"], review_id=t.review.id,
                                    record_id=a.id, stage="ft")
    record_services.record_move(actor=t.users["owner"], review_id=t.review.id, record_id=a.id,
                                stage="ft")
    item.refresh_from_db()
    assert (item.status, item.decision) == ("included", "include")
    assert Item.objects.filter(record=a, stage="ft", status="pending").exists()
    assert item.votes.count() == 1  # the reviewer's vote stays
    [move] = events(t, "item.move")
    assert move.before == {"stage": "ta", "status": "pending"} and move.after["stage"] == "ft"
    with pytest.raises(ValidationError):
        record_services.record_move(actor=t.users["owner"], review_id=t.review.id,
                                    record_id=a.id, stage="ft")
    record_services.record_move(actor=t.users["owner"], review_id=t.review.id, record_id=a.id,
                                stage="ta")
    item.refresh_from_db()
    assert item.status == "pending" and not Item.objects.filter(record=a, stage="ft").exists()
    assert len(events(t, "item.move")) == 2 and len(events(t, "item.reopen")) == 1


def test_a_move_back_is_refused_whole_when_the_full_text_has_votes(library):
    t = library
    a = t.records[0]
    record_services.record_move(actor=t.users["owner"], review_id=t.review.id, record_id=a.id,
                                stage="ft")
    ft = Item.objects.get(record=a, stage="ft")
    services.vote_cast(actor=t.users["reviewer"], item_id=ft.id, decision="include")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        record_services.record_move(actor=t.users["owner"], review_id=t.review.id,
                                    record_id=a.id, stage="ta")
    assert AuditEvent.objects.count() == before
    assert Item.objects.get(pk=t.items[a.id].pk).status == "included"


def test_reopen_from_the_record_page_reopens_its_current_stage(library):
    t = library
    a = t.records[1]
    for persona in ("reviewer", "adjudicator"):
        services.vote_cast(actor=t.users[persona], item_id=t.items[a.id].id, decision="exclude")
    assert t.client("reviewer").post(
        f"/reviews/{t.review.id}/records/{a.id}/reopen/").status_code == 403
    response = t.client("adjudicator").post(f"/reviews/{t.review.id}/records/{a.id}/reopen/")
    assert response.status_code == 302
    # Reopened, its two votes are in and judged again (screening.services.item_reopen).
    assert Item.objects.get(pk=t.items[a.id].pk).status == "conflict"
    assert len(events(t, "item.reopen")) == 1


def test_a_record_of_another_review_is_not_found(library):
    t = library
    foreign = Record.objects.create(review=t.other_review, search=t.records[0].search,
                                    position=98, title="theirs")
    with pytest.raises(Record.DoesNotExist):
        record_services.comment_add(actor=t.users["owner"], review_id=t.review.id,
                                    record_id=foreign.id, text="x")
    assert t.client("owner").get(
        f"/reviews/{t.review.id}/records/{foreign.id}/").status_code == 404


def test_the_label_page_counts_records_in_one_query_and_shows_refusals(library):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = library
    owner = t.users["owner"]
    labels = [record_services.label_create(actor=owner, review_id=t.review.id, name=name)
              for name in ("ask author", "background", "later")]
    for record in t.records[:3]:
        record_services.record_label_set(actor=owner, review_id=t.review.id,
                                         record_id=record.id, label_id=labels[0].id, on=True)
    record_services.record_label_set(actor=owner, review_id=t.review.id,
                                     record_id=t.records[4].id, label_id=labels[1].id, on=True)
    client = t.client("viewer")
    url = f"/reviews/{t.review.id}/records/labels/"
    client.get(url)  # the first request of a session reads more (session, caches)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    counts = [c.decode() for c in _cells(response.content, "num")]
    assert counts == ["3", "1", "0"]
    more = record_services.label_create(actor=owner, review_id=t.review.id, name="zz")
    record_services.record_label_set(actor=owner, review_id=t.review.id,
                                     record_id=t.records[1].id, label_id=more.id, on=True)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)  # no query per label
    refused = t.client("owner").post(url, {"name": "Background"}, follow=True)
    assert "already has that label" in refused.content.decode()
    assert Label.objects.filter(review=t.review).count() == 4


def _cells(html, cls):
    import re

    return [m.group(1) for m in re.finditer(
        rb'<td class="' + cls.encode() + rb'"><a [^>]*>([^<]*)</a>', html)]


def test_a_record_included_without_its_full_text_gets_it_back_when_moved(library):
    # The full-text item removed by hand while the record stayed included: moving it to
    # full text makes the item again, as the inclusion did (screening.services.item_advance).
    t = library
    a = t.records[0]
    record_services.record_move(actor=t.users["owner"], review_id=t.review.id, record_id=a.id,
                                stage="ft")
    Item.objects.filter(record=a, stage="ft").delete()
    item = record_services.record_move(actor=t.users["owner"], review_id=t.review.id,
                                       record_id=a.id, stage="ft")
    assert item.status == "included"
    assert Item.objects.filter(record=a, stage="ft", status="pending").count() == 1
    [_first, second] = sorted(events(t, "item.move"), key=lambda e: e.id)
    assert second.before == {"stage": "ta", "status": "included"}
    assert len(events(t, "item.settle")) == 1  # settled once, by the first move
    with pytest.raises(ValidationError):  # an item of the wrong stage is refused
        services.item_advance(actor=t.users["owner"],
                              item_id=Item.objects.get(record=a, stage="ft").id)

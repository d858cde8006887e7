"""Extraction services: starting, saving, submitting, consensus, lock and snapshot."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from extraction import services
from extraction.models import Cell, ConsensusDecision, Extraction, Snapshot
from extraction.snapshot import content_hash
from reviews.models import AuditEvent
from tests.extraction.conftest import STUDY_VALUES, cell, fill_and_submit, start


def test_starting_makes_the_study_with_one_arm_and_is_idempotent(ex_team):
    first = start(ex_team, "reviewer", ex_team.records[0])
    again = start(ex_team, "reviewer", ex_team.records[0])
    assert first.pk == again.pk
    assert [a.role for a in first.study.arms.all()] == ["single"]
    assert first.form.version == 1


def test_a_third_extractor_is_refused_in_dual_mode(ex_team):
    start(ex_team, "reviewer", ex_team.records[0])
    start(ex_team, "adjudicator", ex_team.records[0])
    with pytest.raises(PermissionDenied):
        start(ex_team, "owner", ex_team.records[0])


def test_a_viewer_cannot_extract(ex_team):
    with pytest.raises(PermissionDenied):
        start(ex_team, "viewer", ex_team.records[0])


def test_saving_converts_cells_and_stores_the_method(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    services.extraction_save(actor=ex_team.users["reviewer"], review=ex_team.review,
                             extraction_id=ex.id, values={"n_patients": 12},
                             cells=[cell(ex_team, ex, ex_team.m6, n=12, mean=10, se=2)])
    stored = Cell.objects.get(extraction=ex)
    assert stored.reported == {"n": 12, "mean": 10.0, "se": 2.0}
    assert stored.converted["method"] == "se_to_sd"
    assert stored.converted["sd"] == pytest.approx(2 * 12 ** 0.5)


@pytest.mark.parametrize(("values", "key_part"), [
    ({"n": 12, "sd": -1}, "sd"),
    ({"n": 12, "mean": "abc"}, "mean"),
    ({"n": 40}, "n"),  # above the study's 12 participants
    ({"n": 12, "median": 30, "min": 1, "max": 20}, "median"),
])
def test_bad_cell_values_are_refused_and_nothing_is_saved(ex_team, values, key_part):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    with pytest.raises(ValidationError) as caught:
        services.extraction_save(actor=ex_team.users["reviewer"], review=ex_team.review,
                                 extraction_id=ex.id, values={"n_patients": 12, "country": "X"},
                                 cells=[cell(ex_team, ex, ex_team.baseline, n=12, mean=1, sd=1),
                                        cell(ex_team, ex, ex_team.m6, **values)])
    assert any(k.endswith(":" + key_part) for k in caught.value.message_dict)
    ex.refresh_from_db()
    assert ex.values == {} and not Cell.objects.filter(extraction=ex).exists()


def test_events_above_total_are_refused(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    arm = ex.study.arms.first()
    with pytest.raises(ValidationError, match="cannot exceed"):
        services.extraction_save(actor=ex_team.users["reviewer"], review=ex_team.review,
                                 extraction_id=ex.id, cells=[{
                                     "outcome": ex_team.du.id, "timepoint": ex_team.m6.id,
                                     "arm": arm.id, "values": {"events": 5, "total": 3}}])


def test_a_wrong_form_value_names_the_field(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    with pytest.raises(ValidationError) as caught:
        services.extraction_save(actor=ex_team.users["reviewer"], review=ex_team.review,
                                 extraction_id=ex.id, values={"n_patients": "twelve"})
    assert "Number of patients" in caught.value.message_dict["n_patients"][0]


def test_submission_needs_the_required_fields(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    with pytest.raises(ValidationError) as caught:
        services.extraction_submit(actor=ex_team.users["reviewer"], review=ex_team.review,
                                   extraction_id=ex.id)
    assert {"country", "design", "n_patients"} <= set(caught.value.message_dict)


def test_nobody_edits_another_persons_extraction(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    with pytest.raises(PermissionDenied):
        services.extraction_save(actor=ex_team.users["adjudicator"], review=ex_team.review,
                                 extraction_id=ex.id, values={"country": "X"})


def test_agreeing_extractors_reach_consensus_at_once(ex_team):
    fill_and_submit(ex_team, "reviewer", ex_team.records[0])
    fill_and_submit(ex_team, "adjudicator", ex_team.records[0])
    consensus = Extraction.objects.get(kind="consensus")
    assert consensus.status == "submitted"
    assert consensus.values["country"] == "France"
    assert consensus.cells.count() == 2


def _disagree(team):
    fill_and_submit(team, "reviewer", team.records[0], mean6=14.0)
    fill_and_submit(team, "owner", team.records[0], mean6=15.0)
    return Extraction.objects.get(kind="consensus")


def test_a_difference_waits_for_the_adjudicator_who_settles_it(ex_team):
    consensus = _disagree(ex_team)
    assert consensus.status == "in_progress"
    [key] = services.open_differences(consensus)
    assert key.endswith(":mean")
    with pytest.raises(PermissionDenied):  # an extractor cannot settle their own study
        services.consensus_decide(actor=ex_team.users["owner"], review=ex_team.review,
                                  study_id=consensus.study_id, key=key, source="a")
    services.consensus_decide(actor=ex_team.users["adjudicator"], review=ex_team.review,
                              study_id=consensus.study_id, key=key, source="b")
    consensus.refresh_from_db()
    assert consensus.status == "submitted"
    m6 = consensus.cells.get(timepoint=ex_team.m6)
    assert m6.reported["mean"] == 15.0 and m6.converted["mean"] == 15.0
    verbs = list(AuditEvent.objects.filter(verb__startswith="extraction.consensus").order_by("id")
                 .values_list("verb", flat=True))
    assert verbs == ["extraction.consensus_start", "extraction.consensus_decide"]


def test_a_typed_consensus_value_is_checked(ex_team):
    consensus = _disagree(ex_team)
    [key] = services.open_differences(consensus)
    with pytest.raises(ValidationError):
        services.consensus_decide(actor=ex_team.users["adjudicator"], review=ex_team.review,
                                  study_id=consensus.study_id, key=key, source="typed",
                                  value="x")
    services.consensus_decide(actor=ex_team.users["adjudicator"], review=ex_team.review,
                              study_id=consensus.study_id, key=key, source="typed", value="14.5")
    assert ConsensusDecision.objects.get().value == 14.5


def _lockable(team):
    for record in team.records:
        fill_and_submit(team, "reviewer", record)
        fill_and_submit(team, "adjudicator", record)


def test_lock_freezes_a_snapshot_whose_hash_matches_its_content(ex_team):
    _lockable(ex_team)
    snap = services.extraction_lock(actor=ex_team.users["owner"], review=ex_team.review)
    stored = Snapshot.objects.get(pk=snap.pk)
    assert stored.content_hash == content_hash(stored.data) == stored.data["hash"]
    assert len(stored.data["studies"]) == 3
    study = stored.data["studies"][0]
    assert study["design"] == "single_arm" and study["characteristics"]["country"] == "France"
    assert {c["converted"]["method"] for c in study["cells"]} == {"reported"}
    with pytest.raises(ValidationError):  # locked: no edits
        start(ex_team, "owner", ex_team.records[0])


def test_lock_refuses_studies_without_consensus_unless_asked(ex_team):
    fill_and_submit(ex_team, "reviewer", ex_team.records[0])
    fill_and_submit(ex_team, "adjudicator", ex_team.records[0])
    with pytest.raises(ValidationError, match="no consensus"):
        services.extraction_lock(actor=ex_team.users["owner"], review=ex_team.review)
    snap = services.extraction_lock(actor=ex_team.users["owner"], review=ex_team.review,
                                    allow_incomplete=True)
    assert len(snap.data["studies"]) == 1
    assert [s["reason"] for s in snap.data["excluded_studies"]] == ["no consensus at lock"] * 2


def test_unlock_needs_a_reason_and_a_new_lock_makes_the_next_snapshot(ex_team):
    _lockable(ex_team)
    owner = ex_team.users["owner"]
    first = services.extraction_lock(actor=owner, review=ex_team.review)
    with pytest.raises(ValidationError):
        services.extraction_unlock(actor=owner, review=ex_team.review, reason=" ")
    services.extraction_unlock(actor=owner, review=ex_team.review, reason="typo in Park 2020")
    second = services.extraction_lock(actor=owner, review=ex_team.review)
    assert (first.number, second.number) == (1, 2)
    assert Snapshot.objects.get(pk=first.pk).data["number"] == 1  # the first stays readable
    with pytest.raises(ValueError):
        first.save()


def test_editing_the_form_after_extraction_started_makes_a_new_version(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    services.extraction_save(actor=ex_team.users["reviewer"], review=ex_team.review,
                             extraction_id=ex.id, values={"country": "France"})
    schema = {"sections": [{"key": "s", "title": "S", "fields": [
        {"key": "country", "label": "Country", "type": "integer"}]}]}
    form = services.form_save(actor=ex_team.users["owner"], review=ex_team.review,
                              form_schema=schema)
    assert form.version == 2
    ex.refresh_from_db()
    assert ex.form.version == 1 and ex.values == {"country": "France"}  # kept


def test_verification_mode_needs_one_extractor_and_a_checker(ex_team):
    services.extraction_settings_update(actor=ex_team.users["owner"], review=ex_team.review,
                                        mode="verify")
    fill_and_submit(ex_team, "reviewer", ex_team.records[0])
    consensus = Extraction.objects.get(kind="consensus")
    assert consensus.status == "in_progress"
    with pytest.raises(PermissionDenied):
        start(ex_team, "adjudicator", ex_team.records[0])
    services.consensus_verify(actor=ex_team.users["adjudicator"], review=ex_team.review,
                              study_id=consensus.study_id)
    consensus.refresh_from_db()
    assert consensus.status == "submitted"
    assert STUDY_VALUES["country"] == consensus.values["country"]


def test_the_stored_size_is_the_canonical_document_size(ex_team):
    from extraction.snapshot import canonical

    _lockable(ex_team)
    snap = services.extraction_lock(actor=ex_team.users["owner"], review=ex_team.review)
    assert snap.size == len(canonical(Snapshot.objects.get(pk=snap.pk).data).encode("utf-8"))


def test_moving_to_a_new_form_version_flags_values_that_no_longer_fit(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    services.extraction_save(actor=ex_team.users["reviewer"], review=ex_team.review,
                             extraction_id=ex.id, values={"country": "France", "mean_age": 54})
    schema = {"sections": [{"key": "s", "title": "S", "fields": [
        {"key": "country", "label": "Country", "type": "integer"}]}]}
    services.form_save(actor=ex_team.users["owner"], review=ex_team.review, form_schema=schema)
    ex, flagged = services.extraction_form_upgrade(actor=ex_team.users["reviewer"],
                                                   review=ex_team.review, extraction_id=ex.id)
    assert ex.form.version == 2 and set(flagged) == {"country", "mean_age"}
    ex.refresh_from_db()
    assert ex.values == {"country": "France", "mean_age": 54.0}
    page = ex_team.client("reviewer").get(
        f"/reviews/{ex_team.review.id}/extraction/studies/{ex.study_id}/").content.decode()
    assert 'id="misfits"' in page and "mean_age" in page


def test_a_save_that_read_before_another_committed_replaces_its_cells(ex_team, monkeypatch):
    """Where the row lock is no lock (SQLite), a save may not see cells another save has just
    written; it must replace them, not trip over the unique key."""
    from django.db import transaction

    ex = start(ex_team, "reviewer", ex_team.records[0])
    arm = ex.study.arms.first()
    Cell.objects.create(extraction=ex, outcome=ex_team.mrss, timepoint=ex_team.m6, arm=arm,
                        reported={"n": 12})
    stale = Cell.objects.none()
    monkeypatch.setattr(type(ex.cells), "all", lambda self: stale, raising=False)
    with transaction.atomic():
        services._write_grid(ex, {(ex_team.mrss.id, ex_team.m6.id, arm.id): (
            {"n": 12, "mean": 14.0, "sd": 5.0}, "continuous")})
    [cell] = Cell.objects.filter(extraction=ex)
    assert cell.reported == {"n": 12, "mean": 14.0, "sd": 5.0}

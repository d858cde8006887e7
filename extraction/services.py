"""Writes of the extraction stage: forms, outcomes, time points, arms, extractions, consensus,
lock and unlock. Each is one transaction and writes its audit event in it."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.access import can, review_for
from reviews.audit.services import audit_record
from reviews.errors import Conflict
from reviews.models import Record
from screening.models import Study, StudyReport

from . import cells as cell_rules
from . import compare, schema
from .models import (
    Arm,
    ArmRole,
    Cell,
    ConsensusDecision,
    Extraction,
    ExtractionSettings,
    Form,
    Mode,
    Outcome,
    Snapshot,
    TimePoint,
)
from .signals import extraction_locked
from .templates_data import STUDY_TEMPLATE

Kind, Status = Extraction.Kind, Extraction.Status


# ---------------------------------------------------------------- settings and the lock state


def settings_for(review):
    """The review's settings; unsaved defaults when the owner has set none (no write on read)."""
    return (ExtractionSettings.objects.filter(review=review).first()
            or ExtractionSettings(review=review))


def settings_locked_row(review):
    """The review's settings row, made if missing and locked for this transaction: the one
    lock that serialises the stage's writes of a review."""
    row, _created = ExtractionSettings.objects.get_or_create(review=review)
    return ExtractionSettings.objects.select_for_update().get(pk=row.pk)


def refuse_if_locked(review):
    """Conflict when the owner has locked extraction (and with it risk of bias)."""
    if ExtractionSettings.objects.filter(review=review, locked=True).exists():
        raise Conflict(_("Extraction is locked. The owner must unlock it first."))


@transaction.atomic
def extraction_settings_update(*, actor, review, mode, unblinded=False):
    review_for(actor, review.id, "manage")
    row = settings_locked_row(review)
    if mode not in Mode.values:
        raise ValidationError({"mode": _("Unknown mode.")})
    started = Extraction.objects.filter(review=review).exists()
    if started and mode != row.mode:
        raise Conflict({"mode": _("The mode cannot change once extraction has started.")})
    before = {"mode": row.mode, "unblinded": row.unblinded}
    row.mode, row.unblinded = mode, bool(unblinded)
    row.save()
    audit_record(review=review, actor=actor, verb="extraction.settings", obj=row, before=before,
                 after={"mode": row.mode, "unblinded": row.unblinded})
    return row


# ---------------------------------------------------------------- the form


def current_form(review):
    return Form.objects.filter(review=review).order_by("-version").first()


@transaction.atomic
def form_save(*, actor, review, form_schema):
    """Save the form. While no extraction uses the current version it is edited in place;
    after that the edit becomes the next version, and data that no longer fit are flagged."""
    review_for(actor, review.id, "manage")
    settings_locked_row(review)  # serialises form edits of one review
    try:
        schema.check_schema(form_schema)
    except schema.SchemaError as exc:
        raise ValidationError({"schema": str(exc)}) from exc
    form = current_form(review)
    if form is not None and not form.extractions.exists():
        before = form.schema
        form.schema = form_schema
        form.save(update_fields=["schema"])
    else:
        before = form.schema if form else None
        form = Form.objects.create(review=review, version=(form.version + 1) if form else 1,
                                   schema=form_schema, created_by=actor)
    audit_record(review=review, actor=actor, verb="extraction.form_save", obj=form,
                 before=before and {"sections": [s["key"] for s in before["sections"]]},
                 after={"version": form.version,
                        "fields": list(schema.fields_of(form_schema))})
    return form


def form_from_template(*, actor, review):
    return form_save(actor=actor, review=review, form_schema=STUDY_TEMPLATE)


# ---------------------------------------------------------------- outcomes, time points, arms


def _next_position(queryset):
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


def _save_definition(*, actor, review, model, obj_id, fields, verb):
    review_for(actor, review.id, "manage")
    refuse_if_locked(review)
    obj = model.objects.select_for_update().get(pk=obj_id, review=review) if obj_id else \
        model(review=review, position=_next_position(model.objects.filter(review=review)))
    before = {f: getattr(obj, f) for f in fields} if obj_id else None
    for name, value in fields.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as exc:
        # The errors keep their codes: a name already taken ("unique") answers 409.
        raise ValidationError(exc.error_dict) from exc
    obj.save()
    audit_record(review=review, actor=actor, verb=verb, obj=obj, before=before, after=fields)
    return obj


@transaction.atomic
def outcome_save(*, actor, review, outcome_id=None, name, type="continuous", unit="",
                 direction="lower", mid=None, description=""):
    fields = {"name": name.strip(), "type": type, "unit": unit.strip(), "direction": direction,
              "mid": mid, "description": description}
    if outcome_id and type != Outcome.objects.get(pk=outcome_id, review=review).type and \
            Cell.objects.filter(outcome_id=outcome_id).exists():
        raise Conflict({"type": _("The type cannot change once values are entered.")})
    return _save_definition(actor=actor, review=review, model=Outcome, obj_id=outcome_id,
                            fields=fields, verb="extraction.outcome_save")


@transaction.atomic
def timepoint_save(*, actor, review, timepoint_id=None, label, months=None, is_baseline=False):
    fields = {"label": label.strip(), "months": months, "is_baseline": bool(is_baseline)}
    return _save_definition(actor=actor, review=review, model=TimePoint, obj_id=timepoint_id,
                            fields=fields, verb="extraction.timepoint_save")


def _delete_definition(*, actor, review, model, obj_id, used_by, verb):
    review_for(actor, review.id, "manage")
    refuse_if_locked(review)
    obj = model.objects.select_for_update().get(pk=obj_id, review=review)
    if Cell.objects.filter(**{used_by: obj}).exists():
        raise Conflict(_("Values are entered for “%(name)s”; it cannot be deleted.")
                       % {"name": obj})
    audit_record(review=review, actor=actor, verb=verb, obj=obj, before={"name": str(obj)})
    obj.delete()


@transaction.atomic
def outcome_delete(*, actor, review, outcome_id):
    _delete_definition(actor=actor, review=review, model=Outcome, obj_id=outcome_id,
                       used_by="outcome", verb="extraction.outcome_delete")


@transaction.atomic
def timepoint_delete(*, actor, review, timepoint_id):
    _delete_definition(actor=actor, review=review, model=TimePoint, obj_id=timepoint_id,
                       used_by="timepoint", verb="extraction.timepoint_delete")


@transaction.atomic
def arm_save(*, actor, review, study_id, arm_id=None, label, role=ArmRole.SINGLE):
    review_for(actor, review.id, "manage")
    refuse_if_locked(review)
    study = Study.objects.get(pk=study_id, review=review)
    if role not in ArmRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    arm = Arm.objects.get(pk=arm_id, study=study) if arm_id else \
        Arm(study=study, position=_next_position(study.arms.all()))
    before = {"label": arm.label, "role": arm.role} if arm_id else None
    arm.label, arm.role = label.strip(), role
    if not arm.label:
        raise ValidationError({"label": _("An arm needs a label.")})
    try:
        arm.save()
    except IntegrityError as exc:
        raise Conflict({"label": _("This study already has an arm of that name.")}) \
            from exc
    audit_record(review=review, actor=actor, verb="extraction.arm_save", obj=arm, before=before,
                 after={"study": study.id, "label": arm.label, "role": arm.role})
    return arm


@transaction.atomic
def arm_delete(*, actor, review, arm_id):
    review_for(actor, review.id, "manage")
    arm = Arm.objects.select_for_update().get(pk=arm_id, study__review=review)
    if Cell.objects.filter(arm=arm).exists():
        raise Conflict(_("Values are entered for this arm; it cannot be deleted."))
    audit_record(review=review, actor=actor, verb="extraction.arm_delete", obj=arm,
                 before={"study": arm.study_id, "label": arm.label})
    arm.delete()


# ---------------------------------------------------------------- studies


def study_for_record(*, review, record_id):
    """The study of an included report, made on first use for a report not linked to one."""
    report = StudyReport.objects.select_related("study").filter(
        record_id=record_id, record__review=review).first()
    if report:
        return report.study
    from .selectors import included_record_ids, study_label

    if record_id not in included_record_ids(review=review):
        raise Conflict(_("Only reports included at full text can be extracted."))
    record = Record.objects.get(pk=record_id, review=review)
    study = Study.objects.create(review=review, label=study_label(record))
    StudyReport.objects.create(study=study, record=record)
    return study


def _default_arm(study):
    if not study.arms.exists():
        Arm.objects.create(study=study, label="All participants", role=ArmRole.SINGLE)


# ---------------------------------------------------------------- extractions


@transaction.atomic
def extraction_start(*, actor, review, study_id=None, record_id=None):
    """My extraction of the study (made on first use). At most as many people as the mode
    asks extract one study."""
    review_for(actor, review.id, "screen")
    row = settings_locked_row(review)
    if row.locked:
        raise Conflict(_("Extraction is locked. The owner must unlock it first."))
    study = Study.objects.get(pk=study_id, review=review) if study_id else \
        study_for_record(review=review, record_id=record_id)
    mine = Extraction.objects.filter(study=study, kind=Kind.INDIVIDUAL, extractor=actor).first()
    if mine:
        return mine
    form = current_form(review)
    if form is None:
        raise Conflict(_("The owner has not set up the extraction form yet."))
    taken = Extraction.objects.filter(study=study, kind=Kind.INDIVIDUAL).count()
    if taken >= row.extractors_needed:
        raise PermissionDenied(_("This study already has its %(n)d extractor(s).")
                               % {"n": row.extractors_needed})
    _default_arm(study)
    extraction = Extraction.objects.create(review=review, study=study, extractor=actor,
                                           form=form)
    audit_record(review=review, actor=actor, verb="extraction.start", obj=extraction,
                 after={"study": study.id, "form_version": form.version})
    return extraction


def _participants(values):
    n = values.get("n_patients")
    return n if isinstance(n, int) and n > 0 else None


def _clean_grid(review, extraction, grid, participants):
    """Check every sent cell; returns ({(o, t, a): cleaned}, errors keyed by cell key)."""
    outcomes = {o.id: o for o in Outcome.objects.filter(review=review)}
    timepoints = set(TimePoint.objects.filter(review=review).values_list("id", flat=True))
    arms = set(Arm.objects.filter(study=extraction.study_id).values_list("id", flat=True))
    cleaned, errors = {}, {}
    for cell in grid:
        try:
            key = (int(cell["outcome"]), int(cell["timepoint"]), int(cell["arm"]))
        except (KeyError, TypeError, ValueError):
            errors["cells"] = _("Each cell names its outcome, time point and arm.")
            continue
        if key[0] not in outcomes or key[1] not in timepoints or key[2] not in arms:
            errors[compare.cell_key(*key, "*")] = _("No such outcome, time point or arm here.")
            continue
        values, problems = cell_rules.clean_cell(cell.get("values") or {},
                                                 participants=participants)
        for stat, reason in problems.items():
            errors[compare.cell_key(*key, stat)] = f"{outcomes[key[0]].name}: {reason}"
        cleaned[key] = (values, outcomes[key[0]].type)
    return cleaned, errors


def _write_grid(extraction, cleaned):
    existing = {(c.outcome_id, c.timepoint_id, c.arm_id): c for c in extraction.cells.all()}
    create, update, delete = [], [], []
    for key, (values, outcome_type) in cleaned.items():
        converted = cell_rules.convert_cell(values, outcome_type)
        cell = existing.get(key)
        if not values:
            if cell:
                delete.append(cell.pk)
        elif cell is None:
            create.append(Cell(extraction=extraction, outcome_id=key[0], timepoint_id=key[1],
                               arm_id=key[2], reported=values, converted=converted))
        elif cell.reported != values:
            cell.reported, cell.converted = values, converted
            update.append(cell)
    # A changed cell is replaced, not updated: one DELETE and one INSERT for the whole grid
    # instead of bulk_update's CASE over two JSON columns (3x slower on PostgreSQL). The
    # DELETE names the cells by their key, not by the ids read above: where the row lock is
    # no lock (SQLite), a save that committed meanwhile has rows this one did not read.
    keys = [(c.outcome_id, c.timepoint_id, c.arm_id) for c in update + create]
    keys += [k for k, c in existing.items() if c.pk in delete]
    if keys:
        which = Q()
        for outcome, timepoint, arm in keys:
            which |= Q(outcome_id=outcome, timepoint_id=timepoint, arm_id=arm)
        Cell.objects.filter(which, extraction=extraction).delete()
    for cell in update:
        cell.pk = None
    Cell.objects.bulk_create(create + update)
    return len(create) + len(update) + len(delete)


def _own_extraction(actor, review, extraction_id):
    extraction = (Extraction.objects.select_for_update(of=("self",)).select_related("form", "study")
                  .get(pk=extraction_id, review=review, kind=Kind.INDIVIDUAL))
    if extraction.extractor_id != actor.id:
        raise PermissionDenied(_("This is another person's extraction."))
    return extraction


@transaction.atomic
def extraction_save(*, actor, review, extraction_id, values=None, cells=None):
    """Save a draft: the given form values (merged into the saved ones) and outcome cells
    (each replacing that cell). Everything is checked first; on any error nothing is saved
    and the error names the field or the cell and statistic."""
    review_for(actor, review.id, "screen")
    refuse_if_locked(review)
    extraction = _own_extraction(actor, review, extraction_id)
    if extraction.status == Status.SUBMITTED:
        raise Conflict(_("You have submitted this extraction; withdraw it to edit."))
    sent = values or {}
    cleaned_values, errors = schema.clean_values(extraction.form.schema, sent)
    merged = dict(extraction.values)
    for key in sent:  # a value sent empty clears the field
        if key in cleaned_values:
            merged[key] = cleaned_values[key]
        else:
            merged.pop(key, None)
    grid, grid_errors = _clean_grid(review, extraction, cells or [], _participants(merged))
    errors.update(grid_errors)
    if errors:
        raise ValidationError(errors)
    changed = _write_grid(extraction, grid)
    extraction.values = merged
    extraction.revision += 1
    extraction.save(update_fields=["values", "revision", "updated_at"])
    audit_record(review=review, actor=actor, verb="extraction.save", obj=extraction,
                 after={"study": extraction.study_id, "values": cleaned_values,
                        "cells": {compare.cell_key(*k, "*"): v for k, (v, _t) in grid.items()},
                        "cells_changed": changed})
    return extraction


@transaction.atomic
def extraction_submit(*, actor, review, extraction_id):
    review_for(actor, review.id, "screen")
    refuse_if_locked(review)
    extraction = _own_extraction(actor, review, extraction_id)
    _cleaned, errors = schema.clean_values(extraction.form.schema, extraction.values,
                                           require=True)
    if errors:
        raise ValidationError(errors)
    extraction.status, extraction.submitted_at = Status.SUBMITTED, timezone.now()
    extraction.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(review=review, actor=actor, verb="extraction.submit", obj=extraction,
                 after={"study": extraction.study_id})
    _consensus_prepare(review, extraction.study, actor)
    return extraction


@transaction.atomic
def extraction_withdraw(*, actor, review, extraction_id):
    """Take back a submission while the study's consensus has not started."""
    review_for(actor, review.id, "screen")
    refuse_if_locked(review)
    extraction = _own_extraction(actor, review, extraction_id)
    if Extraction.objects.filter(study=extraction.study, kind=Kind.CONSENSUS).exists():
        raise Conflict(_("Consensus on this study has started; ask the adjudicator."))
    extraction.status, extraction.submitted_at = Status.IN_PROGRESS, None
    extraction.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(review=review, actor=actor, verb="extraction.withdraw", obj=extraction,
                 after={"study": extraction.study_id})
    return extraction


@transaction.atomic
def extraction_form_upgrade(*, actor, review, extraction_id):
    """Move my extraction to the current form version. Values the new version has no place
    for (or types differently) are kept and flagged, never dropped."""
    review_for(actor, review.id, "screen")
    refuse_if_locked(review)
    extraction = _own_extraction(actor, review, extraction_id)
    form = current_form(review)
    if extraction.form_id == form.id:
        return extraction, {}
    before = extraction.form.version
    extraction.form = form
    extraction.save(update_fields=["form", "updated_at"])
    flagged = schema.misfits(form.schema, extraction.values)
    audit_record(review=review, actor=actor, verb="extraction.form_upgrade", obj=extraction,
                 before={"form_version": before},
                 after={"form_version": form.version, "flagged": sorted(flagged)})
    return extraction, flagged


# ---------------------------------------------------------------- consensus


def flat_of(extraction):
    cells = {(c.outcome_id, c.timepoint_id, c.arm_id): c.reported for c in extraction.cells.all()}
    return compare.flatten(extraction.values, cells)


def individuals(study):
    return list(Extraction.objects.filter(study=study, kind=Kind.INDIVIDUAL)
                .order_by("created_at", "id"))


def _write_flat(consensus, flat):
    """Make the consensus hold exactly `flat` (values and cells)."""
    values, grid = compare.unflatten(flat)
    types = dict(Outcome.objects.filter(review=consensus.review_id).values_list("id", "type"))
    existing = {(c.outcome_id, c.timepoint_id, c.arm_id) for c in consensus.cells.all()}
    cleaned = {key: (grid.get(key, {}), types.get(key[0], "continuous"))
               for key in set(grid) | existing}
    _write_grid(consensus, cleaned)
    consensus.values = values
    consensus.revision += 1


def _consensus_prepare(review, study, actor):
    """Once every needed extraction is submitted, the consensus starts from what they agree
    on; with nothing to settle (or in verification mode, with one extraction to check) it is
    made at once."""
    row = settings_locked_row(review)
    done = [e for e in individuals(study) if e.status == Status.SUBMITTED]
    if len(done) < row.extractors_needed or \
            Extraction.objects.filter(study=study, kind=Kind.CONSENSUS).exists():
        return None
    flats = [flat_of(e) for e in done]
    start = flats[0] if len(flats) == 1 else compare.agreed(flats[0], flats[1])
    open_keys = [] if len(flats) == 1 else compare.differences(flats[0], flats[1])
    consensus = Extraction.objects.create(
        review=review, study=study, kind=Kind.CONSENSUS, extractor=actor, form=done[0].form,
        status=Status.IN_PROGRESS if open_keys or row.mode == Mode.VERIFY else Status.SUBMITTED,
        submitted_at=None if open_keys or row.mode == Mode.VERIFY else timezone.now())
    _write_flat(consensus, start)
    consensus.save()
    audit_record(review=review, actor=actor, verb="extraction.consensus_start", obj=consensus,
                 after={"study": study.id, "differences": len(open_keys),
                        "status": consensus.status})
    return consensus


def open_differences(consensus):
    """Keys on which the extractors differ and nobody has decided yet."""
    done = individuals(consensus.study)
    if len(done) < 2:
        return []
    decided = set(consensus.decisions.filter(superseded_at__isnull=True)
                  .values_list("key", flat=True))
    return [k for k in compare.differences(flat_of(done[0]), flat_of(done[1]))
            if k not in decided]


def _check_settler(actor, review, study):
    _r, membership = review_for(actor, review.id, "screen")
    is_extractor = Extraction.objects.filter(study=study, kind=Kind.INDIVIDUAL,
                                             extractor=actor).exists()
    mode = settings_for(review).mode
    if mode == Mode.DUAL and not can(membership, "adjudicate"):
        raise PermissionDenied(_("Only an adjudicator or the owner settles differences."))
    if is_extractor:
        raise PermissionDenied(_("You extracted this study; someone else must settle it."))


def _typed_value(review, consensus, key, value):
    if key.startswith("f:"):
        fields = schema.fields_of(consensus.form.schema)
        if key[2:] not in fields:
            raise ValidationError({key: _("This form has no such field.")})
        try:
            return schema.clean_value(fields[key[2:]], value)
        except ValueError as exc:
            raise ValidationError({key: str(exc)}) from exc
    stat = compare.parse_cell_key(key)[3]
    cleaned, errors = cell_rules.clean_cell({stat: value})
    if errors:
        raise ValidationError({key: next(iter(errors.values()))})
    return cleaned.get(stat)


@transaction.atomic
def consensus_decide(*, actor, review, study_id, key, source, value=None):
    """Settle one value: take extractor a's or b's, or type it (source "typed")."""
    refuse_if_locked(review)
    study = Study.objects.get(pk=study_id, review=review)
    consensus = Extraction.objects.select_for_update(of=("self",)).select_related("form").get(
        study=study, kind=Kind.CONSENSUS)
    _check_settler(actor, review, study)
    done = individuals(study)
    if source in ("a", "b"):
        index = 0 if source == "a" else 1
        if index >= len(done):
            raise Conflict({"source": _("There is no second extraction.")})
        value = flat_of(done[index]).get(key)
    elif source == "typed":
        value = _typed_value(review, consensus, key, value)
    else:
        raise ValidationError({"source": _("Choose a, b or typed.")})
    flat = flat_of(consensus)
    before = flat.get(key)
    if value is None:
        flat.pop(key, None)
    else:
        flat[key] = value
    _write_flat(consensus, flat)
    consensus.decisions.filter(key=key, superseded_at__isnull=True).update(
        superseded_at=timezone.now())
    ConsensusDecision.objects.create(consensus=consensus, key=key, value=value, source=source,
                                     decided_by=actor)
    if settings_for(review).mode == Mode.DUAL and not open_differences(consensus):
        consensus.status, consensus.submitted_at = Status.SUBMITTED, timezone.now()
    consensus.save()
    audit_record(review=review, actor=actor, verb="extraction.consensus_decide", obj=consensus,
                 before={"key": key, "value": before},
                 after={"key": key, "value": value, "source": source, "study": study.id,
                        "status": consensus.status})
    return consensus


@transaction.atomic
def consensus_verify(*, actor, review, study_id):
    """Verification mode: the checker confirms the (possibly corrected) extraction."""
    refuse_if_locked(review)
    study = Study.objects.get(pk=study_id, review=review)
    consensus = Extraction.objects.select_for_update().get(study=study, kind=Kind.CONSENSUS)
    _check_settler(actor, review, study)
    if consensus.status == Status.SUBMITTED:
        return consensus
    consensus.status, consensus.submitted_at = Status.SUBMITTED, timezone.now()
    consensus.save()
    audit_record(review=review, actor=actor, verb="extraction.consensus_verify", obj=consensus,
                 after={"study": study.id})
    return consensus


@transaction.atomic
def consensus_reopen(*, actor, review, study_id):
    """The owner reopens a settled consensus (decisions stay in the audit trail)."""
    review_for(actor, review.id, "manage")
    refuse_if_locked(review)
    consensus = Extraction.objects.select_for_update().get(study_id=study_id, review=review,
                                                           kind=Kind.CONSENSUS)
    consensus.status, consensus.submitted_at = Status.IN_PROGRESS, None
    consensus.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(review=review, actor=actor, verb="extraction.consensus_reopen", obj=consensus,
                 after={"study": study_id})
    return consensus


# ---------------------------------------------------------------- lock and unlock


@transaction.atomic
def extraction_lock(*, actor, review, allow_incomplete=False):
    """Freeze the consensus data in a new snapshot and lock extraction. Studies without a
    finished consensus refuse the lock unless `allow_incomplete`, and are then left out and
    listed in the snapshot."""
    from .snapshot import build_snapshot

    review_for(actor, review.id, "manage")
    row = settings_locked_row(review)
    if row.locked:
        raise Conflict(_("Extraction is already locked."))
    snapshot = build_snapshot(review=review, actor=actor, allow_incomplete=allow_incomplete)
    row.locked = True
    row.save(update_fields=["locked"])
    audit_record(review=review, actor=actor, verb="extraction.lock", obj=snapshot,
                 after={"snapshot": snapshot.number, "hash": snapshot.content_hash,
                        "studies": len(snapshot.data["studies"])})
    review_id, snapshot_id = review.id, snapshot.id
    transaction.on_commit(lambda: extraction_locked.send(
        sender=Snapshot, review_id=review_id, snapshot_id=snapshot_id))
    return snapshot


@transaction.atomic
def extraction_unlock(*, actor, review, reason):
    review_for(actor, review.id, "manage")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why extraction is unlocked.")})
    row = settings_locked_row(review)
    if not row.locked:
        raise Conflict(_("Extraction is not locked."))
    row.locked = False
    row.save(update_fields=["locked"])
    audit_record(review=review, actor=actor, verb="extraction.unlock", obj=row,
                 after={"reason": reason.strip()})
    return row

"""Offline round trip of extracted data in long format (one value a row): export to CSV or
XLSX, and import the same file back, all-or-nothing, with file, row, column and reason for
every refusal."""
import csv
import io
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from reviews.access import can, review_for

from . import selectors, services
from .models import Arm, Extraction, Outcome, TimePoint

COLUMNS = ["study_id", "study", "extractor", "outcome", "time_point", "arm", "statistic",
           "value"]
CONSENSUS = "consensus"


def _text(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _field_rows(values):
    for key in sorted(values):
        value = values[key]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for number, row in enumerate(value, 1):
                for column, cell in row.items():
                    if cell is not None:
                        yield f"{key}.{number}.{column}", _text(cell)
        else:
            yield key, _text(value)


def visible_extractions(*, user, review):
    """Extractions the user may read: their own, and others' once blinding allows."""
    settings = services.settings_for(review)
    out = []
    for e in Extraction.objects.filter(review=review).select_related("study", "extractor") \
            .prefetch_related("cells").order_by("study__label", "study_id", "kind", "id"):
        if e.kind == Extraction.Kind.CONSENSUS or e.extractor_id == user.id or \
                selectors.may_see_others(user=user, study=e.study, settings=settings):
            out.append(e)
    return out


def export_rows(*, user, review):
    names = {o.id: o.name for o in Outcome.objects.filter(review=review)}
    labels = {t.id: t.label for t in TimePoint.objects.filter(review=review)}
    arms = {a.id: a.label for a in Arm.objects.filter(study__review=review)}
    for e in visible_extractions(user=user, review=review):
        who = CONSENSUS if e.kind == Extraction.Kind.CONSENSUS else e.extractor.username
        base = [e.study_id, e.study.label, who]
        for key, value in _field_rows(e.values):
            yield [*base, "", "", "", key, value]
        for c in sorted(e.cells.all(), key=lambda c: (c.outcome_id, c.timepoint_id, c.arm_id)):
            for stat, value in c.reported.items():
                yield [*base, names[c.outcome_id], labels[c.timepoint_id], arms[c.arm_id], stat,
                       _text(value)]


def export_csv(*, user, review):
    from reviews.files import SafeWriter

    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(COLUMNS)
    writer.writerows(export_rows(user=user, review=review))
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(*, user, review):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("extraction")
    sheet.append(COLUMNS)
    for row in export_rows(user=user, review=review):
        # Written as text so that a spreadsheet neither evaluates nor reformats a value.
        sheet.append([str(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- import


def read_rows(name, content):
    """(row number, dict) for each data row of a CSV or XLSX file; refuses a file whose header
    lacks a column."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(f"{name}: not a readable XLSX file ({exc})") from exc
        rows = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"{name}: not UTF-8 text") from exc
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValidationError(f"{name}: the file is empty")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"{name}, row 1: missing column(s) {', '.join(missing)}")
    for number, row in enumerate(rows[1:], 2):
        if any(str(v).strip() for v in row):
            yield number, dict(zip(header, [str(v) for v in row], strict=False))


def _table_value(values, key, text):
    field, number, column = key.split(".", 2)
    rows = values.setdefault(field, [])
    index = int(number) - 1
    while len(rows) <= index:
        rows.append({})
    rows[index][column] = text


def _group(review, name, rows, user):
    """Rows grouped by the extraction they go to: {(study_id, who): (values, cells)}."""
    outcomes = {o.name: o.id for o in Outcome.objects.filter(review=review)}
    timepoints = {t.label: t.id for t in TimePoint.objects.filter(review=review)}
    arms = {(a.study_id, a.label): a.id for a in Arm.objects.filter(study__review=review)}
    groups, errors = {}, []
    for number, row in rows:
        where = f"{name}, row {number}"
        try:
            study = int(row["study_id"])
        except ValueError:
            errors.append(f"{where}, column study_id: '{row['study_id']}' is not a study id")
            continue
        who = row["extractor"].strip()
        if who not in (user.username, CONSENSUS):
            errors.append(f"{where}, column extractor: you can import only your own "
                          f"extraction or the consensus, not {who!r}'s")
            continue
        values, cells = groups.setdefault((study, who), ({}, {}))
        stat, text = row["statistic"].strip(), row["value"].strip()
        if not row["outcome"].strip():
            if "." in stat:
                _table_value(values, stat, text)
            else:
                values[stat] = text
            continue
        key = (outcomes.get(row["outcome"].strip()), timepoints.get(row["time_point"].strip()),
               arms.get((study, row["arm"].strip())))
        if None in key:
            column = ("outcome", "time_point", "arm")[key.index(None)]
            errors.append(f"{where}, column {column}: '{row[column]}' is not defined here")
            continue
        cells.setdefault(key, {})[stat] = text
    return groups, errors


def _as_field_values(extraction, values):
    from .schema import fields_of

    fields = fields_of(extraction.form.schema)
    out = {}
    for key, text in values.items():
        field = fields.get(key)
        if field and field["type"] == "multi_choice" and isinstance(text, str):
            out[key] = [v.strip() for v in text.split(";") if v.strip()]
        else:
            out[key] = text
    return out


@transaction.atomic
def import_file(*, actor, review, name, content):
    """Write every row of the file or none. Returns the number of values imported."""
    _r, membership = review_for(actor, review.id, "screen")
    groups, errors = _group(review, name, read_rows(name, content), actor)
    if errors:
        raise ValidationError(errors[:50])
    count = 0
    for (study_id, who), (values, cells) in groups.items():
        if who == CONSENSUS:
            if not can(membership, "adjudicate"):
                raise PermissionDenied(f"{name}: only an adjudicator or the owner imports the "
                                       "consensus")
            count += _import_consensus(actor, review, study_id, values, cells)
            continue
        extraction = services.extraction_start(actor=actor, review=review, study_id=study_id)
        grid = [{"outcome": o, "timepoint": t, "arm": a, "values": v}
                for (o, t, a), v in cells.items()]
        try:
            services.extraction_save(actor=actor, review=review, extraction_id=extraction.id,
                                     values=_as_field_values(extraction, values), cells=grid)
        except ValidationError as exc:
            raise ValidationError([f"{name}, study {study_id}, {k}: {'; '.join(m)}"
                                   for k, m in exc.message_dict.items()]) from exc
        count += len(values) + sum(len(v) for v in cells.values())
    return count


def _import_consensus(actor, review, study_id, values, cells):
    from . import compare

    count = 0
    flat = {compare.field_key(k): v for k, v in values.items()}
    for (o, t, a), stats in cells.items():
        flat.update({compare.cell_key(o, t, a, s): v for s, v in stats.items()})
    consensus = Extraction.objects.get(study_id=study_id, review=review,
                                       kind=Extraction.Kind.CONSENSUS)
    current = services.flat_of(consensus)
    for key, text in flat.items():
        if str(current.get(key, "")) != text and _text(current.get(key)) != text:
            value = json.loads(json.dumps(text))
            services.consensus_decide(actor=actor, review=review, study_id=study_id, key=key,
                                      source="typed", value=value)
            count += 1
    return count

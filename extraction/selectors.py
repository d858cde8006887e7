"""Reads of the extraction stage: the studies to extract with their status, a person's view of
an extraction (blinded), the comparison for consensus, snapshots, and the review home's
counts."""
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from reviews.models import Record
from screening.models import Item, ItemStatus, Stage, Study

from . import compare
from .models import Arm, Extraction, ExtractionSettings, Outcome, Snapshot, TimePoint

Kind, Status = Extraction.Kind, Extraction.Status

STUDY_STATUSES = {
    "not_started": _("Not started"),
    "in_progress": _("In progress"),
    "submitted": _("Submitted"),
    "conflict": _("In conflict"),
    "consensus": _("Consensus"),
}


def included_record_ids(*, review):
    return set(Item.objects.filter(review=review, stage=Stage.FULL_TEXT,
                                   status=ItemStatus.INCLUDED).values_list("record_id", flat=True))


@dataclass
class StudyRow:
    study: Study | None
    record: Record | None  # an included report not yet linked to a study
    label: str
    reports: list
    status: str = "not_started"
    extractions: list = field(default_factory=list)
    consensus: Extraction | None = None
    excluded_later: bool = False
    mine: Extraction | None = None

    @property
    def status_label(self):
        return STUDY_STATUSES[self.status]


def study_status(individuals, consensus, needed, mode):
    """A study's (or assessment target's) place in the work: not started, in progress,
    submitted, in conflict or settled by consensus."""
    if consensus is not None:
        if consensus.status == Status.SUBMITTED:
            return "consensus"
        return "submitted" if mode == "verify" else "conflict"
    if not individuals:
        return "not_started"
    submitted = [e for e in individuals if e.status == Status.SUBMITTED]
    return "submitted" if len(submitted) >= needed else "in_progress"


def study_label(record):
    """The label a study made from this report gets: first author's surname and year, else the
    title's start, else the record's number."""
    author = (record.authors or [""])[0].split(",")[0].strip() if record.authors else ""
    label = f"{author} {record.year or ''}".strip()
    return (label or (record.title or "")[:80] or f"Record {record.id}")[:200]


def study_rows(*, review, user=None):
    """Every study to extract, once each: studies with an included report, included reports
    not linked to a study yet, and studies with extraction data whose reports screening has
    excluded since (flagged, never dropped)."""
    settings = ExtractionSettings.objects.filter(review=review).first() or \
        ExtractionSettings(review=review)
    included = included_record_ids(review=review)
    # Only what the list shows: records carry abstracts, extractions their values.
    studies = Study.objects.filter(review=review).prefetch_related(Prefetch(
        "reports__record", queryset=Record.objects.only("id", "title", "year", "doi")))
    by_study = {}
    for e in Extraction.objects.filter(review=review).defer("values").select_related(
            "extractor"):
        by_study.setdefault(e.study_id, []).append(e)
    rows, linked = [], set()
    for study in studies:
        records = [r.record for r in study.reports.all()]
        linked.update(r.id for r in records)
        extractions = by_study.get(study.id, [])
        is_included = any(r.id in included for r in records)
        if not is_included and not extractions:
            continue
        individuals = [e for e in extractions if e.kind == Kind.INDIVIDUAL]
        consensus = next((e for e in extractions if e.kind == Kind.CONSENSUS), None)
        rows.append(StudyRow(
            study=study, record=None, label=study.label, reports=records,
            status=study_status(individuals, consensus, settings.extractors_needed, settings.mode),
            extractions=individuals, consensus=consensus, excluded_later=not is_included,
            mine=next((e for e in individuals if user and e.extractor_id == user.id), None)))
    for record in Record.objects.filter(pk__in=included - linked).order_by("id"):
        rows.append(StudyRow(study=None, record=record, label=study_label(record),
                             reports=[record]))
    return sorted(rows, key=lambda r: r.label.lower())


def status_counts(rows):
    counts = dict.fromkeys(STUDY_STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def stage_counts(*, review):
    """The review home's extraction counts."""
    from screening.selectors import included_counts

    counts = included_counts(review=review)
    if not counts["reports_included"] and not Extraction.objects.filter(review=review).exists():
        return {}
    rows = study_rows(review=review)
    tally = status_counts(rows)
    return {"extraction": [(_("Studies to extract"), len(rows)),
                           (_("Reports of them"), counts["reports_included"]),
                           (_("Consensus reached"), tally["consensus"]),
                           (_("In conflict"), tally["conflict"])]}


def definitions(*, review):
    return {"outcomes": list(Outcome.objects.filter(review=review)),
            "timepoints": list(TimePoint.objects.filter(review=review))}


def arms_of(study):
    return list(Arm.objects.filter(study=study))


def may_see_others(*, user, study, settings):
    """Blinding: nobody sees another person's extraction of a study until every extraction
    the study needs is submitted (so nobody who may still extract it can see), unless the
    owner has unblinded the stage."""
    if settings.unblinded:
        return True
    individuals = list(Extraction.objects.filter(study=study, kind=Kind.INDIVIDUAL))
    submitted = [e for e in individuals if e.status == Status.SUBMITTED]
    if len(submitted) < settings.extractors_needed:
        return False
    return all(e.status == Status.SUBMITTED for e in individuals if e.extractor_id == user.id)


def grid_of(extraction):
    """{(outcome, timepoint, arm): {"reported": {...}, "converted": {...}}}"""
    return {(c.outcome_id, c.timepoint_id, c.arm_id): {"reported": c.reported,
                                                       "converted": c.converted}
            for c in extraction.cells.all()}


def comparison(*, study):
    """Rows for the comparison view: every key where the extractors differ, with both values,
    the consensus value and how it was decided."""
    from .services import flat_of, individuals

    done = individuals(study)
    consensus = Extraction.objects.filter(study=study, kind=Kind.CONSENSUS).first()
    if len(done) < 2 or consensus is None:
        return []
    a, b = flat_of(done[0]), flat_of(done[1])
    agreed_now = flat_of(consensus)
    decisions = {d.key: d for d in consensus.decisions.filter(superseded_at__isnull=True)
                 .select_related("decided_by")}
    names = _key_names(study)
    return [{"key": k, "label": names(k), "a": a.get(k), "b": b.get(k),
             "consensus": agreed_now.get(k), "decision": decisions.get(k)}
            for k in compare.differences(a, b)]


def _key_names(study):
    outcomes = dict(Outcome.objects.filter(review=study.review_id).values_list("id", "name"))
    timepoints = dict(TimePoint.objects.filter(review=study.review_id).values_list("id", "label"))
    arms = dict(Arm.objects.filter(study=study).values_list("id", "label"))
    consensus = Extraction.objects.filter(study=study).select_related("form").first()
    fields = {}
    if consensus:
        from .schema import fields_of

        fields = {k: f["label"] for k, f in fields_of(consensus.form.schema).items()}

    def name(key):
        if key.startswith("f:"):
            return fields.get(key[2:], key[2:])
        o, t, a, stat = compare.parse_cell_key(key)
        from .cells import STAT_LABELS

        return f"{outcomes.get(o, o)} · {timepoints.get(t, t)} · {arms.get(a, a)} · " \
               f"{STAT_LABELS.get(stat, stat)}"
    return name


def snapshots_for_review(*, review):
    return Snapshot.objects.filter(review=review).defer("data").select_related("created_by")


def latest_snapshot(*, review):
    return Snapshot.objects.filter(review=review).order_by("-number").first()

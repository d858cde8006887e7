"""The models a review archive carries, in dependency order, and how their references remap.

Adding a model to the archive is one `Entry` in `REGISTRY`, placed after every model it points
at. Foreign keys are found from the model itself: to the user model they travel as usernames,
to `reviews.Review` they are implied (the archive holds one review), to a model of the
registry they travel as that model's archive id and are remapped on import. A foreign key to
any other model is an error when the registry loads, so a forgotten entry fails loudly.
Identifiers hidden inside strings or JSON need an `on_import` hook (see `consensus_key`).
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import Q


@dataclass(frozen=True)
class Entry:
    model: str                      # "app_label.ModelName"
    review_path: str                # ORM path from a row to its review id ("item__review")
    where: Callable[[], Q] | None = None   # extra filter on export (e.g. open invitations)
    skip: tuple = ()                # fields not carried: a fresh value is made on import
    on_import: Callable | None = None      # (row, maps) -> row: ids inside strings or JSON
    doc: str = ""                   # one line for docs/archive.md

    @property
    def name(self):
        return self.model.lower()

    @property
    def model_class(self):
        return apps.get_model(self.model)


def _open_invitations():
    from django.utils import timezone

    return Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


def _remap(maps, name, old):
    """The new id of archive id `old` of model `name`, or None when the archive lacks it."""
    try:
        return maps[name].get(int(old))
    except (KeyError, TypeError, ValueError):
        return None


def consensus_key(row, maps):
    """Cell keys name outcome, time point and arm ids: `c:<outcome>:<timepoint>:<arm>:<stat>`."""
    key = row["key"]
    if key.startswith("c:"):
        _c, outcome, timepoint, arm, stat = key.split(":")
        ids = [_remap(maps, "extraction.outcome", outcome),
               _remap(maps, "extraction.timepoint", timepoint),
               _remap(maps, "extraction.arm", arm)]
        if None in ids:
            raise ValueError(f"consensus key {key!r} names an object the archive lacks")
        row["key"] = "c:{}:{}:{}:{}".format(*ids, stat)
    return row


def audit_object(row, maps):
    """An audit event names its object by type and id: point it at the imported object.
    An object that no longer existed at export keeps its old id, marked `gone:<id>`, so it is
    never mistaken for an object of this installation."""
    name, old = row["object_type"], row["object_id"]
    if name in maps and old and not old.startswith("gone:"):
        new = _remap(maps, name, old)
        row["object_id"] = str(new) if new is not None else f"gone:{old}"
    return row


def ordered_pair(row, maps):
    """A duplicate pair stores the lower record id first (a check constraint)."""
    if row["record_a"] > row["record_b"]:
        row["record_a"], row["record_b"] = row["record_b"], row["record_a"]
    return row


# Dependency order: every entry comes after the entries its foreign keys point at.
REGISTRY = [
    Entry("reviews.Review", "pk", doc="the protocol: title, PICO, registration id, status, "
          "screening options; `created_by` is set to the importing owner"),
    Entry("reviews.Membership", "review", doc="team roles, the user by username"),
    Entry("reviews.Invitation", "review", where=_open_invitations, skip=("token",),
          doc="open invitations only; a new secret token is made on import"),
    Entry("reviews.Search", "review", doc="searches and their export files"),
    Entry("reviews.Record", "review", doc="records; `duplicate_of` is a merge decision"),
    Entry("reviews.DuplicatePair", "review", on_import=ordered_pair,
          doc="pairs found alike and what became of them"),
    Entry("screening.ScreeningSettings", "review", doc="screening options"),
    Entry("screening.ExclusionReason", "review", doc="exclusion reasons"),
    Entry("screening.StoppingDecision", "review", doc="stops of title/abstract screening "
          "adopted on the stopping rule, with its figures, undone ones included"),
    Entry("screening.Item", "review", doc="a record at a stage, its status and decision"),
    Entry("screening.Vote", "item__review", doc="every vote, superseded ones included"),
    Entry("screening.Adjudication", "item__review", doc="third-reviewer decisions"),
    Entry("screening.FullText", "record__review", doc="full-text files"),
    Entry("screening.Study", "review", doc="studies"),
    Entry("screening.StudyReport", "study__review", doc="the records reporting each study"),
    Entry("screening.Label", "review", doc="the review's record labels"),
    Entry("screening.RecordLabel", "label__review", doc="labels put on records"),
    Entry("screening.Comment", "review", doc="comments on records"),
    Entry("extraction.ExtractionSettings", "review", doc="extraction mode, blinding, lock"),
    Entry("extraction.Form", "review", doc="every version of the extraction form"),
    Entry("extraction.Outcome", "review", doc="outcome definitions"),
    Entry("extraction.TimePoint", "review", doc="time points"),
    Entry("extraction.Arm", "study__review", doc="study arms"),
    Entry("extraction.Extraction", "review", doc="individual and consensus extractions"),
    Entry("extraction.Cell", "extraction__review", doc="outcome cells"),
    Entry("extraction.ConsensusDecision", "consensus__review", on_import=consensus_key,
          doc="how each differing value was settled"),
    Entry("extraction.RobTool", "review", doc="the risk-of-bias tools a review uses, custom "
          "tools with their definition"),
    Entry("extraction.RobTarget", "review", doc="what is assessed: a study, or a result of it"),
    Entry("extraction.RobAssessment", "review", doc="individual and consensus assessments: "
          "answers, quotes, overrides and the judgements"),
    Entry("extraction.RobDecision", "consensus__review", doc="how each differing answer or "
          "judgement was settled"),
    Entry("extraction.Snapshot", "review", doc="locked snapshots, `data` and `content_hash` "
          "verbatim"),
    Entry("synthesis.Analysis", "review", doc="analysis specs (verbatim: they name snapshot "
          "ids)"),
    Entry("synthesis.PoolingRun", "review", doc="pooling runs and their results"),
    Entry("synthesis.GradeJudgement", "analysis__review", doc="GRADE judgements"),
    Entry("reviews.AuditEvent", "review", on_import=audit_object,
          doc="the audit log, `object_id` remapped"),
]

# Models of the review apps an archive leaves out, and why. A model in neither list fails
# tests/synthesis/archive/test_registry.py, so a new model is never silently left behind.
NOT_ARCHIVED = {
    "reviews.profile": "a user's preferences, not the review's",
    "reviews.apitoken": "a user's credential, not the review's (and only its digest is kept)",
    "reviews.accountevent": "a user's credential history, not the review's",
    "screening.lease": "a record shown to a reviewer for a few minutes; transient",
    "screening.recordindex": "the records' search text, derived; rebuilt when the list opens",
    "synthesis.instance": "this installation's identity, written into the manifest",
}
APPS = ("reviews", "screening", "extraction", "synthesis")

REVIEW = "reviews.review"
USER = "user"


@dataclass
class Plan:
    """How one entry's fields travel: plain values, references, files."""

    entry: Entry
    fields: dict = field(default_factory=dict)    # name -> model field, as carried
    refs: dict = field(default_factory=dict)      # name -> entry name or USER
    review_fields: tuple = ()                     # foreign keys to the review (implied)
    files: tuple = ()                             # FileFields
    restamp: tuple = ()                           # auto_now(_add) fields to restore after insert


def _plan(entry, known):
    from django.db import models

    plan = Plan(entry=entry)
    review_fields = []
    for f in entry.model_class._meta.concrete_fields:
        if f.primary_key or f.name in entry.skip:
            continue
        if f.is_relation:
            target = f.related_model._meta.label
            if target == settings.AUTH_USER_MODEL:
                plan.refs[f.name] = USER
            elif target.lower() == REVIEW:
                review_fields.append(f.name)
                continue
            elif target.lower() in known or target.lower() == entry.name:
                plan.refs[f.name] = target.lower()
            else:
                raise LookupError(f"{entry.model}.{f.name} points at {target}, which is not "
                                  f"earlier in synthesis.archive.registry.REGISTRY")
        plan.fields[f.name] = f
        if isinstance(f, models.FileField):
            plan.files += (f.name,)
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            plan.restamp += (f.name,)
    plan.review_fields = tuple(review_fields)
    return plan


def plans():
    """The registry resolved against the models, checked for order."""
    known, out = set(), []
    for entry in REGISTRY:
        out.append(_plan(entry, known))
        known.add(entry.name)
    return out

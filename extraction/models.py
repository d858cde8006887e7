"""Extraction: versioned forms, outcomes and time points, study arms, per-person extractions
with their outcome cells, consensus, and the frozen snapshots a lock makes."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.models import Review
from screening.models import Study


class Mode(models.TextChoices):
    DUAL = "dual", _("Dual extraction with consensus")
    VERIFY = "verify", _("Single extraction with verification")


class ExtractionSettings(models.Model):
    """Per-review options the owner sets, and the lock."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE,
                                  related_name="extraction_settings")
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.DUAL)
    unblinded = models.BooleanField(_("extractors see each other's values"), default=False)
    locked = models.BooleanField(default=False)
    illustrative = models.BooleanField(default=False)  # values invented (the demo's outcomes)

    def __str__(self):
        return f"extraction settings of review {self.review_id}"

    @property
    def extractors_needed(self):
        return 1 if self.mode == Mode.VERIFY else 2


class Form(models.Model):
    """One version of the review's extraction form. Versions are never edited once data
    exist; an edit then makes the next version."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="extraction_forms")
    version = models.PositiveIntegerField()
    schema = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["review", "version"],
                                               name="extraction_form_version_once")]

    def __str__(self):
        return f"form v{self.version} of review {self.review_id}"


class OutcomeType(models.TextChoices):
    CONTINUOUS = "continuous", _("Continuous")
    DICHOTOMOUS = "dichotomous", _("Dichotomous")
    COUNT = "count", _("Count")
    RATE = "rate", _("Rate")


class Direction(models.TextChoices):
    LOWER = "lower", _("Lower is better")
    HIGHER = "higher", _("Higher is better")


class Outcome(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="outcome_definitions")
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=12, choices=OutcomeType.choices,
                            default=OutcomeType.CONTINUOUS)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    direction = models.CharField(_("better when"), max_length=6, choices=Direction.choices,
                                 default=Direction.LOWER)
    mid = models.FloatField(_("minimal important difference"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "name"],
                                               name="outcome_name_once")]

    def __str__(self):
        return self.name


class TimePoint(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="timepoints")
    label = models.CharField(_("label"), max_length=100)
    months = models.FloatField(_("months from baseline"), null=True, blank=True)
    is_baseline = models.BooleanField(_("baseline"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "months", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "label"],
                                               name="timepoint_label_once")]

    def __str__(self):
        return self.label


class ArmRole(models.TextChoices):
    SINGLE = "single", _("Single group (before/after)")
    INTERVENTION = "intervention", _("Intervention")
    CONTROL = "control", _("Control")


class Arm(models.Model):
    """A group of a study: one for before/after studies, two or more for comparative ones."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="arms")
    label = models.CharField(_("label"), max_length=100)
    role = models.CharField(_("role"), max_length=12, choices=ArmRole.choices,
                            default=ArmRole.SINGLE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["study", "label"],
                                               name="arm_label_once_per_study")]

    def __str__(self):
        return self.label


class Extraction(models.Model):
    """One person's extraction of one study, or the study's consensus (kind consensus)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        CONSENSUS = "consensus", _("Consensus")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="extractions")
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="extractions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INDIVIDUAL)
    extractor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="extractions")
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="extractions")
    status = models.CharField(max_length=12, choices=Status.choices,
                              default=Status.IN_PROGRESS)
    values = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)  # bumped by every save
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["study", "extractor"],
                                    condition=Q(kind="individual"),
                                    name="extraction_one_per_person"),
            models.UniqueConstraint(fields=["study"], condition=Q(kind="consensus"),
                                    name="extraction_one_consensus"),
        ]

    def __str__(self):
        return f"{self.kind} extraction of study {self.study_id} by {self.extractor_id}"


class Cell(models.Model):
    """The statistics reported for one outcome at one time point in one arm, as the paper
    gives them (`reported`) and as pooling will use them (`converted`, with the method)."""

    extraction = models.ForeignKey(Extraction, on_delete=models.CASCADE, related_name="cells")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="+")
    timepoint = models.ForeignKey(TimePoint, on_delete=models.PROTECT, related_name="+")
    arm = models.ForeignKey(Arm, on_delete=models.PROTECT, related_name="+")
    reported = models.JSONField(default=dict)
    converted = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["outcome_id", "timepoint_id", "arm_id"]
        constraints = [models.UniqueConstraint(fields=["extraction", "outcome", "timepoint", "arm"],
                                               name="cell_once")]

    def __str__(self):
        return f"cell {self.outcome_id}/{self.timepoint_id}/{self.arm_id}"


class ConsensusDecision(models.Model):
    """How one differing value was settled: taken from an extractor, or typed."""

    consensus = models.ForeignKey(Extraction, on_delete=models.CASCADE, related_name="decisions")
    key = models.CharField(max_length=200)
    value = models.JSONField(null=True)
    source = models.CharField(max_length=10)  # "a", "b" or "typed"
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [models.UniqueConstraint(fields=["consensus", "key"],
                                               condition=Q(superseded_at__isnull=True),
                                               name="consensus_decision_live_once")]

    def __str__(self):
        return f"{self.key} = {self.value!r}"


class Snapshot(models.Model):
    """The frozen data of a lock. Never changed once written."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    data = models.JSONField()
    size = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"],
                                               name="snapshot_number_once")]

    def __str__(self):
        return f"snapshot {self.number} of review {self.review_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a snapshot is immutable")
        super().save(*args, **kwargs)


# ---------------------------------------------------------------- risk of bias (issue #12)
# The tools themselves are plain data in extraction/rob/; these models store which tools a
# review uses, what is assessed, and each person's answers, overrides and the consensus.


class RobTool(models.Model):
    """A tool the review uses: a published one by key (`definition` empty), or a custom
    tool the owner defined (`definition` holds the whole tool, checked by validate_tool)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="rob_tools")
    key = models.CharField(max_length=40)
    definition = models.JSONField(null=True, blank=True)
    chosen = models.BooleanField(default=True)  # a custom tool set aside keeps its definition
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "key"],
                                               name="rob_tool_once_per_review")]

    def __str__(self):
        return self.key


class RobTarget(models.Model):
    """What is assessed with one tool: a study, or for RoB 2 one result of it (an outcome,
    optionally a named result). `slot` is "" per study and "<outcome id>:<result>" per
    result, so that uniqueness holds without NULLs in the constraint."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="rob_targets")
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="rob_targets")
    tool_key = models.CharField(max_length=40)
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    result = models.CharField(_("result"), max_length=200, blank=True)
    slot = models.CharField(max_length=260, default="", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study__label", "tool_key", "slot", "id"]
        constraints = [models.UniqueConstraint(fields=["study", "tool_key", "slot"],
                                               name="rob_target_once")]

    def __str__(self):
        return f"{self.tool_key} of study {self.study_id} {self.slot}".strip()


class RobAssessment(models.Model):
    """One person's assessment of a target, or the target's consensus (kind consensus).
    `answers` {question: value}; `support` {question: {"quote", "page"}}; `overrides`
    {domain or "overall": {"judgement", "reason"}}; `result` the core's final_judgements
    (proposal beside overrides) as last saved."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        CONSENSUS = "consensus", _("Consensus")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="rob_assessments")
    target = models.ForeignKey(RobTarget, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INDIVIDUAL)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="rob_assessments")
    status = models.CharField(max_length=12, choices=Status.choices,
                              default=Status.IN_PROGRESS)
    answers = models.JSONField(default=dict, blank=True)
    support = models.JSONField(default=dict, blank=True)
    overrides = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target_id", "kind", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "assessor"],
                                    condition=Q(kind="individual"),
                                    name="rob_assessment_one_per_person"),
            models.UniqueConstraint(fields=["target"], condition=Q(kind="consensus"),
                                    name="rob_assessment_one_consensus"),
        ]

    def __str__(self):
        return f"{self.kind} assessment of target {self.target_id} by {self.assessor_id}"


class RobDecision(models.Model):
    """How one difference was settled at consensus: an answer ("q:<question>") or a
    judgement ("j:<domain>" or "j:overall"), taken from assessor a or b, or typed."""

    consensus = models.ForeignKey(RobAssessment, on_delete=models.CASCADE,
                                  related_name="decisions")
    key = models.CharField(max_length=60)
    value = models.JSONField(null=True)
    source = models.CharField(max_length=10)  # "a", "b" or "typed"
    reason = models.TextField(blank=True)  # required for a typed judgement
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [models.UniqueConstraint(fields=["consensus", "key"],
                                               condition=Q(superseded_at__isnull=True),
                                               name="rob_decision_live_once")]

    def __str__(self):
        return f"{self.key} = {self.value!r}"

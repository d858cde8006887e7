"""Screening: stages, votes, conflicts and adjudication, exclusion reasons, full texts, studies."""
from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reviews.models import Record, Review


class Stage(models.TextChoices):
    TITLE_ABSTRACT = "ta", _("Title/abstract")
    FULL_TEXT = "ft", _("Full text")


class Decision(models.TextChoices):
    INCLUDE = "include", _("Include")
    EXCLUDE = "exclude", _("Exclude")
    MAYBE = "maybe", _("Maybe")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Needs votes")
    CONFLICT = "conflict", _("Conflict")
    INCLUDED = "included", _("Included")
    EXCLUDED = "excluded", _("Excluded")
    # Left unscreened when the owner adopted the stopping rule (StoppingDecision): PRISMA
    # 2020 counts them as "records marked as ineligible by automation tools".
    STOPPED = "stopped", _("Not screened (stopping rule)")


SETTLED_STATUSES = (ItemStatus.INCLUDED, ItemStatus.EXCLUDED)
# Nothing more to do on these: decided, or set aside by the stopping rule.
CLOSED_STATUSES = (*SETTLED_STATUSES, ItemStatus.STOPPED)


DEFAULT_REASONS = [
    ("Wrong population", "研究人群不符"),
    ("Wrong intervention", "干预措施不符"),
    ("Wrong comparator", "对照不符"),
    ("Wrong outcomes", "结局指标不符"),
    ("Wrong study design", "研究设计不符"),
    ("Duplicate report", "重复报告"),
    ("Other", "其他"),
]


# The default labels, marked for translation: they are stored in English (stable values for
# exports, PRISMA and the archive) and shown in the reader's language (reason_label).
DEFAULT_REASON_LABELS = {
    "Wrong population": _("Wrong population"),
    "Wrong intervention": _("Wrong intervention"),
    "Wrong comparator": _("Wrong comparator"),
    "Wrong outcomes": _("Wrong outcomes"),
    "Wrong study design": _("Wrong study design"),
    "Duplicate report": _("Duplicate report"),
    "Other": _("Other"),
}


def reason_label(label, label_zh=""):
    """An exclusion reason as the reader sees it: a default label in their language, a
    reason the owner typed as typed (or its Chinese form, where given, in Chinese)."""
    if not label:
        return label
    if label in DEFAULT_REASON_LABELS:
        return str(DEFAULT_REASON_LABELS[label])
    if label_zh and (get_language() or "").startswith("zh"):
        return label_zh
    return label


OTHER_LABELS = {"other", "其他"}


def is_other_reason(label):
    """"Other" (in either language) asks the reviewer for words."""
    return label.strip().lower() in OTHER_LABELS


def options_key(review_id):
    return f"prismflow:screening-options:{review_id}"


class ScreeningSettings(models.Model):
    """Per-review screening options the owner edits."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="screening")
    maybe_advances = models.BooleanField(_("“maybe” advances like include"), default=True)
    include_keywords = models.TextField(_("inclusion keywords"), blank=True,
                                        help_text=_("One a line; English or Chinese."))
    exclude_keywords = models.TextField(_("exclusion keywords"), blank=True,
                                        help_text=_("One a line; English or Chinese."))
    unblinded_stages = models.JSONField(default=list, blank=True)
    stop_recall_target = models.FloatField(
        _("recall target of the stopping rule"), default=0.95,
        validators=[MinValueValidator(0.5), MaxValueValidator(0.999)],
        help_text=_("Share of the relevant records screening must find, e.g. 0.95."))
    stop_confidence = models.FloatField(
        _("confidence of the stopping rule"), default=0.95,
        validators=[MinValueValidator(0.5), MaxValueValidator(0.999)],
        help_text=_("How sure the test must be that the target is reached, e.g. 0.95."))
    show_relevance = models.BooleanField(
        _("show reviewers the model's relevance score"), default=False,
        help_text=_("Off by default: a score shown beside a record may sway the reviewer."))

    def __str__(self):
        return f"screening settings of review {self.review_id}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Votes read these options from the cache (services.screening_options): drop them
        # now and again after commit, in case a read re-cached the old values meanwhile.
        key = options_key(self.review_id)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))

    def keywords(self, which):
        text = self.include_keywords if which == "include" else self.exclude_keywords
        return [w.strip() for w in text.splitlines() if w.strip()]


class ExclusionReason(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="exclusion_reasons")
    label = models.CharField(max_length=200)
    label_zh = models.CharField(max_length=200, blank=True)
    is_other = models.BooleanField(default=False)  # asks for free text
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "label"], name="reason_label_once")
        ]

    def __str__(self):
        return self.label

    @property
    def display_label(self):
        return reason_label(self.label, self.label_zh)


class Item(models.Model):
    """One record at one stage: its status and, once settled, the decision."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="screening_items")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="screening_items")
    stage = models.CharField(max_length=2, choices=Stage.choices)
    status = models.CharField(max_length=10, choices=ItemStatus.choices,
                              default=ItemStatus.PENDING)
    priority = models.FloatField(default=0.0)  # higher is screened first
    live_votes = models.PositiveSmallIntegerField(default=0)  # kept by services, for queues
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    reason = models.ForeignKey(ExclusionReason, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    reason_text = models.CharField(max_length=500, blank=True)
    settled_by_adjudication = models.BooleanField(default=False)
    settled_at = models.DateTimeField(null=True, blank=True)
    not_retrieved = models.BooleanField(default=False)  # full text could not be obtained
    stopped_by = models.ForeignKey("StoppingDecision", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="items")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "stage"], name="item_once_per_stage"),
            models.CheckConstraint(
                condition=~Q(status__in=["included", "excluded"]) | ~Q(decision=""),
                name="item_settled_has_decision",
            ),
        ]
        indexes = [models.Index(fields=["review", "stage", "status", "-priority", "id"])]

    def __str__(self):
        return f"{self.get_stage_display()} #{self.record_id}"

    @property
    def settled(self):
        return self.status in SETTLED_STATUSES


class Vote(models.Model):
    """A reviewer's vote. A changed vote supersedes the old one, which is kept."""

    # PROTECT: a vote is never lost with its record's item (a reopened record keeps them).
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="votes")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="screening_votes")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    reason = models.ForeignKey(ExclusionReason, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    reason_text = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One live vote per reviewer, record and stage: the database enforces it.
            models.UniqueConstraint(fields=["item", "reviewer"],
                                    condition=Q(superseded_at__isnull=True),
                                    name="vote_one_live_per_reviewer"),
        ]

    def __str__(self):
        return f"{self.reviewer_id}: {self.decision} on item {self.item_id}"


class Lease(models.Model):
    """A record shown to a reviewer who has not voted yet. Queues skip records whose votes
    plus others' leases already reach the number needed, so twenty reviewers working at
    once are not all handed the same record."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="leases")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "reviewer"],
                                               name="lease_once_per_reviewer")]

    def __str__(self):
        return f"item {self.item_id} shown to {self.reviewer_id}"


class Adjudication(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="adjudications")
    adjudicator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    reason = models.ForeignKey(ExclusionReason, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    reason_text = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.decision} on item {self.item_id}"


class FullText(models.Model):
    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="full_text")
    file = models.FileField(upload_to="fulltext/%Y/%m/", max_length=500)
    file_name = models.CharField(max_length=300)
    size = models.BigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.file_name


class Study(models.Model):
    """A study with one or more reports (records), as PRISMA 2020 counts them."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="studies")
    label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["label", "id"]

    def __str__(self):
        return self.label


class StudyReport(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="reports")
    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="study_report")

    def __str__(self):
        return f"{self.study} / {self.record_id}"


class StoppingDecision(models.Model):
    """The owner stopped title/abstract screening on the stopping rule's word: the figures
    the rule gave at that moment, and the records it left unscreened (Item.stopped_by).
    Undone, it stays as history (undone_at) and its records need screening again."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="stopping_decisions")
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    adopted_at = models.DateTimeField(auto_now_add=True)
    recall_target = models.FloatField()
    confidence = models.FloatField()
    p_value = models.FloatField()
    n_total = models.PositiveIntegerField()  # title/abstract records at the time
    n_screened = models.PositiveIntegerField()  # with a settled decision
    n_relevant = models.PositiveIntegerField()  # included among those
    n_stopped = models.PositiveIntegerField()  # left unscreened by this decision
    remaining_estimate = models.PositiveIntegerField()  # relevant still unscreened, median
    remaining_high = models.PositiveIntegerField()  # ... and at most, at the confidence
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-adopted_at", "-id"]
        constraints = [
            # At most one stop in force per review: the database refuses a second.
            models.UniqueConstraint(fields=["review"], condition=Q(undone_at__isnull=True),
                                    name="stopping_one_in_force"),
        ]

    def __str__(self):
        return f"stop of review {self.review_id} at {self.adopted_at:%Y-%m-%d}"


# The records workbench's models live with it; importing them here makes them screening's.
from .records.models import Comment, Label, RecordIndex, RecordLabel  # noqa: E402, F401

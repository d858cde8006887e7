"""Synthesis: analyses (what to pool), pooling runs keyed by snapshot and spec, GRADE
judgements per analysis, and this installation's identity for review archives."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from extraction.models import Snapshot
from reviews.models import Review


class Analysis(models.Model):
    """An analysis spec (docs/analysis.md) the owner keeps, edits or deletes."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="analyses")
    name = models.CharField(_("name"), max_length=200)
    spec = models.JSONField()
    spec_hash = models.CharField(max_length=64)
    position = models.PositiveIntegerField(default=0)
    proposed = models.BooleanField(default=False)  # made by the defaults, not by a person
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "name"],
                                               name="analysis_name_once")]

    def __str__(self):
        return self.name


class PoolingRun(models.Model):
    """The pooling of one analysis spec on one snapshot. The key (snapshot hash, spec hash)
    is unique, so a repeat reuses the stored result and a retried task finds its own row."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="pooling_runs")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")
    snapshot_hash = models.CharField(max_length=64)
    spec_hash = models.CharField(max_length=64)
    spec = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    output = models.JSONField(null=True, blank=True)  # pool_analysis's dict
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["review", "snapshot_hash", "spec_hash"],
                                               name="pooling_run_once_per_key")]

    def __str__(self):
        return f"run {self.spec_hash[:8]} on {self.snapshot_hash[:8]}: {self.status}"


class GradeJudgement(models.Model):
    """The reviewers' GRADE overrides (levels and footnotes) for one analysis."""

    analysis = models.OneToOneField(Analysis, on_delete=models.CASCADE, related_name="grade")
    overrides = models.JSONField(default=dict, blank=True)
    mid = models.FloatField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"GRADE of {self.analysis_id}"


class Instance(models.Model):
    """This installation's identity (one row): review archives carry it, so an archive from
    another installation is recognised on import."""

    key = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"instance {self.key}"

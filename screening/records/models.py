"""The records workbench's own rows: the search index, review-wide labels, and comments.

Defined here and imported by screening.models, so they belong to the screening app."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.models import Record, Review


class RecordIndex(models.Model):
    """A record's searchable text (records.query.document), kept apart from the record so
    the import never pays for it. On PostgreSQL a GIN index over its tsvector serves the
    search (migration 0004); elsewhere the records list falls back to substring matching."""

    record = models.OneToOneField(Record, primary_key=True, on_delete=models.CASCADE,
                                  related_name="search_index")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    title_doc = models.TextField()  # title and translated title: weighted higher
    body_doc = models.TextField()  # abstract, authors, keywords, journal

    def __str__(self):
        return f"index of record {self.record_id}"


class Label(models.Model):
    """A review-wide label ("background", "ask author"): the owner keeps the list, any
    screener puts labels on records. A label is a note for the team, not a judgement."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="record_labels")
    name = models.CharField(_("name"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "name"],
                                               name="record_label_name_once")]

    def __str__(self):
        return self.name


class RecordLabel(models.Model):
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="applied")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="labelled")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["label", "record"],
                                               name="record_label_once")]
        indexes = [models.Index(fields=["record", "label"])]

    def __str__(self):
        return f"{self.label_id} on record {self.record_id}"


class Comment(models.Model):
    """A comment on a record, for the team. `stage` is the stage the record was at when it
    was written: whether it may reveal its author's vote is judged against that stage's
    votes (records.blinding.comment_hidden)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="record_comments")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    stage = models.CharField(max_length=2, blank=True)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["record", "created_at"])]

    def __str__(self):
        return f"comment {self.pk} on record {self.record_id}"

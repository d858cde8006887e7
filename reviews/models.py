"""Reviews, their teams and roles, invitations, and the append-only audit log."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Review(models.Model):
    class Status(models.TextChoices):
        PROTOCOL = "protocol", _("Protocol")
        SEARCHING = "searching", _("Searching")
        SCREENING = "screening", _("Screening")
        EXTRACTION = "extraction", _("Extraction")
        SYNTHESIS = "synthesis", _("Synthesis")
        COMPLETE = "complete", _("Complete")

    title = models.CharField(_("title"), max_length=500)
    population = models.TextField(_("population"), blank=True)
    intervention = models.TextField(_("intervention"), blank=True)
    comparator = models.TextField(_("comparator"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    registration_id = models.CharField(_("registration id"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROTOCOL
    )
    reviewers_per_record = models.PositiveSmallIntegerField(
        _("reviewers per record"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    blind_screening = models.BooleanField(_("blind screening"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewers_per_record__gte=1, reviewers_per_record__lte=5),
                name="review_reviewers_per_record_1_to_5",
            )
        ]

    def __str__(self):
        return self.title


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    REVIEWER = "reviewer", _("Reviewer")
    ADJUDICATOR = "adjudicator", _("Adjudicator")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review_id", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="membership_one_per_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.role}) in {self.review_id}"


def invitation_token():
    return secrets.token_urlsafe(32)


def invitation_expiry():
    """When an invitation made now stops working (settings.INVITATION_DAYS, default 14)."""
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


class Invitation(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.CharField(_("username or email"), max_length=254)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=invitation_expiry)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.invitee} as {self.role}"

    @property
    def is_expired(self):
        from django.utils import timezone

        return self.expires_at <= timezone.now()

    @property
    def is_open(self):
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class Profile(models.Model):
    """Per-user preferences that Django's User lacks."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")

    def __str__(self):
        return f"{self.user} ({self.language})"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One change to a review. Written in the transaction of the change; never edited."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["review", "-created_at"])]

    def __str__(self):
        return f"{self.verb} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")


# The import formats (reviews.searches.importers.FORMATS, the stable --format names) as people call
# them; tests/reviews/test_page_fixes.py checks that every format has one.
FORMAT_LABELS = {
    "ris": "RIS",
    "medline": _("PubMed MEDLINE (text)"),
    "pubmed-csv": _("PubMed CSV"),
    "wos": _("Web of Science (plain text)"),
    "wos-tab": _("Web of Science (tab-delimited)"),
    "ovid": "Ovid",
    "endnote-xml": "EndNote XML",
    "bibtex": "BibTeX",
    "scopus-csv": "Scopus CSV",
    "embase-csv": "Embase CSV",
    "noteexpress": _("NoteExpress (CNKI, Wanfang)"),
    "cnki-estudy": _("CNKI E-Study"),
    "refworks": "RefWorks",
    "endnote-refer": _("EndNote (Refer/tagged)"),
    "csv": "CSV",
    "tsv": _("TSV (tab-separated)"),
    "xlsx": _("Excel (XLSX)"),
}


def format_label(name):
    return str(FORMAT_LABELS.get(name, name))


class ApiToken(models.Model):
    """A named API token of one user (reviews.accounts.tokens). Only a SHA-256 digest of the
    secret is kept: the secret is shown once, when the token is made, and cannot be read back."""

    class Issuer(models.TextChoices):
        PAGE = "page", _("API tokens page")
        SIGN_IN = "sign-in", "/api/auth/token/"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)  # the secret's first characters, to recognise it
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.CharField(max_length=10, choices=Issuer.choices, default=Issuer.PAGE)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.name} ({self.prefix}…)"

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()


class AccountEvent(models.Model):
    """One event of a user's account: a sign-in (or a failed one), a sign-out, a password
    changed or reset, an API token made, revoked or ended (reviews.accounts.events names them
    all). The review audit log belongs to a review; this belongs to the account.
    Append-only like AuditEvent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    # Where the request came from, for events written during one: NULL when there was none
    # (a token ended by `changepassword`) and on events from before these were kept.
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.verb} {self.user}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Account events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Account events are append-only.")


class Search(models.Model):
    """One import: a database search (or another identification method) and its file.

    Feeds PRISMA 2020's "records identified" boxes, per database and per other method.
    """

    class Source(models.TextChoices):
        PUBMED = "pubmed", "PubMed/MEDLINE"
        EMBASE = "embase", "Embase"
        COCHRANE = "cochrane", "Cochrane Library/CENTRAL"
        WOS = "wos", "Web of Science"
        SCOPUS = "scopus", "Scopus"
        OVID = "ovid", "Ovid"
        CNKI = "cnki", "CNKI"
        WANFANG = "wanfang", "Wanfang"
        VIP = "vip", "VIP"
        CBM = "cbm", "CBM"
        OTHER_DATABASE = "other_database", _("Other database")
        CITATION = "citation", _("Citation searching")
        REGISTER = "register", _("Trial register")
        WEBSITE = "website", _("Website")
        OTHER_METHOD = "other_method", _("Other method")

    OTHER_METHODS = {"citation", "website", "other_method"}

    class Status(models.TextChoices):
        READING = "reading", _("Reading the file")
        PREVIEW = "preview", _("Previewed, not imported")
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="searches")
    source = models.CharField(_("database or method"), max_length=32, choices=Source.choices)
    source_detail = models.CharField(
        _("detail"), max_length=200, blank=True,
        help_text=_("For example the Ovid database (MEDLINE, PsycINFO) or the register's name."),
    )
    date_searched = models.DateField(_("date searched"), null=True, blank=True)
    query = models.TextField(_("search query"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=500)
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.BigIntegerField()
    format = models.CharField(max_length=32)
    encoding = models.CharField(max_length=32, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # column -> field, tabular files
    record_count = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)  # first records and problem list
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEW)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    # When the file was last handed to a worker (to read or to import): a search that waits
    # long past it with no sign of work lost its task message and may be queued again.
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Re-importing the same file into the same review adds nothing.
            models.UniqueConstraint(fields=["review", "file_sha256"], name="search_file_once"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} ({self.file_name})"

    @property
    def format_label(self):
        return format_label(self.format)

    @property
    def is_other_method(self):
        return self.source in self.OTHER_METHODS


class Record(models.Model):
    """One record as an export gave it, normalised; the unit de-duplication works on."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="records")
    search = models.ForeignKey(Search, on_delete=models.CASCADE, related_name="records")
    position = models.PositiveIntegerField()  # 1-based order in its file
    line = models.PositiveIntegerField(null=True)
    title = models.TextField(null=True)
    title_translated = models.TextField(null=True)
    abstract = models.TextField(null=True)
    authors = models.JSONField(default=list)
    year = models.IntegerField(null=True)
    journal = models.TextField(null=True)
    volume = models.CharField(max_length=100, null=True)
    issue = models.CharField(max_length=100, null=True)
    pages = models.CharField(max_length=100, null=True)
    doi = models.CharField(max_length=300, null=True, db_index=True)
    pmid = models.CharField(max_length=32, null=True, db_index=True)
    language = models.CharField(max_length=8, null=True)
    keywords = models.JSONField(default=list)
    source_id = models.CharField(max_length=200, null=True)
    type = models.CharField(max_length=16, null=True)
    problems = models.JSONField(default=list)
    # De-duplication: a kept record has duplicate_of null; a removed duplicate points at its
    # cluster's kept record (always the kept one, never a chain), and says who removed it.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    dedup_method = models.CharField(
        max_length=8,
        null=True,
        blank=True,
        choices=[("auto", _("automatic")), ("manual", _("by a person"))],
    )
    # False until a de-duplication run has compared the record with the rest of the review.
    dedup_checked = models.BooleanField(default=False)

    class Meta:
        ordering = ["search_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["search", "position"], name="record_position_once"),
        ]
        indexes = [
            models.Index(fields=["review", "id"]),
            models.Index(fields=["review", "dedup_checked"]),
        ]

    def __str__(self):
        return (self.title or "")[:80]


class DuplicatePair(models.Model):
    """Two records the de-duplication found alike, and what became of them.

    Open pairs are the review queue; merged pairs are the edges that hold a cluster together
    (a cluster is a connected group of merged pairs); "not a duplicate" pairs are remembered
    so later runs never join the two records again.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting")
        MERGED = "merged", _("Merged")
        NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")

    class Method(models.TextChoices):
        AUTO = "auto", _("automatic")
        MANUAL = "manual", _("by a person")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="duplicate_pairs")
    record_a = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0.0)
    reason = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    method = models.CharField(max_length=8, choices=Method.choices, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "record_a_id", "record_b_id"]
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(record_a__lt=models.F("record_b")),
                name="duplicate_pair_ordered",
            ),
        ]
        indexes = [models.Index(fields=["review", "status"])]

    def __str__(self):
        return f"{self.record_a_id}~{self.record_b_id} ({self.status})"

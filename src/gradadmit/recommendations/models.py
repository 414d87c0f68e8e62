"""Recommendation requests (推薦人), the notices emailed to recommenders, and the letters they give."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def letter_path(instance, filename):
    # Generated, never the recommender's file name.
    return f"letters/{uuid.uuid4().hex}.pdf"


class RecommendationLetter(models.Model):
    """One letter (a PDF upload, or the 附件五 form rendered to PDF); it may serve several requests."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("PDF letter")
        FORM = "form", _("Structured form (Form 5)")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=letter_path, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    sanitized = models.BooleanField(default=False)
    form_data = models.JSONField(default=dict, blank=True)  # the 附件五 answers, kept for the record
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("recommendation letter")
        verbose_name_plural = _("recommendation letters")

    def __str__(self):
        return f"letter #{self.pk}"


class RecommendationRequest(models.Model):
    """One recommender asked for one application. The email is fixed once added."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        OPENED = "opened", _("Opened")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="recommendation_requests"
    )
    name = models.CharField(_("full name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200)
    title = models.CharField(_("job title"), max_length=100)
    relationship = models.CharField(_("relationship to the applicant"), max_length=100)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    token_expires_at = models.DateTimeField()
    letter = models.ForeignKey(
        RecommendationLetter, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    form_draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "created_at", "id"]
        constraints = [
            # Emails are stored lower-cased, so this also refuses the same address in another case.
            models.UniqueConstraint(fields=["application", "email"], name="recommendation_email_once_per_application"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(letter__isnull=False), name="recommendation_completed_has_letter"
            ),
        ]
        indexes = [models.Index(fields=["application", "status"])]
        verbose_name = _("recommendation request")
        verbose_name_plural = _("recommendation requests")

    def __str__(self):
        return f"recommendation request #{self.pk}"

    @property
    def has_started(self) -> bool:
        """The recommender has acted (opened, accepted, declined or submitted): details are theirs now."""
        return self.status != self.Status.INVITED

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.DECLINED)


class RecommendationNotice(models.Model):
    """One email to a recommender, with its own link token (stored hashed) and its send result."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        RESEND = "resend", _("Invitation sent again")
        REMINDER_3D = "reminder_3d", _("Reminder, 3 days before the deadline")
        REMINDER_1D = "reminder_1d", _("Reminder, 1 day before the deadline")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    REMINDERS = (Kind.REMINDER_3D, Kind.REMINDER_1D)

    request = models.ForeignKey(RecommendationRequest, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    message = models.TextField(_("message to the recommender"), blank=True)
    created_at = models.DateTimeField()
    # Its email in the outbox: the status, send time and failure shown on the pages are read from there.
    email = models.OneToOneField(
        "outbox.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="recommendation_notice"
    )

    class Meta:
        ordering = ["request_id", "created_at", "id"]
        constraints = [
            # Each automatic reminder goes out at most once per request, whatever runs at once.
            models.UniqueConstraint(
                fields=["request", "kind"],
                condition=Q(kind__in=["reminder_3d", "reminder_1d"]),
                name="recommendation_reminder_once",
            ),  # fmt: skip
        ]
        verbose_name = _("notice to a recommender")
        verbose_name_plural = _("notices to recommenders")

    def __str__(self):
        return f"notice #{self.pk} {self.kind}"

    @property
    def status(self) -> str:
        """Queued (also while the outbox retries), sent or failed: read from the outbox email."""
        status = self.email.status if self.email_id else self.Status.QUEUED
        return status if status in (self.Status.SENT, self.Status.FAILED) else self.Status.QUEUED

    @property
    def sent_at(self):
        return self.email.sent_at if self.email_id else None

    @property
    def error(self) -> str:
        return self.email.last_error if self.email_id and self.status == self.Status.FAILED else ""

"""A mailing to a group of applicants (its choice of recipients, bilingual text, approval), and its recipients."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gradadmit.core.choices import Identity


class Mailing(models.Model):
    """draft → submitted → approved → sending → sent; cancelled or rejected on the way (services.py)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved, about to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected")

    EDITABLE = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.REJECTED)
    FROZEN = (Status.SUBMITTED, Status.APPROVED, Status.SENDING, Status.SENT, Status.CANCELLED)

    # Who receives it: active applications of the cycle (one programme, or every programme in the author's
    # scope), narrowed by the filters below and by the pasted application numbers when given.
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("cycle"))
    program = models.ForeignKey(
        "cycles.Program", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("programme"),
    )  # fmt: skip
    identity = models.CharField(_("identity"), max_length=20, choices=Identity.choices, blank=True)
    unpaid = models.BooleanField(_("fee not paid"), default=False)
    documents_incomplete = models.BooleanField(_("documents incomplete"), default=False)
    letters_missing = models.BooleanField(_("recommendation letters missing"), default=False)
    qualified = models.BooleanField(_("qualified in the eligibility review"), default=False)
    invited = models.BooleanField(_("invited to the interview"), default=False)
    admitted = models.BooleanField(_("admitted (正取)"), default=False)
    waitlisted = models.BooleanField(_("waitlisted (備取)"), default=False)
    application_numbers = models.JSONField(_("application numbers"), default=list, blank=True)

    subject_zh = models.CharField(_("subject (Chinese)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_zh = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="mailing_rejection_has_reason"
            ),
        ]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self):
        return f"mailing #{self.pk} ({self.status})"

    @property
    def status_class(self) -> str:
        """The portal's status badge colour (portal.css .status-…)."""
        if self.status == self.Status.SENT:
            return "done"
        if self.status in (self.Status.CANCELLED, self.Status.REJECTED):
            return "missing"
        return "not_required" if self.status == self.Status.DRAFT else "pending"

    @property
    def was_approved(self) -> bool:
        """Approved (and maybe sent or cancelled since): the sending progress means something."""
        approved = (self.Status.APPROVED, self.Status.SENDING, self.Status.SENT)
        return self.status in approved or (self.status == self.Status.CANCELLED and self.decided_at is not None)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def recipients_frozen(self) -> bool:
        return self.status in self.FROZEN


class MailingRecipient(models.Model):
    """One applicant of a mailing (once per mailing), frozen at submission; marked with what was sent to them."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The application the placeholders ({program}, {exam_number}) are read from.
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    message = models.OneToOneField(
        "notifications.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="mailing_recipient"
    )
    email = models.OneToOneField(
        "outbox.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="mailing_recipient"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mailing_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "applicant"], name="mailing_recipient_once"),
        ]
        indexes = [models.Index(fields=["mailing", "done_at"], name="mailing_recipient_todo_idx")]
        verbose_name = _("mailing recipient")
        verbose_name_plural = _("mailing recipients")

    def __str__(self):
        return f"recipient {self.applicant_id} of mailing {self.mailing_id}"

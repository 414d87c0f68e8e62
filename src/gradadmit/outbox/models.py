"""One email of the outbox, its delivery state and attempts; the sending pace shared by every worker."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Email(models.Model):
    """An email to one address. Apps point at it (a message, a notice, a mailing recipient): it knows none of them."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=400)
    body = models.TextField(_("body"))
    # What caused it, e.g. "message:documents/replacement", "recommendation:invitation", "mailing:12", "account".
    cause = models.CharField(_("cause"), max_length=80, db_index=True)
    # The applicant (or staff member) the email concerns, when there is one: the recommender's email concerns
    # the applicant who asked for the letter.
    concerns = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    resent_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = _("email")
        verbose_name_plural = _("emails")

    def __str__(self):
        return f"email #{self.pk} ({self.status})"


class SendingPace(models.Model):
    """One row: when the next email may leave, so several workers together keep the configured rate."""

    next_slot_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sending pace")

    def __str__(self):
        return f"next email at {self.next_slot_at:%H:%M:%S}"

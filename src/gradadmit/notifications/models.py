"""A message in the applicant's inbox, stored in both languages, with the state of its email."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gradadmit.accounts.signed_in import SignedInQuerySet
from gradadmit.core.i18n import pick


class Message(models.Model):
    class EmailStatus(models.TextChoices):
        NONE = "none", _("No email")
        QUEUED = "queued", _("Email queued")
        SENT = "sent", _("Email sent")
        FAILED = "failed", _("Email failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=60)
    subject_zh = models.CharField(max_length=200)
    subject_en = models.CharField(max_length=200)
    body_zh = models.TextField()
    body_en = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The email that went with it, in the outbox (none when the message was not emailed).
    email = models.OneToOneField(
        "outbox.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="portal_message"
    )

    objects = SignedInQuerySet.as_manager()
    signed_in_user = "recipient_id"  # accounts.signed_in: the signed-in user's query counts the unread ones

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"message #{self.pk} {self.kind}"

    @property
    def email_status(self) -> str:
        """The email's state read from the outbox: none, queued (also while retrying), sent or failed."""
        if self.email is None:
            return self.EmailStatus.NONE
        status = self.email.status
        if status in (self.EmailStatus.SENT, self.EmailStatus.FAILED):
            return status
        return self.EmailStatus.QUEUED

    @property
    def subject(self):
        return pick(self.subject_zh, self.subject_en)

    @property
    def body(self):
        return pick(self.body_zh, self.body_en)

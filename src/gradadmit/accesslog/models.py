"""One row per staff view of an applicant's personal data: cheap to write (one INSERT), read per applicant."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessEvent(models.Model):
    class Kind(models.TextChoices):
        RECORD = "record", _("Opened the applicant record")
        DOCUMENT = "document", _("Opened a document")
        LETTER = "letter", _("Opened a recommendation letter")
        PROOF = "proof", _("Opened a proof (waiver or accommodation)")
        PACKET = "packet", _("Downloaded the review packet")
        REVEAL = "reveal", _("Revealed the full ID number, birth date and phones")
        EXPORT = "export", _("Exported with full ID numbers")

    at = models.DateTimeField(_("when"), default=timezone.now)
    # Staff accounts are deactivated, never deleted, while their accesses matter: PROTECT keeps the log whole.
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_events")
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)  # e.g. "document #12", never the data

    class Meta:
        indexes = [models.Index(fields=["applicant", "-at"], name="accesslog_applicant_at")]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")

    def __str__(self):
        return f"{self.kind} of user #{self.applicant_id} by user #{self.staff_id}"

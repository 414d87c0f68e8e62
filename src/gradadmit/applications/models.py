"""An application: one applicant × one programme, with the identity chosen."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gradadmit.core.choices import Identity


class ApplicationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Application.Status.ACTIVE)

    def real(self):
        """Applications of real cycles: practice applications (模擬報名) never reach real lists or exports."""
        return self.filter(program__cycle__is_practice=False)


class Application(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Applied")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    program = models.ForeignKey("cycles.Program", on_delete=models.PROTECT, related_name="applications")
    identity = models.CharField(_("identity"), max_length=20, choices=Identity.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    applied_at = models.DateTimeField(_("applied"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["applied_at", "id"]
        constraints = [
            # One row per applicant and programme: applying twice is refused by the database too.
            models.UniqueConstraint(fields=["applicant", "program"], name="application_once_per_program"),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return f"application #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

"""Personal data: an applicant's copy of their data (a zip), and the anonymisation of a finished cycle."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Anonymised accounts get an address on this reserved domain (RFC 2606: never delivered, never anyone's).
ANONYMISED_DOMAIN = "anonymised.invalid"


def export_path(instance, filename):
    # The applicant's id is not in the name: the zip is reached only through the applicant's own page.
    return f"privacy/exports/{instance.token}.zip"


DEFAULT_RETENTION_DAYS = 365


class CycleRetention(models.Model):
    """How long a cycle's personal data is kept after its last calendar step (the office sets it; audited)."""

    cycle = models.OneToOneField("cycles.Cycle", on_delete=models.CASCADE, related_name="retention")
    retention_days = models.PositiveIntegerField(
        _("retention after the cycle ends (days)"), default=DEFAULT_RETENTION_DAYS
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self):
        return f"cycle {self.cycle_id}: {self.retention_days} days"


def retention_days_of(cycle) -> int:
    policy = CycleRetention.objects.filter(cycle=cycle).first()
    return policy.retention_days if policy else DEFAULT_RETENTION_DAYS


class DataExport(models.Model):
    """One "download my data" zip of one applicant, built by the task worker; the newest one is offered."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    token = models.CharField(max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to=export_path, blank=True, max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested"))
    finished_at = models.DateTimeField(_("ready"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self):
        return f"data export #{self.pk} ({self.status})"


class Anonymisation(models.Model):
    """The anonymisation of one cycle: who asked, the registrar hand-over, progress and the report.

    One row per cycle (the run is resumed, never started twice); `report` holds the counts of what went and the
    statistics that were kept, updated in the same transaction as each batch so a resumed run counts right.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cycle = models.OneToOneField("cycles.Cycle", on_delete=models.PROTECT, related_name="anonymisation")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    # The admitted applicants' data reached the registrar: every programme's admitted list was exported
    # (recorded by the export) or the office confirmed it here, with who and when.
    registrar_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registrar_confirmed_at = models.DateTimeField(null=True, blank=True)
    applicants_total = models.PositiveIntegerField(default=0)
    applicants_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")

    def __str__(self):
        return f"anonymisation of cycle {self.cycle_id} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.applicants_done / self.applicants_total) if self.applicants_total else 0

"""The audit log: every staff change to scores, results, payments, decisions and configuration."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.action} {self.target_type}#{self.target_id}"


class WorkerHeartbeat(models.Model):
    """A task worker that is alive: it beats every few seconds; one silent past the lease is taken for dead."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self):
        return self.worker_id


class ScheduledRun(models.Model):
    """One run of a scheduled job for one time slot: the unique row is how several workers run it only once."""

    name = models.CharField(max_length=80)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    worker_id = models.CharField(max_length=64, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="scheduled_run_once_per_slot")]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self):
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"

"""An uploaded document (one version of one item of one application) and packet builds."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gradadmit.cycles.configuration import ConfigurationQuerySet
from gradadmit.documents.brochure_forms import CHOICES


def document_path(instance, filename):
    # Generated, never the user's name: the original is kept in original_name.
    return f"documents/{instance.application_id}/{uuid.uuid4().hex}.{instance.extension}"


class Document(models.Model):
    class Check(models.TextChoices):
        NOT_REQUIRED = "not_required", _("No initial check")
        PENDING = "pending", _("Waiting for initial check")
        PASSED = "passed", _("Passed initial check")
        REPLACE = "replace", _("Needs replacement")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="documents")
    requirement = models.ForeignKey("cycles.DocumentRequirement", on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=document_path, max_length=200)
    extension = models.CharField(max_length=8)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    sanitized = models.BooleanField(_("active content removed or re-encoded"), default=False)
    uploaded_at = models.DateTimeField(_("uploaded"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_current = models.BooleanField(default=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    check_status = models.CharField(
        _("initial check"), max_length=20, choices=Check.choices, default=Check.NOT_REQUIRED
    )
    check_message = models.TextField(_("message to the applicant"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    form = models.CharField(_("filled online with"), max_length=20, blank=True)  # a brochure form's key, or ""

    class Meta:
        ordering = ["application_id", "requirement__order", "-uploaded_at"]
        constraints = [
            # One current file per item, whatever races: the database decides.
            models.UniqueConstraint(
                fields=["application", "requirement"], condition=Q(is_current=True), name="document_one_current"
            ),
        ]
        indexes = [models.Index(fields=["application", "is_current"])]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"document #{self.pk}"


class OnlineForm(models.Model):
    """A document item filled in the portal with one of the brochure's forms (documents.brochure_forms) instead of
    uploaded. A form that needs a signature is filled and printed in the portal; the signed scan is uploaded."""

    requirement = models.OneToOneField(
        "cycles.DocumentRequirement", on_delete=models.CASCADE, related_name="online_form", verbose_name=_("item")
    )
    form = models.CharField(_("form"), max_length=20, choices=CHOICES)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    objects = ConfigurationQuerySet.as_manager()
    configuration_cycle = "requirement__program__cycle_id"  # cycles.configuration

    class Meta:
        verbose_name = _("online form")
        verbose_name_plural = _("online forms")

    def __str__(self):
        return f"{self.requirement_id}: {self.form}"


class FormDraft(models.Model):
    """The applicant's answers to an item's online form, saved while typing. `version` goes up with every save, so
    a page saving from an older version (another tab saved since) is told instead of overwriting."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="form_drafts")
    requirement = models.ForeignKey("cycles.DocumentRequirement", on_delete=models.CASCADE, related_name="+")
    form = models.CharField(max_length=20)
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"], name="form_draft_one_per_item"),
        ]
        verbose_name = _("form draft")
        verbose_name_plural = _("form drafts")

    def __str__(self):
        return f"draft of {self.application_id}/{self.requirement_id} v{self.version}"


class PacketBuild(models.Model):
    """All review packets of one programme as a zip, built by the task worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey("cycles.Program", on_delete=models.CASCADE, related_name="packet_builds")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="packets/", blank=True, max_length=200)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("packet build")
        verbose_name_plural = _("packet builds")

    def __str__(self):
        return f"packets of {self.program_id} #{self.pk}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

"""An announcement (最新消息) of a cycle or one programme, and its PDF attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gradadmit.core.i18n import pick


class Announcement(models.Model):
    """Shown to the public from `publish_at` on (a query-time filter: no job publishes it).

    No program means the whole cycle (posted by the admissions office only). Bodies are plain text,
    drawn with line breaks and links: no HTML from staff reaches a page.
    """

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.PROTECT, related_name="announcements")
    program = models.ForeignKey(
        "cycles.Program", null=True, blank=True, on_delete=models.PROTECT, related_name="announcements"
    )
    title_zh = models.CharField(_("Title (Chinese)"), max_length=200)
    title_en = models.CharField(_("Title (English)"), max_length=200, blank=True)
    body_zh = models.TextField(_("Text (Chinese)"))
    body_en = models.TextField(_("Text (English)"), blank=True)
    publish_at = models.DateTimeField(_("Publish at"))
    pinned = models.BooleanField(_("pinned"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["-pinned", "-publish_at", "-id"]
        indexes = [models.Index(fields=["publish_at"], name="announcement_publish_at")]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.title_zh

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)

    @property
    def body(self) -> str:
        return pick(self.body_zh, self.body_en)


def attachment_path(instance, filename):
    # Generated, never the uploader's name: the original is kept in original_name.
    return f"announcements/{instance.announcement_id}/{uuid.uuid4().hex}.pdf"


class AnnouncementAttachment(models.Model):
    """A checked PDF (active content removed), stored under a generated name."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    sanitized = models.BooleanField(_("active content removed"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

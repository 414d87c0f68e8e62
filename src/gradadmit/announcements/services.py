"""Posting, editing and deleting announcements and their PDF attachments; every change audited.

Who may post: the admissions office for the whole cycle or any programme; department staff only for
the programmes assigned to them (core.scoping answers which). A publish time already past is moved to
now, so the announcement is published at once and shows as new; the caller is told (`Saved.published_now`).
Publication needs no job: the public selectors filter on `publish_at <= now`.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.announcements.models import Announcement, AnnouncementAttachment
from gradadmit.core import clock
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import MB, check_pdf, clean_filename
from gradadmit.cycles.selectors import programs_for_staff

ATTACHMENT_MAX_BYTES = 20 * MB
MAX_ATTACHMENTS = 10
FIELDS = ["cycle", "program", "title_zh", "title_en", "body_zh", "body_en", "publish_at", "pinned"]


@dataclass
class Saved:
    announcement: Announcement
    published_now: bool  # the publish time given had passed: published at once instead


def _check_may_post(actor, *, cycle, program):
    if not (actor and actor.is_authenticated and actor.is_portal_staff):
        raise DomainError(_("Only staff post announcements."))
    if program is None:
        if not actor.is_office:
            raise DomainError(
                _("Only the admissions office posts announcements for the whole cycle. Choose one of your programmes.")
            )
        return
    if program.cycle_id != cycle.pk:
        raise DomainError(_("This programme belongs to another cycle. Choose the programme's own cycle."))
    if not programs_for_staff(actor).filter(pk=program.pk).exists():
        raise DomainError(_("You may post announcements only for the programmes assigned to you."))


def _clean_texts(title_zh, title_en, body_zh, body_en):
    texts = {
        "title_zh": (title_zh or "").strip(),
        "title_en": (title_en or "").strip(),
        "body_zh": (body_zh or "").strip(),
        "body_en": (body_en or "").strip(),
    }
    if not texts["title_zh"] or not texts["body_zh"]:
        raise DomainError(_("Write the title and the text in Chinese; English is shown to English readers."))
    return texts


def _publish_time(publish_at, *, now, keep=None):
    """(time to store, published now?): empty means now; a past time (other than the one kept) becomes now."""
    if publish_at is None:
        return now, False
    if publish_at <= now and publish_at != keep:
        return now, True
    return publish_at, False


def create_announcement(
    *, actor, cycle, program=None, title_zh, title_en="", body_zh, body_en="", publish_at=None, pinned=False
) -> Saved:
    """Post an announcement for a cycle (office only) or one programme. Side effect: audit entry."""
    _check_may_post(actor, cycle=cycle, program=program)
    texts = _clean_texts(title_zh, title_en, body_zh, body_en)
    now = clock.now()
    when, published_now = _publish_time(publish_at, now=now)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            cycle=cycle,
            program=program,
            publish_at=when,
            pinned=pinned,
            created_by=actor,
            created_at=now,
            updated_at=now,
            **texts,
        )
        record_audit(
            actor=actor, action="announcement.create", target=announcement, after=snapshot(announcement, FIELDS)
        )
    return Saved(announcement, published_now)


def update_announcement(
    *, actor, announcement, cycle, program=None, title_zh, title_en="", body_zh, body_en="", publish_at=None,
    pinned=False,
) -> Saved:  # fmt: skip
    """Change an announcement (the actor may post both where it was and where it goes). Side effect: audit entry.

    Keeping an already past publish time keeps it; a newly given past time publishes now.
    """
    _check_may_post(actor, cycle=announcement.cycle, program=announcement.program)
    _check_may_post(actor, cycle=cycle, program=program)
    texts = _clean_texts(title_zh, title_en, body_zh, body_en)
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        before = snapshot(locked, FIELDS)
        now = clock.now()
        when, published_now = _publish_time(publish_at, now=now, keep=locked.publish_at)
        locked.cycle, locked.program, locked.pinned, locked.publish_at = cycle, program, pinned, when
        for name, value in texts.items():
            setattr(locked, name, value)
        locked.updated_at = now
        locked.save()
        record_audit(
            actor=actor, action="announcement.update", target=locked, before=before, after=snapshot(locked, FIELDS)
        )
    return Saved(locked, published_now)


def delete_announcement(*, actor, announcement) -> None:
    """Delete an announcement and its attachments. Side effects: audit entry; stored files removed on commit."""
    _check_may_post(actor, cycle=announcement.cycle, program=announcement.program)
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        files = [attachment.file for attachment in locked.attachments.all()]
        record_audit(
            actor=actor,
            action="announcement.delete",
            target=locked,
            before={**snapshot(locked, FIELDS), "attachments": [f.name for f in files]},
        )
        locked.delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])


def add_attachment(*, actor, announcement, upload) -> AnnouncementAttachment:
    """Check the PDF as documents are (by content, intact, unencrypted, active content removed), store it.

    Stored under a generated name; the original name is kept as data. A refused file (UploadRejected)
    stores nothing. Side effect: audit entry.
    """
    _check_may_post(actor, cycle=announcement.cycle, program=announcement.program)
    if upload is None:
        raise DomainError(_("Choose a PDF file to attach."))
    checked = check_pdf(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    attachment = AnnouncementAttachment(
        announcement=announcement,
        original_name=clean_filename(upload.name),
        size=checked.size,
        pages=checked.pages,
        sha256=checked.sha256,
        sanitized=checked.sanitized,
        uploaded_by=actor,
    )
    # Stored first (slow, outside the transaction); removed again if the database refuses.
    upload.seek(0)
    attachment.file.save("attachment.pdf", ContentFile(checked.content) if checked.sanitized else upload, save=False)
    try:
        with transaction.atomic():
            locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
            if locked.attachments.count() >= MAX_ATTACHMENTS:
                raise DomainError(
                    _("An announcement has at most %(count)d attachments. Remove one first.")
                    % {"count": MAX_ATTACHMENTS}
                )
            attachment.uploaded_at = clock.now()
            attachment.save()
            record_audit(
                actor=actor,
                action="announcement.attach",
                target=locked,
                after={"attachment": attachment.pk, "name": attachment.original_name, "sha256": checked.sha256},
            )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def remove_attachment(*, actor, attachment) -> None:
    """Remove one attachment. Side effects: audit entry; the stored file removed on commit."""
    announcement = attachment.announcement
    _check_may_post(actor, cycle=announcement.cycle, program=announcement.program)
    with transaction.atomic():
        stored = attachment.file
        record_audit(
            actor=actor,
            action="announcement.detach",
            target=announcement,
            before={"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256},
        )
        attachment.delete()
        transaction.on_commit(lambda: stored.delete(save=False))

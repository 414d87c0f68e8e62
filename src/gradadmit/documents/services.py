"""Uploading documents, the initial check (初審), and requesting packet builds."""

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.applications.models import Application
from gradadmit.core import clock, jobs
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.deadlines import calendar_for, scope_for
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import (
    MB,
    UploadRejected,
    check_pdf,
    check_photo,
    clean_filename,
    human_size,
    store_file,
)
from gradadmit.documents.models import Document, PacketBuild
from gradadmit.documents.reopened import reopened_items
from gradadmit.documents.selectors import applicable_requirements
from gradadmit.notifications.services import notify


def upload_window_open(*, application, profile) -> bool:
    return calendar_for(application.program.cycle, application.applicant).is_open("documents", scope_for(profile))


def ensure_item_open(*, applicant, application: Application, requirement, profile) -> None:
    """Refuse (DomainError) unless the applicant may give this item now: their active application, an item that
    applies to it, and the documents window open (or the item reopened by a supplement request)."""
    if not application.is_active or application.applicant_id != applicant.id:
        raise DomainError(_("This application was withdrawn."))
    if requirement not in applicable_requirements(application, profile):
        raise DomainError(_("This item is not required for your application."))
    if requirement.pk not in reopened_items(application):  # a supplement may reopen named items after the deadline
        calendar_for(application.program.cycle, applicant).ensure_open("documents", scope_for(profile))


def upload_document(
    *, applicant, application: Application, requirement, upload, profile=None, form: str = ""
) -> Document:
    """Check the file by content, store it under a generated name, make it the item's current version.

    The previous version stays stored (not current). A refused file changes nothing, nor does a storage
    failure (StorageUnavailable: disk full, bucket unreachable) or a database failure after the file was stored
    (the stored file is removed again).
    Racing uploads for one item are serialised on the application row; the unique
    constraint on the current version is the last guard. No email (the page shows the result).
    `form`: the brochure form the file was rendered from (documents.online_forms), "" for an upload.
    """
    if profile is None:
        profile = ApplicantProfile.objects.filter(user=applicant).first()
    ensure_item_open(applicant=applicant, application=application, requirement=requirement, profile=profile)

    limit = requirement.max_size_mb * MB
    if requirement.file_kind == requirement.FileKind.PHOTO:
        checked = check_photo(upload, max_bytes=limit)
    else:
        checked = check_pdf(upload, max_bytes=limit, max_pages=requirement.max_pages)

    document = Document(
        application=application,
        requirement=requirement,
        extension=checked.extension,
        original_name=clean_filename(upload.name),
        content_type=checked.content_type,
        size=checked.size,
        pages=checked.pages,
        sha256=checked.sha256,
        sanitized=checked.sanitized,
        uploaded_by=applicant,
        form=form,
        check_status=Document.Check.PENDING if requirement.needs_initial_check else Document.Check.NOT_REQUIRED,
    )
    # Store first (slow, outside the lock); if the database refuses, the stored file is removed again.
    # The upload itself (not a File wrapper) lets local storage move Django's temporary file instead of copying it.
    upload.seek(0)
    content = ContentFile(checked.content) if checked.content is not None else upload
    store_file(document.file, "upload", content, sha256=checked.sha256)
    try:
        with transaction.atomic():
            Application.objects.select_for_update().get(pk=application.pk)
            current = Document.objects.filter(application=application, is_current=True)
            total_limit = application.program.max_total_upload_mb
            if total_limit:
                others = sum(d.size for d in current if d.requirement_id != requirement.id)
                if others + checked.size > total_limit * MB:
                    raise UploadRejected(
                        _("All your files for this application together may be at most %(limit)s; with this file "
                          "they would be %(total)s. Make the files smaller.")
                        % {"limit": human_size(total_limit * MB), "total": human_size(others + checked.size)},
                        reason="total_too_large",
                    )  # fmt: skip
            now = clock.now()
            current.filter(requirement=requirement).update(is_current=False, replaced_at=now)
            document.uploaded_at = now
            document.save()
    except Exception as error:  # refused, raced, or the database failed: no row, so no file either
        document.file.delete(save=False)
        if isinstance(error, IntegrityError):
            raise DomainError(
                _("Another upload for this item was saved at the same moment. Reload the page.")
            ) from error
        raise
    return document


def record_initial_check(*, actor, document: Document, passed: bool, message: str = "") -> Document:
    """Pass a photo or degree proof, or ask for a replacement with a message.

    Side effects: audit entry; for a replacement request an in-portal message and email.
    """
    if not passed and not message.strip():
        raise DomainError(_("Tell the applicant what to replace."))
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if not locked.is_current:
            raise DomainError(_("The applicant has replaced this file; check the new one."))
        before = snapshot(locked, ["check_status", "check_message"])
        locked.check_status = Document.Check.PASSED if passed else Document.Check.REPLACE
        locked.check_message = "" if passed else message.strip()
        locked.checked_by, locked.checked_at = actor, clock.now()
        locked.save(update_fields=["check_status", "check_message", "checked_by", "checked_at"])
        record_audit(
            actor=actor,
            action="document.initial_check",
            target=locked,
            before=before,
            after=snapshot(locked, ["check_status", "check_message"]),
        )
        if not passed:
            notify(
                user=locked.application.applicant,
                template="documents/replace",
                context={"document": locked, "application": locked.application},
            )
    return locked


def request_packet_build(*, actor, program) -> PacketBuild:
    """Queue the zip of every packet of the programme (built by the worker). Side effect: a task."""
    from gradadmit.documents.tasks import build_program_packets

    with transaction.atomic():
        running = PacketBuild.objects.filter(
            program=program, status__in=[PacketBuild.Status.QUEUED, PacketBuild.Status.RUNNING]
        ).first()
        if running is not None:
            return running
        build = PacketBuild.objects.create(program=program, requested_by=actor)
        jobs.enqueue(build_program_packets, build_id=build.pk)
    return build


def retry_packet_build(*, actor, build: PacketBuild) -> PacketBuild:
    """Build a failed zip again (same build, from the start). Side effects: a task, an audit entry."""
    from gradadmit.documents.tasks import build_program_packets

    return jobs.retry_failed_build(actor=actor, build=build, task=build_program_packets,
                                   action="documents.packet_build_retried", build_id=build.pk)  # fmt: skip

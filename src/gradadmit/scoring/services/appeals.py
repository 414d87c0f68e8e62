"""Appeals (申訴): the deadline from the calendar, the applicant's appeal with its attachment, the answer."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.audit import record_audit
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import MB, check_pdf, store_file
from gradadmit.notifications.services import notify
from gradadmit.scoring.models import (
    Appeal,
    RankingRun,
)
from gradadmit.scoring.services.scores import settings_for

APPEAL_ATTACHMENT_MAX_BYTES = 10 * MB


def appeal_deadline(application: Application):
    """The appeal milestone's end if the calendar has one, else the results time plus the programme's days."""
    calendar = calendar_for(application.program.cycle, application.applicant)
    window = calendar.window("appeal")
    if window is not None and window.ends_at is not None:
        return window.ends_at
    results = calendar.window("results")
    if results is None:
        return None
    return results.starts_at + timedelta(days=settings_for(application.program).appeal_days)


def submit_appeal(*, applicant, application: Application, facts: str, remedy: str = "", attachment=None) -> Appeal:
    """An appeal in writing within the days after the results; the office answers within 20 days (附錄五 第六條).

    The attachment is checked as documents are (a real, intact, unencrypted PDF of at most 10 MB, active
    content removed) and stored under a generated name; a refused file refuses the appeal (UploadRejected)
    and stores nothing. Side effect: audit entry.
    """
    if application.applicant_id != applicant.id:
        raise DomainError(_("This application cannot appeal."))
    if not facts.strip():
        raise DomainError(_("Describe the facts and your reasons."))
    if not RankingRun.objects.filter(program=application.program, state=RankingRun.State.PUBLISHED).exists():
        raise DomainError(_("Appeals open when the results are published."))
    deadline = appeal_deadline(application)
    now = clock.now()
    if deadline is None or now > deadline:
        raise DomainError(_("The time to appeal has passed. Contact the admissions office if you need help."))
    checked = check_pdf(attachment, max_bytes=APPEAL_ATTACHMENT_MAX_BYTES) if attachment is not None else None
    appeal = Appeal(
        application=application,
        facts=facts.strip(),
        remedy=remedy.strip(),
        submitted_at=now,
        answer_due_at=now + timedelta(days=20),
    )
    if checked is not None:  # stored first (slow, outside the transaction); removed again if the database refuses
        attachment.seek(0)
        store_file(
            appeal.attachment, "attachment.pdf", ContentFile(checked.content) if checked.sanitized else attachment
        )
    try:
        with transaction.atomic():
            appeal.save()
            record_audit(actor=applicant, action="scoring.appeal", target=appeal,
                         after={"attachment": checked.sha256 if checked else None})  # fmt: skip
    except Exception:
        if appeal.attachment:
            appeal.attachment.delete(save=False)
        raise
    return appeal


def answer_appeal(*, actor, appeal: Appeal, answer: str) -> Appeal:
    """The office answers an appeal in writing. Side effects: audit entry, message and email."""
    if not actor.is_office:
        raise DomainError(_("Only the admissions office answers appeals."))
    if not answer.strip():
        raise DomainError(_("Write the answer."))
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("application__applicant").get(pk=appeal.pk)
        if locked.status != Appeal.Status.SUBMITTED:
            raise DomainError(_("This appeal was already answered or withdrawn."))
        locked.status, locked.answer = Appeal.Status.ANSWERED, answer.strip()
        locked.answered_at, locked.answered_by = clock.now(), actor
        locked.save()
        record_audit(actor=actor, action="scoring.appeal_answer", target=locked)
        notify(user=locked.application.applicant, template="scoring/appeal_answered",
               context={"appeal": locked, "application": locked.application})  # fmt: skip
    return locked

"""Writing, submitting, approving, rejecting, cancelling and sending mailings; every step audited.

Lock order: the Mailing row (select_for_update) first, then its recipients, then their outbox emails. Every
transition locks the mailing and checks its state under the lock, so a double click, two staff at once, or the
worker racing a cancel each see what the other left: approving twice queues one task; a batch after a cancel
stops; two workers running the same mailing take turns and each takes only recipients not yet done.

Sending (`send_next_batch`, run by tasks.send_mailing): each batch writes, in one transaction, the recipients'
inbox messages, their outbox emails and the mark on each recipient. A worker killed in the middle loses its
uncommitted batch only; the task runs again (core.jobs) and takes the recipients still unmarked, so nobody gets
the mailing twice (the outbox's own window aside: README, "Email outbox").
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gradadmit.core import clock, jobs
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.errors import DomainError
from gradadmit.cycles.selectors import cycles_for_staff, programs_for_staff
from gradadmit.mailings import placeholders, rendering, selectors
from gradadmit.mailings.models import Mailing, MailingRecipient
from gradadmit.notifications.services import MessageDraft, deliver_messages
from gradadmit.outbox.models import Email
from gradadmit.outbox.services import cancel_queued

BATCH_SIZE = 200  # recipients per transaction while sending
FILTER_FIELDS = [
    "identity", "unpaid", "documents_incomplete", "letters_missing", "qualified", "invited", "admitted", "waitlisted",
]  # fmt: skip
FIELDS = ["cycle", "program", *FILTER_FIELDS, "application_numbers", *rendering.TEXT_FIELDS, "deadline"]
Status = Mailing.Status
WAITING = (Email.Status.QUEUED, Email.Status.SENDING)


# --- Checking what staff wrote -----------------------------------------------------------------------------


def check_mailing(*, actor, fields: dict, match: bool = True) -> dict[str | None, str]:
    """{field name (None: the whole form): what is wrong} for a mailing about to be saved; empty when it may be.

    The form shows these at their fields; the services refuse with the first one. Checks: the cycle and programme
    are in the actor's scope, every placeholder is known and well formed, {deadline} has a deadline, the pasted
    numbers are applications the actor may write to, and at least one applicant matches.
    """
    errors: dict[str | None, str] = {}
    cycle, program = fields["cycle"], fields.get("program")
    if not cycle_in_scope(actor, cycle):
        errors["cycle"] = _("Choose a cycle of your programmes.")
    if program is None:
        if not actor.is_office:
            errors["program"] = _("Choose one of your programmes: a mailing to a whole cycle is the office's.")
    elif program.cycle_id != cycle.pk:
        errors["program"] = _("This programme belongs to another cycle. Choose the programme's own cycle.")
    elif not programs_for_staff(actor).filter(pk=program.pk).exists():
        errors["program"] = _("You may write only to applicants of the programmes assigned to you.")

    used = set()
    for name in rendering.TEXT_FIELDS:
        try:
            used |= placeholders.parse(fields.get(name) or "").used
        except placeholders.PlaceholderError as error:
            errors[name] = error.message
    if "deadline" in used and not fields.get("deadline"):
        errors["deadline"] = _("The text uses {deadline}: give the deadline here, or take {deadline} out of the text.")

    if errors:
        return errors
    numbers = fields.get("application_numbers") or []
    missing = selectors.numbers_out_of_reach(actor, cycle=cycle, program=program, numbers=numbers)
    if missing:
        errors["application_numbers"] = ngettext(
            "Application number %(numbers)s is not an application of the chosen cycle and programme that you may "
            "write to. Check it against the office lists.",
            "Application numbers %(numbers)s are not applications of the chosen cycle and programme that you may "
            "write to. Check them against the office lists.",
            len(missing),
        ) % {"numbers": ", ".join(str(n) for n in missing)}
        return errors
    if match and not selectors.matching_applications(actor, Mailing(**{name: fields.get(name) for name in FIELDS})):
        errors[None] = _("No applicant matches these choices, so nobody would receive this mailing. Change the filters or the application numbers.")  # fmt: skip
    return errors


def cycle_in_scope(actor, cycle) -> bool:
    return cycles_for_staff(actor).filter(pk=cycle.pk).exists()


def _refuse_unless_valid(actor, fields, *, match: bool = True):
    if not (actor and actor.is_authenticated and actor.is_portal_staff):
        raise DomainError(_("Only staff write mailings."))
    errors = check_mailing(actor=actor, fields=fields, match=match)
    if errors:
        raise DomainError(next(iter(errors.values())))


def _clean(fields: dict) -> dict:
    cleaned = {name: fields.get(name) for name in FIELDS}
    for name in rendering.TEXT_FIELDS:
        cleaned[name] = (cleaned[name] or "").strip()
    for name in FILTER_FIELDS[1:]:
        cleaned[name] = bool(cleaned[name])
    cleaned["identity"] = cleaned["identity"] or ""
    cleaned["application_numbers"] = list(cleaned["application_numbers"] or [])
    return cleaned


# --- Writing -----------------------------------------------------------------------------------------------


def create_mailing(*, actor, **fields) -> Mailing:
    """Save a new draft. Side effect: audit entry."""
    fields = _clean(fields)
    _refuse_unless_valid(actor, fields)
    with transaction.atomic():
        mailing = Mailing.objects.create(created_by=actor, **fields)
        record_audit(actor=actor, action="mailing.created", target=mailing, after=snapshot(mailing, FIELDS))
    return mailing


@dataclass
class Edited:
    mailing: Mailing
    needs_approval_again: bool  # it was submitted or approved: it went back to draft


def update_mailing(*, actor, mailing: Mailing, **fields) -> Edited:
    """Change a mailing not yet sending. A submitted, approved or rejected one goes back to draft (its frozen
    recipients are dropped; they are chosen again when it is submitted), so it needs approval again.

    Side effect: audit entry with before and after.
    """
    fields = _clean(fields)
    _refuse_unless_valid(actor, fields)
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if not locked.is_editable:
            raise DomainError(_("This mailing is being sent or was sent or cancelled: it cannot change any more."))
        before = snapshot(locked, [*FIELDS, "status"])
        again = locked.status != Status.DRAFT
        for name, value in fields.items():
            setattr(locked, name, value)
        if again:
            _back_to_draft(locked)
        locked.save()
        record_audit(actor=actor, action="mailing.edited", target=locked, before=before,
                     after=snapshot(locked, [*FIELDS, "status"]))  # fmt: skip
    return Edited(mailing=locked, needs_approval_again=again)


def _back_to_draft(mailing: Mailing) -> None:
    MailingRecipient.objects.filter(mailing=mailing).delete()
    mailing.status = Status.DRAFT
    mailing.submitted_by = mailing.submitted_at = None
    mailing.decided_by = mailing.decided_at = None


# --- Submitting, approving, rejecting ------------------------------------------------------------------------


def submit_mailing(*, actor, mailing: Mailing) -> int:
    """Freeze the recipients (one row per applicant, chosen now in the actor's scope) and ask for approval.

    Refused when nobody matches, when {exam_number} is used and someone has none yet, or when it is not a draft.
    Side effect: audit entry. Returns the number of recipients.
    """
    with transaction.atomic():
        locked = Mailing.objects.select_for_update(of=("self",)).select_related("cycle", "program").get(pk=mailing.pk)
        if locked.status != Status.DRAFT:
            raise DomainError(_("This mailing was already submitted. Open it again to see where it stands."))
        _refuse_unless_valid(actor, {name: getattr(locked, name) for name in FIELDS}, match=False)
        applications = selectors.matching_applications(actor, locked)
        if not applications:  # checked again: the choice may match nobody since it was saved
            raise DomainError(_("No applicant matches this mailing any more. Edit its recipients before submitting."))
        if "exam_number" in rendering.Texts.of(locked).used:
            without = sum(1 for a in applications if not rendering.exam_number(a))
            if without:
                raise DomainError(
                    ngettext(
                        "%(count)d recipient has no exam number yet. Take {exam_number} out of the text, or choose "
                        "applicants invited to the interview once their numbers are assigned.",
                        "%(count)d recipients have no exam number yet. Take {exam_number} out of the text, or "
                        "choose applicants invited to the interview once their numbers are assigned.",
                        without,
                    )
                    % {"count": without}
                )
        MailingRecipient.objects.bulk_create(
            [MailingRecipient(mailing=locked, applicant_id=a.applicant_id, application=a) for a in applications]
        )
        locked.status, locked.submitted_by, locked.submitted_at = Status.SUBMITTED, actor, clock.now()
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        record_audit(actor=actor, action="mailing.submitted", target=locked, after={"recipients": len(applications)})
    return len(applications)


def _check_second_office_member(actor, mailing: Mailing, *, verb: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_office):
        raise DomainError(_("Only admissions office staff approve or reject mailings."))
    if actor.pk in (mailing.created_by_id, mailing.submitted_by_id):
        if verb == "approve":
            raise DomainError(_("You wrote this mailing, so you cannot approve it: a second member of the office must."))  # fmt: skip
        raise DomainError(_("You wrote this mailing: a second member of the office decides on it. Edit it instead."))


def approve_mailing(*, actor, mailing: Mailing) -> Mailing:
    """A second office member approves: the sending task is queued in the same transaction (core.jobs.enqueue).

    Approving again (a double click, two staff at once) is refused under the lock and queues nothing.
    Side effect: audit entry.
    """
    from gradadmit.mailings.tasks import send_mailing

    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if locked.status in (Status.APPROVED, Status.SENDING, Status.SENT):
            raise DomainError(_("This mailing is already approved and on its way: nothing was done twice."))
        if locked.status != Status.SUBMITTED:
            raise DomainError(_("Only a mailing waiting for approval can be approved. Submit it first."))
        _check_second_office_member(actor, locked, verb="approve")
        locked.status, locked.decided_by, locked.decided_at = Status.APPROVED, actor, clock.now()
        locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        record_audit(actor=actor, action="mailing.approved", target=locked,
                     after={"recipients": locked.recipients.count()})  # fmt: skip
        jobs.enqueue(send_mailing, mailing_id=locked.pk)
    return locked


def reject_mailing(*, actor, mailing: Mailing, reason: str) -> Mailing:
    """A second office member sends it back with a reason; the author may edit and submit it again.

    Side effect: audit entry with the reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason: the author reads it to correct the mailing."))
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if locked.status != Status.SUBMITTED:
            raise DomainError(_("Only a mailing waiting for approval can be rejected."))
        _check_second_office_member(actor, locked, verb="reject")
        MailingRecipient.objects.filter(mailing=locked).delete()
        locked.status, locked.decided_by, locked.decided_at = Status.REJECTED, actor, clock.now()
        locked.rejection_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason", "updated_at"])
        record_audit(actor=actor, action="mailing.rejected", target=locked, reason=reason)
    return locked


# --- Cancelling ------------------------------------------------------------------------------------------------


def may_cancel(actor, mailing: Mailing) -> bool:
    return bool(actor and actor.is_authenticated) and (actor.is_office or actor.pk == mailing.created_by_id)


def is_cancellable(mailing: Mailing, *, emails_waiting: bool) -> bool:
    """Not finished: not cancelled or rejected, and when sent, some of its emails still wait in the outbox."""
    if mailing.status in (Status.CANCELLED, Status.REJECTED):
        return False
    return mailing.status != Status.SENT or emails_waiting


def cancel_mailing(*, actor, mailing: Mailing) -> int:
    """Stop a mailing: the worker sends no further batch and emails still queued in the outbox are cancelled.

    Recipients already reached keep their inbox message and any email already sent. Allowed to the office and the
    author, until every email has left. Side effect: audit entry. Returns the number of emails cancelled.
    """
    if not may_cancel(actor, mailing):
        raise DomainError(_("Only the author or the admissions office can cancel this mailing."))
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        emails = selectors.emails_of(locked)
        waiting = locked.status == Status.SENT and emails.filter(status__in=WAITING).exists()
        if not is_cancellable(locked, emails_waiting=waiting):
            raise DomainError(_("This mailing is finished: there is nothing left to cancel."))
        before = locked.status
        locked.status, locked.cancelled_by, locked.cancelled_at = Status.CANCELLED, actor, clock.now()
        locked.save(update_fields=["status", "cancelled_by", "cancelled_at", "updated_at"])
        cancelled = cancel_queued(emails=emails)
        record_audit(actor=actor, action="mailing.cancelled", target=locked, before={"status": before},
                     after={"emails_cancelled": cancelled})  # fmt: skip
    return cancelled


# --- Sending (the worker) ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    sent: int  # recipients handed to the inbox and the outbox in this batch
    finished: bool  # nobody is left: the mailing is sent
    stopped: bool  # the mailing is not (or no longer) to be sent: cancelled, edited back to draft, …


def _mark_done(recipients, messages, now) -> None:
    """Each recipient marked with its message and email: one statement run for every row of the batch.

    (bulk_update builds a CASE per column and row: for a batch of 200 it cost more than the messages themselves.)
    """
    table = connection.ops.quote_name(MailingRecipient._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET message_id = %s, email_id = %s, done_at = %s WHERE id = %s",  # noqa: S608
            [(message.pk, message.email_id, now, recipient.pk) for recipient, message in zip(recipients, messages,
                                                                                             strict=True)],
        )  # fmt: skip


def send_next_batch(*, mailing_id: int, size: int | None = None) -> Batch:
    """One transaction: the next `size` recipients not yet done each get the inbox message and the outbox email
    (notifications.deliver_messages: two INSERTs), and are marked done with them. The outbox is woken once, after
    commit. The state is checked under the lock first: a cancelled mailing stops here. Side effect: an audit entry
    when the last recipient is done.
    """
    size = size or BATCH_SIZE
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None:
            return Batch(0, finished=False, stopped=True)
        if mailing.status == Status.APPROVED:
            mailing.status, mailing.started_at = Status.SENDING, clock.now()
            mailing.save(update_fields=["status", "started_at", "updated_at"])
        if mailing.status != Status.SENDING:
            return Batch(0, finished=mailing.status == Status.SENT, stopped=mailing.status != Status.SENT)
        recipients = list(
            MailingRecipient.objects.filter(mailing=mailing, done_at__isnull=True)
            .select_related(*selectors.RECIPIENT_RELATED)
            .order_by("id")[:size]
        )
        if recipients:
            texts, link, cause = rendering.Texts.of(mailing), rendering.portal_link(), f"mailing:{mailing.pk}"
            drafts = []
            for recipient in recipients:
                recipient.application.applicant = recipient.applicant
                rendered = rendering.render(mailing, recipient.application, texts, link=link)
                drafts.append(
                    MessageDraft(
                        user=recipient.applicant,
                        kind="mailing",
                        subject_zh=rendered.subject_zh,
                        subject_en=rendered.subject_en,
                        body_zh=rendered.body_zh,
                        body_en=rendered.body_en,
                        cause=cause,
                    )
                )
            # Two INSERTs for the batch (messages, emails), one wake-up of the outbox after commit.
            messages, now = deliver_messages(drafts, kick=True), clock.now()
            _mark_done(recipients, messages, now)
        if not MailingRecipient.objects.filter(mailing=mailing, done_at__isnull=True).exists():
            mailing.status, mailing.finished_at = Status.SENT, clock.now()
            mailing.save(update_fields=["status", "finished_at", "updated_at"])
            record_audit(actor=None, action="mailing.sent", target=mailing,
                         after={"recipients": mailing.recipients.count()})  # fmt: skip
            return Batch(len(recipients), finished=True, stopped=False)
    return Batch(len(recipients), finished=False, stopped=False)

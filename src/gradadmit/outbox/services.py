"""Writing to the outbox: an email row in the caller's transaction, delivery kicked once it commits.

Nothing here sends. `queue_email` is the only way the portal emails anyone; the worker delivers
(`outbox.delivery`). A rolled-back change leaves no email behind, a committed one never loses its email.
"""

from django.conf import settings
from django.core.mail import make_msgid
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gradadmit.core import clock
from gradadmit.core.audit import record_audit
from gradadmit.core.errors import DomainError
from gradadmit.outbox.models import Email


def queue_email(*, to: str, subject: str, body: str, cause: str, concerns=None, kick: bool = True) -> Email:
    """Write one email to the outbox (same transaction as the caller); the worker sends it after commit.

    Writing many at once (a mailing's batch), pass kick=False and call kick_delivery() once.
    """
    email = Email.objects.create(
        to=to,
        subject=subject[:400],
        body=body,
        cause=cause[:80],
        concerns=concerns,
        next_attempt_at=clock.now(),
        message_id=make_msgid(domain=settings.OUTBOX_MESSAGE_ID_DOMAIN),
    )
    if kick:
        kick_delivery()
    return email


def queue_emails(drafts: list[dict], *, kick: bool = True) -> list[Email]:
    """Many emails at once (a mailing's batch): one INSERT for all, in the caller's transaction.

    Each draft holds the keyword arguments of queue_email (to, subject, body, cause, concerns).
    """
    now = clock.now()
    emails = Email.objects.bulk_create(
        Email(
            to=draft["to"],
            subject=draft["subject"][:400],
            body=draft["body"],
            cause=draft["cause"][:80],
            concerns=draft.get("concerns"),
            next_attempt_at=now,
            message_id=make_msgid(domain=settings.OUTBOX_MESSAGE_ID_DOMAIN),
        )  # fmt: skip
        for draft in drafts
    )
    if kick and emails:
        kick_delivery()
    return emails


def kick_delivery() -> None:
    """Ask a worker to deliver once the transaction commits.

    Only a wake-up: the email rows are the truth, and the schedule runs delivery every 30 seconds anyway, so a
    process dying between commit and this call delays an email, never loses it.
    """
    transaction.on_commit(_enqueue_delivery)


def _enqueue_delivery() -> None:
    from gradadmit.outbox.tasks import deliver_outbox

    if not _delivery_waiting(deliver_outbox):
        deliver_outbox.enqueue()


def _delivery_waiting(task) -> bool:
    """A delivery task that has not started yet will see this email (committed by now): don't queue another.

    Many changes committing at once (a demo load, a batch of decisions) then queue one delivery, not thousands.
    Only the database backend has a queue to look at.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.ready().filter(task_path=task.module_path).exists()


def resend(*, actor, email: Email) -> Email:
    """Staff send an email again: a failed or cancelled one goes back to the queue; a sent one is copied.

    Audited. A queued or sending email is refused (it is on its way).
    """
    with transaction.atomic():
        locked = Email.objects.select_for_update().get(pk=email.pk)
        if locked.status in (Email.Status.QUEUED, Email.Status.SENDING):
            raise DomainError(_("This email is already on its way."))
        if locked.status == Email.Status.SENT:
            result = queue_email(
                to=locked.to, subject=locked.subject, body=locked.body, cause=locked.cause, concerns=locked.concerns
            )
            result.resent_from = locked
            result.save(update_fields=["resent_from"])
        else:
            result = locked
            result.status, result.attempts, result.next_attempt_at = Email.Status.QUEUED, 0, clock.now()
            result.save(update_fields=["status", "attempts", "next_attempt_at"])
            kick_delivery()
        record_audit(actor=actor, action="outbox.resent", target=locked, after={"email": result.pk})
    return result


def cancel_queued(*, emails) -> int:
    """Cancel emails not yet sent (a mailing stopped): queued ones, and sending ones whose worker is gone."""
    now = clock.now()
    return (
        Email.objects.filter(pk__in=emails.values("pk"))
        .filter(Q(status=Email.Status.QUEUED) | Q(status=Email.Status.SENDING, lease_until__lt=now))
        .update(status=Email.Status.CANCELLED, lease_until=None)
    )

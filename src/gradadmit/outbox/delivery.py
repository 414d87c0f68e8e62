"""Sending the outbox: claim due emails under a lease, send each over one SMTP connection, mark each at once.

The window (README, "Email outbox"): an email is marked sent in its own commit right after the SMTP server
accepted it. A worker killed between the server's "250" and that commit leaves the email "sending" with its
lease; once the lease ends (or the worker's heartbeat stops) it is sent again. So a kill can send at most one
email twice per worker (the one in flight) and never loses one: every other claimed email was either marked
sent or is still unsent and goes out after the lease.

Temporary failures (connection refused or reset, timeouts, SMTP 4xx) are retried with exponential backoff up to
OUTBOX_MAX_ATTEMPTS; permanent ones (SMTP 5xx, a malformed address) stop at once. OUTBOX_RATE_PER_MINUTE paces
every worker together through one SendingPace row.
"""

import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Q

from gradadmit.core import clock
from gradadmit.core.jobs import stale_worker_ids
from gradadmit.outbox.models import Email, SendingPace

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    out_of_time: bool = False


def classify(error: BaseException) -> tuple[bool, str]:
    """(permanent, text): SMTP 5xx and refused addresses are permanent; 4xx and network trouble are not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        detail = "; ".join(f"{code} {_text(message)}" for code, message in error.recipients.values())
        return bool(codes) and all(500 <= code < 600 for code in codes), f"SMTPRecipientsRefused: {detail}"
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600, f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError)):
        return False, f"{type(error).__name__}: {error}"
    return True, f"{type(error).__name__}: {error}"


def _text(reply) -> str:
    """An SMTP server's reply as text (smtplib gives bytes)."""
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def backoff(attempts: int) -> timedelta:
    """Wait before attempt n+1: base × 2^(n-1), capped at an hour."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


def due_filter(now, stale_workers) -> Q:
    """Queued and due, or claimed by a worker that is gone (its lease is over, or its heartbeat stopped)."""
    abandoned = Q(status=Email.Status.SENDING) & (Q(lease_until__lt=now) | Q(claimed_by__in=stale_workers))
    return Q(status=Email.Status.QUEUED, next_attempt_at__lte=now) | abandoned


def claim(*, worker_id: str, limit: int) -> list[Email]:
    """Take up to `limit` due emails for this worker under a lease (skipping rows another worker holds)."""
    now = clock.now()
    stale = stale_worker_ids(now) - {worker_id}
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS) + _pace_interval() * limit
    with transaction.atomic():
        rows = list(
            Email.objects.select_for_update(skip_locked=True)
            .filter(due_filter(now, stale))
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if not rows:
            return []
        Email.objects.filter(pk__in=rows).update(
            status=Email.Status.SENDING, claimed_by=worker_id, lease_until=now + lease
        )
    return list(Email.objects.filter(pk__in=rows).order_by("next_attempt_at", "id"))


def _pace_interval() -> timedelta:
    rate = settings.OUTBOX_RATE_PER_MINUTE
    return timedelta(seconds=60 / rate) if rate else timedelta(0)


def reserve_slots(count: int) -> list:
    """Times at which `count` emails may leave, shared by every worker (none when no rate is set)."""
    interval = _pace_interval()
    now = clock.now()
    if not interval or not count:
        return [now] * count
    with transaction.atomic():
        pace = SendingPace.objects.select_for_update().filter(pk=1).first()
        if pace is None:
            pace = SendingPace.objects.create(pk=1, next_slot_at=now)
        start = max(now, pace.next_slot_at)
        pace.next_slot_at = start + interval * count
        pace.save(update_fields=["next_slot_at"])
    return [start + interval * i for i in range(count)]


def _wait_until(moment) -> None:
    delay = (moment - clock.now()).total_seconds()
    if delay > 0:
        time.sleep(delay)


def _mark_sent(email: Email) -> None:
    """One UPDATE, committed at once (the duplicate window ends here). The hot path of a mailing: one statement
    per email, so it is written once as SQL instead of compiling the same queryset thousands of times."""
    table = connection.ops.quote_name(Email._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, lease_until = NULL, last_error = '', attempts = %s "  # noqa: S608
            "WHERE id = %s AND status = %s",
            [Email.Status.SENT, clock.now(), email.attempts + 1, email.pk, Email.Status.SENDING],
        )


def _mark_failed(email: Email, error: BaseException, report: DeliveryReport) -> None:
    permanent, text = classify(error)
    attempts = email.attempts + 1
    if permanent or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status, next_attempt = Email.Status.FAILED, email.next_attempt_at
        report.failed += 1
    else:
        status, next_attempt = Email.Status.QUEUED, clock.now() + backoff(attempts)
        report.retried += 1
    report.errors.append(text)
    log.warning("email #%s %s: %s", email.pk, status, text.split(":")[0])
    Email.objects.filter(pk=email.pk, status=Email.Status.SENDING).update(
        status=status, attempts=attempts, next_attempt_at=next_attempt, last_error=text[:300], lease_until=None
    )


def send_batch(emails: list[Email], report: DeliveryReport) -> None:
    """Send claimed emails over one connection, paced; a broken connection is opened again for the next."""
    slots = reserve_slots(len(emails))
    connection = get_connection(fail_silently=False)
    opened = False
    try:
        for email, slot in zip(emails, slots, strict=True):
            _wait_until(slot)
            try:
                if not opened:
                    connection.open()
                    opened = True
                message = EmailMessage(
                    subject=email.subject, body=email.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to],
                    headers={"Message-ID": email.message_id}, connection=connection,
                )  # fmt: skip
                message.send(fail_silently=False)
            except Exception as error:  # every failure is recorded on the email; the batch goes on
                _mark_failed(email, error, report)
                connection.close()
                opened = False
                continue
            _mark_sent(email)
            report.sent += 1
    finally:
        if opened:
            connection.close()


def deliver_due(*, worker_id: str, time_budget: float | None = None, batch_size: int | None = None) -> DeliveryReport:
    """Send every due email (or until the time budget is spent); returns what happened."""
    report = DeliveryReport()
    started = time.monotonic()
    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    rate = settings.OUTBOX_RATE_PER_MINUTE
    if rate:
        batch_size = max(1, min(batch_size, rate // 6))  # about ten seconds of sending per claim
    while True:
        if time_budget is not None and time.monotonic() - started >= time_budget:
            report.out_of_time = True
            break
        emails = claim(worker_id=worker_id, limit=batch_size)
        if not emails:
            break
        send_batch(emails, report)
    return report


def next_due_at():
    """When the next queued email is due (None when nothing waits), for the scheduler and the staff page."""
    return (
        Email.objects.filter(status=Email.Status.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )

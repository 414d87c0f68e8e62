"""Background tasks shared by every app: sending one email."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

log = logging.getLogger(__name__)


@task()
def send_email(*, to: str, subject: str, body: str, message_id: int | None = None):
    """Send one email; record success or failure on the in-portal message it belongs to, if any.

    A failure is recorded and re-raised, so the worker marks the task failed too.
    """
    from gradadmit.notifications.services import record_email_result

    email = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    try:
        email.send(fail_silently=False)
    except Exception as error:
        log.warning("email to message #%s failed: %s", message_id, type(error).__name__)
        if message_id:
            record_email_result(message_id=message_id, error=f"{type(error).__name__}: {error}")
        raise
    if message_id:
        record_email_result(message_id=message_id, error="")

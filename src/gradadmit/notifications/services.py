"""Telling an applicant something: an inbox message plus a bilingual email through the worker."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from gradadmit.core import clock
from gradadmit.core.mail import SEPARATOR, queue_email
from gradadmit.notifications.models import Message


def _render(template: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
    return " ".join(subject.split()), body.strip()


def notify(*, user, template: str, context: dict, email: bool = True) -> Message:
    """Store the message in both languages; queue one email holding both (after commit).

    `template` names notifications/email/<template>_subject.txt and _body.txt.
    """
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    subject_zh, body_zh = _render(template, context, "zh-hant")
    subject_en, body_en = _render(template, context, "en")
    message = Message.objects.create(
        recipient=user,
        kind=template,
        subject_zh=subject_zh,
        subject_en=subject_en,
        body_zh=body_zh,
        body_en=body_en,
        email_status=Message.EmailStatus.QUEUED if email else Message.EmailStatus.NONE,
    )
    if email:
        queue_email(
            to=user.email,
            subject=f"[GradAdmit] {subject_zh} / {subject_en}",
            body=body_zh + SEPARATOR + body_en + "\n",
            message_id=message.id,
        )
    return message


def record_email_result(*, message_id: int, error: str) -> None:
    """Called by the email task: sent, or failed with the reason (shown to the applicant and staff)."""
    if error:
        Message.objects.filter(pk=message_id).update(email_status=Message.EmailStatus.FAILED, email_error=error[:300])
    else:
        Message.objects.filter(pk=message_id).update(
            email_status=Message.EmailStatus.SENT, email_sent_at=clock.now(), email_error=""
        )


def mark_read(*, user, message: Message) -> None:
    """Mark the message read; the unread count loaded with the user (accounts.backends) follows."""
    if message.recipient_id != user.id or message.read_at:
        return
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=clock.now())
    if updated and getattr(user, "unread_messages", None):
        user.unread_messages -= updated

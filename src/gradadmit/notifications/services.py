"""Telling an applicant something: an inbox message plus a bilingual email through the worker."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from gradadmit.core import clock
from gradadmit.core.mail import SEPARATOR
from gradadmit.notifications.models import Message
from gradadmit.outbox.services import queue_email, queue_emails


def _render(template: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
    return " ".join(subject.split()), body.strip()


def notify(*, user, template: str, context: dict, email: bool = True) -> Message:
    """Store the message in both languages and, in the same transaction, its email (both languages) in the outbox.

    `template` names notifications/email/<template>_subject.txt and _body.txt.
    """
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    subject_zh, body_zh = _render(template, context, "zh-hant")
    subject_en, body_en = _render(template, context, "en")
    return deliver_message(
        user=user, kind=template, subject_zh=subject_zh, subject_en=subject_en, body_zh=body_zh, body_en=body_en,
        email=email, cause=f"message:{template}",
    )  # fmt: skip


def deliver_message(*, user, kind: str, subject_zh: str, subject_en: str, body_zh: str, body_en: str,
                    email: bool = True, cause: str = "", kick: bool = True) -> Message:  # fmt: skip
    """An inbox message already rendered (a mailing renders its own), with its outbox email when asked.

    Writing many at once (a mailing's batch), pass kick=False and call outbox.services.kick_delivery() once.
    """
    outbox_email = None
    if email:
        outbox_email = queue_email(
            to=user.email,
            subject=f"[GradAdmit] {subject_zh} / {subject_en}",
            body=body_zh + SEPARATOR + body_en + "\n",
            cause=cause or f"message:{kind}",
            concerns=user,
            kick=kick,
        )
    return Message.objects.create(
        recipient=user, kind=kind, subject_zh=subject_zh, subject_en=subject_en, body_zh=body_zh, body_en=body_en,
        email=outbox_email,
    )  # fmt: skip


@dataclass(frozen=True)
class MessageDraft:
    """An inbox message already rendered in both languages, for deliver_messages()."""

    user: object
    kind: str
    subject_zh: str
    subject_en: str
    body_zh: str
    body_en: str
    cause: str


def deliver_messages(drafts: list[MessageDraft], *, kick: bool = True) -> list[Message]:
    """Many inbox messages with their emails at once (a mailing's batch): two INSERTs, in the caller's
    transaction; the same rows deliver_message writes one by one. Returned in the order of the drafts."""
    emails = queue_emails(
        [
            {"to": d.user.email, "subject": f"[GradAdmit] {d.subject_zh} / {d.subject_en}",
             "body": d.body_zh + SEPARATOR + d.body_en + "\n", "cause": d.cause, "concerns": d.user}
            for d in drafts
        ],
        kick=kick,
    )  # fmt: skip
    return Message.objects.bulk_create(
        Message(
            recipient=d.user,
            kind=d.kind,
            subject_zh=d.subject_zh,
            subject_en=d.subject_en,
            body_zh=d.body_zh,
            body_en=d.body_en,
            email=email,
        )  # fmt: skip
        for d, email in zip(drafts, emails, strict=True)
    )


def mark_read(*, user, message: Message) -> None:
    """Mark the message read; the unread count loaded with the user (accounts.backends) follows."""
    if message.recipient_id != user.id or message.read_at:
        return
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=clock.now())
    if updated and getattr(user, "unread_messages", None):
        user.unread_messages -= updated

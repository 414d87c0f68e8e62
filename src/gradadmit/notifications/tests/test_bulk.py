"""Many inbox messages with their emails at once: the same rows as one by one, each message with its own email."""

import pytest
from django.core import mail

from gradadmit.notifications.models import Message
from gradadmit.notifications.services import MessageDraft, deliver_messages
from gradadmit.outbox.models import Email
from gradadmit.testing.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_each_message_gets_its_own_email_in_order(django_capture_on_commit_callbacks):
    users = [ProfileFactory().user for _ in range(3)]
    drafts = [
        MessageDraft(
            user=u,
            kind="mailing",
            subject_zh=f"主旨{n}",
            subject_en=f"Subject {n}",
            body_zh="內容",
            body_en="Text",
            cause="mailing:1",
        )  # fmt: skip
        for n, u in enumerate(users)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        messages = deliver_messages(drafts)
    assert [m.recipient_id for m in messages] == [u.pk for u in users]
    for n, message in enumerate(Message.objects.select_related("email").order_by("id")):
        assert message.email.to == users[n].email and message.email.concerns_id == users[n].pk
        assert message.email.subject == f"[GradAdmit] 主旨{n} / Subject {n}" and message.email.cause == "mailing:1"
    assert Email.objects.filter(status="sent").count() == 3 and len(mail.outbox) == 3  # one wake-up sent all
    assert len({e.message_id for e in Email.objects.all()}) == 3

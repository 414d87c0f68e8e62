"""Messages point at their email in the outbox; the email state they kept moves there (then their columns go)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

SEPARATOR = "\n\n" + "-" * 20 + " English " + "-" * 20 + "\n\n"


def move_email_state(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Email = apps.get_model("outbox", "Email")
    for message in Message.objects.exclude(email_status="none").select_related("recipient").iterator():
        status = {"sent": "sent", "failed": "failed"}.get(message.email_status, "queued")
        email = Email.objects.create(
            to=message.recipient.email, subject=f"[GradAdmit] {message.subject_zh} / {message.subject_en}"[:400],
            body=message.body_zh + SEPARATOR + message.body_en + "\n", cause=f"message:{message.kind}"[:80],
            concerns_id=message.recipient_id, status=status, attempts=1 if status != "queued" else 0,
            next_attempt_at=message.created_at, last_error=message.email_error, sent_at=message.email_sent_at,
            message_id=f"<{uuid.uuid4().hex}@gradadmit.local>",
        )  # fmt: skip
        Message.objects.filter(pk=message.pk).update(email=email)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="email",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="portal_message",
                to="outbox.email",
            ),
        ),
        migrations.RunPython(move_email_state, migrations.RunPython.noop),
        migrations.RemoveField(model_name="message", name="email_error"),
        migrations.RemoveField(model_name="message", name="email_sent_at"),
        migrations.RemoveField(model_name="message", name="email_status"),
    ]

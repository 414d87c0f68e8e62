"""Notices point at their email in the outbox; the send state they kept moves there (then their columns go).

The body of an old notice was never stored: the moved row records its state and says so in the body.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def move_email_state(apps, schema_editor):
    Notice = apps.get_model("recommendations", "RecommendationNotice")
    Email = apps.get_model("outbox", "Email")
    for notice in Notice.objects.select_related("request__application").iterator():
        status = notice.status if notice.status in ("sent", "failed") else "cancelled"
        email = Email.objects.create(
            to=notice.request.email, subject=f"[GradAdmit] recommendation {notice.kind}",
            body="(sent before the outbox; the text was not kept)", cause=f"recommendation:{notice.kind}",
            concerns_id=notice.request.application.applicant_id, status=status, attempts=1,
            next_attempt_at=notice.created_at, last_error=notice.error, sent_at=notice.sent_at,
            message_id=f"<{uuid.uuid4().hex}@gradadmit.local>",
        )  # fmt: skip
        Notice.objects.filter(pk=notice.pk).update(email=email)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0002_order_by_foreign_key_column"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="recommendationnotice",
            name="email",
            field=models.OneToOneField(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                related_name="recommendation_notice", to="outbox.email",
            ),
        ),
        migrations.RunPython(move_email_state, migrations.RunPython.noop),
        migrations.RemoveField(model_name="recommendationnotice", name="error"),
        migrations.RemoveField(model_name="recommendationnotice", name="sent_at"),
        migrations.RemoveField(model_name="recommendationnotice", name="status"),
    ]
